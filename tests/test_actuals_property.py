"""Progress against oracles: re-planning from a status date with the optimal schedule's own
past recorded as actuals changes nothing, the verifier catches every move of an actual, and on
tiny plans the solver's optimum equals a brute-force enumeration of every schedule."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_factory import make_plan, make_problem
from plan_strategies import draw_tasks_and_milestones
from qualplan.checks import check
from qualplan.problem import compile_plan
from qualplan.result import Schedule, SolveStatus, schedule_times
from qualplan.solver import solve
from qualplan.solver.objective import term_values
from qualplan.verify import Rule, ensure_verified, verify

HORIZON = 12
TOP: dict[str, Any] = {
    "horizon": f"{HORIZON}d",
    "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07"]}},
    "windows": {"slot": {"dates": ["2026-01-05..2026-01-09", "2026-01-12..2026-01-16"]}},
}


@st.composite
def plan_documents(draw, max_tasks: int = 4) -> dict[str, Any]:
    """The top-level keys and tasks of a small plan over a 12-day horizon, every kind of rule."""
    count = draw(st.integers(1, max_tasks))
    capacity = draw(st.integers(1, 2))
    tasks, milestones = draw_tasks_and_milestones(draw, count, max_use=capacity)  # more is a plan error
    return {
        "tasks": tasks,
        "milestones": milestones,
        "resources": {"rig": {"capacity": capacity}},
        **copy.deepcopy(TOP),
    }


def with_past_recorded(document: dict[str, Any], problem, schedule: Schedule, status_day: int) -> dict[str, Any]:
    """``document`` as of ``status_day``, with ``schedule``'s past as actuals: a task that started
    before it is done if it ended before it, else running (without ``remaining``); a milestone
    that fell before it is reached."""
    times = schedule_times(problem, schedule)
    changed = copy.deepcopy(document)
    changed["status_date"] = problem.date(status_day).isoformat()
    for task in changed["tasks"]:
        start, end = times.start[task["id"]], times.end[task["id"]]
        if start < status_day:
            task["actual"] = {"start": problem.date(start).isoformat()}
            if end < status_day:
                task["actual"]["end"] = problem.date(end).isoformat()
    for milestone in changed["milestones"]:
        if times.start[milestone["id"]] < status_day:
            milestone["actual"] = problem.date(times.start[milestone["id"]]).isoformat()
    return changed


def unenforced_end_link_into_running(problem) -> bool:
    """A finish-to-finish link from a planned task into a running one: the only link whose dropping
    lets the re-plan move a task the original plan held back (so it may only do better)."""
    return any(
        link.type == "end" and problem.tasks[link.pred].state == "planned" and link.succ in problem.tasks
        for link in problem.unenforced_links
    )


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_documents(), st.integers(1, HORIZON - 1))
def test_replanning_with_the_optimal_schedules_past_as_actuals_keeps_its_optimum(document, status_day) -> None:
    problem = make_problem(**document)
    first = solve(problem, time_limit=2.0)
    if first.status is not SolveStatus.OPTIMAL:
        return  # infeasible plans have no past to record; unproved ones nothing to compare
    ensure_verified(first)
    changed = with_past_recorded(document, problem, first.schedule, status_day)
    plan = make_plan(**changed)
    assert [finding for finding in check(changed | {"qualplan": 1, "id": "p"}, plan) if not finding.warning] == []
    replanned_problem = compile_plan(plan)
    replanned = ensure_verified(solve(replanned_problem, time_limit=2.0))
    # The old optimum is a schedule of the re-plan: never worse.
    assert verify(replanned_problem, first.schedule) == []
    assert replanned.objective is not None and replanned.objective <= first.objective
    if replanned.status is SolveStatus.OPTIMAL and not unenforced_end_link_into_running(replanned_problem):
        assert replanned.objective == first.objective


def brute_force(problem) -> tuple[int, int, int] | None:
    """The best objective over every assignment of start days, or None if none is valid."""
    best = None
    tasks = list(problem.tasks)
    for starts in itertools.product(range(HORIZON), repeat=len(tasks)):
        schedule = Schedule(dict(zip(tasks, starts, strict=True)))
        if any(problem.end_of(task, start) is None for task, start in schedule.starts.items()):
            continue
        if verify(problem, schedule):
            continue
        values = term_values(problem, schedule)
        best = values if best is None or values < best else best
    return best


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_documents(max_tasks=3), st.integers(1, HORIZON - 1), st.data())
def test_the_optimum_with_progress_equals_brute_force(document, status_day, data) -> None:
    problem = make_problem(**document)
    first = solve(problem, time_limit=2.0)
    if first.schedule is None:
        return
    changed = with_past_recorded(document, problem, first.schedule, status_day)
    # Some running tasks get their remaining work instead, one to three days from the status date.
    for task in changed["tasks"]:
        if "actual" in task and "end" not in task["actual"] and data.draw(st.booleans()):
            task["remaining"] = f"{data.draw(st.integers(1, 3))}d"
    plan = make_plan(**changed)
    if any(not finding.warning for finding in check(changed | {"qualplan": 1, "id": "p"}, plan)):
        return  # a remaining past the horizon
    replanned = compile_plan(plan)
    result = solve(replanned, time_limit=2.0)
    expected = brute_force(replanned)
    if expected is None:
        assert result.schedule is None and result.status is SolveStatus.INFEASIBLE
        return
    ensure_verified(result)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == expected


# --- the verifier's own reading of progress ------------------------------------------------


def progress_problem():
    """Day 0 is Monday 2026-01-05; status date Monday 2026-01-12 (day 7)."""
    return make_problem(
        [
            {
                "id": "done",
                "duration": "3d",
                "uses": {"rig": 1},
                "actual": {"start": "2026-01-05", "end": "2026-01-09"},
            },
            {"id": "running", "duration": "6d", "uses": {"rig": 1}, "actual": {"start": "2026-01-06"}},
            {"id": "later", "duration": "2d", "after": ["done"], "uses": {"rig": 1}},
        ],
        status_date="2026-01-12",
        resources={"rig": {"capacity": 1}},  # 'done' and 'running' overlap before the status date
        milestones=[
            {"id": "reached", "after": ["running"], "actual": "2026-01-08"},  # out of sequence: not checked
            {"id": "open", "after": ["later"]},
        ],
        horizon="30d",
    )


def test_the_verifier_accepts_the_actuals_and_skips_the_past_and_links_into_them() -> None:
    problem = progress_problem()
    # 'running' (planned 6 d from 2026-01-06) ends 2026-01-11, before the status date: it ends on it.
    schedule = Schedule({"done": 0, "running": 1, "later": 8})
    assert verify(problem, schedule) == []
    times = schedule_times(problem, schedule)
    assert (times.end["running"], times.start["reached"], times.start["open"]) == (7, 3, 9)


def test_the_verifier_rejects_a_moved_actual_and_unstarted_work_before_the_status_date() -> None:
    problem = progress_problem()
    moved = verify(problem, Schedule({"done": 1, "running": 1, "later": 8}))
    assert [(violation.rule, violation.ids) for violation in moved] == [(Rule.ACTUAL, ("done",))]
    assert str(moved[0]) == (
        "actual: task 'done' runs 2026-01-06..2026-01-10, but its actual progress puts it on 2026-01-05..2026-01-09"
    )
    early = verify(problem, Schedule({"done": 0, "running": 1, "later": 6}))
    assert [(violation.rule, violation.ids) for violation in early] == [
        (Rule.STATUS_DATE, ("later",)),
        (Rule.CAPACITY, ("rig", "running", "later")),
    ]
    # A milestone not reached falls on the status date at the earliest, whatever its tasks' ends
    # ('later' 2026-01-10..2026-01-11 here): by definition, so it can never be before it.
    assert schedule_times(problem, Schedule({"done": 0, "running": 1, "later": 5})).start["open"] == 7
    assert str(early[0]) == (
        "status-date: task 'later' has not started by the status date 2026-01-12, but the schedule starts it 2026-01-11"
    )
