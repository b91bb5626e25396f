"""The schedule as rows: one record per task and per milestone, in dates, ready to render.

The CSV, Mermaid and HTML renderers all read these rows, so a task's dates,
duration, stage and critical flag are computed once and agree everywhere.
Rows carry the plan's own text (names, standards) unescaped: escaping belongs
to each output format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualplan.explain.calendar_cost import calendar_cost
from qualplan.explain.records import CalendarCost
from qualplan.result import SolveResult, schedule_times

if TYPE_CHECKING:
    from qualplan.explain import Explanation


@dataclass(frozen=True)
class TaskRow:
    """One task as a planner reads it. Dates are None when there is no schedule."""

    id: str
    name: str  # the task's name, or its id when it has none
    stage: str | None  # stage id
    start: dt.date | None
    end: dt.date | None  # inclusive last day
    days: int  # the plan's duration: elapsed days, or working days of `calendar`
    arithmetic: str  # how `days` was derived ("1000 cycles × 4 h ... = 177 d")
    calendar: str | None
    window: str | None
    uses: tuple[tuple[str, int], ...]
    standard: str | None
    critical_for: tuple[str, ...] = ()  # milestones whose critical chain runs through this task
    #: with a calendar and a schedule: the weekend days and holidays between start and end
    calendar_cost: CalendarCost | None = None
    state: str = "planned"  # planned | running | done (plan-format.md, "Progress")

    @property
    def critical(self) -> bool:
        return bool(self.critical_for)

    @property
    def span_days(self) -> int | None:
        """Calendar days from start to end inclusive (more than ``days`` when weekends intervene)."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone: its date in the schedule against its due date."""

    id: str
    name: str
    date: dt.date | None
    due: dt.date | None
    late_days: int | None  # None without a due date or without a date
    met: bool | None
    priority: int
    fixed: bool  # reached at a fixed `at` date rather than after other nodes
    reached: bool = False  # reached by the status date: its date is its actual date


@dataclass(frozen=True)
class StageGroup:
    """The tasks of one stage, in the order a Gantt chart shows them."""

    id: str | None  # None: tasks that belong to no stage
    label: str
    tasks: tuple[TaskRow, ...]


NO_STAGE_LABEL = "Tasks without a stage"


def task_rows(result: SolveResult, critical: dict[str, tuple[str, ...]] | None = None) -> list[TaskRow]:
    """Every task of the plan, in plan order.

    ``critical`` maps a task id to the milestones whose critical chain contains
    it (see ``critical_map``); tasks not in it are not critical.
    """
    problem = result.problem
    times = schedule_times(problem, result.schedule) if result.schedule is not None else None
    critical = critical or {}
    rows = []
    for task in problem.plan.tasks:
        start = end = cost = None
        if times is not None:
            start_day, end_day = times.start[task.id], times.end[task.id]
            start = problem.date(start_day) if start_day is not None else None
            end = problem.date(end_day) if end_day is not None else None
            if start_day is not None and end_day is not None:
                cost = calendar_cost(problem, task.id, start_day, end_day)
        rows.append(
            TaskRow(
                id=task.id,
                name=task.name or task.id,
                stage=task.stage,
                start=start,
                end=end,
                days=task.days,
                arithmetic=task.arithmetic(),
                calendar=task.calendar,
                window=task.window,
                uses=tuple(task.uses.items()),
                standard=task.standard,
                critical_for=critical.get(task.id, ()),
                calendar_cost=cost,
                state=task.state,
            )
        )
    return rows


def milestone_rows(result: SolveResult) -> list[MilestoneRow]:
    """Every milestone of the plan, in plan order, with its outcome in the schedule."""
    plan = result.problem.plan
    rows = []
    for outcome in result.milestone_outcomes():
        milestone = plan.milestone(outcome.id)
        rows.append(
            MilestoneRow(
                id=milestone.id,
                name=milestone.name or milestone.id,
                date=outcome.date,
                due=outcome.due,
                late_days=outcome.late_days,
                met=outcome.met,
                priority=milestone.priority,
                fixed=milestone.at is not None,
                reached=milestone.actual is not None,
            )
        )
    return rows


def stage_groups(result: SolveResult, rows: list[TaskRow]) -> list[StageGroup]:
    """Tasks grouped by stage: stages in plan order, then tasks without a stage.

    Within a group tasks run by start date (plan order breaks ties, and keeps
    the order when there is no schedule), so each group reads as a cascade.
    Stages without tasks are left out.
    """
    plan = result.problem.plan
    position = {row.id: index for index, row in enumerate(rows)}

    def cascade(members: list[TaskRow]) -> tuple[TaskRow, ...]:
        return tuple(sorted(members, key=lambda row: (row.start or dt.date.max, position[row.id])))

    groups = []
    for stage in plan.stages:
        members = [row for row in rows if row.stage == stage.id]
        if members:
            groups.append(StageGroup(stage.id, stage.name or stage.id, cascade(members)))
    known = {stage.id for stage in plan.stages}
    loose = [row for row in rows if row.stage is None or row.stage not in known]
    if loose:
        groups.append(StageGroup(None, NO_STAGE_LABEL, cascade(loose)))
    return groups


def critical_map(explanation: Explanation | None) -> dict[str, tuple[str, ...]]:
    """Task id -> the milestones whose critical chain runs through it, from ``qualplan.explain``.

    Only the explanation's ``milestones[*].chain[*]`` records are read; None
    (no explanation) gives an empty map.
    """
    if explanation is None:
        return {}
    found: dict[str, list[str]] = {}
    for milestone in explanation.milestones:
        for link in milestone.chain:
            if not link.is_milestone:
                owners = found.setdefault(link.node, [])
                if milestone.id not in owners:
                    owners.append(milestone.id)
    return {task: tuple(owners) for task, owners in found.items()}


def critical_from_schedule(result: SolveResult) -> dict[str, tuple[str, ...]]:
    """Like ``critical_map``, for a renderer given no explanation: the critical chains alone.

    It walks the same chains as ``qualplan.explain`` (``explain.chain.critical_chain``,
    exact arithmetic on the schedule) without the bounds or the conflict search,
    which need extra solves. Empty when there is no schedule.
    """
    if result.schedule is None:
        return {}
    from qualplan.explain.chain import Usage, critical_chain

    problem = result.problem
    times = schedule_times(problem, result.schedule)
    usage = Usage(problem, times)
    found: dict[str, list[str]] = {}
    for milestone in problem.milestones:
        for link in critical_chain(problem, times, milestone, usage=usage):
            if not link.is_milestone:
                owners = found.setdefault(link.node, [])
                if milestone not in owners:
                    owners.append(milestone)
    return {task: tuple(owners) for task, owners in found.items()}


def stage_label(result: SolveResult, stage_id: str | None) -> str:
    """A stage's display name (its name, else its id)."""
    if stage_id is None:
        return NO_STAGE_LABEL
    for stage in result.problem.plan.stages:
        if stage.id == stage_id:
            return stage.name or stage.id
    return stage_id
