"""A plan ready for a risk run: its tasks' risks, the chains' slots, the priority order and
the flat arrays the compiled kernel reads.

``RiskModel`` is what every part of a risk run shares: ``kernel.py`` reads
``arrays``, the plain-Python scheduler (``reference.py``), the expanded-plan
builder (``expand.py``) and the ``optimal`` policy read ``problem``, ``risks`` and
``layout``. It pickles, so a worker process or a Dask worker gets the whole model
once and then runs batch after batch.

The arrays, in ``KernelArrays`` order (``T`` tasks, ``M`` milestones, ``S`` slots,
``R`` resources, ``C`` calendars, ``D`` days of the horizon; a node is a task
``0..T-1`` in plan order or a milestone ``T..T+M-1``):

- links into each node, compressed by successor: ``pred_ptr`` (T+M+1), ``pred_node``,
  ``pred_reads_end`` (the link reads the predecessor's end, else its start),
  ``pred_bounds_end`` (it bounds the successor's end, else its start), ``pred_offset``
  (``Link.offset``); and ``succ_ptr``/``succ_node`` out of each node;
- per task: ``priority`` (rank in the check schedule's start order), ``earliest``
  (plan start and ``not_before``), ``calendar`` and ``window`` (-1: none), ``demand``
  (T x R); the triangular ``spread`` (T x 3, days), ``fail``, ``attempts``, ``fix``,
  ``found`` (T x 2: numerator and denominator of ``found_after``), ``redo_ptr``/``redo``;
- per slot: ``slot_ptr`` (T+1, the chains as in ``spec.Layout``), ``slot_kind``,
  ``slot_rules`` (the task whose rules apply, -1 for a fix), ``slot_owner`` (whose chain);
- per milestone: ``at`` (``NO_DAY``: none);
- calendars: ``cal`` (C x 2D+2): row ``c`` holds the number of working days, then for
  each day 0..D the working days before it, then the working days in order;
- windows: ``win``: W+1 offsets into the same array, then each window's occurrences
  as (lo, hi) pairs, sorted (one array, so a helper that reads it costs one reference
  count: numba counts a reference per array argument on every call);
- ``capacity`` (R x D): each resource's units on each day;
- progress: ``fixed_start``/``fixed_end`` per task (``NO_DAY``: none; a running task has a
  start and no end), ``status`` (one day, ``NO_DAY`` without a status day). Tasks without
  actuals start on or after the status day (folded into ``earliest``), milestones without
  one are dated on or after it, reached milestones are folded into ``at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from qualplan.graph import earliest_times
from qualplan.problem import Problem
from qualplan.result import Schedule, schedule_times
from qualplan.risk.spec import Actual, Layout, TaskRisk, layout, task_risks, with_actuals

#: "No day": a milestone without ``at``, a node that found no place inside the horizon.
NO_DAY = -(2**62)


class KernelArrays(NamedTuple):
    """The arrays of the module docstring (a tuple: numba takes it as one argument)."""

    pred_ptr: np.ndarray
    pred_node: np.ndarray
    pred_reads_end: np.ndarray
    pred_bounds_end: np.ndarray
    pred_offset: np.ndarray
    succ_ptr: np.ndarray
    succ_node: np.ndarray
    priority: np.ndarray
    earliest: np.ndarray
    calendar: np.ndarray
    window: np.ndarray
    demand: np.ndarray
    spread: np.ndarray
    fail: np.ndarray
    attempts: np.ndarray
    fix: np.ndarray
    found: np.ndarray
    redo_ptr: np.ndarray
    redo: np.ndarray
    slot_ptr: np.ndarray
    slot_kind: np.ndarray
    slot_rules: np.ndarray
    slot_owner: np.ndarray
    at: np.ndarray
    cal: np.ndarray
    win: np.ndarray
    capacity: np.ndarray
    fixed_start: np.ndarray
    fixed_end: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class RiskModel:
    """A plan compiled for risk runs (module docstring)."""

    problem: Problem
    risks: dict[str, TaskRisk]
    layout: Layout
    priority: tuple[int, ...]  # per task in plan order: its rank in the priority order
    actuals: dict[str, Actual] = field(default_factory=dict)  # task -> its facts at the status day
    reached: dict[str, int] = field(default_factory=dict)  # milestone -> its actual date
    status_day: int | None = None

    @cached_property
    def arrays(self) -> KernelArrays:
        """The kernel's arrays (module docstring), built on first use (the ``optimal`` policy
        never needs them) and kept on the instance, so they travel with it to workers."""
        return _arrays(self)

    def earliest(self, task: str) -> int:
        """The earliest start of a task without actuals: its own, and the status day."""
        own = self.problem.tasks[task].earliest
        return own if self.status_day is None else max(own, self.status_day)

    def fixed_date(self, milestone: str) -> int | None:
        """A milestone's fixed date: its actual date, else its ``at``."""
        return self.reached.get(milestone, self.problem.milestones[milestone].at)

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.layout.tasks

    @property
    def milestones(self) -> tuple[str, ...]:
        return tuple(self.problem.milestones)


def build_model(
    problem: Problem,
    schedule: Schedule | None,
    *,
    actuals: dict[str, Actual] | None = None,
    reached: dict[str, int] | None = None,
    status_day: int | None = None,
) -> RiskModel:
    """The risk model of ``problem``, its priority order taken from ``schedule`` (the plan's
    ``check`` schedule): tasks by start day, ties in plan order. Without a schedule (none
    was found), the order of the earliest starts that dependencies and windows allow.

    ``actuals``, ``reached`` and ``status_day``: the plan's progress (``spec.Actual``; the
    milestones reached, by day), when it has a status day."""
    actuals = dict(actuals or {})
    if status_day is None and (actuals or reached):
        raise ValueError("actuals and reached milestones come with a status day")
    risks = with_actuals(task_risks(problem), actuals)
    slots = layout(risks)
    priority = _priority(problem, schedule)
    return RiskModel(problem, risks, slots, priority, actuals, dict(reached or {}), status_day)


def _priority(problem: Problem, schedule: Schedule | None) -> tuple[int, ...]:
    if schedule is not None:
        start = schedule_times(problem, schedule).start
    else:
        start = earliest_times(problem).start
    tasks = list(problem.tasks)
    never = problem.days  # a task that fits nowhere goes last
    order = sorted(range(len(tasks)), key=lambda index: (_or(start[tasks[index]], never), index))
    rank = [0] * len(tasks)
    for position, index in enumerate(order):
        rank[index] = position
    return tuple(rank)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _arrays(model: RiskModel) -> KernelArrays:
    problem, risks, slots, priority = model.problem, model.risks, model.layout, model.priority
    tasks = list(problem.tasks)
    nodes = [*tasks, *problem.milestones]
    number = {node: index for index, node in enumerate(nodes)}
    resources = list(problem.capacity_steps)
    calendars = list(problem.calendars)
    windows = sorted({spec.window for spec in problem.tasks.values() if spec.window is not None})
    days = problem.days
    i64 = np.int64

    preds = [problem.preds[node] for node in nodes]
    pred_ptr = np.cumsum([0, *(len(links) for links in preds)]).astype(i64)
    flat = [link for links in preds for link in links]
    succs = [problem.succs[node] for node in nodes]
    succ_ptr = np.cumsum([0, *(len(links) for links in succs)]).astype(i64)

    demand = np.zeros((len(tasks), max(len(resources), 1)), i64)
    for index, task in enumerate(tasks):
        for resource, units in problem.tasks[task].uses:
            demand[index, resources.index(resource)] += units
    redo = [[tasks.index(name) for name in risk.redo] for risk in risks.values()]

    cal = np.zeros((max(len(calendars), 1), 2 * days + 2), i64)
    for c, name in enumerate(calendars):
        mask = np.array(problem.calendars[name].mask, np.bool_)
        working = np.nonzero(mask)[0]
        cal[c, 0] = len(working)
        cal[c, 2 : days + 2] = np.cumsum(mask)
        cal[c, days + 2 : days + 2 + len(working)] = working
    occurrences = [problem.tasks[next(t for t in tasks if problem.tasks[t].window == w)].occurrences for w in windows]
    win = [0] * (len(windows) + 1)
    for index, spans in enumerate(occurrences):
        win[index] = len(win)
        win.extend(day for span in spans for day in span)
    win[len(windows)] = len(win)
    capacity = np.zeros((max(len(resources), 1), days), i64)
    for r, resource in enumerate(resources):
        for first, stop, units in problem.capacity_spans(resource):
            capacity[r, first:stop] = units

    return KernelArrays(
        pred_ptr=pred_ptr,
        pred_node=np.array([number[link.pred] for link in flat], i64),
        pred_reads_end=np.array([link.pred_side == "end" for link in flat], np.bool_),
        pred_bounds_end=np.array([link.succ_side == "end" for link in flat], np.bool_),
        pred_offset=np.array([link.offset for link in flat], i64),
        succ_ptr=succ_ptr,
        succ_node=np.array([number[link.succ] for links in succs for link in links], i64),
        priority=np.array(priority, i64),
        earliest=np.array([model.earliest(task) for task in tasks], i64),
        calendar=np.array([_index(calendars, problem.tasks[task].calendar) for task in tasks], i64),
        window=np.array([_index(windows, problem.tasks[task].window) for task in tasks], i64),
        demand=demand,
        spread=np.array([risk.spread for risk in risks.values()], np.float64).reshape(len(tasks), 3),
        fail=np.array([risk.fail for risk in risks.values()], np.float64),
        attempts=np.array([risk.attempts for risk in risks.values()], i64),
        fix=np.array([risk.fix for risk in risks.values()], i64),
        found=np.array(
            [(risk.found_after.numerator, risk.found_after.denominator) for risk in risks.values()], i64
        ).reshape(len(tasks), 2),
        redo_ptr=np.cumsum([0, *(len(row) for row in redo)]).astype(i64),
        redo=np.array([index for row in redo for index in row], i64),
        slot_ptr=np.array(slots.first, i64),
        slot_kind=np.array([int(slot.kind) for slot in slots.slots], i64),
        slot_rules=np.array([_index(tasks, slot.rules) for slot in slots.slots], i64),
        slot_owner=np.array([tasks.index(slot.owner) for slot in slots.slots], i64),
        at=np.array([_or(model.fixed_date(name), NO_DAY) for name in problem.milestones], i64),
        cal=cal,
        win=np.array(win, i64),
        fixed_start=np.array([_or(_start(model.actuals.get(task)), NO_DAY) for task in tasks], i64),
        fixed_end=np.array([_or(_end(model.actuals.get(task)), NO_DAY) for task in tasks], i64),
        status=np.array([_or(model.status_day, NO_DAY)], i64),
        capacity=capacity,
    )


def _start(actual: Actual | None) -> int | None:
    return None if actual is None else actual.start


def _end(actual: Actual | None) -> int | None:
    return None if actual is None else actual.end


def _index(names: list[str], name: str | None) -> int:
    return -1 if name is None else names.index(name)
