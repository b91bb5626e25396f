"""Working-day calendars and seasonal windows, turned into day numbers.

Day 0 is the plan's ``start``; day ``n`` is ``start + n days``. Everything the
scheduler and the verifier reason about is expressed in these day numbers.

A calendar is one concept here: ``working_days`` is the one function that decides
which days of the horizon work (every rule of a calendar key goes there and only
there), ``calendar_days`` wraps that mask as a ``WorkingDays`` with the look-ups the
scheduler needs, and ``first_fit`` is the one "first start that fits" rule shared
by the static checks and the scheduler.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from qualplan.model import WEEKDAYS, Calendar, Window


def working_days(calendar: Calendar, start: dt.date, days: int) -> list[bool]:
    """For each day ``0 .. days-1``, whether it is a working day of ``calendar``.

    Holiday ranges are clipped to the horizon before they are marked, so a range
    such as 1900-01-01..9999-12-30 costs no more than the horizon itself.
    """
    weekly = _working_weekdays(calendar, start)
    mask = [weekly[offset % 7] for offset in range(days)]
    for span in calendar.holidays:
        lo = max((span.first - start).days, 0)
        hi = min((span.last - start).days, days - 1)
        if lo <= hi:
            mask[lo : hi + 1] = [False] * (hi - lo + 1)
    return mask


def _working_weekdays(calendar: Calendar, start: dt.date) -> tuple[bool, ...]:
    """For each offset 0..6 from ``start``'s weekday, whether that weekday is not a weekend day."""
    weekends = {WEEKDAYS.index(name) for name in calendar.weekends}
    return tuple((start.weekday() + offset) % 7 not in weekends for offset in range(7))


@dataclass(frozen=True)
class WeekPattern:
    """A calendar's weekly shape in day-number offsets, and its holidays on working weekdays
    (what the CP-SAT model needs to count working days, ``solver/calendars.py``)."""

    working: tuple[bool, ...]  # offset d (0..6 from the plan's start weekday) is a working weekday
    before: tuple[int, ...]  # c(d): working weekdays among offsets 0..d-1
    per_week: int  # K: working weekdays a week
    holidays: tuple[int, ...]  # non-working days that are working weekdays, ascending


@dataclass(frozen=True)
class WorkingDays:
    """A calendar over the horizon: which days work, and the n-th working day."""

    mask: tuple[bool, ...]
    days: tuple[int, ...]  # the working day numbers, ascending
    weekly: tuple[bool, ...]  # offset d (0..6 from day 0's weekday) is not a weekend day

    def is_working(self, day: int) -> bool:
        return 0 <= day < len(self.mask) and self.mask[day]

    def next_working(self, day: int) -> int | None:
        """The first working day ``>= day``, or None if there is none in the horizon."""
        index = bisect.bisect_left(self.days, day)
        return self.days[index] if index < len(self.days) else None

    def end_of(self, start: int, length: int) -> int | None:
        """Last day of a task of ``length`` working days starting on working day ``start``."""
        index = bisect.bisect_left(self.days, start)
        if index >= len(self.days) or self.days[index] != start:
            return None
        last = index + length - 1
        return self.days[last] if last < len(self.days) else None

    def start_for_end(self, end: int, length: int) -> int | None:
        """The latest start whose task of ``length`` working days ends on or before ``end``."""
        index = bisect.bisect_right(self.days, end) - length
        return self.days[index] if index >= 0 else None

    def earliest_start_ending_at_or_after(self, end: int, length: int) -> int | None:
        """The first working start whose end falls on or after ``end``."""
        index = bisect.bisect_left(self.days, end) - length + 1
        index = max(index, 0)
        return self.days[index] if index < len(self.days) else None

    @cached_property
    def week_pattern(self) -> WeekPattern:
        """The weekly shape and the holidays that break it, read from the mask.

        The shape can only take days away from the weekly pattern: a working day on a
        weekend weekday (a make-up day) has no place in it, so a calendar key that adds
        such days must extend ``WeekPattern`` and the rank equations with them."""
        before = tuple(sum(self.weekly[:d]) for d in range(7))
        holidays = tuple(day for day, works in enumerate(self.mask) if not works and self.weekly[day % 7])
        return WeekPattern(self.weekly, before, sum(self.weekly), holidays)


def calendar_days(calendar: Calendar, start: dt.date, days: int) -> WorkingDays:
    """``calendar`` over ``days`` days from ``start``, as a ``WorkingDays``."""
    mask = working_days(calendar, start, days)
    return WorkingDays(
        tuple(mask), tuple(day for day, works in enumerate(mask) if works), _working_weekdays(calendar, start)
    )


def first_fit(
    spans: tuple[tuple[int, int], ...] | list[tuple[int, int]],
    lowest: int,
    length: int,
    calendar: WorkingDays | None,
    end_not_before: int = 0,
) -> int | None:
    """The first start ``>= lowest`` of a task of ``length`` days (working days of
    ``calendar`` when given: it starts on a working day) that lies wholly inside one
    of ``spans`` (inclusive day ranges) and ends on or after ``end_not_before``."""
    for lo, hi in spans:
        if hi < lowest:
            continue
        start: int | None = max(lowest, lo)
        if calendar is None:
            start = max(start, end_not_before - length + 1)
            end = start + length - 1
        else:
            bound = calendar.earliest_start_ending_at_or_after(end_not_before, length)
            start = None if bound is None else calendar.next_working(max(start, bound))
            end = None if start is None else calendar.end_of(start, length)
        if end is not None and end <= hi:
            return start
    return None


def window_occurrences(window: Window, start: dt.date, days: int) -> list[tuple[int, int]]:
    """Occurrences of ``window`` as inclusive day-number ranges within ``0 .. days-1``.

    A yearly span that wraps the year end (12-15 .. 03-10) is one occurrence per
    winter. Occurrences are kept apart even when they touch: a task must fit
    inside one of them. The result is sorted and free of duplicates.
    """
    last = start + dt.timedelta(days=days - 1)
    spans: list[tuple[dt.date, dt.date]] = []
    if window.yearly is not None:
        yearly = window.yearly
        for year in range(start.year - 1, last.year + 1):
            first = yearly.from_.in_year(year)
            final = yearly.to.in_year(year + 1 if yearly.wraps else year)
            spans.append((first, final))
    for span in window.dates or []:
        spans.append((span.first, span.last))
    occurrences = set()
    for first, final in spans:
        lo = max((first - start).days, 0)
        hi = min((final - start).days, days - 1)
        if lo <= hi:
            occurrences.add((lo, hi))
    return sorted(occurrences)
