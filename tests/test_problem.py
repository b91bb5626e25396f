"""compile_plan: stages expanded, durations, calendars, capacity steps in day numbers."""

from plan_factory import make_problem
from qualplan.problem import Link


def test_stage_in_after_becomes_one_link_per_task_of_the_stage():
    problem = make_problem(
        [
            {"id": "a", "duration": "1w", "stage": "cell"},
            {"id": "b", "duration": "2d", "stage": "cell"},
            {"id": "c", "duration": 3, "after": [{"on": "cell", "lag": "2w"}]},
        ],
        stages=[{"id": "cell"}],
    )
    assert problem.links == (
        Link("a", "c", "finish", 14, via_stage="cell"),
        Link("b", "c", "finish", 14, via_stage="cell"),
    )
    assert problem.tasks["a"].length == 7


def test_calendar_task_ends_on_its_nth_working_day_across_a_holiday():
    problem = make_problem(
        [{"id": "teardown", "duration": "5d", "calendar": "workdays"}],
        calendars={"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07"]}},
    )
    # Starts Mon 2026-01-05 (day 0): works 5, 6, (7 holiday), 8, 9, (10-11 weekend), 12 -> ends day 7.
    assert problem.end_of("teardown", 0) == 7
    # A calendar task cannot start on a non-working day.
    assert problem.end_of("teardown", 2) is None


def test_capacity_steps_apply_from_their_date():
    problem = make_problem(
        [{"id": "a", "duration": 1, "uses": {"chamber": 1}}],
        resources={"chamber": {"capacity": 4, "changes": [{"from": "2026-07-01", "capacity": 6}]}},
    )
    july_first = 177  # 2026-01-05 + 177 days
    assert problem.capacity_on("chamber", july_first - 1) == 4
    assert problem.capacity_on("chamber", july_first) == 6


def test_not_before_and_milestone_dates_in_day_numbers():
    problem = make_problem(
        [{"id": "a", "duration": 1, "not_before": "2026-01-15"}],
        milestones=[{"id": "line", "at": "2026-02-01"}, {"id": "done", "after": ["a"], "due": "2026-01-31"}],
    )
    assert problem.tasks["a"].earliest == 10
    assert problem.milestones["line"].at == 27
    assert problem.milestones["done"].due == 26
