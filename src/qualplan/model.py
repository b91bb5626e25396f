"""Pydantic models of plan format 1 (``shared/plan-format.md``).

Field rules live here (types, ranges, one-of choices). Rules that relate one part
of a plan to another (references, cycles, capacities, windows) live in
``checks.py``, which collects all of them at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from qualplan.durations import Duration, cycle_hours, exact, hours_to_days, parse_duration

FORMAT_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
_SLUG = re.compile(SLUG_PATTERN)
# re.ASCII: without it \d also matches other scripts' digits, and int("٠٣") is 3.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_MONTH_DAY = re.compile(r"^\d{2}-\d{2}$", re.ASCII)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: The weekday names of plan files, Monday first, as ``date.weekday()`` numbers them.
WEEKDAYS: tuple[str, ...] = get_args(Weekday)


# --- scalar types ---------------------------------------------------------------


def _slug(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an id (text), got {type(value).__name__}")
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    return value


def parse_date(value: object) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date (a YAML timestamp with a time part is refused)."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date YYYY-MM-DD without a time, got {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"'{value}' is not a calendar date ({error})") from None


def _duration(value: object) -> Duration:
    return parse_duration(value)


@dataclass(frozen=True)
class DayRange:
    """An inclusive range of dates, written ``2026-02-16..2026-02-22`` or one date."""

    first: dt.date
    last: dt.date

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def parse_day_range(value: object) -> DayRange:
    """Parse ``FIRST..LAST`` (inclusive) or a single date."""
    if isinstance(value, str) and ".." in value:
        first_text, _, last_text = value.partition("..")
        first, last = parse_date(first_text), parse_date(last_text)
        if last < first:
            raise ValueError(f"range '{value}' ends before it starts; write FIRST..LAST")
        return DayRange(first, last)
    day = parse_date(value)
    return DayRange(day, day)


@dataclass(frozen=True, order=True)
class MonthDay:
    """A yearly day ``MM-DD`` that exists in every year (so not ``02-29``)."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


def parse_month_day(value: object) -> MonthDay:
    if not isinstance(value, str) or not _MONTH_DAY.match(value.strip()):
        raise ValueError(f"expected a yearly day MM-DD such as '12-15', got {value!r}")
    month, day = (int(part) for part in value.strip().split("-"))
    try:
        dt.date(2001, month, day)  # 2001 is not a leap year: 02-29 fails here, as it must
    except ValueError:
        if (month, day) == (2, 29):
            raise ValueError("02-29 does not exist in every year; use 02-28 or 03-01") from None
        raise ValueError(f"'{value}' is not a day of the year") from None
    return MonthDay(month, day)


@dataclass(frozen=True)
class YearlyRange:
    """Days that recur every year, ``MM-DD..MM-DD`` inclusive or one ``MM-DD``; wraps the year
    end when ``last`` comes before ``first`` (``12-31..01-01``)."""

    first: MonthDay
    last: MonthDay

    @property
    def wraps(self) -> bool:
        return self.last < self.first

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


def parse_yearly_range(value: object) -> YearlyRange:
    """Parse ``MM-DD..MM-DD`` (inclusive, may wrap the year end) or a single ``MM-DD``."""
    if isinstance(value, str) and all(_ISO_DATE.match(part.strip()) for part in value.split("..")):
        raise ValueError(
            f"'{value}' is a date; a yearly holiday is MM-DD (every year), a one-off date goes under 'holidays'"
        )
    if isinstance(value, dt.date):
        raise ValueError(
            f"'{value.isoformat()}' is a date; a yearly holiday is MM-DD (every year), "
            "a one-off date goes under 'holidays'"
        )
    if isinstance(value, str) and ".." in value:
        first_text, _, last_text = value.partition("..")
        return YearlyRange(parse_month_day(first_text), parse_month_day(last_text))
    day = parse_month_day(value)
    return YearlyRange(day, day)


Slug = Annotated[str, PlainValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})]
PlanDate = Annotated[
    dt.date,
    PlainValidator(parse_date),
    PlainSerializer(lambda d: d.isoformat()),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}),
]
DurationField = Annotated[
    Duration,
    PlainValidator(_duration),
    PlainSerializer(lambda d: d.text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "description": "whole days"},
                {
                    "type": "string",
                    "pattern": r"^[0-9]+(\.[0-9]+)?(h|d|w|mo|y)?$",
                    "description": "<number><unit>: h hours, d days, w weeks, mo months (30 d), y years (365 d)",
                },
            ]
        }
    ),
]
DayRangeField = Annotated[
    DayRange,
    PlainValidator(parse_day_range),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$",
            "description": "a date YYYY-MM-DD or an inclusive range FIRST..LAST",
        }
    ),
]
MonthDayField = Annotated[
    MonthDay,
    PlainValidator(parse_month_day),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}-\d{2}$", "description": "MM-DD"}),
]
YearlyRangeField = Annotated[
    YearlyRange,
    PlainValidator(parse_yearly_range),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{2}-\d{2}(\.\.\d{2}-\d{2})?$",
            "description": "MM-DD or an inclusive range MM-DD..MM-DD (may wrap the year end)",
        }
    ),
]
#: The largest capacity or use a plan may give (plan format 1): past any lab, and small enough
#: that the solver's sums of uses over a thousand tasks stay far inside 64-bit integers.
MAX_UNITS = 1_000_000_000
#: The largest milestone priority: priority × days late, summed, must stay inside 64-bit integers.
MAX_PRIORITY = 1_000_000
Count = Annotated[int, Field(strict=True, ge=1)]
Units = Annotated[int, Field(strict=True, ge=0, le=MAX_UNITS)]
Priority = Annotated[int, Field(strict=True, ge=1, le=MAX_PRIORITY)]
# Infinity would pass `gt=0` and then break the exact (Fraction) cycle arithmetic.
PositiveNumber = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeNumber = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, populate_by_name=True)


# --- calendars, windows, resources ----------------------------------------------------


class Calendar(_Model):
    """Working days: a day listed in `working` (a make-up working day), or else every day that is
    neither a weekend day, nor in `holidays`, nor in `yearly_holidays`."""

    # calendar.working_days is the one place that reads these keys into days.

    weekends: list[Weekday] = []
    holidays: list[DayRangeField] = []
    yearly_holidays: list[YearlyRangeField] = []
    working: list[DayRangeField] = []


class YearlySpan(_Model):
    """A window that recurs every year, ``from`` and ``to`` inclusive; may wrap the year end."""

    from_: MonthDayField = Field(alias="from")
    to: MonthDayField

    @property
    def wraps(self) -> bool:
        return self.to < self.from_


class Window(_Model):
    """Occurrences a task must fit wholly inside: yearly, explicit date ranges, or both."""

    yearly: YearlySpan | None = None
    dates: list[DayRangeField] | None = None

    @model_validator(mode="after")
    def _has_occurrences(self) -> Window:
        if self.yearly is None and not self.dates:
            raise ValueError("a window needs 'yearly: {from: MM-DD, to: MM-DD}' or 'dates: [FIRST..LAST, ...]'")
        return self


class CapacityChange(_Model):
    """From this date on, the resource has ``capacity`` units."""

    from_: PlanDate = Field(alias="from")
    capacity: Units


class Resource(_Model):
    """A renewable resource: ``capacity`` units each day, stepping at ``changes``."""

    capacity: Units
    changes: list[CapacityChange] = []

    @property
    def largest_capacity(self) -> int:
        return max([self.capacity, *(change.capacity for change in self.changes)])


# --- risk (plan-format.md, "Risk") --------------------------------------------------------

_PERCENT = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?%$", re.ASCII)


@dataclass(frozen=True)
class Percent:
    """A signed percentage as written (``-10%``, ``+25%``, ``40%``) and its exact value (``-1/10``)."""

    text: str
    value: Fraction

    def __str__(self) -> str:
        return self.text


def parse_percent(value: object) -> Percent:
    """``-10%`` -> Percent('-10%', -1/10); only the digits 0-9, a sign, a decimal point and ``%``."""
    if not isinstance(value, str) or not _PERCENT.match(value.strip()):
        raise ValueError(f"expected a percentage such as '40%', got {value!r}")
    text = value.strip()
    return Percent(text, Fraction(text[:-1].lstrip("+")) / 100)


def _spread(value: object) -> Duration | Percent:
    """A three-point bound: a duration (``300d``, ``8w``) or a percentage of the planned duration."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_percent(value)
    return parse_duration(value)


def _fail_chance(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(
            "expected the chance that one run fails, a number from 0 up to but not including 1 "
            f"(the last attempt always passes), got {value!r}"
        )
    return float(value)


_PERCENT_SCHEMA = {"type": "string", "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?%$", "description": "a percentage"}
SpreadField = Annotated[
    Duration | Percent,
    PlainValidator(_spread),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "description": "whole days"},
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?(h|d|w|mo|y)?$", "description": "a duration"},
                {**_PERCENT_SCHEMA, "description": "a percentage of the planned duration, e.g. -10% or +25%"},
            ]
        }
    ),
]
PercentField = Annotated[
    Percent, PlainValidator(parse_percent), PlainSerializer(str), WithJsonSchema(dict(_PERCENT_SCHEMA))
]
FailChance = Annotated[
    float,
    PlainValidator(_fail_chance),
    WithJsonSchema({"type": "number", "minimum": 0, "exclusiveMaximum": 1}),
]


class ThreePoint(_Model):
    """A triangular duration: ``{low, likely, high}`` as durations, or ``{low, high}`` as
    percentages of the planned duration (which is then the likely one).

    Whether low <= likely <= high needs the planned duration, so ``checks.py`` checks it.
    """

    low: SpreadField
    likely: SpreadField | None = None
    high: SpreadField

    @model_validator(mode="after")
    def _one_form(self) -> ThreePoint:
        if isinstance(self.low, Percent) != isinstance(self.high, Percent):
            raise ValueError(
                "give 'low' and 'high' both as durations (300d, 8w) or both as percentages of the "
                "planned duration (-10%, +25%)"
            )
        if isinstance(self.likely, Percent):
            raise ValueError("likely is the planned duration in the relative form; leave 'likely' out")
        if isinstance(self.likely, Duration) and isinstance(self.low, Percent):
            raise ValueError("likely is a duration but 'low' and 'high' are percentages; give all three as durations")
        for name in ("low", "high"):
            bound = getattr(self, name)
            if isinstance(bound, Percent) and bound.value < -1:
                raise ValueError(f"{name} {bound} would make the duration negative; the least is -100%")
        return self

    @property
    def relative(self) -> bool:
        return isinstance(self.low, Percent)

    def days(self, planned: int) -> tuple[Fraction, Fraction, Fraction]:
        """(low, likely, high) in days (working days on a calendar) for a task planned at ``planned``."""

        def resolve(bound: Duration | Percent | None) -> Fraction:
            if bound is None:
                return Fraction(planned)
            if isinstance(bound, Percent):
                return planned * (1 + bound.value)
            return Fraction(bound.days)

        return resolve(self.low), resolve(self.likely), resolve(self.high)


class Retest(_Model):
    """What follows a failed run: a fix, sample builds run again in order, then the test again."""

    fix: DurationField = Duration("0", 0)
    redo: list[Slug] = []
    found_after: PercentField = Percent("100%", Fraction(1))

    @field_validator("found_after")
    @classmethod
    def _within_the_run(cls, value: Percent) -> Percent:
        if not 0 < value.value <= 1:
            raise ValueError(f"expected a share of the run above 0% and at most 100%, got '{value}'")
        return value


#: Most runs of a test when ``attempts`` is not given (plan-format.md, "Risk").
DEFAULT_ATTEMPTS = 3
#: Most runs a plan may give: the risk run keeps a slot for each.
MAX_ATTEMPTS = 20


class Risk(_Model):
    """Uncertainty of a task (or, at plan level, the default of every task's missing keys)."""

    duration: ThreePoint | None = None
    fail: FailChance | None = None
    retest: Retest | None = None
    attempts: Annotated[int, Field(strict=True, ge=1, le=MAX_ATTEMPTS)] | None = None

    def over(self, default: Risk | None) -> Risk:
        """These keys, each one not given taken from ``default`` (the plan-level risk)."""
        if default is None:
            return self
        given = {key: getattr(self, key) for key in type(self).model_fields if getattr(self, key) is not None}
        return default.model_copy(update=given)


# --- stages, tasks, milestones -------------------------------------------------------


class Stage(_Model):
    """A rung of the ladder; groups tasks, imposes no order by itself."""

    id: Slug
    name: str | None = None


DependencyType = Literal["finish", "start", "end"]


class After(_Model):
    """One dependency: ``on`` a task, stage or milestone, of a ``type``, with a ``lag``."""

    on: Slug
    type: DependencyType = "finish"
    lag: DurationField = Duration("0", 0)


def _after_entries(value: object) -> object:
    """Let ``after`` list bare ids as shorthand for ``{on: id}``."""
    if isinstance(value, list):
        return [{"on": entry} if isinstance(entry, str) else entry for entry in value]
    return value


class Cycles(_Model):
    """A cycle-life test; its duration is derived (see ``durations.cycle_hours``)."""

    count: Count
    charge_c: PositiveNumber
    discharge_c: PositiveNumber
    cv_h: NonNegativeNumber = 0
    rest_h: NonNegativeNumber = 0
    checkup_every: Count | None = None
    checkup_h: PositiveNumber | None = None

    @model_validator(mode="after")
    def _checkups_paired(self) -> Cycles:
        if (self.checkup_every is None) != (self.checkup_h is None):
            raise ValueError("give both 'checkup_every' (cycles) and 'checkup_h' (hours per check-up), or neither")
        return self

    @property
    def checkups(self) -> int:
        return self.count // self.checkup_every if self.checkup_every else 0

    @property
    def hours(self) -> Fraction:
        return cycle_hours(
            self.count,
            exact(self.charge_c),
            exact(self.discharge_c),
            exact(self.cv_h),
            exact(self.rest_h),
            self.checkup_every,
            exact(self.checkup_h or 0),
        )

    @property
    def days(self) -> int:
        return hours_to_days(self.hours)

    def arithmetic(self) -> str:
        """The derivation in words: ``1000 cycles × 4 h + 10 check-ups × 24 h = 4240 h = 177 d``."""
        per_cycle = self.hours if not self.checkups else self.hours - self.checkups * exact(self.checkup_h or 0)
        per_cycle /= self.count
        text = f"{self.count} cycles × {_hours(per_cycle)} h"
        if self.checkups:
            text += f" + {self.checkups} check-ups × {_hours(exact(self.checkup_h or 0))} h"
        return f"{text} = {_hours(self.hours)} h = {self.days} d"


def _hours(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4g}"


class Actual(_Model):
    """What really happened to a task by the status date: started, and maybe finished."""

    start: PlanDate
    end: PlanDate | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Actual:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}; an actual end is on or after its start")
        return self


#: Tags of the two forms of ``remaining``; ``validation_messages`` drops them from error paths.
REMAINING_TAGS = ("remaining-duration", "remaining-cycles")


def _remaining_form(value: object) -> str:
    return REMAINING_TAGS[1] if isinstance(value, dict) else REMAINING_TAGS[0]


#: The work a running task has left: a duration, or cycles (a mapping like ``cycles``).
Remaining = Annotated[
    Annotated[DurationField, Tag(REMAINING_TAGS[0])] | Annotated[Cycles, Tag(REMAINING_TAGS[1])],
    Discriminator(_remaining_form),
]


class Task(_Model):
    """A test or build that takes physical time and holds lab resources."""

    id: Slug
    name: str | None = None
    stage: Slug | None = None
    duration: DurationField | None = None
    cycles: Cycles | None = None
    uses: dict[Slug, Units] = {}
    after: list[After] = []
    calendar: Slug | None = None
    window: Slug | None = None
    not_before: PlanDate | None = None
    samples: Count | None = None
    standard: str | None = None
    actual: Actual | None = None  # progress by the status date (plan-format.md, "Progress")
    remaining: Remaining | None = None  # a running task's work left from the status date
    risk: Risk | None = None

    @field_validator("after", mode="before")
    @classmethod
    def _bare_ids(cls, value: object) -> object:
        return _after_entries(value)

    @model_validator(mode="after")
    def _one_length(self) -> Task:
        if (self.duration is None) == (self.cycles is None):
            raise ValueError("a task gives exactly one of 'duration' and 'cycles'")
        if self.duration is not None and self.duration.days < 1:
            raise ValueError(
                f"duration '{self.duration.text}' comes to 0 days; a task lasts at least 1 day "
                "(use a milestone for a point event)"
            )
        return self

    @model_validator(mode="after")
    def _remaining_of_running(self) -> Task:
        if self.remaining is None:
            return self
        if self.actual is None:
            raise ValueError(
                "'remaining' is the work left of a running task, but this task has no 'actual' start; "
                "add 'actual: {start: YYYY-MM-DD}' or remove 'remaining'"
            )
        if self.actual.end is not None:
            raise ValueError(
                "'remaining' is the work left of a running task, but this task is done (its 'actual' has an "
                "'end'); remove 'remaining', or the actual end if it is still running"
            )
        if self.remaining_days == 0:
            raise ValueError(
                f"'remaining' '{self.remaining}' comes to 0 days; a running task has at least 1 day left "
                "(give the actual 'end' if it is done)"
            )
        return self

    @property
    def state(self) -> Literal["planned", "running", "done"]:
        """``done`` with an actual end, ``running`` with only an actual start, else ``planned``."""
        if self.actual is None:
            return "planned"
        return "running" if self.actual.end is None else "done"

    @property
    def remaining_days(self) -> int | None:
        """The days ``remaining`` comes to (working days on a calendar), None without it."""
        if self.remaining is None:
            return None
        return self.remaining.days

    @property
    def days(self) -> int:
        """The task's length: elapsed days, or working days of its ``calendar``."""
        if self.cycles is not None:
            return self.cycles.days
        assert self.duration is not None  # guaranteed by _one_length
        return self.duration.days

    def arithmetic(self) -> str:
        """How the length was derived, for explanations."""
        if self.cycles is not None:
            return self.cycles.arithmetic()
        assert self.duration is not None
        return f"{self.duration.text} = {self.duration.days} d"


class Milestone(_Model):
    """A point event: after its predecessors, or at a fixed date; met when ``date <= due``."""

    id: Slug
    name: str | None = None
    after: list[After] | None = None
    at: PlanDate | None = None
    due: PlanDate | None = None
    priority: Priority = 1
    actual: PlanDate | None = None  # reached on this date (plan-format.md, "Progress")

    @field_validator("after", mode="before")
    @classmethod
    def _bare_ids(cls, value: object) -> object:
        return _after_entries(value)

    @property
    def state(self) -> Literal["planned", "reached"]:
        return "planned" if self.actual is None else "reached"

    @model_validator(mode="after")
    def _after_or_at(self) -> Milestone:
        if self.at is not None and self.after is not None:
            raise ValueError("a milestone has either 'after' or 'at', not both")
        if self.at is None and not self.after:
            raise ValueError("a milestone needs 'after' (a non-empty list) or a fixed 'at' date")
        return self


# --- includes and portfolios ---------------------------------------------------------

#: A path to another plan file, relative to the file that names it.
FilePath = Annotated[str, Field(min_length=1)]


class Programme(_Model):
    """One whole plan combined into a portfolio; its stage, task and milestone ids get ``prefix``."""

    file: FilePath
    prefix: Slug


# --- the plan ----------------------------------------------------------------------


class Plan(_Model):
    """One plan file of format 1 (after its includes and programmes are merged in)."""

    qualplan: Literal[1]
    id: Slug
    title: str | None = None
    start: PlanDate
    horizon: DurationField = Duration("8y", 8 * 365)
    status_date: PlanDate | None = None  # the data date progress is recorded as of
    include: list[FilePath] = []
    programmes: list[Programme] = []
    calendars: dict[Slug, Calendar] = {}
    windows: dict[Slug, Window] = {}
    resources: dict[Slug, Resource] = {}
    stages: list[Stage] = []
    tasks: Annotated[list[Task], Field(min_length=1)]
    milestones: list[Milestone] = []
    risk: Risk | None = None

    @field_validator("qualplan", mode="before")
    @classmethod
    def _exact_version(cls, value: object) -> object:
        # Literal[1] alone accepts `true` and `1.0` (they compare equal to 1), even in strict mode.
        if type(value) is not int:
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise ValueError(f"the format version must be 1 (the only version), got {shown}")
        return value

    @field_validator("horizon")
    @classmethod
    def _horizon_positive(cls, value: Duration) -> Duration:
        if value.days < 1:
            raise ValueError("the horizon must be at least 1 day")
        return value

    @property
    def last_day(self) -> dt.date:
        """The latest day a task may end: ``start + horizon - 1``."""
        return self.start + dt.timedelta(days=self.horizon.days - 1)

    def task(self, task_id: str) -> Task:
        return next(task for task in self.tasks if task.id == task_id)

    def milestone(self, milestone_id: str) -> Milestone:
        return next(milestone for milestone in self.milestones if milestone.id == milestone_id)


class Fragment(_Model):
    """A file named in ``include``: definitions that join the including plan's as if written there."""

    include: list[FilePath] = []
    calendars: dict[Slug, Calendar] = {}
    windows: dict[Slug, Window] = {}
    resources: dict[Slug, Resource] = {}
    stages: list[Stage] = []
    tasks: list[Task] = []
    milestones: list[Milestone] = []
