"""The terminal table of ``check``: milestone, due, date, slack or lateness, outcome, and a verdict line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hand_results import earliest_result, problem_of, result_without_schedule, unproved_result
from qualplan.report import text
from qualplan.result import Schedule, SolveStatus, StoppedBy, Verdict

TASKS = [
    {"id": "build", "duration": "2w"},
    {"id": "cycle-life", "duration": "120d", "after": ["build"]},
    {"id": "abuse", "duration": "10d", "after": ["build"]},
]
MILESTONES = [
    {"id": "cells-done", "name": "Cells qualified", "after": ["cycle-life"], "due": "2026-05-01", "priority": 2},
    {"id": "safety", "name": "Safety report [GB 38031]", "after": ["abuse"], "due": "2026-03-01"},
    {"id": "line", "at": "2026-09-01"},
]


def problem():
    return problem_of(TASKS, milestones=MILESTONES, id="cells", title="60Ah cell qualification")


def test_missed_plan_pins_the_whole_table_and_verdict():
    # build 01-05..01-18; cycle life 01-19..05-18 (17 days after 05-01); abuse 01-19..01-28.
    output = text.render(earliest_result(problem()), Path("plans/cells.yaml"))
    assert output == (
        "cells  60Ah cell qualification  (plans/cells.yaml)\n"
        "milestone   name                      due         date        slack / late\n"
        "cells-done  Cells qualified           2026-05-01  2026-05-18     17 d late  missed\n"
        "safety      Safety report [GB 38031]  2026-03-01  2026-01-28    32 d slack  met\n"
        "line                                  —           2026-09-01             —  no due date\n"
        "schedule: 2026-01-05 .. 2026-05-18 (3 tasks)\n"
        "verdict: missed — no schedule meets every due date (proved: lateness of at least 34 priority-weighted "
        "days); best schedule has lateness 34, optimal (proved)\n"
    )


def test_met_plan_shows_slack_and_optimal_proved():
    plan = problem_of(TASKS[:1], milestones=[{"id": "built", "after": ["build"], "due": "2026-01-31"}])
    output = text.render(earliest_result(plan))
    assert "built      2026-01-31  2026-01-18    13 d slack  met\n" in output
    assert output.endswith("verdict: met — every due date is met; schedule optimal (proved)\n")


def test_unknown_verdict_says_late_not_missed_and_asks_for_more_time():
    result = unproved_result(problem(), Schedule({"build": 0, "cycle-life": 20, "abuse": 14}))
    output = text.render(result)
    assert "cells-done  Cells qualified           2026-05-01  2026-05-24     23 d late  late\n" in output
    assert "  missed\n" not in output  # a time-out proves no milestone missed
    assert output.endswith(
        "verdict: unknown — the best schedule found in 2.0 s has lateness 46 (priority-weighted days), and it "
        "was not proved that any due date must be missed; try a longer --time-limit\n"
    )


def test_a_search_the_wall_clock_ended_says_a_rerun_may_differ():
    result = unproved_result(problem(), Schedule({"build": 0, "cycle-life": 20, "abuse": 14}))
    assert "note:" not in text.render(result)  # the work budget ended it: a rerun gives the same
    output = text.render(dataclasses.replace(result, stopped_by=StoppedBy.CLOCK))
    assert output.endswith(
        "try a longer --time-limit\n"
        "note: the time limit ran out on the wall clock before the work budget (busy machine?); a rerun may give "
        "a different schedule\n"
    )


def test_time_out_without_a_schedule_claims_nothing():
    output = text.render(result_without_schedule(problem(), SolveStatus.UNKNOWN))
    assert "cells-done  Cells qualified           2026-05-01  —                —  no date\n" in output
    assert "schedule:" not in output
    assert output.endswith(
        "verdict: unknown — no schedule found in 10.0 s, and none proved impossible; try a longer --time-limit\n"
    )


def test_proved_infeasible_plan_lists_the_conflicting_rules():
    conflicts = ("task 'abuse' must lie inside window 'winter'", "task 'abuse' may not start before 2026-04-01")
    output = text.render(result_without_schedule(problem(), SolveStatus.INFEASIBLE, conflicts))
    assert output.endswith(
        "verdict: missed — no schedule fits inside the horizon (proved); these rules cannot all hold:\n"
        "  - task 'abuse' must lie inside window 'winter'\n"
        "  - task 'abuse' may not start before 2026-04-01\n"
    )


def test_plan_without_milestones_says_so():
    output = text.render(earliest_result(problem_of(TASKS)))
    assert "(the plan has no milestones)\n" in output
    assert "verdict: met — every due date is met; schedule optimal (proved)" in output


def test_narrow_terminals_drop_names_but_never_cut_ids_or_dates():
    output = text.render(earliest_result(problem()), width=64)
    assert "milestone   due         date        slack / late\n" in output
    assert "cells-done  2026-05-01  2026-05-18     17 d late  missed\n" in output
    assert "Cells qualified" not in output
    medium = text.render(earliest_result(problem()), width=76)
    assert "cells-done  Cells qualif…  2026-05-01  2026-05-18     17 d late  missed\n" in medium
    assert "safety      Safety repor…  2026-03-01" in medium


def test_colour_only_when_asked():
    plain = text.render(earliest_result(problem()))
    coloured = text.render(earliest_result(problem()), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;31mmissed\x1b[0m" in coloured  # the verdict word, bold red


def test_summary_counts_each_kind_of_outcome():
    assert text.summary([Verdict.MET]) == "1 plan: 1 met"
    assert text.summary([Verdict.MISSED, Verdict.MET, Verdict.UNKNOWN, Verdict.MET], invalid=1, failed=1) == (
        "6 plans: 2 met, 1 missed, 1 unknown, 1 invalid, 1 internal error"
    )
    assert text.summary([], invalid=2) == "2 plans: 2 invalid"


def test_why_lines_follow_the_table_one_per_late_milestone():
    why = {"cells-done": "why: the tests alone take until 2026-05-18 (cycle-life 120 d, build 14 d)"}
    lines = text.render(earliest_result(problem()), why=why).splitlines()
    assert lines[5] == "why cells-done is late: the tests alone take until 2026-05-18 (cycle-life 120 d, build 14 d)"
    assert lines[6].startswith("schedule: ")


def test_unproved_met_and_missed_say_when_the_schedule_was_found():
    plan = problem_of(TASKS[:1], milestones=[{"id": "built", "after": ["build"], "due": "2026-01-31"}])
    met = dataclasses.replace(earliest_result(plan), status=SolveStatus.FEASIBLE, proven=False, wall_time=3.25)
    assert text.render(met).endswith(
        "verdict: met — every due date is met; schedule found in 3.2 s, not proved optimal\n"
    )
    late = problem()
    schedule = Schedule({"build": 0, "cycle-life": 16, "abuse": 14})
    missed = dataclasses.replace(
        unproved_result(late, schedule), verdict=Verdict.MISSED, lateness_bound=34, wall_time=10.0
    )
    assert text.render(missed).endswith(
        "verdict: missed — no schedule meets every due date (proved: lateness of at least 34 priority-weighted days); "
        "best schedule has lateness 38, found in 10.0 s, not proved optimal (lateness bound 34)\n"
    )
