"""Risk runs with progress (plan-format.md, "Progress"): a done task never moves; a running task
keeps its actual start and draws its remaining work from the status day; every other task
starts on or after the status day, and a milestone not reached is dated no earlier."""

from __future__ import annotations

import datetime as dt
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualplan.result import schedule_times
from qualplan.risk import build_model
from qualplan.risk.expand import expand
from qualplan.risk.kernel import iteration_schedule
from qualplan.risk.reference import schedule_iteration
from qualplan.verify import verify
from risk_plans import START, checked_problem, risk_documents

PLAN: dict[str, Any] = {
    "qualplan": 1,
    "id": "progress",
    "start": "2026-01-05",
    "status_date": "2026-01-30",  # day 25
    "resources": {"rig": {"capacity": 1}},
    "tasks": [
        {
            "id": "build",
            "duration": "10d",
            "actual": {"start": "2026-01-05", "end": "2026-01-17"},  # days 0..12: done, 13 days not 10
            "risk": {"duration": {"low": "-50%", "high": "+50%"}},
        },
        {
            "id": "life",
            "duration": "30d",
            "after": ["build"],
            "uses": {"rig": 1},
            "actual": {"start": "2026-01-20"},  # day 15: running
            "remaining": "18d",
            "risk": {"duration": {"low": "-20%", "high": "+40%"}, "fail": 0.5},
        },
        {"id": "cold", "duration": "5d", "uses": {"rig": 1}},
        {"id": "report", "duration": "3d", "after": ["life", "cold"]},
    ],
    "milestones": [
        {"id": "freeze", "after": ["build"], "actual": "2026-01-19"},
        {"id": "done", "after": ["report"]},
        {"id": "early", "after": ["build"]},
    ],
}


def model_of(document: dict[str, Any]):
    problem = checked_problem(document)
    assert problem is not None
    return build_model(problem, None)


def test_a_done_task_keeps_its_actual_days_and_planned_work_starts_after_the_status_day() -> None:
    model = model_of(PLAN)
    cold = model.layout.first[2]
    for iteration in range(50):
        schedule = iteration_schedule(model, 4, iteration)
        assert (schedule.starts[0], schedule.ends[0]) == (0, 12)  # build as it happened
        assert schedule.starts[cold] >= 25
        assert schedule == schedule_iteration(model, model.draw(4, iteration))
    assert model.risks["build"].low == model.risks["build"].high == 13  # no draw for a done task


def test_a_running_task_draws_its_remaining_work_from_the_status_day_and_holds_its_rig() -> None:
    model = model_of(PLAN)
    risk = model.risks["life"]
    # -20 % / +40 % of the 18 days that remain, and no failure: its current run is taken to pass
    assert (risk.low, risk.likely, risk.high, risk.fail) == (Fraction(72, 5), 18, Fraction(126, 5), 0.0)
    life, cold = model.layout.first[1], model.layout.first[2]
    ends = set()
    for iteration in range(200):
        schedule = iteration_schedule(model, 1, iteration)
        assert schedule.starts[life] == 15
        ends.add(schedule.ends[life])
        assert schedule.starts[cold] == schedule.ends[life] + 1  # the rig is held until life ends
    assert min(ends) >= 25 + 15 - 1 and max(ends) <= 25 + 26 - 1 and len(ends) > 5


def test_reached_milestones_keep_their_date_and_others_are_no_earlier_than_the_status_day() -> None:
    model = model_of(PLAN)
    dates = iteration_schedule(model, 0, 0).dates
    assert dates[0] == 14  # freeze: reached 2026-01-19
    assert dates[2] == 25  # early: build ended on day 12, but it is not reached before the status day


def test_a_started_build_run_again_as_a_redo_draws_its_planned_length_and_keeps_its_rules() -> None:
    document = json.loads(json.dumps(PLAN))
    document["tasks"][2]["after"] = ["build"]
    document["tasks"][2]["risk"] = {"fail": 0.6, "attempts": 2, "retest": {"fix": "2d", "redo": ["build"]}}
    model = model_of(document)
    assert model.planned["build"].high == 15  # +50 % of the planned 10 days, not of its 13 actual days
    redo = next(slot for slot, spec in enumerate(model.layout.slots) if spec.id == "cold#redo1:build")
    lengths = set()
    for iteration in range(100):
        draws = model.draw(2, iteration)
        schedule = iteration_schedule(model, 2, iteration)
        assert schedule == schedule_iteration(model, draws)
        if schedule.starts[redo] is not None:
            lengths.add(schedule.ends[redo] - schedule.starts[redo] + 1)
            assert schedule.starts[redo] >= 25
    assert lengths and min(lengths) >= 5 and max(lengths) <= 15


def test_risk_takes_the_status_date_option(tmp_path: Path) -> None:
    from qualplan.commands.risk import run

    plan = tmp_path / "progress.yaml"
    plan.write_text(json.dumps({**PLAN, "status_date": "2026-01-25"}), encoding="utf-8")
    options = dict(iterations=50, seed=0, policy="priority", workers=1, backend="local", scheduler=None,
                   output_format="json", time_limit=2.0, iteration_time_limit=1.0)  # fmt: skip
    early = {}
    for status_date in (None, dt.date(2026, 1, 30)):
        out = io.StringIO()
        assert run(plan, **options, status_date=status_date, stdout=out, stderr=io.StringIO()) == 0
        milestones = {m["id"]: m for m in json.loads(out.getvalue())["milestones"]}
        early[status_date] = milestones["early"]["p90"]
        assert milestones["freeze"]["p10"] == milestones["freeze"]["p90"] == "2026-01-19"
    assert early == {None: "2026-01-25", dt.date(2026, 1, 30): "2026-01-30"}


@st.composite
def with_progress(draw, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a status date and actuals for some tasks (done ones end by it, running
    ones started by it); running tasks hold no resource, so running work never overfills one."""
    status = draw(st.integers(1, 30))
    start = dt.date.fromisoformat(START)
    document = json.loads(json.dumps(document))
    document["status_date"] = (start + dt.timedelta(days=status)).isoformat()
    for task in document["tasks"]:
        choice = draw(st.integers(0, 3))
        if choice == 1:
            first = draw(st.integers(0, status - 1))
            last = draw(st.integers(first, status))
            task["actual"] = {"start": (start + dt.timedelta(days=first)).isoformat(),
                              "end": (start + dt.timedelta(days=last)).isoformat()}  # fmt: skip
        elif choice == 2 and "uses" not in task:
            task["actual"] = {"start": (start + dt.timedelta(days=draw(st.integers(0, status)))).isoformat()}
            if draw(st.booleans()):
                task["remaining"] = f"{draw(st.integers(1, 15))}d"
    return document


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data(), risk_documents(horizon=400), st.integers(0, 1000))
def test_with_progress_kernel_equals_python_and_every_schedule_passes_the_verifier(data, document, seed) -> None:
    problem = checked_problem(data.draw(with_progress(document)))
    assume(problem is not None)
    model = build_model(problem, None)
    tasks = list(problem.tasks)
    for iteration in range(8):
        draws = model.draw(seed, iteration)
        schedule = iteration_schedule(model, seed, iteration)
        assert schedule == schedule_iteration(model, draws), iteration
        for task, started in model.progress.items():
            slot = model.layout.first[tasks.index(task)]
            assert schedule.starts[slot] in (started.start, None)
            if started.state == "done":
                assert schedule.ends[slot] == started.end
        if None in schedule.dates:
            continue
        expanded = expand(model, draws)
        starts = expanded.schedule(schedule.starts)
        assert verify(expanded.problem, starts) == []
        times = schedule_times(expanded.problem, starts)
        assert tuple(times.start[name] for name in problem.milestones) == schedule.dates


def test_chains_read_from_a_schedule_match_the_recorded_ones_with_progress() -> None:
    from qualplan.risk.chains import critical_from_schedule
    from qualplan.risk.reference import critical_tasks

    model = model_of(PLAN)
    for iteration in range(20):
        draws = model.draw(3, iteration)
        schedule = iteration_schedule(model, 3, iteration)
        expanded = expand(model, draws)
        read = critical_from_schedule(model, expanded, expanded.schedule(schedule.starts))
        assert read == critical_tasks(model, schedule), iteration
    assert critical_tasks(model, iteration_schedule(model, 3, 0))[2] == frozenset()  # `early`: the status day dates it
