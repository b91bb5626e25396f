"""What a calendar costs a working-day task: the weekend days and holidays between its start and end.

A task of 5 working days that runs across the 2026 Spring Festival spans 15
days; a planner wants to see where the other 10 went. Whether a day works is
read from the compiled calendar (``problem.calendars``, the same look-up the
scheduler and the verifier use), so whatever decides a working day there
(weekends, holidays, and any later rule such as make-up working days) decides
it here too. Only the attribution of a non-working day to a weekend or to a
named holiday range is this module's: ``holiday_ranges`` is the one place that
lists a calendar's named ranges.
"""

from __future__ import annotations

from qualplan.explain.records import CalendarCost
from qualplan.model import WEEKDAYS
from qualplan.problem import Problem


def calendar_cost(problem: Problem, task_id: str, start: int, end: int) -> CalendarCost | None:
    """The non-working days of the task's calendar from ``start`` to ``end``; None without a calendar.

    A weekend day counts as a weekend day even inside a holiday range (the
    holiday adds only the days that would otherwise be worked); any other
    non-working day counts under the first holiday range that holds it.
    """
    name = problem.tasks[task_id].calendar
    if name is None:
        return None
    days = problem.calendars[name]
    ranges = holiday_ranges(problem, name)
    added = [0] * len(ranges)
    working = weekend = unnamed = 0
    for day in range(start, end + 1):
        if days.is_working(day):
            working += 1
        elif is_weekend_day(problem, name, day):
            weekend += 1
        else:
            index = next((i for i, (_, lo, hi) in enumerate(ranges) if lo <= day <= hi), None)
            if index is None:
                unnamed += 1
            else:
                added[index] += 1
    holidays = tuple((label, count) for (label, _, _), count in zip(ranges, added, strict=True) if count)
    return CalendarCost(end - start + 1, working, weekend, holidays, unnamed)


def holiday_ranges(problem: Problem, calendar: str) -> tuple[tuple[str, int, int], ...]:
    """The calendar's named holiday ranges as (text as written, first day, last day), in calendar order.

    Day numbers may lie outside the horizon (a range written before the plan
    start): only membership is asked of them.
    """
    spec = problem.plan.calendars[calendar]
    return tuple((str(span), problem.day(span.first), problem.day(span.last)) for span in spec.holidays)


def is_weekend_day(problem: Problem, calendar: str, day: int) -> bool:
    """``day`` falls on one of the calendar's weekend days."""
    return WEEKDAYS[problem.date(day).weekday()] in problem.plan.calendars[calendar].weekends
