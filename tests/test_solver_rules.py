"""Hand-computed plans, one per rule of plan format 1, with the exact dates asserted.

Plans start on Monday 2026-01-05 (day 0) unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from plan_factory import make_problem, unchecked_plan
from qualplan.problem import compile_plan
from qualplan.result import SolveStatus, Verdict, schedule_times
from qualplan.solver import solve
from qualplan.verify import ensure_verified, verify


def dates(problem, result) -> dict[str, tuple[str, str]]:
    """(start, end) ISO dates of every task and milestone of the result's schedule."""
    times = schedule_times(problem, result.schedule)
    return {
        node: (problem.date(times.start[node]).isoformat(), problem.date(times.end[node]).isoformat())
        for node in times.start
    }


def solved(problem, **options):
    result = solve(problem, time_limit=2.0, **options)
    if result.schedule is not None:
        assert verify(problem, result.schedule) == []
    ensure_verified(result)
    return result


def test_a_yearly_window_that_wraps_the_year_end_holds_a_task_across_new_year() -> None:
    problem = make_problem(
        [
            {"id": "winter-test", "duration": "60d", "window": "winter"},
            {"id": "exact-fit", "duration": "86d", "window": "winter"},  # 12-15 .. 03-10 is 86 days
            {"id": "too-late-for-this-winter", "duration": "70d", "window": "winter", "not_before": "2027-01-01"},
        ],
        start="2026-10-01",
        windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
    )
    result = solved(problem)
    got = dates(problem, result)
    assert got["winter-test"] == ("2026-12-15", "2027-02-12")
    assert got["exact-fit"] == ("2026-12-15", "2027-03-10")
    assert got["too-late-for-this-winter"] == ("2027-12-15", "2028-02-22")
    assert result.status is SolveStatus.OPTIMAL and result.proven


def test_a_task_longer_than_every_occurrence_of_its_window_means_no_schedule() -> None:
    # The loader rejects this plan (checks.py); the solver must still say "no schedule" on its own.
    plan = unchecked_plan(
        [{"id": "long-winter-test", "duration": "88d", "window": "winter"}],  # 86 days a winter, 87 in a leap one
        windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
        milestones=[{"id": "done", "after": ["long-winter-test"], "due": "2027-06-01"}],
        horizon="3y",
    )
    problem = compile_plan(plan)
    result = solved(problem)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.verdict is Verdict.MISSED
    assert result.schedule is None
    assert [outcome.date for outcome in result.milestone_outcomes()] == [None]
    assert "long-winter-test" in result.conflicts[0] and "window winter" in result.conflicts[0]


def test_an_explicit_date_window_picks_the_occurrence_the_task_fits_in() -> None:
    problem = make_problem(
        [{"id": "proving-ground", "duration": "15d", "window": "slot"}],
        windows={"slot": {"dates": ["2026-02-01..2026-02-10", "2026-03-01..2026-03-31"]}},
    )
    assert dates(problem, solved(problem))["proving-ground"] == ("2026-03-01", "2026-03-15")


def test_a_capacity_step_lets_a_third_task_run_in_parallel_only_from_its_date() -> None:
    problem = make_problem(
        [{"id": name, "duration": "5d", "uses": {"chamber": 1}} for name in ("a", "b", "c")],
        resources={"chamber": {"capacity": 1, "changes": [{"from": "2026-01-10", "capacity": 2}]}},
        milestones=[{"id": "all-done", "after": ["a", "b", "c"]}],
    )
    result = solved(problem)
    got = dates(problem, result)
    starts = sorted(got[name][0] for name in ("a", "b", "c"))
    assert starts == ["2026-01-05", "2026-01-10", "2026-01-10"]
    assert got["all-done"][0] == "2026-01-14"
    assert result.proven


def test_each_dependency_type_and_lag_and_a_task_after_a_milestone() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "5d"},  # 01-05 .. 01-09
            {"id": "fs", "duration": "1d", "after": [{"on": "a", "lag": "2d"}]},  # start >= end + 1 + 2
            {"id": "ss", "duration": "1d", "after": [{"on": "a", "type": "start", "lag": "3d"}]},
            {"id": "ff", "duration": "2d", "after": [{"on": "a", "type": "end", "lag": "4d"}]},  # end >= 01-13
            {"id": "after-gate", "duration": "1d", "after": ["gate"]},
            {"id": "with-gate", "duration": "1d", "after": [{"on": "gate", "type": "start", "lag": "2d"}]},
        ],
        milestones=[{"id": "gate", "after": ["fs", "ss", {"on": "ff", "lag": "1d"}]}],
    )
    got = dates(problem, solved(problem))
    assert got["fs"] == ("2026-01-12", "2026-01-12")
    assert got["ss"] == ("2026-01-08", "2026-01-08")
    assert got["ff"] == ("2026-01-12", "2026-01-13")
    assert got["gate"][0] == "2026-01-14"  # ff's end + 1 day of lag
    assert got["after-gate"][0] == "2026-01-15"
    assert got["with-gate"][0] == "2026-01-16"


def test_a_working_day_task_skips_weekends_and_a_holiday() -> None:
    problem = make_problem(
        [
            {"id": "build", "duration": "5d", "calendar": "workdays"},
            {"id": "soak", "duration": "3d", "after": ["build"]},
            {"id": "weekend-release", "duration": "5d", "calendar": "workdays", "not_before": "2026-01-10"},
        ],
        calendars={"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07", "2026-01-13..2026-01-14"]}},
    )
    got = dates(problem, solved(problem))
    assert got["build"] == ("2026-01-05", "2026-01-12")  # Mon, Tue, (Wed holiday), Thu, Fri, (weekend), Mon
    assert got["soak"] == ("2026-01-13", "2026-01-15")  # no calendar: runs through the holidays
    assert got["weekend-release"] == ("2026-01-12", "2026-01-20")  # Sat -> Mon 12, 15, 16, (weekend), 19, 20


def test_a_calendar_task_that_must_end_late_because_of_a_finish_to_finish_link() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "10d"},  # ends Wed 01-14
            {
                "id": "report",
                "duration": "2d",
                "calendar": "workdays",
                "after": [{"on": "a", "type": "end", "lag": "3d"}],
            },
        ],
        calendars={"workdays": {"weekends": ["sat", "sun"]}},
    )
    # end >= Sat 01-17, a working day: Mon 01-19, so the two days are Fri 01-16 and Mon 01-19.
    assert dates(problem, solved(problem))["report"] == ("2026-01-16", "2026-01-19")


@pytest.mark.parametrize(("urgent", "relaxed"), [("pack", "module"), ("module", "pack")])
def test_priorities_decide_which_milestone_is_late(urgent: str, relaxed: str) -> None:
    problem = make_problem(
        [
            {"id": "module-test", "duration": "10d", "uses": {"shaker": 1}},
            {"id": "pack-test", "duration": "10d", "uses": {"shaker": 1}},
        ],
        resources={"shaker": {"capacity": 1}},
        milestones=[
            {"id": "module", "after": ["module-test"], "due": "2026-01-14", "priority": 3 if urgent == "module" else 1},
            {"id": "pack", "after": ["pack-test"], "due": "2026-01-14", "priority": 3 if urgent == "pack" else 1},
        ],
    )
    result = solved(problem)
    outcomes = {outcome.id: outcome for outcome in result.milestone_outcomes()}
    assert outcomes[urgent].date == dt.date(2026, 1, 14) and outcomes[urgent].met
    assert outcomes[relaxed].date == dt.date(2026, 1, 24) and outcomes[relaxed].late_days == 10
    assert result.verdict is Verdict.MISSED
    assert (result.lateness, result.lateness_bound) == (10, 10)
    assert result.proven


def test_a_stage_named_in_after_waits_for_every_task_of_the_stage() -> None:
    problem = make_problem(
        [
            {"id": "cell-a", "stage": "cells", "duration": "3d"},
            {"id": "cell-b", "stage": "cells", "duration": "5d"},
            {"id": "pack", "duration": "2d", "after": [{"on": "cells", "lag": "1w"}]},
        ],
        stages=[{"id": "cells"}],
        milestones=[{"id": "sop", "after": ["pack"], "due": "2026-01-25"}],
    )
    result = solved(problem)
    got = dates(problem, result)
    assert got["pack"] == ("2026-01-17", "2026-01-18")  # cell-b ends 01-09, + 1 day + 7 days of lag
    assert result.verdict is Verdict.MET and result.lateness == 0


def test_a_fixed_at_milestone_holds_back_the_tasks_after_it() -> None:
    problem = make_problem(
        [
            {"id": "line-trial", "duration": "4d", "after": ["line-ready"]},
            {"id": "line-audit", "duration": "1d", "after": [{"on": "line-ready", "type": "start"}]},
        ],
        milestones=[
            {"id": "line-ready", "at": "2026-02-01"},
            {"id": "sop", "after": ["line-trial"], "due": "2026-02-03"},
        ],
    )
    result = solved(problem)
    got = dates(problem, result)
    assert got["line-ready"][0] == "2026-02-01"
    assert got["line-trial"] == ("2026-02-02", "2026-02-05")
    assert got["line-audit"][0] == "2026-02-01"
    assert result.verdict is Verdict.MISSED and result.lateness == 2 and result.lateness_bound == 2


def test_a_plan_longer_than_its_horizon_has_no_schedule() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "6d"},
            {"id": "b", "duration": "6d", "after": [{"on": "a", "type": "end", "lag": "5d"}]},
        ],
        horizon="10d",
        milestones=[{"id": "m", "after": ["b"], "due": "2026-01-10"}],
    )
    result = solved(problem)
    assert result.status is SolveStatus.INFEASIBLE and result.verdict is Verdict.MISSED
    assert result.schedule is None and result.lateness is None
    assert "b" in result.conflicts[0] and "2026-01-14" in result.conflicts[0]  # the horizon's last day


def test_resources_that_cannot_hold_inside_the_horizon_are_proved_infeasible_twice() -> None:
    problem = make_problem(
        [{"id": name, "duration": "5d", "uses": {"rig": 1}} for name in ("a", "b")],
        resources={"rig": {"capacity": 1}},
        horizon="9d",
    )
    result = solved(problem)
    assert result.status is SolveStatus.INFEASIBLE and result.verdict is Verdict.MISSED
    assert "rig" in result.conflicts[0]
    assert result.schedule is None


def test_a_plan_without_milestones_minimises_the_last_end() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "4d", "uses": {"rig": 2}},
            {"id": "b", "duration": "3d", "uses": {"rig": 1}},
            {"id": "c", "duration": "3d", "uses": {"rig": 1}},
        ],
        resources={"rig": {"capacity": 2}},
    )
    result = solved(problem)
    assert result.objective[2] == 6  # b and c side by side (days 0-2 or 4-6), a alone: 7 days
    assert result.proven


def test_progress_reports_improving_solutions_of_each_phase() -> None:
    problem = make_problem(
        [{"id": f"t{i}", "duration": f"{2 + i % 3}d", "uses": {"rig": 1}} for i in range(6)],
        resources={"rig": {"capacity": 2}},
        milestones=[{"id": f"m{i}", "after": [f"t{i}"], "due": "2026-01-07", "priority": 1 + i % 2} for i in range(6)],
    )
    events = []
    result = solve(problem, time_limit=2.0, progress=events.append)
    assert events, "no progress event"
    assert {event.phase for event in events} <= {"lateness", "dates", "last_end"}
    lateness_events = [event for event in events if event.phase == "lateness"]
    assert all(event.lateness >= event.lateness_bound for event in events)
    if lateness_events:
        assert lateness_events[-1].lateness == result.lateness
