"""verify: every rule of plan format 1 caught on hand-made schedules, without the solver."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from largest_files import thousand_task_schedule
from plan_factory import make_problem
from qualplan.graph import earliest_times
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict
from qualplan.verify import Rule, ScheduleRejected, ensure_verified, lateness, objective_terms, verify

# 2026-01-05 is a Monday: day 5 is Saturday 2026-01-10.
START = "2026-01-05"


def earliest_schedule(problem: Problem) -> Schedule:
    """The CPM earliest starts: a valid (optimal) schedule when the plan has no resources."""
    times = earliest_times(problem)
    return Schedule({task: times.start[task] for task in problem.tasks})


def only(violations, rule: Rule):
    assert [violation.rule for violation in violations] == [rule], violations
    return violations[0]


RICH_PLAN = {
    "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-02-16..2026-02-22"]}},
    "windows": {"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
    "stages": [{"id": "cell"}],
    "milestones": [
        {"id": "done", "after": ["b", {"on": "c", "type": "end", "lag": "2d"}], "due": "2026-01-26", "priority": 3},
        {"id": "line", "at": "2026-03-01"},
        {"id": "review", "after": [{"on": "done", "lag": "1w"}]},
    ],
}
RICH_TASKS = [
    {"id": "a", "duration": "10d", "stage": "cell"},
    {"id": "b", "duration": "5d", "calendar": "workdays", "after": ["a"]},
    {"id": "c", "duration": "3d", "window": "winter", "after": [{"on": "cell", "lag": "1w"}]},
    {"id": "d", "duration": "2d", "after": ["line", {"on": "review", "type": "start"}], "not_before": "2026-02-01"},
]


# --- valid schedules -------------------------------------------------------------------


def test_earliest_schedule_of_a_plan_using_every_rule_is_valid():
    problem = make_problem(RICH_TASKS, **RICH_PLAN)
    schedule = earliest_schedule(problem)
    assert schedule.starts == {"a": 0, "b": 10, "c": 17, "d": 56}
    assert verify(problem, schedule) == []


def test_a_later_valid_schedule_is_valid_too():
    problem = make_problem(RICH_TASKS, **RICH_PLAN)
    # b on Monday 2026-01-26, c still inside the first winter, d well after everything.
    assert verify(problem, Schedule({"a": 3, "b": 21, "c": 40, "d": 100})) == []


def test_lateness_weights_days_late_by_priority():
    problem = make_problem(RICH_TASKS, **RICH_PLAN)
    # done = max(b end, c end + 2) = max(16, 24 + 2) = day 26 = 2026-01-31, due 2026-01-26: 5 days × priority 3.
    assert lateness(problem, Schedule({"a": 0, "b": 10, "c": 22, "d": 56})) == 15
    assert lateness(problem, earliest_schedule(problem)) == 0


# --- one rule broken at a time -------------------------------------------------------------


def test_missing_start_is_caught():
    problem = make_problem([{"id": "a", "duration": "2d"}, {"id": "b", "duration": "1d", "after": ["a"]}])
    violation = only(verify(problem, Schedule({"a": 0})), Rule.MISSING_START)
    assert violation.ids == ("b",)
    assert violation.message == "task 'b' has no start in the schedule"


def test_a_task_the_plan_does_not_have_is_caught():
    problem = make_problem([{"id": "a", "duration": "2d"}])
    violation = only(verify(problem, Schedule({"a": 0, "ghost": 3})), Rule.UNKNOWN_TASK)
    assert violation.message == "the schedule starts 'ghost', which is not a task of the plan"


def test_start_before_the_plan_start_is_caught():
    problem = make_problem([{"id": "a", "duration": "2d"}])
    violation = only(verify(problem, Schedule({"a": -1})), Rule.PLAN_START)
    assert violation.message == "task 'a' starts 2026-01-04, before the plan starts 2026-01-05"


def test_start_before_not_before_is_caught_and_the_day_itself_is_allowed():
    problem = make_problem([{"id": "a", "duration": "2d", "not_before": "2026-03-01"}])
    violation = only(verify(problem, Schedule({"a": 54})), Rule.NOT_BEFORE)
    assert violation.message == "task 'a' starts 2026-02-28, before its not_before 2026-03-01"
    assert verify(problem, Schedule({"a": 55})) == []


def test_end_after_the_horizon_is_caught_and_the_last_day_is_allowed():
    problem = make_problem([{"id": "a", "duration": "10d"}], horizon="30d")
    violation = only(verify(problem, Schedule({"a": 21})), Rule.HORIZON)
    assert violation.message == ("task 'a' (2026-01-26..2026-02-04) ends after the horizon's last day 2026-02-03")
    assert verify(problem, Schedule({"a": 20})) == []


def test_calendar_task_starting_on_a_weekend_is_caught():
    problem = make_problem([{"id": "a", "duration": "3d", "calendar": "workdays"}], **RICH_PLAN | {"milestones": []})
    violation = only(verify(problem, Schedule({"a": 5})), Rule.CALENDAR)
    assert violation.ids == ("a", "workdays")
    assert violation.message == ("task 'a' starts 2026-01-10 (Sat), which is not a working day of calendar 'workdays'")


def test_calendar_task_starting_on_a_holiday_is_caught():
    problem = make_problem([{"id": "a", "duration": "3d", "calendar": "workdays"}], **RICH_PLAN | {"milestones": []})
    violation = only(verify(problem, Schedule({"a": 43})), Rule.CALENDAR)  # Tuesday 2026-02-17, a holiday
    assert "starts 2026-02-17 (Tue), which is not a working day" in violation.message


def test_calendar_task_without_enough_working_days_before_the_horizon_is_caught():
    # Horizon 12 days: 2026-01-05 .. 2026-01-16; from Monday 2026-01-12 only 5 working days remain.
    problem = make_problem(
        [{"id": "a", "duration": "6d", "calendar": "workdays"}], horizon="12d", calendars=RICH_PLAN["calendars"]
    )
    violation = only(verify(problem, Schedule({"a": 7})), Rule.CALENDAR)
    assert violation.message == (
        "task 'a' starts 2026-01-12 but calendar 'workdays' has fewer than 6 working days left "
        "before the horizon's last day 2026-01-16"
    )
    assert verify(problem, Schedule({"a": 0})) == []


def test_calendar_task_span_counts_working_days_only():
    problem = make_problem(
        [{"id": "a", "duration": "5d", "calendar": "workdays"}, {"id": "b", "duration": "1d", "after": ["a"]}],
        calendars=RICH_PLAN["calendars"],
    )
    # Starting Wednesday 2026-01-07, five working days end Tuesday 2026-01-13: b may start Wednesday 01-14, not 01-13.
    only(verify(problem, Schedule({"a": 2, "b": 8})), Rule.DEPENDENCY)
    assert verify(problem, Schedule({"a": 2, "b": 9})) == []


def test_window_task_outside_every_occurrence_is_caught():
    problem = make_problem([{"id": "a", "duration": "3d", "window": "winter"}], windows=RICH_PLAN["windows"])
    # The first winter ends 2026-03-10 (day 64): a task over 03-09 .. 03-11 leaves it.
    violation = only(verify(problem, Schedule({"a": 63})), Rule.WINDOW)
    assert violation.ids == ("a", "winter")
    assert violation.message == (
        "task 'a' (2026-03-09..2026-03-11) is not inside one occurrence of window 'winter' "
        "(nearest occurrence 2026-01-05..2026-03-10)"
    )
    assert verify(problem, Schedule({"a": 62})) == []


def test_window_task_straddling_two_touching_occurrences_is_caught():
    windows = {"slot": {"dates": ["2026-02-01..2026-02-10", "2026-02-11..2026-02-20"]}}
    problem = make_problem([{"id": "a", "duration": "4d", "window": "slot"}], windows=windows)
    violation = only(verify(problem, Schedule({"a": 35})), Rule.WINDOW)  # 02-09 .. 02-12
    assert "(2026-02-09..2026-02-12) is not inside one occurrence of window 'slot'" in violation.message
    assert verify(problem, Schedule({"a": 37})) == []  # 02-11 .. 02-14


@pytest.mark.parametrize(
    ("after", "valid_b", "message"),
    [
        # a runs days 0..4 (01-05..01-09).
        (
            "a",
            5,
            "'b' start 2026-01-09 is before 2026-01-10, which its finish-to-start dependency on 'a' with lag 0 d "
            "requires ('a' runs 2026-01-05..2026-01-09)",
        ),
        (
            {"on": "a", "lag": "3d"},
            8,
            "'b' start 2026-01-12 is before 2026-01-13, which its finish-to-start "
            "dependency on 'a' with lag 3 d requires",
        ),
        (
            {"on": "a", "type": "start", "lag": "2d"},
            2,
            "'b' start 2026-01-06 is before 2026-01-07, which its "
            "start-to-start dependency on 'a' with lag 2 d requires",
        ),
        # finish-to-finish: b (3 days) must end on or after a's end + 1 = day 5, so start >= 3.
        (
            {"on": "a", "type": "end", "lag": "1d"},
            3,
            "'b' end 2026-01-09 is before 2026-01-10, which its "
            "finish-to-finish dependency on 'a' with lag 1 d requires",
        ),
    ],
)
def test_each_dependency_type_is_checked_to_the_day(after, valid_b, message):
    problem = make_problem([{"id": "a", "duration": "5d"}, {"id": "b", "duration": "3d", "after": [after]}])
    assert verify(problem, Schedule({"a": 0, "b": valid_b})) == []
    violation = only(verify(problem, Schedule({"a": 0, "b": valid_b - 1})), Rule.DEPENDENCY)
    assert violation.ids == ("a", "b")
    assert message in violation.message


def test_stage_dependency_names_the_stage_and_every_task_of_it():
    tasks = [
        {"id": "a", "duration": "5d", "stage": "cell"},
        {"id": "b", "duration": "9d", "stage": "cell"},
        {"id": "c", "duration": "1d", "after": ["cell"]},
    ]
    problem = make_problem(tasks, stages=[{"id": "cell"}])
    violation = only(verify(problem, Schedule({"a": 0, "b": 0, "c": 8})), Rule.DEPENDENCY)
    assert violation.ids == ("b", "c")
    assert "dependency on 'b' (via stage 'cell')" in violation.message
    assert verify(problem, Schedule({"a": 0, "b": 0, "c": 9})) == []


def test_task_after_a_milestone_waits_for_the_day_after_its_date():
    tasks = [{"id": "a", "duration": "5d"}, {"id": "b", "duration": "1d", "after": ["gate"]}]
    problem = make_problem(tasks, milestones=[{"id": "gate", "after": [{"on": "a", "lag": "2d"}]}])
    # gate = a end (day 4) + 2 = day 6; finish-to-start from a milestone: b start >= 7.
    violation = only(verify(problem, Schedule({"a": 0, "b": 6})), Rule.DEPENDENCY)
    assert violation.message == (
        "'b' start 2026-01-11 is before 2026-01-12, which its finish-to-start dependency on 'gate' "
        "with lag 0 d requires ('gate' date 2026-01-11)"
    )
    assert verify(problem, Schedule({"a": 0, "b": 7})) == []


def test_start_type_after_a_milestone_may_start_on_its_date():
    tasks = [{"id": "a", "duration": "5d"}, {"id": "b", "duration": "1d", "after": [{"on": "gate", "type": "start"}]}]
    problem = make_problem(tasks, milestones=[{"id": "gate", "after": ["a"]}])
    assert verify(problem, Schedule({"a": 0, "b": 4})) == []
    only(verify(problem, Schedule({"a": 0, "b": 3})), Rule.DEPENDENCY)


def test_task_after_a_fixed_date_milestone_waits_for_it():
    tasks = [{"id": "a", "duration": "2d", "after": [{"on": "line", "lag": "1d"}]}]
    problem = make_problem(tasks, milestones=[{"id": "line", "at": "2026-03-01"}])
    # line is day 55; a may start on day 55 + 1 + 1 = 57 (2026-03-03).
    violation = only(verify(problem, Schedule({"a": 56})), Rule.DEPENDENCY)
    assert violation.message.startswith("'a' start 2026-03-02 is before 2026-03-03, which its finish-to-start")
    assert "('line' date 2026-03-01)" in violation.message
    assert verify(problem, Schedule({"a": 57})) == []


def test_milestone_chains_take_the_smallest_date_and_pass_it_on():
    tasks = [
        {"id": "a", "duration": "5d"},
        {"id": "b", "duration": "1d", "after": [{"on": "second", "type": "end"}]},
    ]
    milestones = [{"id": "first", "after": ["a"]}, {"id": "second", "after": [{"on": "first", "lag": "1w"}]}]
    problem = make_problem(tasks, milestones=milestones)
    # first = day 4, second = day 11; finish-to-finish into b: b end >= 11.
    assert verify(problem, Schedule({"a": 0, "b": 11})) == []
    violation = only(verify(problem, Schedule({"a": 0, "b": 10})), Rule.DEPENDENCY)
    assert "'b' end 2026-01-15 is before 2026-01-16" in violation.message


def test_two_tasks_over_capacity_are_caught_with_the_days_and_the_tasks():
    tasks = [
        {"id": "a", "duration": "5d", "uses": {"chamber": 1}},
        {"id": "b", "duration": "5d", "uses": {"chamber": 1}},
    ]
    problem = make_problem(tasks, resources={"chamber": {"capacity": 1}})
    violation = only(verify(problem, Schedule({"a": 0, "b": 3})), Rule.CAPACITY)
    assert violation.ids == ("chamber", "a", "b")
    assert violation.message == (
        "resource 'chamber' is over capacity on 2026-01-08..2026-01-09: on 2026-01-08 2 units are in use "
        "('a' 1, 'b' 1) but its capacity is 1"
    )
    assert verify(problem, Schedule({"a": 0, "b": 5})) == []


def test_capacity_is_checked_against_each_days_capacity_step():
    tasks = [
        {"id": "a", "duration": "5d", "uses": {"chamber": 1}},
        {"id": "b", "duration": "5d", "uses": {"chamber": 1}},
    ]
    resources = {"chamber": {"capacity": 1, "changes": [{"from": "2026-07-01", "capacity": 2}]}}
    problem = make_problem(tasks, resources=resources)
    # 2026-06-29 (day 175): the overlap days 06-29 and 06-30 are before the second chamber arrives.
    violation = only(verify(problem, Schedule({"a": 175, "b": 175})), Rule.CAPACITY)
    assert "over capacity on 2026-06-29..2026-06-30" in violation.message
    assert verify(problem, Schedule({"a": 177, "b": 177})) == []


def test_capacity_drop_to_zero_is_caught():
    tasks = [{"id": "a", "duration": "3d", "uses": {"rig": 1}}]
    resources = {"rig": {"capacity": 1, "changes": [{"from": "2026-01-10", "capacity": 0}]}}
    problem = make_problem(tasks, resources=resources)
    violation = only(verify(problem, Schedule({"a": 4})), Rule.CAPACITY)
    assert violation.message == (
        "resource 'rig' is over capacity on 2026-01-10..2026-01-11: on 2026-01-10 1 units are in use "
        "('a' 1) but its capacity is 0"
    )


def test_separate_over_capacity_runs_are_reported_separately_at_their_worst_day():
    tasks = [
        {"id": "long", "duration": "20d", "uses": {"cycler": 2}},
        {"id": "early", "duration": "2d", "uses": {"cycler": 2}},
        {"id": "late", "duration": "3d", "uses": {"cycler": 2}},
        {"id": "later", "duration": "1d", "uses": {"cycler": 2}},
    ]
    problem = make_problem(tasks, resources={"cycler": {"capacity": 3}})
    violations = verify(problem, Schedule({"long": 0, "early": 1, "late": 10, "later": 11}))
    assert [violation.rule for violation in violations] == [Rule.CAPACITY, Rule.CAPACITY]
    assert "over capacity on 2026-01-06..2026-01-07: on 2026-01-06 4 units" in violations[0].message
    assert violations[1].message == (
        "resource 'cycler' is over capacity on 2026-01-15..2026-01-17: on 2026-01-16 6 units are in use "
        "('long' 2, 'late' 2, 'later' 2) but its capacity is 3"
    )


def test_every_broken_rule_is_reported_at_once_in_a_fixed_order():
    problem = make_problem(RICH_TASKS, **RICH_PLAN)
    violations = verify(problem, Schedule({"a": -2, "b": 5, "c": 300, "ghost": 1}))
    assert [violation.rule for violation in violations] == [
        Rule.UNKNOWN_TASK,
        Rule.PLAN_START,  # a
        Rule.CALENDAR,  # b on Saturday
        Rule.WINDOW,  # c in November
        Rule.MISSING_START,  # d
        Rule.DEPENDENCY,  # b before a ends
    ]


def test_verify_finds_the_over_capacity_days_of_a_thousand_tasks_over_eight_years():
    """How long it takes is measured by ``benchmarks/validate_speed.py --largest``, not here."""
    problem, schedule = thousand_task_schedule()
    violations = verify(problem, schedule)
    assert violations and {violation.rule for violation in violations} == {Rule.CAPACITY}


# --- ensure_verified: the schedule and the figures of a result ------------------------------------


def result_of(problem: Problem, schedule: Schedule | None, **fields: Any) -> SolveResult:
    defaults = dict(
        status=SolveStatus.OPTIMAL,
        verdict=Verdict.MET,
        proven=True,
        lateness=0 if schedule is not None else None,
        lateness_bound=0,
        wall_time=0.1,
    )
    return SolveResult(problem=problem, schedule=schedule, **(defaults | fields))


@pytest.fixture
def late_problem() -> Problem:
    # a lasts 20 days, the milestone is due after 10: at least 10 days late × priority 2 = 20.
    tasks = [{"id": "a", "duration": "20d"}]
    return make_problem(tasks, milestones=[{"id": "m", "after": ["a"], "due": "2026-01-14", "priority": 2}])


def test_a_true_met_result_passes_unchanged():
    problem = make_problem(RICH_TASKS, **RICH_PLAN)
    result = result_of(problem, earliest_schedule(problem))
    assert ensure_verified(result) is result


def test_a_true_missed_result_passes(late_problem):
    result = result_of(late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=20, lateness_bound=20)
    assert ensure_verified(result) is result


def test_a_true_unknown_result_with_a_late_schedule_passes(late_problem):
    result = result_of(
        late_problem,
        Schedule({"a": 3}),
        status=SolveStatus.FEASIBLE,
        verdict=Verdict.UNKNOWN,
        proven=False,
        lateness=26,
        lateness_bound=0,
    )
    assert ensure_verified(result) is result


def test_results_without_a_schedule_pass_when_their_verdict_is_proved(late_problem):
    infeasible = result_of(late_problem, None, status=SolveStatus.INFEASIBLE, verdict=Verdict.MISSED, proven=False)
    timed_out = result_of(late_problem, None, status=SolveStatus.UNKNOWN, verdict=Verdict.UNKNOWN, proven=False)
    assert ensure_verified(infeasible) is infeasible
    assert ensure_verified(timed_out) is timed_out


def test_a_schedule_breaking_a_rule_is_rejected_with_the_violation():
    problem = make_problem([{"id": "a", "duration": "5d"}, {"id": "b", "duration": "3d", "after": ["a"]}])
    result = result_of(problem, Schedule({"a": 0, "b": 4}))
    with pytest.raises(
        ScheduleRejected, match=r"plan 'test-plan' breaks 1 rule\(s\): dependency: 'b' start 2026-01-09"
    ):
        ensure_verified(result)


def test_wrong_reported_lateness_is_rejected(late_problem):
    result = result_of(late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=10, lateness_bound=10)
    with pytest.raises(ScheduleRejected, match="reported lateness 10 but the schedule's lateness is 20"):
        ensure_verified(result)


def test_missed_without_a_proof_is_rejected(late_problem):
    result = result_of(
        late_problem,
        Schedule({"a": 0}),
        status=SolveStatus.FEASIBLE,
        verdict=Verdict.MISSED,
        proven=False,
        lateness=20,
        lateness_bound=0,
    )
    with pytest.raises(ScheduleRejected, match="verdict missed but the schedule and bound give unknown"):
        ensure_verified(result)


def test_time_out_reported_as_missed_is_rejected(late_problem):
    result = result_of(late_problem, None, status=SolveStatus.UNKNOWN, verdict=Verdict.MISSED, proven=False)
    with pytest.raises(ScheduleRejected, match="verdict missed but the schedule and bound give unknown"):
        ensure_verified(result)


def test_met_with_a_late_schedule_is_rejected(late_problem):
    result = result_of(late_problem, Schedule({"a": 0}), lateness=20, lateness_bound=20)
    with pytest.raises(ScheduleRejected, match="verdict met but the schedule and bound give missed"):
        ensure_verified(result)


def test_a_bound_above_the_schedules_lateness_is_rejected(late_problem):
    result = result_of(late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=20, lateness_bound=21)
    with pytest.raises(ScheduleRejected, match="lateness bound 21 is above the schedule's lateness 20"):
        ensure_verified(result)


def test_proven_needs_an_optimal_status_and_a_tight_bound(late_problem):
    not_optimal = result_of(
        late_problem,
        Schedule({"a": 0}),
        status=SolveStatus.FEASIBLE,
        verdict=Verdict.MISSED,
        lateness=20,
        lateness_bound=20,
    )
    with pytest.raises(ScheduleRejected, match="proven is True but the status is feasible"):
        ensure_verified(not_optimal)
    loose = result_of(late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=20, lateness_bound=5)
    with pytest.raises(ScheduleRejected, match="proved optimal but the lateness bound 5 is not 20"):
        ensure_verified(loose)


def test_a_status_that_contradicts_the_schedule_is_rejected(late_problem):
    result = result_of(late_problem, None, status=SolveStatus.FEASIBLE, verdict=Verdict.UNKNOWN, proven=False)
    with pytest.raises(ScheduleRejected, match="status feasible without a schedule"):
        ensure_verified(result)


def test_a_proved_infeasible_result_may_say_proven(late_problem):
    result = result_of(late_problem, None, status=SolveStatus.INFEASIBLE, verdict=Verdict.MISSED, proven=True)
    assert ensure_verified(result) is result


def test_objective_terms_are_recomputed_from_the_starts(late_problem):
    # m = a's end: day 19 (2026-01-24), 10 days after its due date, priority 2.
    assert objective_terms(late_problem, Schedule({"a": 0})) == (20, 19, 19)
    truthful = result_of(
        late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=20, lateness_bound=20,
        objective=(20, 19, 19), objective_bound=(20, 19, 19),
    )  # fmt: skip
    assert ensure_verified(truthful) is truthful


def test_a_wrong_objective_term_is_rejected(late_problem):
    result = result_of(
        late_problem, Schedule({"a": 0}), verdict=Verdict.MISSED, lateness=20, lateness_bound=20,
        objective=(20, 18, 19), objective_bound=(20, 18, 19),
    )  # fmt: skip
    with pytest.raises(
        ScheduleRejected, match=r"reported objective \(20, 18, 19\) but the schedule's is \(20, 19, 19\)"
    ):
        ensure_verified(result)


def test_a_proved_bound_above_an_objective_term_is_rejected(late_problem):
    result = result_of(
        late_problem, Schedule({"a": 0}), status=SolveStatus.FEASIBLE, verdict=Verdict.MISSED, proven=False,
        lateness=20, lateness_bound=20, objective=(20, 19, 19), objective_bound=(20, None, 25),
    )  # fmt: skip
    with pytest.raises(ScheduleRejected, match="proved bound 25 on the last end is above the schedule's 19"):
        ensure_verified(result)


# --- properties: verify against the exact CPM times and a day-by-day count ---------------------------


@st.composite
def resource_free_plans(draw) -> Problem:
    """Small plans using every timing rule: calendars, windows, not_before, all link types, lags, milestones."""
    holidays = draw(st.lists(st.integers(0, 120), max_size=4))
    calendars = {"wd": {"weekends": ["sat", "sun"], "holidays": [_iso(day) for day in holidays]}}
    windows = {
        "season": {"yearly": {"from": "02-01", "to": "04-30"}},
        "slots": {"dates": ["2026-01-20..2026-02-15", "2026-03-01..2026-03-20", "2026-05-01..2026-06-30"]},
    }
    nodes: list[str] = []
    tasks, milestones = [], []
    for index in range(draw(st.integers(1, 6))):
        after = []
        for pred in draw(st.lists(st.sampled_from(nodes), unique=True, max_size=3)) if nodes else []:
            after.append({"on": pred, "type": draw(st.sampled_from(["finish", "start", "end"])),
                          "lag": f"{draw(st.integers(0, 10))}d"})  # fmt: skip
        if draw(st.booleans()) and nodes:
            milestone = f"m{index}"
            milestones.append({"id": milestone, "after": after or [{"on": nodes[-1]}]})
            nodes.append(milestone)
        task = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 15))}d", "after": after}
        if draw(st.booleans()):
            task["calendar"] = "wd"
        window = draw(st.sampled_from([None, "season", "slots"]))
        if window:
            task["window"] = window
        if draw(st.booleans()):
            task["not_before"] = _iso(draw(st.integers(0, 60)))
        tasks.append(task)
        nodes.append(task["id"])
    if draw(st.booleans()):
        milestones.append({"id": "gate", "at": _iso(draw(st.integers(0, 90)))})
        tasks.append({"id": "after-gate", "duration": "2d", "after": [{"on": "gate", "type": "finish"}]})
    return make_problem(tasks, horizon="1y", calendars=calendars, windows=windows, milestones=milestones)


def _iso(day: int) -> str:
    return (dt.date(2026, 1, 5) + dt.timedelta(days=day)).isoformat()


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(resource_free_plans())
def test_cpm_earliest_schedules_verify_and_a_day_earlier_never_does(problem):
    times = earliest_times(problem)
    assume(all(times.start[task] is not None for task in problem.tasks))
    starts = {task: times.start[task] for task in problem.tasks}
    assert verify(problem, Schedule(starts)) == []
    # Earliest times are exact: any task one day earlier breaks one of its own rules.
    for task, start in starts.items():
        if start > 0:
            violations = verify(problem, Schedule(starts | {task: start - 1}))
            assert violations, (task, start)
            assert all(task in violation.ids for violation in violations), violations


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10), st.integers(0, 3)), min_size=1, max_size=8),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_capacity_violations_are_exactly_the_over_capacity_days(spans, capacity, later_capacity):
    # A task needing more than the resource ever has is a plan error (the loader rejects it).
    assume(all(units <= max(capacity, later_capacity) for _, _, units in spans))
    tasks = [
        {"id": f"t{k}", "duration": f"{length}d", "uses": {"rig": units}} for k, (_, length, units) in enumerate(spans)
    ]
    resources = {"rig": {"capacity": capacity, "changes": [{"from": "2026-01-25", "capacity": later_capacity}]}}
    problem = make_problem(tasks, resources=resources, horizon="60d")
    schedule = Schedule({f"t{k}": start for k, (start, _, _) in enumerate(spans)})
    over = set()
    for day in range(problem.days):
        used = sum(units for start, length, units in spans if start <= day < start + length)
        if used > (capacity if day < 20 else later_capacity):
            over.add(day)
    reported = set()
    for violation in verify(problem, schedule):
        assert violation.rule is Rule.CAPACITY
        span = violation.message.split(" on ", 2)[1].split(":")[0]
        first, _, last = span.partition("..")
        lo = problem.day(dt.date.fromisoformat(first))
        hi = problem.day(dt.date.fromisoformat(last or first))
        reported.update(range(lo, hi + 1))
    assert reported == over
