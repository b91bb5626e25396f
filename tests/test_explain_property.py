"""Every label of the critical chain is checked against ``verify``, which knows
nothing about explanations: moving the labelled task one day earlier (or to the
earlier start its own rules allow) must break exactly the kind of rule the label
names, and a "slack" label must mean the earlier start breaks nothing.

Plans are random (dependencies of every type with lags, a resource, a
working-day calendar with a holiday, a window, ``not_before``) and scheduled by
a small serial schedule-generation scheme, so no solver is needed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from plan_factory import problem_of_document
from qualplan.explain import explain
from qualplan.explain.chain import latest_own_start_before
from qualplan.graph import first_fit, link_bounds
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict, schedule_times
from qualplan.verify import Rule, verify

START = dt.date(2026, 1, 5)
LABEL_RULE = {
    "window": Rule.WINDOW,
    "not_before": Rule.NOT_BEFORE,
    "plan_start": Rule.PLAN_START,
}


@st.composite
def plans(draw: st.DrawFn) -> Problem:
    count = draw(st.integers(2, 6))
    capacity = draw(st.integers(1, 2))
    tasks = []
    for index in range(count):
        task: dict[str, object] = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 9))}d"}
        preds = draw(st.lists(st.integers(0, index - 1), max_size=2, unique=True)) if index else []
        if preds:
            task["after"] = [
                {
                    "on": f"t{pred}",
                    "type": draw(st.sampled_from(["finish", "start", "end"])),
                    "lag": f"{draw(st.integers(0, 3))}d",
                }
                for pred in preds
            ]
        units = draw(st.integers(0, capacity))
        if units:
            task["uses"] = {"rig": units}
        if draw(st.booleans()):
            task["calendar"] = "works"
        if draw(st.integers(0, 3)) == 0:
            task["window"] = "slot"
        if draw(st.integers(0, 3)) == 0:
            task["not_before"] = (START + dt.timedelta(days=draw(st.integers(1, 12)))).isoformat()
        tasks.append(task)
    return problem_of_document(
        {
            "qualplan": 1,
            "id": "p",
            "start": START.isoformat(),
            "horizon": "200d",
            "calendars": {"works": {"weekends": ["sat", "sun"], "holidays": ["2026-01-14..2026-01-16"]}},
            "windows": {"slot": {"dates": ["2026-01-20..2026-02-05", "2026-02-20..2026-04-30"]}},
            "resources": {"rig": {"capacity": capacity}},
            "tasks": tasks,
            "milestones": [{"id": "m", "after": [task["id"] for task in tasks]}],
        }
    )


def serial_schedule(problem: Problem) -> Schedule | None:
    """Each task in plan order (predecessors come first) at its first start that fits every rule."""
    starts: dict[str, int] = {}
    used = [0] * problem.days
    for task_id, spec in problem.tasks.items():
        ends = {task: problem.end_of(task, start) for task, start in starts.items()}
        not_before, end_not_before = link_bounds(problem, task_id, starts, ends)
        units = dict(spec.uses).get("rig", 0)
        start = first_fit(problem, task_id, not_before, end_not_before)
        while start is not None:
            end = problem.end_of(task_id, start)
            if all(used[day] + units <= problem.capacity_on("rig", day) for day in range(start, end + 1)):
                break
            start = first_fit(problem, task_id, start + 1, end_not_before)
        if start is None:
            return None
        starts[task_id] = start
        for day in range(start, problem.end_of(task_id, start) + 1):
            used[day] += units
    return Schedule(starts)


def moved(problem: Problem, schedule: Schedule, task_id: str, day: int) -> set[tuple[Rule, tuple[str, ...]]]:
    starts = dict(schedule.starts)
    starts[task_id] = day
    return {(violation.rule, violation.ids) for violation in verify(problem, Schedule(starts))}


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_label_names_a_rule_that_an_earlier_start_breaks(problem: Problem):
    schedule = serial_schedule(problem)
    assume(schedule is not None)
    assert verify(problem, schedule) == []
    result = SolveResult(problem, SolveStatus.FEASIBLE, Verdict.MET, False, schedule, 0, 0, 0.0)
    chain = explain(result, conflicts=False).milestone("m").chain
    times = schedule_times(problem, schedule)
    assert chain[0].start == times.start["m"]

    for link in chain[1:]:
        if link.is_milestone:
            continue
        task, start = link.node, link.start
        assert start == schedule.starts[task]
        kinds = {reason.kind for reason in link.reasons}
        for kind in kinds:
            event(f"label {kind}")
        earlier = latest_own_start_before(problem, task, start)
        if start > 0:
            assert moved(problem, schedule, task, start - 1), f"{task} could start a day earlier"
        for reason in link.reasons:
            if reason.kind == "dependency":
                day = earlier if earlier is not None else start - 1
                broken = moved(problem, schedule, task, day)
                assert (Rule.DEPENDENCY, (reason.on, task)) in broken
            elif reason.kind == "resource":
                assert earlier is not None
                assert any(
                    rule is Rule.CAPACITY and ids[0] == reason.on
                    for rule, ids in moved(problem, schedule, task, earlier)
                )
            elif reason.kind == "slack":
                assert reason.day == earlier
                assert moved(problem, schedule, task, earlier) == set()
            elif reason.kind == "non_working":
                assert not problem.calendars[link.calendar].is_working(start - 1)
            elif reason.kind in LABEL_RULE and link.calendar is None:
                assert any(rule is LABEL_RULE[reason.kind] for rule, _ in moved(problem, schedule, task, start - 1))
        # Whatever breaks at the earlier own start is named (a tight dependency or a full resource).
        if earlier is not None and "slack" not in kinds:
            broken = {rule for rule, _ in moved(problem, schedule, task, earlier)}
            assert broken <= {Rule.DEPENDENCY, Rule.CAPACITY}
            assert ("dependency" in kinds) == (Rule.DEPENDENCY in broken)
            if Rule.DEPENDENCY not in broken:
                assert "resource" in kinds
