"""Working-day calendars and seasonal windows, turned into day numbers.

Day 0 is the plan's ``start``; day ``n`` is ``start + n days``. Everything the
scheduler and the verifier reason about is expressed in these day numbers.
"""

from __future__ import annotations

import datetime as dt

from qualplan.model import WEEKDAYS, Calendar, Window


def working_days(calendar: Calendar, start: dt.date, days: int) -> list[bool]:
    """For each day ``0 .. days-1``, whether it is a working day of ``calendar``."""
    weekends = {WEEKDAYS.index(name) for name in calendar.weekends}
    holidays: set[dt.date] = set()
    for span in calendar.holidays:
        holidays.update(span.first + dt.timedelta(days=k) for k in range((span.last - span.first).days + 1))
    mask = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        mask.append(day.weekday() not in weekends and day not in holidays)
    return mask


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
