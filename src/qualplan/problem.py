"""A valid plan in day numbers: what the scheduler, the verifier and the explainer read.

``compile_plan`` expands stages in ``after`` into one link per task, resolves
durations, calendars, windows and capacity steps into day numbers (day 0 is the
plan's ``start``), and keeps the plan's order of tasks and milestones. It
assumes the plan passed ``checks`` (every reference resolves, no cycles).

Progress (plan-format.md, "Progress") is compiled here too, in one shape that every
reader relies on (docs/architecture.md, "Progress in the compiled problem"):
``Problem.status_day``; per task ``TaskSpec.state`` with ``fixed_start`` and
``fixed_end``; per milestone ``MilestoneSpec.actual``. A started task becomes a
plain every-day task of its fixed span, pinned at its actual start: no calendar,
window or ``not_before`` (those no longer move it). Links into a started task or a
reached milestone are not enforced, so they go to ``Problem.unenforced_links``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal, TypeVar

from qualplan.actuals import TaskProgress, TaskState, task_progress
from qualplan.calendar import WorkingDays, calendar_days, window_occurrences
from qualplan.graph import topological_order
from qualplan.model import DependencyType, Milestone, Plan, Stage, Task

if TYPE_CHECKING:
    from qualplan.solver.bounds import Bounds
    from qualplan.solver.evolution import ListModel

#: A day number, or a CP-SAT linear expression of day variables (``Link`` serves both).
Day = TypeVar("Day")


@dataclass(frozen=True)
class Link:
    """One dependency between two nodes (task or milestone ids), stages already expanded.

    This is the one home of the dependency rule of plan-format.md ("Time model") for the
    scheduler, the bounds and the explainer (``verify.py`` keeps its own reading on purpose).
    Every link type says the same thing in one shape::

        successor's <succ_side>  >=  predecessor's <pred_side> + offset

    finish: start >= pred end + 1 + lag; start: start >= pred start + lag; end: end >=
    pred end + lag. Into a milestone the finish rule has no ``+ 1`` (it is reached at the
    close of its date), and a milestone's start and end are both its date, so either
    side of a milestone reads the date. ``earliest`` and ``latest`` are plain arithmetic:
    they take day numbers (the CPM passes, the greedy) as well as CP-SAT expressions
    (the model builder).
    """

    pred: str
    succ: str
    type: DependencyType
    lag: int
    via_stage: str | None = None  # the stage named in `after`, when this link came from one
    into_milestone: bool = False  # the successor is a milestone

    @property
    def pred_side(self) -> Literal["start", "end"]:
        """Which time of the predecessor the link reads: its start for start-to-start, else its end."""
        return "start" if self.type == "start" else "end"

    @property
    def succ_side(self) -> Literal["start", "end"]:
        """Which time of the successor the link bounds: its end for finish-to-finish, else its start."""
        return "end" if self.type == "end" else "start"

    @property
    def offset(self) -> int:
        """Days from the predecessor's side to the successor's: the lag, plus one for a
        finish-to-start link into a task (it starts the day after the predecessor's end)."""
        return self.lag + (1 if self.type == "finish" and not self.into_milestone else 0)

    def earliest(self, pred_start: Day, pred_end: Day) -> Day:
        """The lowest value of the successor's ``succ_side`` (a milestone: its date) that the
        link allows, given the predecessor's start and end."""
        return (pred_start if self.pred_side == "start" else pred_end) + self.offset

    def latest(self, succ_start: Day, succ_end: Day) -> Day:
        """The highest value of the predecessor's ``pred_side`` that the link allows, given
        the successor's start and end (its latest times in a backward pass)."""
        return (succ_end if self.succ_side == "end" else succ_start) - self.offset


@dataclass(frozen=True)
class TaskSpec:
    """A task in day numbers."""

    id: str
    length: int  # elapsed days, or working days when `calendar` is set
    calendar: str | None
    window: str | None
    occurrences: tuple[tuple[int, int], ...] | None  # None when the task has no window
    earliest: int  # from the plan start, `not_before` and the status date (a started task: its actual start)
    not_before: int | None  # the day of `not_before` (may be before day 0), None when the task has none
    uses: tuple[tuple[str, int], ...]
    stage: str | None
    progress: TaskProgress | None = None  # a started task's fixed days (``actuals.py``); None: planned

    @property
    def state(self) -> TaskState:
        """``planned``, ``running`` or ``done`` (plan-format.md, "Progress")."""
        return "planned" if self.progress is None else self.progress.state

    @property
    def fixed_start(self) -> int | None:
        """A started task's actual start day; None for a planned task."""
        return None if self.progress is None else self.progress.start

    @property
    def fixed_end(self) -> int | None:
        """A started task's end day (done: its actual end; running: where its remaining work ends)."""
        return None if self.progress is None else self.progress.end


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone in day numbers. A reached milestone has ``actual`` (and never ``at``)."""

    id: str
    at: int | None
    due: int | None
    priority: int
    actual: int | None = None  # the day it was reached

    @property
    def fixed(self) -> int | None:
        """The date the plan fixes: reached on ``actual``, or ``at``; None when links set it."""
        return self.actual if self.actual is not None else self.at

    @property
    def state(self) -> Literal["planned", "reached"]:
        return "planned" if self.actual is None else "reached"


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
    #: The status date's day number (may be below 0, before the plan start); None without one.
    #: No planned task starts before it, no milestone that is not reached falls before it, and
    #: capacity holds from it on (started tasks hold their uses from it to their end).
    status_day: int | None = None
    #: Links into a started task or a reached milestone: kept for explanations, never enforced.
    unenforced_links: tuple[Link, ...] = ()

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

    def capacity_spans(self, resource: str) -> tuple[tuple[int, int, int], ...]:
        """The capacity of ``resource`` as ``(first day, day after the last, units)`` runs
        that cover the horizon, one per capacity step."""
        steps = self.capacity_steps[resource]
        stops = [first for first, _ in steps[1:]] + [self.days]
        return tuple((first, stop, units) for (first, units), stop in zip(steps, stops, strict=True))

    # --- derived data -------------------------------------------------------------
    #
    # Computed on first use and kept on this instance (``cached_property`` writes the
    # instance's ``__dict__``, which a frozen dataclass allows). ``dataclasses.replace``
    # builds a new instance from the fields alone, so a changed problem (``relaxed``,
    # ``lift_window``) computes its own values and can never inherit stale ones.

    @cached_property
    def preds(self) -> dict[str, tuple[Link, ...]]:
        """Links into each node."""
        return self._links_by(lambda link: link.succ)

    @cached_property
    def succs(self) -> dict[str, tuple[Link, ...]]:
        """Links out of each node."""
        return self._links_by(lambda link: link.pred)

    def _links_by(self, node_of: Callable[[Link], str]) -> dict[str, tuple[Link, ...]]:
        grouped: dict[str, list[Link]] = {node: [] for node in [*self.tasks, *self.milestones]}
        for link in self.links:
            grouped[node_of(link)].append(link)
        return {node: tuple(links) for node, links in grouped.items()}

    @cached_property
    def topological_order(self) -> tuple[str, ...]:
        """Every task and milestone id, predecessors first; ties keep the plan's order."""
        return topological_order([*self.tasks, *self.milestones], self.links)

    @cached_property
    def base_bounds(self) -> Bounds:
        """CPM bounds of every start without cut-offs (``solver.bounds.compute_bounds``)."""
        from qualplan.solver.bounds import compute_bounds

        return compute_bounds(self)

    @cached_property
    def reach_after_last_end(self) -> dict[str, int | None]:
        """For each milestone, the most days its date can fall after the last task's end
        (``solver.bounds.reach_after_last_end``)."""
        from qualplan.solver.bounds import reach_after_last_end

        return reach_after_last_end(self)

    @cached_property
    def list_model(self) -> ListModel | None:
        """The plan as the genetic algorithm's arrays, or None when it does not apply
        (``solver.evolution.list_model``)."""
        from qualplan.solver.evolution import list_model

        return list_model(self)


def dependency_links(
    stages: Sequence[Stage], tasks: Sequence[Task], milestones: Sequence[Milestone]
) -> tuple[Link, ...]:
    """One ``Link`` per ``after`` entry, in plan order; a stage named in ``after`` becomes
    one link per task of that stage (plan order), with ``via_stage`` set.

    The one place stages are expanded: ``compile_plan`` uses it on a checked plan, and
    the static checks on the parts of a plan that validate (``checks._cycles``), which
    is why an entry that names no stage, task or milestone is skipped here.
    """
    stage_tasks: dict[str, list[str]] = {stage.id: [] for stage in stages}
    for task in tasks:
        if task.stage in stage_tasks:
            stage_tasks[task.stage].append(task.id)
    node_ids = {node.id for node in [*tasks, *milestones]}
    milestone_ids = {milestone.id for milestone in milestones}
    links: list[Link] = []
    for node in [*tasks, *milestones]:
        into_milestone = node.id in milestone_ids
        for entry in node.after or []:
            if entry.on in stage_tasks:
                links.extend(
                    Link(pred, node.id, entry.type, entry.lag.days, via_stage=entry.on, into_milestone=into_milestone)
                    for pred in stage_tasks[entry.on]
                )
            elif entry.on in node_ids:
                links.append(Link(entry.on, node.id, entry.type, entry.lag.days, into_milestone=into_milestone))
    return tuple(links)


def compile_plan(plan: Plan) -> Problem:
    """Turn a checked plan into day numbers (see the module docstring)."""
    days = plan.horizon.days
    status_day = None if plan.status_date is None else (plan.status_date - plan.start).days

    calendars = {name: calendar_days(calendar, plan.start, days) for name, calendar in plan.calendars.items()}

    occurrences = {name: tuple(window_occurrences(window, plan.start, days)) for name, window in plan.windows.items()}

    tasks = {}
    for task in plan.tasks:
        not_before = None if task.not_before is None else (task.not_before - plan.start).days
        progress = None if status_day is None else task_progress(task, plan.start, status_day, calendars)
        if progress is not None:
            tasks[task.id] = _started_task(task, progress)
            continue
        tasks[task.id] = TaskSpec(
            id=task.id,
            length=task.days,
            calendar=task.calendar,
            window=task.window,
            occurrences=None if task.window is None else occurrences[task.window],
            earliest=max(0, not_before or 0, status_day or 0),
            not_before=not_before,
            uses=tuple(task.uses.items()),
            stage=task.stage,
        )

    milestones = {
        milestone.id: MilestoneSpec(
            id=milestone.id,
            at=None if milestone.at is None or milestone.actual is not None else (milestone.at - plan.start).days,
            due=None if milestone.due is None else (milestone.due - plan.start).days,
            priority=milestone.priority,
            actual=None if milestone.actual is None or status_day is None else (milestone.actual - plan.start).days,
        )
        for milestone in plan.milestones
    }

    # A dependency into a started task or a reached milestone is not enforced: actuals are facts.
    fixed = {task_id for task_id, spec in tasks.items() if spec.progress is not None}
    fixed |= {milestone_id for milestone_id, spec in milestones.items() if spec.actual is not None}
    every_link = dependency_links(plan.stages, plan.tasks, plan.milestones)
    links = tuple(link for link in every_link if link.succ not in fixed)
    unenforced = tuple(link for link in every_link if link.succ in fixed)

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
        links=links,
        calendars=calendars,
        capacity_steps=capacity_steps,
        status_day=status_day,
        unenforced_links=unenforced,
    )


def _started_task(task: Task, progress: TaskProgress) -> TaskSpec:
    """A started task as a plain every-day task of its fixed span, pinned at its actual start
    (``earliest``); its calendar, window and ``not_before`` no longer apply."""
    assert progress.end is not None  # the checks reject a running task that ends past the horizon
    return TaskSpec(
        id=task.id,
        length=progress.end - progress.start + 1,
        calendar=None,
        window=None,
        occurrences=None,
        earliest=progress.start,
        not_before=None,
        uses=tuple(task.uses.items()),
        stage=task.stage,
        progress=progress,
    )
