"""The greedy serial schedule: feasible whenever it fits, and where it puts tasks."""

from __future__ import annotations

from plan_factory import make_problem
from qualplan.result import schedule_times
from qualplan.solver import greedy_schedule
from qualplan.verify import verify


def test_greedy_places_each_task_at_the_first_day_capacity_allows() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "3d", "uses": {"rig": 2}},
            {"id": "b", "duration": "2d", "uses": {"rig": 1}},
            {"id": "c", "duration": "2d", "uses": {"rig": 1}, "after": ["b"]},
        ],
        resources={"rig": {"capacity": 2, "changes": [{"from": "2026-01-06", "capacity": 3}]}},
    )
    schedule = greedy_schedule(problem)
    assert schedule is not None and verify(problem, schedule) == []
    # b goes first (it has a successor, so its latest start is earlier) and takes one of
    # the two units on day 0; a needs two, so it waits for the third unit on day 1.
    assert dict(schedule.starts) == {"a": 1, "b": 0, "c": 2}


def test_greedy_respects_calendars_windows_and_lags() -> None:
    problem = make_problem(
        [
            {"id": "build", "duration": "3d", "calendar": "workdays", "not_before": "2026-01-08"},
            {"id": "drive", "duration": "4d", "window": "slot", "after": [{"on": "build", "lag": "1d"}]},
        ],
        calendars={"workdays": {"weekends": ["sat", "sun"]}},
        windows={"slot": {"dates": ["2026-01-10..2026-01-14", "2026-01-20..2026-01-31"]}},
    )
    schedule = greedy_schedule(problem)
    times = schedule_times(problem, schedule)
    assert problem.date(times.start["build"]).isoformat() == "2026-01-08"  # Thu, Fri, Mon
    assert problem.date(times.end["build"]).isoformat() == "2026-01-12"
    # Not before 01-14; the first occurrence ends 01-14, so the drive waits for the second.
    assert problem.date(times.start["drive"]).isoformat() == "2026-01-20"
    assert verify(problem, schedule) == []


def test_greedy_serves_the_tightest_due_date_first() -> None:
    problem = make_problem(
        [
            {"id": "slack-test", "duration": "5d", "uses": {"rig": 1}},
            {"id": "urgent-test", "duration": "5d", "uses": {"rig": 1}},
        ],
        resources={"rig": {"capacity": 1}},
        milestones=[
            {"id": "late-gate", "after": ["slack-test"], "due": "2026-03-01"},
            {"id": "early-gate", "after": ["urgent-test"], "due": "2026-01-09"},
        ],
    )
    assert dict(greedy_schedule(problem).starts) == {"slack-test": 5, "urgent-test": 0}


def test_greedy_gives_up_when_the_horizon_is_too_short() -> None:
    problem = make_problem(
        [{"id": name, "duration": "5d", "uses": {"rig": 1}} for name in ("a", "b")],
        resources={"rig": {"capacity": 1}},
        horizon="9d",
    )
    assert greedy_schedule(problem) is None
