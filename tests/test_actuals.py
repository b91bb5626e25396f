"""Progress: status date and actuals (plan-format.md, "Progress"), hand-computed plans with
the exact dates asserted, through the loader, the compiled problem, the solver and the verifier.

Plans start on Monday 2026-01-05 (day 0); the status date is Monday 2026-03-02 (day 56)
unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from plan_factory import make_problem
from qualplan.actuals import running_end
from qualplan.commands.pipeline import warning_line
from qualplan.loader import load_plan_text
from qualplan.problem import compile_plan
from qualplan.result import SolveStatus, schedule_times
from qualplan.solver import solve
from qualplan.solver.greedy import greedy_schedule
from qualplan.verify import ensure_verified, verify

STATUS = "2026-03-02"


def dates(problem, result) -> dict[str, tuple[str, str]]:
    """(start, end) ISO dates of every task and milestone of the result's schedule."""
    times = schedule_times(problem, result.schedule)
    return {
        node: (problem.date(times.start[node]).isoformat(), problem.date(times.end[node]).isoformat())
        for node in times.start
    }


def solved(problem):
    """Solve, and check that the solver's and the greedy's schedules both pass the verifier."""
    result = solve(problem, time_limit=2.0)
    assert result.schedule is not None
    assert verify(problem, result.schedule) == []
    greedy = greedy_schedule(problem)
    assert greedy is not None and verify(problem, greedy) == []
    return ensure_verified(result)


def test_a_done_task_keeps_its_actual_dates_though_they_break_its_window_and_not_before() -> None:
    problem = make_problem(
        [
            {
                "id": "cold-soak",
                "duration": "20d",
                "window": "march",
                "not_before": "2026-03-01",
                "actual": {"start": "2026-01-10", "end": "2026-01-20"},
            },
            {"id": "report", "duration": "5d", "after": ["cold-soak"]},
        ],
        status_date=STATUS,
        windows={"march": {"dates": ["2026-03-01..2026-03-31"]}},
    )
    assert problem.tasks["cold-soak"].state == "done"
    assert (problem.tasks["cold-soak"].fixed_start, problem.tasks["cold-soak"].fixed_end) == (5, 15)
    got = dates(problem, solved(problem))
    # duration_days of a done task is its actual span, 11 days, not its planned 20.
    assert got["cold-soak"] == ("2026-01-10", "2026-01-20")
    # The successor of a done task starts on the status date: unstarted work never begins earlier.
    assert got["report"] == ("2026-03-02", "2026-03-06")


def test_a_running_cycle_test_ends_where_its_remaining_cycles_end() -> None:
    # 400 cycles × (1/0.5 + 1/1.0) h = 1200 h = 50 days from the status date, its first remaining day.
    cycles = {"charge_c": 0.5, "discharge_c": 1.0}
    problem = make_problem(
        [
            {
                "id": "c60-b-life",
                "cycles": {"count": 1000, **cycles},
                "actual": {"start": "2025-11-03"},
                "remaining": {"count": 400, **cycles},
                "uses": {"cycler": 2},
            },
            {"id": "teardown", "duration": "3d", "after": ["c60-b-life"], "uses": {"cycler": 2}},
        ],
        start="2025-09-01",
        status_date=STATUS,
        resources={"cycler": {"capacity": 2}},
    )
    spec = problem.tasks["c60-b-life"]
    assert spec.state == "running"
    assert problem.date(spec.fixed_end) == dt.date(2026, 4, 20)
    assert running_end(None, problem.status_day, spec.progress.remaining) == spec.fixed_end
    got = dates(problem, solved(problem))
    assert got["c60-b-life"] == ("2025-11-03", "2026-04-20")
    assert got["teardown"] == ("2026-04-21", "2026-04-23")


def test_a_running_task_past_its_planned_end_ends_on_the_status_date() -> None:
    problem = make_problem(
        [
            {"id": "abuse", "duration": "10d", "actual": {"start": "2026-01-05"}},
            {"id": "next", "duration": "2d", "after": ["abuse"]},
        ],
        status_date=STATUS,
    )
    got = dates(problem, solved(problem))
    assert got["abuse"] == ("2026-01-05", "2026-03-02")  # planned to end 2026-01-14, still running
    assert got["next"] == ("2026-03-03", "2026-03-04")


def test_a_running_task_without_remaining_ends_with_its_planned_duration_from_the_actual_start() -> None:
    problem = make_problem(
        [{"id": "abuse", "duration": "70d", "actual": {"start": "2026-01-05"}}],
        status_date=STATUS,
    )
    assert dates(problem, solved(problem))["abuse"] == ("2026-01-05", "2026-03-15")


def test_working_days_remaining_count_from_the_status_date_across_a_holiday() -> None:
    # Status date Thursday 2026-04-02; 5 working days: Thu 2, Fri 3, (Easter week 6-10 off), Mon 13, Tue 14, Wed 15.
    problem = make_problem(
        [
            {
                "id": "pack-abuse",
                "duration": "30d",
                "calendar": "lab",
                "actual": {"start": "2026-03-02"},
                "remaining": "5d",
            },
            {"id": "pack-report", "duration": "1d", "calendar": "lab", "after": ["pack-abuse"]},
        ],
        status_date="2026-04-02",
        calendars={"lab": {"weekends": ["sat", "sun"], "holidays": ["2026-04-06..2026-04-10"]}},
    )
    spec = problem.tasks["pack-abuse"]
    assert (spec.progress.remaining, spec.progress.remaining_calendar) == (5, "lab")
    assert running_end(problem.calendars["lab"], problem.status_day, 5) == spec.fixed_end
    got = dates(problem, solved(problem))
    assert got["pack-abuse"] == ("2026-03-02", "2026-04-15")
    assert got["pack-report"] == ("2026-04-16", "2026-04-16")


def test_a_reached_late_milestone_counts_in_the_lateness_with_its_actual_date() -> None:
    problem = make_problem(
        [
            {"id": "build", "duration": "50d", "actual": {"start": "2026-01-05", "end": "2026-02-23"}},
            {"id": "life", "duration": "30d", "after": ["build"]},
        ],
        status_date=STATUS,
        milestones=[
            # Reached 5 days late at priority 3: 15 of lateness that no schedule can take back.
            {"id": "design-freeze", "after": ["build"], "due": "2026-02-20", "priority": 3, "actual": "2026-02-25"},
            {"id": "sop", "after": ["life"], "due": "2026-04-30"},
        ],
    )
    result = solved(problem)
    got = dates(problem, result)
    assert got["design-freeze"][0] == "2026-02-25"
    assert got["life"] == ("2026-03-02", "2026-03-31")
    assert (result.lateness, result.lateness_bound, result.verdict.value) == (15, 15, "missed")
    assert result.status is SolveStatus.OPTIMAL


def test_a_milestone_not_reached_falls_on_the_status_date_at_the_earliest() -> None:
    problem = make_problem(
        [{"id": "build", "duration": "5d", "actual": {"start": "2026-01-05", "end": "2026-01-09"}}],
        status_date=STATUS,
        milestones=[{"id": "built", "after": ["build"], "due": "2026-01-31"}],
    )
    result = solved(problem)
    assert dates(problem, result)["built"][0] == STATUS  # not recorded as reached: 30 days late
    assert result.lateness == 30


def test_the_actual_dates_stand_though_a_predecessor_would_push_them() -> None:
    # 'b' started before 'a' ended: out of sequence, a warning; the link is not enforced.
    text = PLAN_HEAD + (
        "tasks:\n"
        "  - {id: a, duration: 30d, actual: {start: 2026-01-05, end: 2026-02-03}}\n"
        "  - {id: b, duration: 10d, after: [a], actual: {start: 2026-01-20, end: 2026-01-29}}\n"
        "  - {id: c, duration: 5d, after: [b]}\n"
    )
    loaded = load_plan_text(text, "seq.yaml")
    assert loaded.ok
    assert [warning_line(warning) for warning in loaded.warnings] == [
        "seq.yaml:7:36: warning: tasks.b.after.a: out of sequence: 'b' started 2026-01-20, but its finish-to-start "
        "dependency on 'a' asks for 2026-02-04 or later; the actual dates stand"
    ]
    problem = compile_plan(loaded.plan)
    assert [(link.pred, link.succ) for link in problem.unenforced_links] == [("a", "b")]
    got = dates(problem, solved(problem))
    assert got["b"] == ("2026-01-20", "2026-01-29")
    assert got["c"] == ("2026-03-02", "2026-03-06")


PLAN_HEAD = "qualplan: 1\nid: p\nstart: 2026-01-05\nstatus_date: 2026-03-02\n"


def test_over_use_before_the_status_date_is_a_warning_and_capacity_holds_from_it() -> None:
    text = PLAN_HEAD + (
        "resources:\n"
        "  chamber: {capacity: 2}\n"
        "tasks:\n"
        "  - {id: a, duration: 40d, uses: {chamber: 2}, actual: {start: 2026-01-05, end: 2026-02-13}}\n"
        "  - {id: b, duration: 90d, uses: {chamber: 1}, actual: {start: 2026-02-01}}\n"
        "  - {id: c, duration: 10d, uses: {chamber: 2}}\n"
    )
    loaded = load_plan_text(text, "past.yaml")
    assert loaded.ok
    assert [warning_line(warning) for warning in loaded.warnings] == [
        "past.yaml:6:3: warning: resources.chamber: before the status date the recorded work held 3 units of "
        "'chamber' on 2026-02-01 ('a' 2, 'b' 1) but its capacity is 2; days before the status date are not checked"
    ]
    problem = compile_plan(loaded.plan)
    got = dates(problem, solved(problem))
    # 'b' holds one chamber until 2026-05-01 (90 days from 2026-02-01): 'c' needs both, so it waits.
    assert got["b"] == ("2026-02-01", "2026-05-01")
    assert got["c"] == ("2026-05-02", "2026-05-11")


def test_running_tasks_that_alone_exceed_a_capacity_from_the_status_date_are_an_error() -> None:
    text = PLAN_HEAD + (
        "resources:\n"
        "  chamber: {capacity: 2}\n"
        "tasks:\n"
        "  - {id: a, duration: 90d, uses: {chamber: 2}, actual: {start: 2026-02-01}}\n"
        "  - {id: b, duration: 90d, uses: {chamber: 1}, actual: {start: 2026-02-15}}\n"
    )
    loaded = load_plan_text(text, "busy.yaml")
    assert [str(error) for error in loaded.errors] == [
        "busy.yaml:6:3: resources.chamber: the tasks under way alone hold 3 units of 'chamber' on 2026-03-02 "
        "('a' 2, 'b' 1), more than its capacity 2; record the tasks that are done, or raise the capacity"
    ]
    assert [warning_line(warning) for warning in loaded.warnings] == [
        "busy.yaml:6:3: warning: resources.chamber: before the status date the recorded work held 3 units of "
        "'chamber' on 2026-02-15 ('a' 2, 'b' 1) but its capacity is 2; days before the status date are not checked"
    ]


def test_a_status_date_alone_moves_unstarted_work_and_is_the_explained_cause() -> None:
    from qualplan.explain import explain, render_text

    problem = make_problem(
        [{"id": "life", "duration": "30d"}],
        status_date=STATUS,
        milestones=[{"id": "done", "after": ["life"], "due": "2026-03-15"}],
    )
    result = solved(problem)
    assert dates(problem, result)["life"] == ("2026-03-02", "2026-03-31")
    text = render_text(explain(result, conflicts=False))
    assert "life 2026-03-02..2026-03-31 (30 d): starts 2026-03-02, the status date: no unstarted work begins" in text


def test_explain_names_a_running_task_and_where_its_remaining_work_ends() -> None:
    from qualplan.explain import explain, render_text, why_line

    cycles = {"charge_c": 0.33, "discharge_c": 0.33}
    problem = make_problem(
        [
            {
                "id": "c60-b-life",
                "cycles": {"count": 1000, **cycles},
                "actual": {"start": "2025-11-03"},
                "remaining": {"count": 400, **cycles},
            },
            {"id": "build", "duration": "10d", "actual": {"start": "2025-09-01", "end": "2025-09-10"}},
        ],
        start="2025-09-01",
        status_date=STATUS,
        milestones=[{"id": "sop", "after": ["c60-b-life", "build"], "due": "2026-06-30"}],
    )
    # 400 × (3.03 + 3.03) h = 2424.24... h -> 102 days from 2026-03-02: ends 2026-06-11.
    result = solved(problem)
    text = render_text(explain(result, conflicts=False), chains=True)
    assert "Set by c60-b-life (running, ends 2026-06-11)." in text
    assert (
        "c60-b-life 2025-11-03..2026-06-11 (221 d from its actual start; planned 1000 cycles × 6.061 h = 6061 h "
        "= 253 d): running: 400 cycles remain from the status date 2026-03-02, ends 2026-06-11"
    ) in text
    assert why_line(explain(result, conflicts=False), "sop").startswith("why: physics allow 2026-06-11")


def test_the_conflict_of_a_milestone_reached_late_is_its_own_due_date_not_a_met_one() -> None:
    from qualplan.explain import explain

    # A regression: switching every `not_before` off for the conflict search unpinned the running
    # tasks too, so a met milestone after them looked late on physics alone and was named instead.
    problem = compile_plan(load_plan_text(EXAMPLE.read_text(), str(EXAMPLE)).plan)
    result = solved(problem)
    conflict = explain(result).conflict
    assert conflict is not None and conflict.minimal
    assert [(rule.kind, rule.subject, rule.text) for rule in conflict.rules] == [
        ("due", "design-freeze", "milestone design-freeze due 2025-10-15")
    ]


EXAMPLE = Path(__file__).parent / "data" / "progress" / "c60-requal.yaml"


def test_the_exports_carry_each_tasks_progress_state() -> None:
    from qualplan.report.export_fields import task_state

    problem = compile_plan(load_plan_text(EXAMPLE.read_text(), str(EXAMPLE)).plan)
    result = solved(problem)
    assert [task_state(result, task) for task in problem.tasks] == ["done", "running", "running", "planned", "planned"]


def test_explain_says_why_a_running_task_without_remaining_work_ends_where_it_does() -> None:
    from qualplan.explain import explain, render_text

    problem = make_problem(
        [
            {"id": "abuse", "duration": "10d", "actual": {"start": "2026-01-05"}},
            {"id": "soak", "duration": "70d", "actual": {"start": "2026-01-05"}},
        ],
        status_date=STATUS,
        milestones=[{"id": "a", "after": ["abuse"]}, {"id": "s", "after": ["soak"]}],
    )
    text = render_text(explain(solved(problem), conflicts=False), chains=True)
    assert (
        "abuse 2026-01-05..2026-03-02 (57 d from its actual start; planned 10d = 10 d): running past its planned "
        "end 2026-01-14 (no remaining work recorded): ends 2026-03-02, the status date"
    ) in text
    assert (
        "soak 2026-01-05..2026-03-15 (70 d from its actual start; planned 70d = 70 d): running (no remaining work "
        "recorded): its planned duration from the actual start ends 2026-03-15"
    ) in text
