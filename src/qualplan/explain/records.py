"""Plain records of an explanation: what the walk-back, the bounds, the resource
picture and the conflict search found. Renderers (``text.py``, ``json.py``) read
only these records, never the solver.

Days are day numbers (day 0 = the plan's ``start``) like everywhere else in the
library; the renderers turn them into dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Why a task could not start one day earlier, in the order they are checked.
REASON_KINDS = (
    "dependency",  # a predecessor link is tight
    "window",  # the task's window was closed on the day before
    "non_working",  # the day before is not a working day of the task's calendar
    "not_before",  # the task starts on its `not_before` date
    "plan_start",  # the task starts on the plan's first day
    "resource",  # a resource would exceed its capacity one day earlier
    "fixed_date",  # a milestone with `at`
    "status_date",  # a task not started, or a milestone not reached, by the status date cannot be earlier
    "done",  # a task done by the status date: its actual dates
    "running",  # a task running at the status date: its end is where its remaining work ends
    "reached",  # a milestone reached by the status date: its actual date
    "slack",  # nothing binds: the found schedule could start it earlier
    "unscheduled",  # no date in this schedule (a predecessor cannot fit)
)


@dataclass(frozen=True)
class Reason:
    """One reason a chain link could not be a day earlier.

    ``on`` names what binds: the predecessor (dependency), the window, the
    calendar, or the resource. ``day`` is the day that matters for the kind: when
    the window opens, the non-working day, the `not_before`/`at` day, or for
    ``slack`` the earliest start the schedule would allow.
    """

    kind: str
    on: str | None = None
    type: str | None = None  # dependency type: finish | start | end
    lag: int | None = None  # dependency lag, days
    via_stage: str | None = None  # the stage named in `after`, when the link came from one
    milestone: bool = False  # dependency: the predecessor is a milestone; status_date: about a milestone
    day: int | None = None
    holiday: str | None = None  # the calendar's holiday range that contains `day`
    weekday: str | None = None  # the weekend day name when `day` is a weekend
    holders: tuple[str, ...] = ()  # tasks that hold the resource on `day`
    units: int | None = None  # units the task needs (resource)
    capacity: int | None = None  # the resource's capacity on `day`
    used: int | None = None  # units other tasks hold on `day`
    delay: int | None = None  # resource: days the resource pushes the task past its dependencies
    remaining: str | None = None  # running: the work left as the plan states it ("400 cycles", "12 d")
    planned: int | None = None  # running without `remaining`: where its planned duration from the actual start ends


@dataclass(frozen=True)
class CalendarCost:
    """What a working-day task's calendar adds to its span: the days from start to end that are not worked.

    Every non-working day of the span is counted once: a weekend day (of the
    calendar's `weekends`) as a weekend day, even inside a holiday range, and any
    other day under the first holiday range that holds it (dated, then yearly). So
    each holiday's count is the days it adds to an ordinary week, and
    ``span == working + weekend_days + sum of the holidays' days + unnamed``.
    Make-up working days (a weekend day or a holiday that works) are among ``working``
    and listed in ``make_up_days``.
    """

    span: int  # elapsed days from start to end, inclusive
    working: int  # working days of the calendar in the span (the task's duration)
    weekend_days: int
    holidays: tuple[tuple[str, int], ...] = ()  # (holiday range as written, days it adds), in calendar order
    unnamed: int = 0  # non-working weekdays in no named range (none while holidays are only listed ranges)
    # working days of the span on a weekend day or in a holiday range, as dates (the labels are text too)
    make_up_days: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class ChainLink:
    """A task or milestone on a critical chain, with why it is not a day earlier."""

    node: str
    is_milestone: bool
    start: int | None
    end: int | None
    length: int | None  # the task's duration (working days when it has a calendar)
    calendar: str | None
    arithmetic: str | None  # how a task's duration is derived ("1000 cycles × 4 h ... = 177 d")
    reasons: tuple[Reason, ...]
    #: a scheduled task with a calendar: the weekend days and holidays between its start and end
    calendar_cost: CalendarCost | None = None

    @property
    def span(self) -> int | None:
        """Elapsed days from start to end inclusive (a task's; None for a milestone or without dates)."""
        if self.is_milestone or self.start is None or self.end is None:
            return None
        return self.end - self.start + 1


@dataclass(frozen=True)
class Bounds:
    """A milestone's earliest date under each layer of rules; None where nothing fits.

    physics: dependencies, durations, calendars, `not_before` and `at` only;
    seasons: the same plus windows; lab: the date in the found schedule.
    """

    physics: int | None
    seasons: int | None
    lab: int | None
    #: window -> days the milestone would gain without that window alone (only windows that cost days);
    #: None when nothing fits with the window and the milestone fits without it
    window_costs: tuple[tuple[str, int | None], ...] = ()
    #: resource -> days of this milestone's chain it blocks (only resources that block)
    resource_costs: tuple[tuple[str, int], ...] = ()

    @property
    def seasons_cost(self) -> int | None:
        if self.physics is None or self.seasons is None:
            return None
        return self.seasons - self.physics

    @property
    def lab_cost(self) -> int | None:
        if self.seasons is None or self.lab is None:
            return None
        return self.lab - self.seasons


@dataclass(frozen=True)
class Rule:
    """One rule of the plan that a conflict set names, with where it is written."""

    kind: str  # due | capacity | window | not_before | at | horizon
    subject: str  # milestone, resource or task id
    text: str  # the rule in words: "sop due 2027-03-01"
    file: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Conflict:
    """Rules that cannot all hold together (proved), and whether the set is proved minimal."""

    rules: tuple[Rule, ...]
    minimal: bool
    note: str | None = None


@dataclass(frozen=True)
class MonthUse:
    """Use of a resource over one calendar month: unit-days used over unit-days available."""

    month: str  # YYYY-MM
    used: int
    available: int

    @property
    def share(self) -> float:
        return self.used / self.available if self.available else 0.0


@dataclass(frozen=True)
class ResourceUse:
    """One resource over the schedule: monthly use and the critical-chain days it blocks."""

    id: str
    months: tuple[MonthUse, ...]
    peak: float  # the highest monthly share
    blocked_days: int  # critical-chain days it delays, summed over distinct tasks of all chains
    blocked_share: float  # blocked_days over the critical-chain days of all milestones


@dataclass(frozen=True)
class MilestoneExplanation:
    """Why one milestone lands where it does, and what would move it."""

    id: str
    name: str | None
    date: int | None
    due: int | None
    late_days: int | None
    chain: tuple[ChainLink, ...]  # in the found schedule
    bounds: Bounds
    physics_chain: tuple[ChainLink, ...] = ()  # in the physics bound (no resources, no windows)
    seasons_chain: tuple[ChainLink, ...] = ()  # in the seasons bound (no resources, windows kept)
    state: str = "planned"  # "reached" when it was reached by the status date (its date is its actual date)


@dataclass(frozen=True)
class Explanation:
    """The explanation of one solve."""

    plan: str
    start: str  # ISO date of day 0
    verdict: str
    proven: bool
    milestones: tuple[MilestoneExplanation, ...]
    resources: tuple[ResourceUse, ...]
    bottleneck: str | None
    conflict: Conflict | None = None
    notes: tuple[str, ...] = field(default=())
    #: the milestone the resource picture is about (``explain(milestone=...)``); None: the whole plan
    scope: str | None = None
    #: with ``scope``: how many tasks come before that milestone (the tasks whose resources are shown)
    scope_tasks: int = 0
    #: the plan's status date (ISO), None without one: no unstarted work begins before it
    status_date: str | None = None

    def milestone(self, milestone_id: str) -> MilestoneExplanation:
        return next(item for item in self.milestones if item.id == milestone_id)
