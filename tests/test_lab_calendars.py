"""Calendars as labs keep them (issue 18): make-up working days and yearly holidays.

Hand-computed spans through every layer that counts working days (the compiled
calendar, the CP-SAT rank equations, the verifier), and a property test that the
model's spans are exactly the spans counted day by day on random calendars.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from plan_factory import make_problem, problem_of_document
from qualplan.calendar import WorkingDays, working_days
from qualplan.explain import explain, render_json, render_text
from qualplan.explain.calendar_cost import calendar_cost
from qualplan.loader import load_plan_text
from qualplan.model import WEEKDAYS, Calendar
from qualplan.problem import Problem
from qualplan.report import figures
from qualplan.report.rows import critical_map, milestone_rows, stage_groups, task_rows
from qualplan.result import Schedule, schedule_times
from qualplan.solver import SolveOptions, solve
from qualplan.solver.builder import ModelBuilder
from qualplan.verify import Rule, ensure_verified, verify

# The State Council's 2026 Spring Festival: 2026-02-15 (Sun) .. 02-23 (Mon) off, the
# Saturdays 02-14 and 02-28 are make-up working days (docs/calendars-cn.md).
SPRING_FESTIVAL_2026 = {
    "weekends": ["sat", "sun"],
    "holidays": ["2026-02-15..2026-02-23"],
    "working": ["2026-02-14", "2026-02-28"],
}


def solved_dates(problem: Problem) -> dict[str, tuple[str, str]]:
    """Each task's (start, end) in the CP-SAT schedule (every phase through CP-SAT, verified)."""
    result = ensure_verified(solve(problem, time_limit=5.0, options=SolveOptions(greedy=False)))
    assert result.schedule is not None and result.proven
    times = schedule_times(problem, result.schedule)
    return {
        task: (problem.date(times.start[task]).isoformat(), problem.date(times.end[task]).isoformat())
        for task in problem.tasks
    }


def with_milestones(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A milestone after each task, so that the objective pulls every task to its earliest start."""
    return [{"id": f"{task['id']}-done", "after": [task["id"]]} for task in tasks]


def test_a_task_across_the_spring_festival_counts_the_make_up_saturday_before_it():
    tasks = [
        {"id": "teardown", "duration": "4d", "calendar": "cn", "not_before": "2026-02-12"},
        {"id": "report", "duration": "5d", "calendar": "cn", "after": ["teardown"]},
    ]
    problem = make_problem(tasks, calendars={"cn": SPRING_FESTIVAL_2026}, milestones=with_milestones(tasks))
    # teardown: Thu 02-12, Fri 02-13, Sat 02-14 (make-up), then 02-15..02-23 off, Tue 02-24.
    # report: Wed 02-25, Thu 02-26, Fri 02-27, Sat 02-28 (make-up), Mon 03-02.
    assert solved_dates(problem) == {
        "teardown": ("2026-02-12", "2026-02-24"),
        "report": ("2026-02-25", "2026-03-02"),
    }


def test_without_the_make_up_saturday_the_same_task_ends_a_day_later():
    calendar = {"weekends": ["sat", "sun"], "holidays": ["2026-02-15..2026-02-23"]}
    tasks = [{"id": "teardown", "duration": "4d", "calendar": "cn", "not_before": "2026-02-12"}]
    problem = make_problem(tasks, calendars={"cn": calendar}, milestones=with_milestones(tasks))
    assert solved_dates(problem) == {"teardown": ("2026-02-12", "2026-02-25")}


def test_a_task_across_national_day_two_years_after_the_plan_start():
    calendar = {"weekends": ["sat", "sun"], "yearly_holidays": ["10-01..10-07"]}
    tasks = [{"id": "abuse", "duration": "5d", "calendar": "cn", "not_before": "2028-09-28"}]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": calendar}, milestones=with_milestones(tasks))
    # Thu 09-28, Fri 09-29; Sat 30 and Sun 01 weekend, 10-02..10-06 National Day 2028; Mon 10-09 .. Wed 10-11.
    assert solved_dates(problem) == {"abuse": ("2028-09-28", "2028-10-11")}


def test_a_yearly_holiday_wrapping_the_year_end_closes_both_years():
    calendar = {"weekends": ["sat", "sun"], "yearly_holidays": ["12-31..01-01"]}
    tasks = [{"id": "soak", "duration": "3d", "calendar": "cn", "not_before": "2027-12-30"}]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": calendar}, milestones=with_milestones(tasks))
    # Thu 2027-12-30; Fri 12-31 and Sat 01-01 holiday, Sun 01-02 weekend; Mon 2028-01-03, Tue 01-04.
    assert solved_dates(problem) == {"soak": ("2027-12-30", "2028-01-04")}
    mask = working_days(Calendar.model_validate({"yearly_holidays": ["12-31..01-01"]}), dt.date(2026, 1, 1), 400)
    # The occurrence that began the year before the plan start still closes 2026-01-01 (day 0).
    assert [day for day in (0, 364, 365, 366) if not mask[day]] == [0, 364, 365]  # 2026-01-01, 12-31, 2027-01-01


def test_a_make_up_day_inside_a_yearly_holiday_works_that_year_only():
    calendar = {
        "weekends": ["sat", "sun"],
        "yearly_holidays": ["10-01..10-07"],
        "working": ["2027-10-07", "2027-10-09"],  # a Thursday in the holiday, and the Saturday after it
    }
    tasks = [
        {"id": "y2027", "duration": "4d", "calendar": "cn", "not_before": "2027-09-30"},
        {"id": "y2028", "duration": "4d", "calendar": "cn", "not_before": "2028-09-29"},
    ]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": calendar}, milestones=with_milestones(tasks))
    # 2027: Thu 09-30, (10-01..10-06 off), Thu 10-07 (make-up), Fri 10-08, Sat 10-09 (make-up).
    # 2028: Fri 09-29, (10-01..10-07 off and the weekends), Mon 10-09, Tue 10-10, Wed 10-11.
    assert solved_dates(problem) == {"y2027": ("2027-09-30", "2027-10-09"), "y2028": ("2028-09-29", "2028-10-11")}


def test_the_verifier_rejects_a_start_on_an_ordinary_weekend_and_accepts_one_on_a_make_up_day():
    tasks = [{"id": "a", "duration": "2d", "calendar": "cn"}]
    problem = make_problem(tasks, calendars={"cn": SPRING_FESTIVAL_2026})
    make_up, sunday = problem.day(dt.date(2026, 2, 14)), problem.day(dt.date(2026, 3, 1))
    assert verify(problem, Schedule({"a": make_up})) == []
    [violation] = verify(problem, Schedule({"a": sunday}))
    assert violation.rule is Rule.CALENDAR
    assert violation.message == "task 'a' starts 2026-03-01 (Sun), which is not a working day of calendar 'cn'"


def test_the_verifier_does_not_trust_the_compiled_calendar():
    """A wrong mask (here: Sunday 2026-03-01 marked working) misleads everything that reads
    the compiled calendar, and the verifier's own reading of the plan catches it."""
    tasks = [{"id": "a", "duration": "3d", "calendar": "cn"}, {"id": "b", "duration": "1d", "after": ["a"]}]
    problem = make_problem(tasks, calendars={"cn": SPRING_FESTIVAL_2026})
    calendar = problem.calendars["cn"]
    wrong = list(calendar.mask)
    wrong[problem.day(dt.date(2026, 3, 1))] = True
    broken = WorkingDays(tuple(wrong), tuple(d for d, works in enumerate(wrong) if works), calendar.weekly)
    problem = dataclasses.replace(problem, calendars={"cn": broken})
    friday = problem.day(dt.date(2026, 2, 27))
    # By the broken mask 'a' runs Fri 02-27, Sat 02-28 (make-up), "Sun 03-01"; by the plan it ends Mon 03-02.
    assert problem.date(problem.end_of("a", friday)) == dt.date(2026, 3, 1)
    [violation] = verify(problem, Schedule({"a": friday, "b": problem.end_of("a", friday) + 1}))
    assert violation.rule is Rule.DEPENDENCY
    assert "'a' runs 2026-02-27..2026-03-02" in violation.message
    [violation] = verify(problem, Schedule({"a": problem.day(dt.date(2026, 3, 1)), "b": 70}))
    assert violation.rule is Rule.CALENDAR


def test_a_festival_and_its_make_up_saturday_before_it_are_one_step_of_the_rank():
    problem = make_problem([{"id": "a", "duration": "1d", "calendar": "cn"}], calendars={"cn": SPRING_FESTIVAL_2026})
    pattern = problem.calendars["cn"].week_pattern
    day = problem.day
    # Before every working day from Tue 02-24 on: 6 weekdays off (16-20, 23) and 1 Saturday
    # worked (14), so 5 fewer working days than the weekly count; from Mon 03-02 on, the
    # make-up Saturday 02-28 adds one back.
    assert pattern.steps == ((day(dt.date(2026, 2, 24)), -5), (day(dt.date(2026, 3, 2)), 1))
    assert pattern.makeups == (day(dt.date(2026, 2, 14)), day(dt.date(2026, 2, 28)))


# --- the rank equations are exact: every (start, end) pair the model allows, on random calendars ----

START = dt.date(2026, 12, 21)  # a Monday; the horizon runs over the year end
HORIZON = 28


def oracle_working(calendar: dict[str, Any], date: dt.date) -> bool:
    """The rule of plan-format.md, evaluated the slow way: yearly ranges expanded into dated days."""
    for text in calendar.get("working", []):
        first, _, last = text.partition("..")
        if dt.date.fromisoformat(first) <= date <= dt.date.fromisoformat(last or first):
            return True
    if WEEKDAYS[date.weekday()] in calendar.get("weekends", []):
        return False
    off = set()
    for text in calendar.get("holidays", []):
        first, _, last = text.partition("..")
        day = dt.date.fromisoformat(first)
        while day <= dt.date.fromisoformat(last or first):
            off.add(day)
            day += dt.timedelta(days=1)
    for text in calendar.get("yearly_holidays", []):
        first, _, last = text.partition("..")
        last = last or first
        for year in (date.year - 1, date.year):
            begin = dt.date(year, int(first[:2]), int(first[3:]))
            end = dt.date(year, int(last[:2]), int(last[3:]))
            if end < begin:
                end = dt.date(year + 1, end.month, end.day)
            day = begin
            while day <= end:
                off.add(day)
                day += dt.timedelta(days=1)
    return date not in off


def oracle_end(calendar: dict[str, Any], start: int, length: int) -> int | None:
    """The ``length``-th working day from ``start`` by counting day by day; None if there is none."""
    if not oracle_working(calendar, START + dt.timedelta(days=start)):
        return None
    counted = 0
    for day in range(start, HORIZON):
        counted += oracle_working(calendar, START + dt.timedelta(days=day))
        if counted == length:
            return day
    return None


def _iso(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def _month_day(day: int) -> str:
    return (START + dt.timedelta(days=day)).strftime("%m-%d")


@st.composite
def lab_calendars(draw: st.DrawFn) -> dict[str, Any]:
    """Random weekends, dated holidays, yearly holidays (some wrapping the year end) and make-up days."""
    calendar: dict[str, Any] = {"weekends": draw(st.lists(st.sampled_from(WEEKDAYS), max_size=4, unique=True))}
    days = st.integers(0, HORIZON - 1)
    holidays = [(lo, lo + width) for lo, width in draw(st.lists(st.tuples(days, st.integers(0, 3)), max_size=3))]
    calendar["holidays"] = [_iso(lo) if lo == hi else f"{_iso(lo)}..{_iso(hi)}" for lo, hi in holidays]
    yearly = draw(st.lists(st.tuples(days, st.integers(0, 5)), max_size=2))
    calendar["yearly_holidays"] = [
        _month_day(lo) if width == 0 else f"{_month_day(lo)}..{_month_day(lo + width)}" for lo, width in yearly
    ]
    taken = {day for lo, hi in holidays for day in range(lo, hi + 1)}
    calendar["working"] = [_iso(day) for day in draw(st.lists(days, max_size=5, unique=True)) if day not in taken]
    return calendar


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lab_calendars(), st.integers(1, 6))
def test_the_model_allows_exactly_the_spans_counted_day_by_day(calendar: dict[str, Any], length: int) -> None:
    document = {
        "qualplan": 1,
        "id": "ranks",
        "start": START.isoformat(),
        "horizon": f"{HORIZON}d",
        "calendars": {"lab": calendar},
        "tasks": [{"id": "t", "duration": f"{length}d", "calendar": "lab"}],
    }
    problem = problem_of_document(document)
    expected = {(start, end) for start in range(HORIZON) if (end := oracle_end(calendar, start, length)) is not None}
    # The compiled calendar agrees with the oracle ...
    assert {(s, problem.end_of("t", s)) for s in range(HORIZON) if problem.end_of("t", s) is not None} == expected
    if not expected:
        return  # the static checks reject such a plan: no start fits
    # ... and so does the CP-SAT model, over the whole horizon (no CPM tightening).
    builder = ModelBuilder(problem, tighten=False)
    builder.add_constraints()
    variables = builder.tasks["t"]
    found: set[tuple[int, int]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add((self.value(variables.start), self.value(variables.end)))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    status = solver.solve(builder.model, Collect())
    assert status == cp_model.OPTIMAL
    assert found == expected


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lab_calendars(), st.lists(st.tuples(st.integers(1, 5), st.integers(0, HORIZON - 1)), min_size=1, max_size=3))
def test_solved_spans_agree_with_the_verifier_and_a_day_by_day_count(
    calendar: dict[str, Any], shapes: list[tuple[int, int]]
) -> None:
    tasks = [
        {"id": f"t{index}", "duration": f"{length}d", "calendar": "lab", "not_before": _iso(earliest)}
        for index, (length, earliest) in enumerate(shapes)
    ]
    # Each task on its own: the best schedule starts it on its first start that fits.
    first_fits = {}
    for task, (length, earliest) in zip(tasks, shapes, strict=True):
        fits = [s for s in range(earliest, HORIZON) if oracle_end(calendar, s, length) is not None]
        if not fits:
            return  # the static checks reject a task that cannot fit
        first_fits[task["id"]] = (fits[0], oracle_end(calendar, fits[0], length))
    document = {
        "qualplan": 1,
        "id": "spans",
        "start": START.isoformat(),
        "horizon": f"{HORIZON}d",
        "calendars": {"lab": calendar},
        "tasks": tasks,
        "milestones": with_milestones(tasks),
    }
    problem = problem_of_document(document)
    result = ensure_verified(solve(problem, time_limit=5.0, options=SolveOptions(greedy=False)))
    assert result.schedule is not None and result.proven
    times = schedule_times(problem, result.schedule)
    assert {task: (times.start[task], times.end[task]) for task in problem.tasks} == first_fits


@pytest.mark.parametrize("key", ["holidays", "yearly_holidays"])
def test_a_calendar_closed_by_holidays_but_for_make_up_days_has_working_days(key: str):
    closed = {"holidays": ["2026-01-05..2026-02-03"], "yearly_holidays": ["01-01..02-28"]}[key]
    calendar = Calendar.model_validate({key: closed, "working": ["2026-01-10"]})
    mask = working_days(calendar, dt.date(2026, 1, 5), 30)
    assert [day for day, works in enumerate(mask) if works] == [5]


# --- validation: errors and warnings of the two keys ----------------------------------------------

HEAD = "qualplan: 1\nid: demo\nstart: 2026-01-05\ntasks:\n  - {id: a, duration: 2d, calendar: cn}\ncalendars:\n  cn:\n"


def problems(calendar: str) -> tuple[list[str], list[str]]:
    loaded = load_plan_text(HEAD + calendar, "p.yaml")
    return [str(error) for error in loaded.errors], [str(warning) for warning in loaded.warnings]


def test_a_make_up_day_inside_a_yearly_holiday_is_the_intended_override_not_an_error():
    assert problems("    weekends: [sat, sun]\n    yearly_holidays: [10-01..10-07]\n    working: [2027-10-04]\n") == (
        [],
        [],
    )


def test_a_working_day_listed_as_a_holiday_is_an_error_naming_both_lines():
    calendar = "    holidays:\n      - 2026-10-01..2026-10-07\n    working:\n      - 2026-10-07\n"
    assert problems(calendar)[0] == [
        "p.yaml:11:9: calendars.cn.working.#1: 2026-10-07 is listed as a make-up working day here and as a holiday "
        "in calendars.cn.holidays.#1 on line 9 (2026-10-01..2026-10-07); a day either works or not: remove it "
        "from 'working' or from 'holidays'"
    ]


def test_02_29_is_no_yearly_holiday_but_a_dated_29_february_is_a_make_up_day():
    errors, _ = problems("    yearly_holidays: [02-28..02-29]\n    weekends: [sun]\n    working: [2032-02-29]\n")
    assert errors == [
        "p.yaml:8:23: calendars.cn.yearly_holidays.#1: 02-29 does not exist in every year; use 02-28 or 03-01"
    ]


def test_a_make_up_day_that_changes_nothing_is_a_warning():
    errors, warnings = problems("    weekends: [sat, sun]\n    working: [2026-02-14, 2026-02-17, 2030-01-05]\n")
    assert errors == []
    assert warnings == [
        "p.yaml:9:27: calendars.cn.working.#2: 2026-02-17 (Tuesday) is a working day of calendar 'cn' "
        "anyway (neither a weekend day nor a holiday); a make-up working day overrides a weekend day or a "
        "holiday: is the date right?"
    ]


def test_a_calendar_whose_only_working_days_are_make_up_days_is_valid():
    calendar = "    weekends: [mon, tue, wed, thu, fri, sat, sun]\n    working: [2026-01-10..2026-01-11]\n"
    assert problems(calendar) == ([], [])
    assert problems("    weekends: [mon, tue, wed, thu, fri, sat, sun]\n")[0] == [
        "p.yaml:7:3: calendars.cn: calendar 'cn' has no working day within the horizon (every day is a weekend or "
        "holiday)"
    ]


# --- explain: what a calendar costs, with yearly holidays and make-up days -----------------------

NATIONAL_DAY = {
    "weekends": ["sat", "sun"],
    "yearly_holidays": ["10-01..10-07"],
    "working": ["2027-10-09"],  # the Saturday after National Day 2027
}


def test_explain_names_the_yearly_holiday_with_its_year_and_the_make_up_day():
    tasks = [
        {"id": "build", "duration": "7d", "not_before": "2027-09-27"},  # Mon 09-27 .. Sun 10-03
        {"id": "abuse", "duration": "5d", "calendar": "cn", "after": ["build"]},
    ]
    milestones = [{"id": "done", "after": ["abuse"]}]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": NATIONAL_DAY}, milestones=milestones)
    explanation = explain(ensure_verified(solve(problem, time_limit=5.0)))
    # abuse: Mon 10-04 .. Thu 10-07 are National Day 2027, so it starts Fri 10-08 and works
    # Fri 08, Sat 09 (make-up), Mon 11, Tue 12, Wed 13; not worked: Sun 10 (weekend).
    assert (
        "    abuse 2027-10-08..2027-10-13 (5 working days of cn span 6 d, with 1 weekend day; "
        "make-up working day 2027-10-09 (Sat) counted): after build ends; 2027-10-07 is a holiday "
        "(10-01..10-07 (2027)) of calendar cn"
    ) in render_text(explanation)


def test_explain_counts_the_days_a_yearly_holiday_adds_to_a_span():
    tasks = [{"id": "abuse", "duration": "5d", "calendar": "cn", "not_before": "2027-09-30"}]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": NATIONAL_DAY}, milestones=with_milestones(tasks))
    explanation = explain(ensure_verified(solve(problem, time_limit=5.0)))
    # Thu 09-30, Fri 10-08, Sat 10-09 (make-up), Mon 10-11, Tue 10-12: 13 days; not worked:
    # Sat 02, Sun 03, Sun 10 (weekend) and Fri 01, Mon 04 .. Thu 07 (5 days of National Day).
    link = explanation.milestone("abuse-done").chain[1]
    assert link.calendar_cost.make_up_days == (dt.date(2027, 10, 9),)
    assert (
        "abuse 2027-09-30..2027-10-12 (5 working days of cn span 13 d, with 3 weekend days and 5 days of holiday "
        "10-01..10-07 (2027); make-up working day 2027-10-09 (Sat) counted)"
    ) in render_text(explanation)
    cost = json.loads(render_json(explanation))["milestones"][0]["chain"][1]["calendar_cost"]
    assert cost == {
        "span_days": 13,
        "working_days": 5,
        "weekend_days": 3,
        "holidays": [{"range": "10-01..10-07 (2027)", "days": 5}],
        "other_days_off": 0,
        "make_up_days": ["2027-10-09"],
    }


def oracle_cost(calendar: dict[str, Any], first: int, last: int) -> tuple[int, int, dict[str, int], list[dt.date]]:
    """Working days, weekend days, the days each named holiday adds and the make-up days, date by date.

    Named ranges: the dated holidays as written, then each yearly range's occurrences by year."""
    named: list[tuple[str, dt.date, dt.date]] = []
    for text in calendar["holidays"]:
        lo, _, hi = text.partition("..")
        named.append((text, dt.date.fromisoformat(lo), dt.date.fromisoformat(hi or lo)))
    for text in calendar["yearly_holidays"]:
        lo, _, hi = text.partition("..")
        hi = hi or lo
        for year in (2025, 2026, 2027):
            begin = dt.date(year, int(lo[:2]), int(lo[3:]))
            end = dt.date(year, int(hi[:2]), int(hi[3:]))
            label = f"{text} ({year})"
            if end < begin:
                end = dt.date(year + 1, end.month, end.day)
                label = f"{text} ({year}-{year + 1})"
            if end >= START and begin <= START + dt.timedelta(days=HORIZON - 1):
                named.append((label, begin, end))
    working = weekend = 0
    added: dict[str, int] = {}
    make_up = []
    for day in range(first, last + 1):
        date = START + dt.timedelta(days=day)
        is_weekend = WEEKDAYS[date.weekday()] in calendar["weekends"]
        holders = [label for label, lo, hi in named if lo <= date <= hi]
        if oracle_working(calendar, date):
            working += 1
            if is_weekend or holders:
                make_up.append(date)
        elif is_weekend:
            weekend += 1
        else:
            added[holders[0]] = added.get(holders[0], 0) + 1
    return working, weekend, added, make_up


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(lab_calendars(), st.integers(1, 8), st.integers(0, HORIZON - 1))
def test_the_calendar_cost_accounts_for_every_day_with_yearly_holidays_and_make_up_days(
    calendar: dict[str, Any], length: int, earliest: int
) -> None:
    document = {
        "qualplan": 1,
        "id": "cost",
        "start": START.isoformat(),
        "horizon": f"{HORIZON}d",
        "calendars": {"lab": calendar},
        "tasks": [{"id": "t", "duration": f"{length}d", "calendar": "lab"}],
    }
    problem = problem_of_document(document)
    start = next((s for s in range(earliest, HORIZON) if oracle_end(calendar, s, length) is not None), None)
    if start is None:
        return
    end = oracle_end(calendar, start, length)
    cost = calendar_cost(problem, "t", start, end)
    working, weekend, added, make_up = oracle_cost(calendar, start, end)
    assert (cost.working, cost.weekend_days, dict(cost.holidays), list(cost.make_up_days)) == (
        working,
        weekend,
        added,
        make_up,
    )
    assert cost.unnamed == 0
    assert cost.span == end - start + 1 == working + weekend + sum(added.values())


# --- the report: holidays as gaps in the bars of working-day tasks ---------------------------------


def test_the_gantt_chart_shows_the_holidays_inside_a_calendar_bar_but_not_its_make_up_days():
    calendar = {**SPRING_FESTIVAL_2026, "yearly_holidays": ["10-01..10-07"]}
    tasks = [
        {"id": "teardown", "duration": "4d", "calendar": "cn", "not_before": "2026-02-12"},
        {"id": "abuse", "duration": "3d", "calendar": "cn", "not_before": "2027-09-30"},
        {"id": "cycling", "duration": "20d", "not_before": "2026-02-10"},  # no calendar: no gaps
    ]
    problem = make_problem(tasks, horizon="3y", calendars={"cn": calendar}, milestones=with_milestones(tasks))
    result = ensure_verified(solve(problem, time_limit=5.0))
    explanation = explain(result)
    rows = task_rows(result, critical_map(explanation))
    figure = figures.gantt_figure(result, stage_groups(result, rows), milestone_rows(result), {})
    order = list(figure.layout.yaxis.categoryarray)
    gaps = [
        (order[round(shape.y0 + 0.4)], shape.x0, shape.x1) for shape in figure.layout.shapes if shape.name == "holiday"
    ]
    # teardown 2026-02-12..02-24: the festival 02-15..02-23 (the make-up Saturday 02-14 works);
    # abuse 2027-09-30..10-11: National Day 2027, 10-01..10-07 (x1 is the close of the last day).
    assert gaps == [("teardown", "2026-02-15", "2026-02-24"), ("abuse", "2027-10-01", "2027-10-08")]
    assert any(trace.name == "Holiday of the task's calendar" for trace in figure.data)


# --- docs/calendars-cn.md: the calendars ready to paste are valid and hold the official 2026 days --


def _doc_plan(name: str):
    """A plan whose ``calendars`` is the ready-to-paste block of ``name`` in docs/calendars-cn.md."""
    text = (Path(__file__).parent.parent / "docs" / "calendars-cn.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if f"  {name}:" in b)
    head = f"qualplan: 1\nid: doc\nstart: 2026-01-05\ntasks:\n  - {{id: a, duration: 2d, calendar: {name}}}\n"
    return load_plan_text(head + block, "doc.yaml")


@pytest.mark.parametrize("name", ["workdays-cn", "workdays-jp"])
def test_the_documented_calendars_validate_without_warnings(name: str):
    loaded = _doc_plan(name)
    assert ([str(e) for e in loaded.errors], [str(w) for w in loaded.warnings]) == ([], [])


def test_the_documented_chinese_calendar_has_the_official_248_working_days_of_2026():
    calendar = _doc_plan("workdays-cn").plan.calendars["workdays-cn"]
    mask = working_days(calendar, dt.date(2026, 1, 1), 365)
    assert sum(mask) == 248
    checked = ("2026-01-02", "2026-01-04", "2026-02-14", "2026-02-16", "2026-10-08", "2026-10-10")
    assert [mask[(dt.date.fromisoformat(day) - dt.date(2026, 1, 1)).days] for day in checked] == [
        False,  # the New Year bridge
        True,  # make-up Sunday
        True,  # make-up Saturday before the Spring Festival
        False,  # New Year's Eve
        True,  # the Thursday after National Day
        True,  # make-up Saturday after it
    ]
