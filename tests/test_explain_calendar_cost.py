"""What a calendar costs a working-day task, against a brute-force count on dates.

The oracle reads the plan's calendar as written (weekday names and holiday
ranges of dates), never the compiled day mask that ``calendar_cost`` reads, and
the sum must account for every day of the span."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_factory import make_problem
from qualplan.explain.calendar_cost import calendar_cost
from qualplan.model import WEEKDAYS

START = dt.date(2026, 1, 5)


@st.composite
def calendars_and_tasks(draw: st.DrawFn) -> tuple[dict, int, int]:
    weekends = draw(st.lists(st.sampled_from(WEEKDAYS), max_size=3, unique=True))
    holidays = []
    for _ in range(draw(st.integers(0, 3))):
        first = START + dt.timedelta(days=draw(st.integers(-5, 60)))
        last = first + dt.timedelta(days=draw(st.integers(0, 12)))
        # Ranges may overlap; a one-day range is written as its date, as plans do.
        holidays.append(first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}")
    length = draw(st.integers(1, 20))
    start = draw(st.integers(0, 40))
    return {"weekends": weekends, "holidays": holidays}, length, start


def oracle(calendar: dict, first: dt.date, last: dt.date) -> tuple[int, int, dict[str, int]]:
    """Working days, weekend days and the days each holiday adds, counted date by date."""
    ranges = [(dt.date.fromisoformat(text[:10]), dt.date.fromisoformat(text[-10:])) for text in calendar["holidays"]]
    working = weekend = 0
    added: dict[str, int] = {}
    day = first
    while day <= last:
        in_range = [text for text, (lo, hi) in zip(calendar["holidays"], ranges, strict=True) if lo <= day <= hi]
        if WEEKDAYS[day.weekday()] in calendar["weekends"]:
            weekend += 1
        elif in_range:
            added[in_range[0]] = added.get(in_range[0], 0) + 1
        else:
            working += 1
        day += dt.timedelta(days=1)
    return working, weekend, added


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(calendars_and_tasks())
def test_the_span_is_working_days_plus_weekend_days_plus_the_days_each_holiday_adds(drawn):
    calendar, length, earliest = drawn
    problem = make_problem(
        [{"id": "t", "duration": f"{length}d", "calendar": "works"}],
        id="cost",
        start=START.isoformat(),
        horizon="200d",
        calendars={"works": calendar},
    )
    days = problem.calendars["works"]
    start = days.next_working(earliest)
    end = None if start is None else days.end_of(start, length)
    if end is None:
        return  # no room in the horizon: nothing to explain
    cost = calendar_cost(problem, "t", start, end)

    working, weekend, added = oracle(calendar, problem.date(start), problem.date(end))
    assert cost.working == working == length
    assert cost.weekend_days == weekend
    assert dict(cost.holidays) == added
    assert cost.unnamed == 0
    assert cost.span == end - start + 1 == cost.working + cost.weekend_days + sum(added.values())
    # Holidays come in the calendar's order, each once, only when they add a day.
    order = [text for text in dict.fromkeys(calendar["holidays"]) if text in added]
    assert [label for label, _ in cost.holidays] == order


def test_a_task_without_a_calendar_has_no_calendar_cost():
    problem = make_problem([{"id": "t", "duration": "5d"}], id="c", start=START.isoformat())
    assert calendar_cost(problem, "t", 0, 4) is None
