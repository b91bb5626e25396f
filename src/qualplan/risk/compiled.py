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
- ``redo_spread`` (T x 3): each task's own spread, which its redo runs draw (a started
  task's chain spread is its span or its remaining work);
- progress (``Problem.status_day``, ``TaskSpec.progress``): ``fixed_start``/``fixed_end`` per
  task (``NO_DAY``: none; a running task has a start and no end), ``fixed_calendar`` (the
  calendar counting a running task's remaining work, -1: every day), ``status`` (one day,
  ``NO_DAY`` without a status day). Planned tasks start on or after the status day (in
  ``earliest``, as compiled), milestones not reached are dated on or after it, reached
  milestones are folded into ``at``. The calendar, window, ``not_before`` and uses of a
  task's runs are its planned ones (``RiskModel.rules``), also for a started task run again
  as a redo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from qualplan.actuals import TaskProgress
from qualplan.calendar import window_occurrences
from qualplan.graph import earliest_times
from qualplan.problem import Problem, TaskSpec
from qualplan.result import Schedule, schedule_times
from qualplan.risk.draws import IterationDraws, draw_iteration
from qualplan.risk.spec import Layout, TaskRisk, layout, task_risks, with_progress

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
    redo_spread: np.ndarray
    fixed_start: np.ndarray
    fixed_end: np.ndarray
    fixed_calendar: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class RiskModel:
    """A plan compiled for risk runs (module docstring)."""

    problem: Problem
    risks: dict[str, TaskRisk]  # the chain of each task: a started task's from its progress
    planned: dict[str, TaskRisk]  # each task's own risk, as its redo runs draw it
    rules: dict[str, TaskSpec]  # each task's rules for its runs (a started task's as planned)
    layout: Layout
    priority: tuple[int, ...]  # per task in plan order: its rank in the priority order
    #: each running task's work left at the status day, and the calendar that counts it (its own)
    remaining: dict[str, tuple[int, str | None]]

    @cached_property
    def arrays(self) -> KernelArrays:
        """The kernel's arrays (module docstring), built on first use (the ``optimal`` policy
        never needs them) and kept on the instance, so they travel with it to workers."""
        return _arrays(self)

    def draw(self, seed: int, iteration: int) -> IterationDraws:
        """Iteration ``iteration``'s draws, in plain Python (``draws.draw_iteration``)."""
        return draw_iteration(self.risks, seed, iteration, self.planned)

    @property
    def progress(self) -> dict[str, TaskProgress]:
        """The started tasks (plan-format.md, "Progress"), in plan order."""
        return {task: spec.progress for task, spec in self.problem.tasks.items() if spec.progress is not None}

    @property
    def status_day(self) -> int | None:
        return self.problem.status_day

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.layout.tasks

    @property
    def milestones(self) -> tuple[str, ...]:
        return tuple(self.problem.milestones)


def build_model(problem: Problem, schedule: Schedule | None) -> RiskModel:
    """The risk model of ``problem``, its priority order taken from ``schedule`` (the plan's
    ``check`` schedule): tasks by start day, ties in plan order. Without a schedule (none
    was found), the order of the earliest starts that dependencies and windows allow.

    With progress, a done task's chain is its actual span and a running task's its remaining
    work (``spec.with_progress``); a started task run again as another test's ``redo`` draws
    from its own risk and keeps its planned calendar, window, ``not_before`` and uses."""
    planned = task_risks(problem)
    progress = {task: spec.progress for task, spec in problem.tasks.items() if spec.progress is not None}
    remaining = {
        task: _remaining_work(problem, task) for task, started in progress.items() if started.state == "running"
    }
    risks = with_progress(planned, progress, {task: work for task, (work, _) in remaining.items()})
    slots = layout(risks)
    priority = _priority(problem, schedule)
    return RiskModel(problem, risks, planned, _planned_rules(problem), slots, priority, remaining)


def _remaining_work(problem: Problem, task_id: str) -> tuple[int, str | None]:
    """A running task's work left at the status day, in days of its own calendar (every day
    without one), and that calendar: its ``remaining`` as written, or without it the days from
    the status day to the end its planned duration gives (``actuals.task_progress``)."""
    started = problem.tasks[task_id].progress
    calendar = problem.plan.task(task_id).calendar
    assert started is not None and started.end is not None and problem.status_day is not None
    if calendar is None or started.remaining_calendar == calendar:
        assert started.remaining is not None
        return started.remaining, calendar
    mask = problem.calendars[calendar].mask
    working = sum(1 for day in range(problem.status_day, started.end + 1) if 0 <= day < len(mask) and mask[day])
    return max(working, 1), calendar


def _planned_rules(problem: Problem) -> dict[str, TaskSpec]:
    """Each task's rules as a planned task: the compiled task, or for a started task (compiled
    as a plain span at its actual days) the rules its plan entry gives, from the status day on."""
    plan = problem.plan
    rules = {}
    for task in plan.tasks:
        spec = problem.tasks[task.id]
        if spec.progress is None:
            rules[task.id] = spec
            continue
        not_before = None if task.not_before is None else (task.not_before - plan.start).days
        occurrences = None
        if task.window is not None:
            occurrences = tuple(window_occurrences(plan.windows[task.window], plan.start, problem.days))
        rules[task.id] = TaskSpec(
            id=task.id,
            length=task.days,
            calendar=task.calendar,
            window=task.window,
            occurrences=occurrences,
            earliest=max(0, not_before or 0, problem.status_day or 0),
            not_before=not_before,
            uses=tuple(task.uses.items()),
            stage=task.stage,
        )
    return rules


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
    problem, risks, slots, priority, rules = model.problem, model.risks, model.layout, model.priority, model.rules
    tasks = list(problem.tasks)
    progress = model.progress
    nodes = [*tasks, *problem.milestones]
    number = {node: index for index, node in enumerate(nodes)}
    resources = list(problem.capacity_steps)
    calendars = list(problem.calendars)
    windows = sorted({spec.window for spec in rules.values() if spec.window is not None})
    days = problem.days
    i64 = np.int64

    preds = [problem.preds[node] for node in nodes]
    pred_ptr = np.cumsum([0, *(len(links) for links in preds)]).astype(i64)
    flat = [link for links in preds for link in links]
    succs = [problem.succs[node] for node in nodes]
    succ_ptr = np.cumsum([0, *(len(links) for links in succs)]).astype(i64)

    demand = np.zeros((len(tasks), max(len(resources), 1)), i64)
    for index, task in enumerate(tasks):
        for resource, units in rules[task].uses:
            demand[index, resources.index(resource)] += units
    redo = [[tasks.index(name) for name in risk.redo] for risk in risks.values()]

    cal = np.zeros((max(len(calendars), 1), 2 * days + 2), i64)
    for c, name in enumerate(calendars):
        mask = np.array(problem.calendars[name].mask, np.bool_)
        working = np.nonzero(mask)[0]
        cal[c, 0] = len(working)
        cal[c, 2 : days + 2] = np.cumsum(mask)
        cal[c, days + 2 : days + 2 + len(working)] = working
    occurrences = [rules[next(t for t in tasks if rules[t].window == w)].occurrences or () for w in windows]
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
        earliest=np.array([rules[task].earliest for task in tasks], i64),
        calendar=np.array([_index(calendars, rules[task].calendar) for task in tasks], i64),
        window=np.array([_index(windows, rules[task].window) for task in tasks], i64),
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
        at=np.array([_or(spec.fixed, NO_DAY) for spec in problem.milestones.values()], i64),
        cal=cal,
        win=np.array(win, i64),
        redo_spread=np.array([risk.spread for risk in model.planned.values()], np.float64).reshape(len(tasks), 3),
        fixed_start=np.array([_or(_start(progress.get(task)), NO_DAY) for task in tasks], i64),
        fixed_end=np.array([_or(_done_end(progress.get(task)), NO_DAY) for task in tasks], i64),
        fixed_calendar=np.array([_index(calendars, model.remaining.get(task, (0, None))[1]) for task in tasks], i64),
        status=np.array([_or(model.status_day, NO_DAY)], i64),
        capacity=capacity,
    )


def _start(progress: TaskProgress | None) -> int | None:
    return None if progress is None else progress.start


def _done_end(progress: TaskProgress | None) -> int | None:
    """A done task's actual end; None for a running one (its end is drawn) or a planned one."""
    return progress.end if progress is not None and progress.state == "done" else None


def _index(names: list[str], name: str | None) -> int:
    return -1 if name is None else names.index(name)
