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

from qualplan.model import WEEKDAYS, Calendar, MonthDay, Window


def working_days(calendar: Calendar, start: dt.date, days: int) -> list[bool]:
    """For each day ``0 .. days-1``, whether it is a working day of ``calendar``.

    The rule of plan-format.md ("Calendars as labs keep them"): a day listed in
    ``working`` works (a make-up working day overrides weekends and every kind of
    holiday); any other day works unless it is a weekend day, in ``holidays`` or in
    ``yearly_holidays``. Ranges are clipped to the horizon before they are marked, so
    a range such as 1900-01-01..9999-12-30 costs no more than the horizon itself.
    """
    weekly = _working_weekdays(calendar, start)
    mask = [weekly[offset % 7] for offset in range(days)]
    final = start + dt.timedelta(days=days - 1)
    closed = [(span.first, span.last) for span in calendar.holidays]
    for span in calendar.yearly_holidays:
        closed.extend(yearly_dates(span.first, span.last, start, final))
    for first, last in closed:
        _mark(mask, start, first, last, False)
    for span in calendar.working:
        _mark(mask, start, span.first, span.last, True)
    return mask


def _mark(mask: list[bool], start: dt.date, first: dt.date, last: dt.date, works: bool) -> None:
    """Set the days ``first .. last`` (clipped to the mask) to ``works``."""
    lo = max((first - start).days, 0)
    hi = min((last - start).days, len(mask) - 1)
    if lo <= hi:
        mask[lo : hi + 1] = [works] * (hi - lo + 1)


def yearly_dates(first: MonthDay, last: MonthDay, start: dt.date, final: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The occurrences of the yearly span ``first .. last`` (inclusive) that meet ``start .. final``,
    as date pairs, oldest first. A span whose ``last`` comes before its ``first`` wraps the
    year end (12-15 .. 03-10): one occurrence from one year into the next, so the one that
    began in the year before ``start`` is included."""
    wraps = last < first
    spans = []
    for year in range(start.year - 1, final.year + 1):
        begin, end = first.in_year(year), last.in_year(year + 1 if wraps else year)
        if end >= start and begin <= final:
            spans.append((begin, end))
    return spans


def _working_weekdays(calendar: Calendar, start: dt.date) -> tuple[bool, ...]:
    """For each offset 0..6 from ``start``'s weekday, whether that weekday is not a weekend day."""
    weekends = {WEEKDAYS.index(name) for name in calendar.weekends}
    return tuple((start.weekday() + offset) % 7 not in weekends for offset in range(7))


@dataclass(frozen=True)
class WeekPattern:
    """A calendar's weekly shape in day-number offsets and the days that break it: holidays on
    working weekdays, and make-up working days on weekend weekdays (what the CP-SAT model needs
    to count working days, ``solver/calendars.py``)."""

    working: tuple[bool, ...]  # offset d (0..6 from the plan's start weekday) is a working weekday
    before: tuple[int, ...]  # c(d): working weekdays among offsets 0..d-1
    per_week: int  # K: working weekdays a week
    holidays: tuple[int, ...]  # non-working days that are working weekdays, ascending
    makeups: tuple[int, ...]  # working days that are weekend weekdays (make-up days), ascending
    # (w, delta): from working day w on, the working days before a day differ from the weekly
    # count by delta more; ascending w, no zero delta (see ``WorkingDays.week_pattern``)
    steps: tuple[tuple[int, int], ...]


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
        """The weekly shape and the days that break it, read from the mask: every day whose
        working status differs from its weekday's is a holiday (a working weekday that does
        not work) or a make-up day (a weekend weekday that works).

        ``steps`` is what the rank equations count with. A holiday h takes one from the
        working days before every later day, a make-up day m adds one; for a *working* day x,
        ``[x > h]`` is ``[x >= w]`` with w the first working day after h, so every holiday
        and make-up day followed by the same working day w is one step at w (a whole
        Spring Festival is one step, its make-up Saturday before it included), and steps
        that cancel out vanish."""
        before = tuple(sum(self.weekly[:d]) for d in range(7))
        holidays = tuple(day for day, works in enumerate(self.mask) if not works and self.weekly[day % 7])
        makeups = tuple(day for day, works in enumerate(self.mask) if works and not self.weekly[day % 7])
        steps: dict[int, int] = {}
        for day, delta in [*((h, -1) for h in holidays), *((m, 1) for m in makeups)]:
            after = self.next_working(day + 1)
            if after is not None:  # no working day follows: no working day's count changes
                steps[after] = steps.get(after, 0) + delta
        kept = tuple((day, delta) for day, delta in sorted(steps.items()) if delta)
        return WeekPattern(self.weekly, before, sum(self.weekly), holidays, makeups, kept)


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
        spans.extend(yearly_dates(window.yearly.from_, window.yearly.to, start, last))
    for span in window.dates or []:
        spans.append((span.first, span.last))
    occurrences = set()
    for first, final in spans:
        lo = max((first - start).days, 0)
        hi = min((final - start).days, days - 1)
        if lo <= hi:
            occurrences.add((lo, hi))
    return sorted(occurrences)
