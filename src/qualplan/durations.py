"""Durations of plan format 1: ``"8w"``, ``"30h"``, bare integers, and cycle-life tests.

All arithmetic is exact (``fractions.Fraction`` over the decimal text), because a
float error of 1e-15 would turn a whole number of days into one day more after
rounding up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

#: Days per unit. Hours are handled as a fraction of a day.
UNIT_DAYS: dict[str, Fraction] = {
    "h": Fraction(1, 24),
    "d": Fraction(1),
    "w": Fraction(7),
    "mo": Fraction(30),
    "y": Fraction(365),
}

_DURATION = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>h|d|w|mo|y)$")
_WHOLE_DAYS = re.compile(r"^[0-9]+$")


class DurationError(ValueError):
    """A duration text that format 1 does not accept; the message says what is expected."""


@dataclass(frozen=True)
class Duration:
    """A parsed duration: the text as written and the whole days it comes to."""

    text: str
    days: int

    def __str__(self) -> str:
        return self.text


def parse_duration(value: object) -> Duration:
    """Parse ``"30h"``, ``"1.5w"``, ``"3mo"``, ``"2y"`` or a bare integer (days).

    Any fraction of a day rounds up: ``30h`` is 2 days, ``1.5w`` is 11 days.
    """
    if isinstance(value, bool):
        raise DurationError(f"expected a duration such as '12w' or '30h', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise DurationError(f"negative durations are not allowed, got {value}")
        return Duration(text=str(value), days=value)
    if isinstance(value, float):
        raise DurationError(
            f"a bare number means whole days; write {value:g} with a unit, e.g. '{value:g}d' or '{value:g}w'"
        )
    if not isinstance(value, str):
        raise DurationError(f"expected a duration such as '12w' or '30h', got {type(value).__name__}")
    text = value.strip()
    if text.startswith("-"):
        raise DurationError(f"negative durations are not allowed, got '{value}'")
    if _WHOLE_DAYS.match(text):
        return Duration(text=text, days=int(text))
    match = _DURATION.match(text)
    if match is None and any(not character.isascii() and character.isnumeric() for character in text):
        # str.isdigit() and int() accept '٣' (3) and choke on '²': only 0-9 are digits in a plan.
        raise DurationError(f"'{value}' is not a duration; write its number with the digits 0-9 (e.g. '3d', '12w')")
    if match is None:
        raise DurationError(
            f"'{value}' is not a duration; write <number><unit> with unit h, d, w, mo or y (e.g. '12w', '30h', '1.5mo')"
        )
    days = Fraction(match["number"]) * UNIT_DAYS[match["unit"]]
    return Duration(text=text, days=math.ceil(days))


def cycle_hours(
    count: int,
    charge_c: Fraction,
    discharge_c: Fraction,
    cv_h: Fraction = Fraction(0),
    rest_h: Fraction = Fraction(0),
    checkup_every: int | None = None,
    checkup_h: Fraction = Fraction(0),
) -> Fraction:
    """Hours of a cycle-life test, exactly as plan format 1 defines them.

    hours = count × (1/charge_c + cv_h + rest_h + 1/discharge_c + rest_h)
            + floor(count / checkup_every) × checkup_h
    """
    per_cycle = 1 / charge_c + cv_h + rest_h + 1 / discharge_c + rest_h
    checkups = count // checkup_every if checkup_every else 0
    return count * per_cycle + checkups * checkup_h


def hours_to_days(hours: Fraction) -> int:
    """Whole days that ``hours`` occupy: any fraction of a day rounds up."""
    return math.ceil(hours / 24)


def exact(number: int | float | str | Fraction) -> Fraction:
    """The exact value of a number as it was written (``0.333`` -> 333/1000)."""
    if isinstance(number, Fraction):
        return number
    return Fraction(str(number))
