"""What a calendar costs a working-day task: the weekend days and holidays between its start and end.

A task of 5 working days that runs across the 2026 Spring Festival spans 15
days; a planner wants to see where the other 10 went, and which make-up working
days (调休 Saturdays) gave some back. Whether a day works is read from the
compiled calendar (``problem.calendars``, the same look-up the scheduler uses),
so whatever decides a working day there (weekends, holidays, yearly holidays,
make-up days) decides it here too. Only the attribution of a day to a weekend or
to a named holiday range is this module's: ``holiday_ranges`` is the one place
that lists a calendar's named ranges, dated and yearly.
"""

from __future__ import annotations

from qualplan.calendar import yearly_dates
from qualplan.explain.records import CalendarCost
from qualplan.model import WEEKDAYS
from qualplan.problem import Problem


def calendar_cost(problem: Problem, task_id: str, start: int, end: int) -> CalendarCost | None:
    """The non-working days of the task's calendar from ``start`` to ``end``; None without a calendar.

    A weekend day counts as a weekend day even inside a holiday range (the
    holiday adds only the days that would otherwise be worked); any other
    non-working day counts under the first holiday range that holds it. A working
    day that falls on a weekend day or inside a holiday range is a make-up day.
    """
    name = problem.tasks[task_id].calendar
    if name is None:
        return None
    days = problem.calendars[name]
    ranges = holiday_ranges(problem, name)
    added = [0] * len(ranges)
    working = weekend = unnamed = 0
    make_up = []
    for day in range(start, end + 1):
        if days.is_working(day):
            working += 1
            if is_weekend_day(problem, name, day) or any(lo <= day <= hi for _, lo, hi in ranges):
                make_up.append(problem.date(day))
        elif is_weekend_day(problem, name, day):
            weekend += 1
        else:
            index = next((i for i, (_, lo, hi) in enumerate(ranges) if lo <= day <= hi), None)
            if index is None:
                unnamed += 1
            else:
                added[index] += 1
    holidays = tuple((label, count) for (label, _, _), count in zip(ranges, added, strict=True) if count)
    return CalendarCost(end - start + 1, working, weekend, holidays, unnamed, tuple(make_up))


def holiday_ranges(problem: Problem, calendar: str) -> tuple[tuple[str, int, int], ...]:
    """The calendar's named holiday ranges as (label, first day, last day): the dated ``holidays``
    as written, in calendar order, then each ``yearly_holidays`` range's occurrences within
    the horizon, labelled with their year (``10-01..10-07 (2027)``, ``12-31..01-01 (2027-2028)``).

    Day numbers may lie outside the horizon (a range written before the plan
    start): only membership is asked of them.
    """
    spec = problem.plan.calendars[calendar]
    ranges = [(str(span), problem.day(span.first), problem.day(span.last)) for span in spec.holidays]
    final = problem.date(problem.days - 1)
    for span in spec.yearly_holidays:
        for first, last in yearly_dates(span.first, span.last, problem.plan.start, final):
            year = str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
            ranges.append((f"{span} ({year})", problem.day(first), problem.day(last)))
    return tuple(ranges)


def holiday_runs(problem: Problem, calendar: str, start: int, end: int) -> list[tuple[int, int]]:
    """The days from ``start`` to ``end`` that a named holiday range of ``calendar`` takes off
    (its non-working days, weekend days inside the range included; make-up days excluded),
    as runs of consecutive days ``(first, last)``: what a chart shades inside a bar."""
    days = problem.calendars[calendar]
    ranges = holiday_ranges(problem, calendar)
    off = [
        day
        for day in range(start, end + 1)
        if not days.is_working(day) and any(lo <= day <= hi for _, lo, hi in ranges)
    ]
    runs: list[tuple[int, int]] = []
    for day in off:
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def is_weekend_day(problem: Problem, calendar: str, day: int) -> bool:
    """``day`` falls on one of the calendar's weekend days."""
    return WEEKDAYS[problem.date(day).weekday()] in problem.plan.calendars[calendar].weekends
