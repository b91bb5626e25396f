"""Working-day calendars and window occurrences in day numbers (day 0 = 2026-01-05, a Monday)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualplan.calendar import WorkingDays, first_fit, window_occurrences, working_days
from qualplan.model import WEEKDAYS, Calendar, Window

START = dt.date(2026, 1, 5)


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - START).days


def test_weekends_and_holiday_ranges_are_not_working_days():
    calendar = Calendar.model_validate(
        {"weekends": ["sat", "sun"], "holidays": ["2026-01-07..2026-01-08", "2026-01-12"]}
    )
    mask = working_days(calendar, START, 14)
    working = [offset for offset, works in enumerate(mask) if works]
    # Mon 5, Tue 6 work; Wed 7, Thu 8 holiday; Fri 9 works; Sat/Sun off; Mon 12 holiday; Tue 13 .. Fri 16 work.
    assert working == [0, 1, 4, 8, 9, 10, 11]


def test_calendar_without_rules_works_every_day():
    assert all(working_days(Calendar(), START, 10))


def test_wrapping_yearly_window_is_one_occurrence_per_winter():
    window = Window.model_validate({"yearly": {"from": "12-15", "to": "03-10"}})
    occurrences = window_occurrences(window, START, 3 * 365)
    # The winter already running at the plan start is clipped to day 0.
    assert occurrences == [
        (0, day("2026-03-10")),
        (day("2026-12-15"), day("2027-03-10")),
        (day("2027-12-15"), day("2028-03-10")),
        (day("2028-12-15"), 3 * 365 - 1),
    ]


def test_yearly_and_dates_give_all_occurrences_kept_apart_even_when_touching():
    window = Window.model_validate({"yearly": {"from": "06-15", "to": "08-31"}, "dates": ["2026-09-01..2026-09-30"]})
    occurrences = window_occurrences(window, START, 365)
    assert occurrences == [(day("2026-06-15"), day("2026-08-31")), (day("2026-09-01"), day("2026-09-30"))]


def test_occurrences_outside_the_horizon_are_dropped():
    window = Window.model_validate({"dates": ["2025-01-01..2025-02-01", "2030-01-01..2030-01-31"]})
    assert window_occurrences(window, START, 365) == []


# --- first fit: the one "first start that fits" of the checks and the scheduler ------------------

HORIZON = 40


@st.composite
def fit_questions(draw: st.DrawFn):
    """Sorted spans, a lowest start, a length, maybe a calendar mask, an end-not-before."""
    spans = sorted(
        {
            (lo, min(HORIZON - 1, lo + width))
            for lo, width in draw(st.lists(st.tuples(st.integers(0, HORIZON - 1), st.integers(0, 15)), max_size=4))
        }
    )
    mask = None
    if draw(st.booleans()):
        holidays = draw(st.lists(st.integers(0, HORIZON - 1), max_size=8))
        calendar = Calendar.model_validate(
            {"weekends": draw(st.lists(st.sampled_from(WEEKDAYS), max_size=3, unique=True))}
        )
        mask = [works and day not in holidays for day, works in enumerate(working_days(calendar, START, HORIZON))]
    return spans, draw(st.integers(0, HORIZON)), draw(st.integers(1, 8)), mask, draw(st.integers(0, HORIZON))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(fit_questions())
def test_first_fit_is_the_smallest_start_that_fits_one_span(question) -> None:
    spans, lowest, length, mask, end_not_before = question
    calendar = None
    if mask is not None:
        calendar = WorkingDays(tuple(mask), tuple(day for day, works in enumerate(mask) if works), (True,) * 7)

    def end(start: int) -> int | None:  # counted day by day
        if mask is None:
            return start + length - 1
        if not mask[start]:
            return None
        working = [day for day in range(start, HORIZON) if mask[day]]
        return working[length - 1] if len(working) >= length else None

    expected = next(
        (
            start
            for start in range(lowest, HORIZON)
            if (last := end(start)) is not None
            and last >= end_not_before
            and any(lo <= start and last <= hi for lo, hi in spans)
        ),
        None,
    )
    assert first_fit(spans, lowest, length, calendar, end_not_before) == expected
