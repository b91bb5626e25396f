"""Durations and cycle arithmetic, against numbers computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualplan.durations import Duration, DurationError, cycle_hours, exact, hours_to_days, parse_duration


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("1d", 1),
        ("30h", 2),  # 1.25 days rounds up
        ("24h", 1),
        ("25h", 2),
        ("1h", 1),
        ("0h", 0),
        ("1.5w", 11),  # 10.5 days
        ("2w", 14),
        ("3mo", 90),
        ("1.5mo", 45),
        ("2y", 730),
        ("8y", 2920),
        ("0.1d", 1),
        ("14", 14),
        ("0", 0),
    ],
)
def test_parse_duration(text: str, days: int) -> None:
    assert parse_duration(text) == Duration(text, days)


def test_a_bare_integer_means_days() -> None:
    assert parse_duration(14) == Duration("14", 14)


def test_no_float_error_in_rounding() -> None:
    # 0.3 weeks is exactly 2.1 days -> 3; in binary floating point 0.1 + 0.2 style errors would not matter
    # here, but 2.8d must stay 3 and 7 * 0.4w = 2.8 must not become 2.8000000000000003 -> still 3.
    assert parse_duration("0.4w").days == 3
    assert parse_duration("4.2w").days == 30  # exactly 29.4 -> 30
    assert parse_duration("72h").days == 3  # exactly 3, not 4


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-2d", "negative durations are not allowed, got '-2d'"),
        (-3, "negative durations are not allowed, got -3"),
        ("3 weeks", "'3 weeks' is not a duration"),
        ("2x", "'2x' is not a duration"),
        (1.5, "a bare number means whole days; write 1.5 with a unit"),
        (True, "expected a duration such as '12w' or '30h', got True"),
        (None, "expected a duration such as '12w' or '30h', got NoneType"),
    ],
)
def test_bad_durations(value: object, message: str) -> None:
    with pytest.raises(DurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_duration(value)


def test_the_specs_worked_example_is_177_days() -> None:
    # 1000 × (1/0.5 + 0.5 + 0.25 + 1/1.0 + 0.25) = 1000 × 4 h = 4000 h; + floor(1000/100) × 24 h = 240 h
    hours = cycle_hours(1000, exact(0.5), exact(1.0), exact(0.5), exact(0.25), 100, exact(24))
    assert hours == 4240
    assert hours_to_days(hours) == 177  # 4240 / 24 = 176.67 -> 177


@pytest.mark.parametrize(
    ("args", "hours", "days"),
    [
        # 500 × (1/1 + 1/1) = 1000 h -> 41.67 -> 42 d
        ((500, Fraction(1), Fraction(1)), 1000, 42),
        # 3 × (1/3 + 1/3) = 2 h exactly (thirds stay exact) -> 1 d
        ((3, exact("3"), exact("3")), 2, 1),
        # 100 × (1/0.2 + 1/0.5) = 100 × 7 = 700 h; check-up every 30 -> 3 × 10 = 30 h; 730 h -> 30.42 -> 31 d
        ((100, exact(0.2), exact(0.5), Fraction(0), Fraction(0), 30, Fraction(10)), 730, 31),
        # 12 × (2 + 0.5 + 2×0.25 + 1) = 48 h -> exactly 2 d, no rounding up
        ((12, exact(0.5), exact(1), exact(0.5), exact(0.25)), 48, 2),
    ],
)
def test_cycle_hours_by_hand(args: tuple, hours: int, days: int) -> None:
    assert cycle_hours(*args) == hours
    assert hours_to_days(cycle_hours(*args)) == days


def test_exact_keeps_the_written_decimal() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact("0.333") == Fraction(333, 1000)


@given(
    st.integers(0, 10**6),
    st.one_of(st.none(), st.integers(0, 999)),
    st.sampled_from(["h", "d", "w", "mo", "y"]),
)
def test_round_trip_through_the_written_text(whole: int, decimals: int | None, unit: str) -> None:
    """Days are ceil(number × unit) computed exactly, and parsing the kept text gives the same duration."""
    text = f"{whole}{'' if decimals is None else f'.{decimals:03d}'}{unit}"
    per_unit = {"h": Fraction(1, 24), "d": Fraction(1), "w": Fraction(7), "mo": Fraction(30), "y": Fraction(365)}
    number = Fraction(whole) + (Fraction(decimals, 1000) if decimals is not None else 0)
    expected = -(-number * per_unit[unit] // 1)  # ceiling without floats
    duration = parse_duration(text)
    assert duration.days == expected
    assert parse_duration(duration.text) == duration


@given(
    st.integers(1, 5000),
    st.sampled_from(["0.2", "0.25", "0.333", "0.5", "1", "1.5", "2", "3"]),
    st.sampled_from(["0.2", "0.5", "1", "2", "3"]),
    st.sampled_from(["0", "0.25", "0.5"]),
    st.sampled_from(["0", "0.1", "0.25"]),
    st.one_of(st.none(), st.integers(1, 500)),
)
def test_cycle_days_are_the_ceiling_of_the_exact_hours(
    count: int, charge: str, discharge: str, cv: str, rest: str, every: int | None
) -> None:
    hours = cycle_hours(count, exact(charge), exact(discharge), exact(cv), exact(rest), every, exact(24))
    per_cycle = 1 / Fraction(charge) + Fraction(cv) + Fraction(rest) + 1 / Fraction(discharge) + Fraction(rest)
    assert hours == count * per_cycle + (count // every * 24 if every else 0)
    days = hours_to_days(hours)
    assert (days - 1) * 24 < hours <= days * 24


# --- only ASCII digits are digits (issue 12) ---------------------------------------------------


@pytest.mark.parametrize("text", ["²", "٣", "٣d", "1.٥w", "１２w", "৩mo"])
def test_digits_of_other_scripts_are_refused_with_a_proper_message(text: str) -> None:
    """'²' crashed with Python's `invalid literal for int()`; '٣' was accepted as 3 days."""
    with pytest.raises(DurationError, match=r"^'.+' is not a duration; write its number with the digits 0-9 "):
        parse_duration(text)


@given(st.text(min_size=1, max_size=6))
def test_a_duration_is_exactly_ascii_digits_and_a_unit(text: str) -> None:
    """Oracle: accepted if and only if the stripped text is [0-9]+ or a number with a unit, in ASCII."""
    import re

    stripped = text.strip()
    written = re.fullmatch(r"[0-9]+(\.[0-9]+)?(h|d|w|mo|y)|[0-9]+", stripped, re.ASCII) is not None
    if stripped.startswith("-"):
        written = False
    try:
        duration = parse_duration(text)
    except DurationError:
        assert not written
    else:
        assert written
        assert duration.text.isascii()
