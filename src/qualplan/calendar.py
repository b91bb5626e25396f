"""Working-day calendars and seasonal windows, turned into day numbers.

Day 0 is the plan's ``start``; day ``n`` is ``start + n days``. Everything the
scheduler and the verifier reason about is expressed in these day numbers.
"""

from __future__ import annotations

import datetime as dt

from qualplan.model import WEEKDAYS, Calendar, Window


def working_days(calendar: Calendar, start: dt.date, days: int) -> list[bool]:
    """For each day ``0 .. days-1``, whether it is a working day of ``calendar``.

    Holiday ranges are clipped to the horizon before they are marked, so a range
    such as 1900-01-01..9999-12-30 costs no more than the horizon itself.
    """
    weekends = {WEEKDAYS.index(name) for name in calendar.weekends}
    first_weekday = start.weekday()
    mask = [(first_weekday + offset) % 7 not in weekends for offset in range(days)]
    for span in calendar.holidays:
        lo = max((span.first - start).days, 0)
        hi = min((span.last - start).days, days - 1)
        if lo <= hi:
            mask[lo : hi + 1] = [False] * (hi - lo + 1)
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
