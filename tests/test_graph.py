"""Cycles and exact earliest (CPM) times, dates computed by hand from the format's rules."""

import datetime as dt

from plan_factory import make_problem, unchecked_plan
from qualplan.graph import earliest_times, find_cycle
from qualplan.problem import compile_plan, dependency_links

START = dt.date(2026, 1, 5)


def dates(problem, times):
    return {node: None if day is None else (START + dt.timedelta(days=day)).isoformat() for node, day in times.items()}


def test_cycle_is_named_in_full():
    plan = unchecked_plan(
        [
            {"id": "a", "duration": 1, "after": ["c"]},
            {"id": "b", "duration": 1, "after": ["a"]},
            {"id": "c", "duration": 1, "after": ["b"]},
        ]
    )
    cycle = find_cycle([task.id for task in plan.tasks], dependency_links(plan.stages, plan.tasks, plan.milestones))
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"} and len(cycle) == 4


def test_each_dependency_type_and_lag():
    problem = make_problem(
        [
            {"id": "a", "duration": 10},  # days 0..9
            {"id": "fs", "duration": 2, "after": [{"on": "a", "lag": 3}]},  # start >= 9 + 1 + 3 = 13
            {"id": "ss", "duration": 2, "after": [{"on": "a", "type": "start", "lag": "1w"}]},  # start >= 7
            {"id": "ff", "duration": 4, "after": [{"on": "a", "type": "end", "lag": 5}]},  # end >= 14 -> start 11
        ],
        milestones=[
            {"id": "m-finish", "after": ["fs"]},  # fs ends day 14 -> date 14
            {"id": "m-start", "after": [{"on": "ss", "type": "start", "lag": 2}]},  # 7 + 2 = 9
        ],
    )
    times = earliest_times(problem)
    assert times.start == {"a": 0, "fs": 13, "ss": 7, "ff": 11, "m-finish": 14, "m-start": 9}
    assert times.end["ff"] == 14


def test_task_after_a_milestone_waits_a_day_after_its_date():
    problem = make_problem(
        [{"id": "build", "duration": 5, "after": ["line-ready"]}],
        milestones=[{"id": "line-ready", "at": "2026-03-01"}],
    )
    times = earliest_times(problem)
    assert dates(problem, times.start)["build"] == "2026-03-02"


def test_window_pushes_a_campaign_to_the_next_winter_when_it_does_not_fit():
    problem = make_problem(
        [
            {"id": "cell-test", "duration": 60},  # 2026-01-05 .. 2026-03-05
            {"id": "winter", "duration": 30, "window": "heihe", "after": ["cell-test"]},
        ],
        windows={"heihe": {"yearly": {"from": "12-15", "to": "03-10"}}},
    )
    with_windows = dates(problem, earliest_times(problem).start)
    without_windows = dates(problem, earliest_times(problem, windows=False).start)
    assert with_windows["winter"] == "2026-12-15"
    assert without_windows["winter"] == "2026-03-06"


def test_finish_to_finish_on_a_calendar_task_picks_the_first_start_that_ends_late_enough():
    problem = make_problem(
        [
            {"id": "a", "duration": 12},  # ends day 11 = Fri 2026-01-16
            {"id": "report", "duration": 2, "calendar": "workdays", "after": [{"on": "a", "type": "end"}]},
        ],
        calendars={"workdays": {"weekends": ["sat", "sun"]}},
    )
    times = earliest_times(problem)
    # The report must end on or after Fri 01-16: 2 working days ending Fri start Thu 01-15.
    assert dates(problem, times.start)["report"] == "2026-01-15"
    assert dates(problem, times.end)["report"] == "2026-01-16"


def test_a_task_that_fits_no_window_occurrence_in_the_horizon_has_no_time():
    problem = compile_plan(
        unchecked_plan(
            [{"id": "summer", "duration": 100, "window": "turpan"}],
            windows={"turpan": {"yearly": {"from": "06-15", "to": "08-31"}}},
        )
    )
    assert earliest_times(problem).start["summer"] is None
