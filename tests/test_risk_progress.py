"""Risk runs with progress (plan-format.md, "Progress"): the seam the ``progress`` branch plugs into.

A done task never moves; a running task keeps its actual start and draws its remaining
days from the status day; every other task starts on or after the status day. Built by
hand here (``spec.Actual``), as ``build_model(actuals=..., status_day=...)`` takes them,
until the compiled ``Problem`` carries actuals.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualplan.result import schedule_times
from qualplan.risk import build_model
from qualplan.risk.draws import draw_iteration
from qualplan.risk.expand import expand
from qualplan.risk.kernel import iteration_schedule
from qualplan.risk.reference import schedule_iteration
from qualplan.risk.spec import Actual
from qualplan.verify import verify
from risk_plans import checked_problem, risk_documents

PLAN = {
    "qualplan": 1,
    "id": "progress",
    "start": "2026-01-05",
    "resources": {"rig": {"capacity": 1}},
    "tasks": [
        {"id": "build", "duration": "10d", "risk": {"duration": {"low": "-50%", "high": "+50%"}}},
        {
            "id": "life",
            "duration": "30d",
            "after": ["build"],
            "uses": {"rig": 1},
            "risk": {"duration": {"low": "-20%", "high": "+40%"}, "fail": 0.5},
        },
        {"id": "cold", "duration": "5d", "uses": {"rig": 1}},
        {"id": "report", "duration": "3d", "after": ["life", "cold"]},
    ],
    "milestones": [{"id": "kickoff", "at": "2026-01-05"}, {"id": "done", "after": ["report"]}],
}


def test_a_done_task_never_moves_and_the_others_start_after_the_status_day() -> None:
    problem = checked_problem(PLAN)
    assert problem is not None
    model = build_model(problem, None, actuals={"build": Actual(0, 12)}, status_day=20)
    for iteration in range(50):
        schedule = iteration_schedule(model, 4, iteration)
        assert (schedule.starts[0], schedule.ends[0]) == (0, 12)  # build: its actual days, 13 not 10
        life, cold = model.layout.first[1], model.layout.first[2]
        assert schedule.starts[life] >= 20 and schedule.starts[cold] >= 20
    assert model.risks["build"].low == model.risks["build"].high == 13  # no draw for a done task


def test_a_running_task_draws_its_remaining_days_from_the_status_day_and_holds_its_rig() -> None:
    problem = checked_problem(PLAN)
    assert problem is not None
    # life started on day 15 (after build's actual end 12), 18 days remain at the status day 25
    model = build_model(problem, None, actuals={"build": Actual(0, 12), "life": Actual(15, None, 18)}, status_day=25)
    risk = model.risks["life"]
    assert (risk.low, risk.likely, risk.high, risk.fail) == (
        Fraction(72, 5),
        18,
        Fraction(126, 5),
        0.0,
    )  # -20 % / +40 % of 18, no failure
    ends = set()
    for iteration in range(200):
        schedule = iteration_schedule(model, 1, iteration)
        life, cold = model.layout.first[1], model.layout.first[2]
        assert schedule.starts[life] == 15
        ends.add(schedule.ends[life])
        assert schedule.starts[cold] == schedule.ends[life] + 1  # the rig is held until life ends
        assert schedule == schedule_iteration(model, draw_iteration(model.risks, 1, iteration))
    assert min(ends) >= 25 + 15 - 1 and max(ends) <= 25 + 26 - 1 and len(ends) > 5


def test_a_reached_milestone_keeps_its_date_and_one_not_reached_is_no_earlier_than_the_status_day() -> None:
    document = {
        "qualplan": 1,
        "id": "reached",
        "start": "2026-01-05",
        "tasks": [{"id": "a", "duration": "3d"}, {"id": "b", "duration": "3d"}],
        "milestones": [{"id": "freeze", "after": ["a"]}, {"id": "b-done", "after": ["b"]}],
    }
    problem = checked_problem(document)
    assert problem is not None
    model = build_model(problem, None, actuals={"a": Actual(0, 2), "b": Actual(0, 2)}, reached={"freeze": 4},
                        status_day=10)  # fmt: skip
    assert iteration_schedule(model, 0, 0).dates == (4, 10)


@st.composite
def progress(draw, document):
    """Actuals for some tasks of ``document``: done ones end by the status day, running ones
    started by it (those hold no resource, so that running work never overfills a resource)."""
    status = draw(st.integers(1, 30))
    actuals = {}
    for index, task in enumerate(document["tasks"]):
        choice = draw(st.integers(0, 3))
        if choice == 1:
            start = draw(st.integers(0, status - 1))
            actuals[index] = Actual(start, draw(st.integers(start, status)))
        elif choice == 2 and "uses" not in task:
            actuals[index] = Actual(draw(st.integers(0, status)), None, draw(st.integers(1, 15)))
    return status, actuals


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data(), risk_documents(horizon=400), st.integers(0, 1000))
def test_with_progress_kernel_equals_python_and_every_schedule_passes_the_verifier(data, document, seed) -> None:
    problem = checked_problem(document)
    assume(problem is not None)
    status, by_index = data.draw(progress(document))
    tasks = list(problem.tasks)
    actuals = {tasks[index]: actual for index, actual in by_index.items()}
    model = build_model(problem, None, actuals=actuals, status_day=status)
    for iteration in range(8):
        draws = draw_iteration(model.risks, seed, iteration)
        schedule = iteration_schedule(model, seed, iteration)
        assert schedule == schedule_iteration(model, draws), iteration
        for task, actual in actuals.items():
            slot = model.layout.first[tasks.index(task)]
            assert schedule.starts[slot] in (actual.start, None)
            if actual.end is not None:
                assert schedule.ends[slot] == actual.end
        if None in schedule.dates:
            continue
        expanded = expand(model, draws)
        starts = expanded.schedule(schedule.starts)
        assert verify(expanded.problem, starts) == []
        times = schedule_times(expanded.problem, starts)
        for name, date in zip(problem.milestones, schedule.dates, strict=True):
            fixed = problem.milestones[name].at is not None
            assert date == (times.start[name] if fixed else max(times.start[name], status))


def test_actuals_without_a_status_day_are_refused() -> None:
    problem = checked_problem(PLAN)
    assert problem is not None
    with pytest.raises(ValueError, match="come with a status day"):
        build_model(problem, None, actuals={"build": Actual(0, 12)})
