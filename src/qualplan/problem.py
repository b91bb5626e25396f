"""A valid plan in day numbers: what the scheduler, the verifier and the explainer read.

``compile_plan`` expands stages in ``after`` into one link per task, resolves
durations, calendars, windows and capacity steps into day numbers (day 0 is the
plan's ``start``), and keeps the plan's order of tasks and milestones. It
assumes the plan passed ``checks`` (every reference resolves, no cycles).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from qualplan.calendar import window_occurrences, working_days
from qualplan.model import Calendar, DependencyType, Plan


@dataclass(frozen=True)
class Link:
    """One dependency between two nodes (task or milestone ids), stages already expanded."""

    pred: str
    succ: str
    type: DependencyType
    lag: int
    via_stage: str | None = None  # the stage named in `after`, when this link came from one


@dataclass(frozen=True)
class WorkingDays:
    """A calendar over the horizon: which days work, and the n-th working day."""

    mask: tuple[bool, ...]
    days: tuple[int, ...]  # the working day numbers, ascending

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


def calendar_days(calendar: Calendar, start: dt.date, days: int) -> WorkingDays:
    """``calendar`` over ``days`` days from ``start``, as a ``WorkingDays``."""
    mask = working_days(calendar, start, days)
    return WorkingDays(tuple(mask), tuple(day for day, works in enumerate(mask) if works))


@dataclass(frozen=True)
class TaskSpec:
    """A task in day numbers."""

    id: str
    length: int  # elapsed days, or working days when `calendar` is set
    calendar: str | None
    window: str | None
    occurrences: tuple[tuple[int, int], ...] | None  # None when the task has no window
    earliest: int  # from the plan start and `not_before`
    uses: tuple[tuple[str, int], ...]
    stage: str | None


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone in day numbers."""

    id: str
    at: int | None
    due: int | None
    priority: int


@dataclass(frozen=True)
class Problem:
    """The compiled plan. ``days`` is the horizon: tasks occupy days ``0 .. days-1``."""

    plan: Plan
    days: int
    tasks: dict[str, TaskSpec]
    milestones: dict[str, MilestoneSpec]
    links: tuple[Link, ...]
    calendars: dict[str, WorkingDays]
    capacity_steps: dict[str, tuple[tuple[int, int], ...]]  # resource -> ((from day, units), ...)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # --- dates and day numbers ---

    def day(self, date: dt.date) -> int:
        return (date - self.plan.start).days

    def date(self, day: int) -> dt.date:
        return self.plan.start + dt.timedelta(days=day)

    # --- task spans ---

    def end_of(self, task_id: str, start: int) -> int | None:
        """The last day of ``task_id`` if it starts on ``start``; None if it cannot start then.

        A calendar task must start on a working day and ends on its
        ``length``-th working day; other tasks run every day.
        """
        task = self.tasks[task_id]
        if task.calendar is None:
            return start + task.length - 1
        return self.calendars[task.calendar].end_of(start, task.length)

    def capacity_on(self, resource: str, day: int) -> int:
        """Units of ``resource`` available on ``day``."""
        steps = self.capacity_steps[resource]
        index = bisect.bisect_right([start for start, _ in steps], day) - 1
        return steps[max(index, 0)][1]

    @cached_property
    def preds(self) -> dict[str, tuple[Link, ...]]:
        """Links into each node."""
        into: dict[str, list[Link]] = {node: [] for node in [*self.tasks, *self.milestones]}
        for link in self.links:
            into[link.succ].append(link)
        return {node: tuple(links) for node, links in into.items()}

    @cached_property
    def succs(self) -> dict[str, tuple[Link, ...]]:
        """Links out of each node."""
        out: dict[str, list[Link]] = {node: [] for node in [*self.tasks, *self.milestones]}
        for link in self.links:
            out[link.pred].append(link)
        return {node: tuple(links) for node, links in out.items()}


def compile_plan(plan: Plan) -> Problem:
    """Turn a checked plan into day numbers (see the module docstring)."""
    days = plan.horizon.days
    stage_tasks: dict[str, list[str]] = {stage.id: [] for stage in plan.stages}
    for task in plan.tasks:
        if task.stage is not None:
            stage_tasks.setdefault(task.stage, []).append(task.id)

    links: list[Link] = []
    for node in [*plan.tasks, *plan.milestones]:
        for entry in node.after or []:
            if entry.on in stage_tasks:
                links.extend(
                    Link(pred, node.id, entry.type, entry.lag.days, via_stage=entry.on)
                    for pred in stage_tasks[entry.on]
                )
            else:
                links.append(Link(entry.on, node.id, entry.type, entry.lag.days))

    calendars = {name: calendar_days(calendar, plan.start, days) for name, calendar in plan.calendars.items()}

    occurrences = {name: tuple(window_occurrences(window, plan.start, days)) for name, window in plan.windows.items()}

    tasks = {}
    for task in plan.tasks:
        earliest = 0 if task.not_before is None else max(0, (task.not_before - plan.start).days)
        tasks[task.id] = TaskSpec(
            id=task.id,
            length=task.days,
            calendar=task.calendar,
            window=task.window,
            occurrences=None if task.window is None else occurrences[task.window],
            earliest=earliest,
            uses=tuple(task.uses.items()),
            stage=task.stage,
        )

    milestones = {
        milestone.id: MilestoneSpec(
            id=milestone.id,
            at=None if milestone.at is None else (milestone.at - plan.start).days,
            due=None if milestone.due is None else (milestone.due - plan.start).days,
            priority=milestone.priority,
        )
        for milestone in plan.milestones
    }

    capacity_steps = {}
    for name, resource in plan.resources.items():
        steps = [(0, resource.capacity)]
        for change in sorted(resource.changes, key=lambda change: change.from_):
            steps.append((max(0, (change.from_ - plan.start).days), change.capacity))
        # Later steps on the same day (or all before the start) win.
        merged: dict[int, int] = {}
        for start, units in steps:
            merged[start] = units
        capacity_steps[name] = tuple(sorted(merged.items()))

    return Problem(
        plan=plan,
        days=days,
        tasks=tasks,
        milestones=milestones,
        links=tuple(links),
        calendars=calendars,
        capacity_steps=capacity_steps,
    )
