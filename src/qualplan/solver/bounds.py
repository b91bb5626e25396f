"""Precedence (CPM) bounds that shrink every start domain before CP-SAT sees it.

A start's domain is ``[earliest, latest]`` restricted to the days the task may
start on: working days of its calendar, and starts that keep it inside one
occurrence of its window. ``earliest`` is the exact CPM forward pass of
``graph.earliest_times``; ``latest`` is the mirror backward pass from the horizon
(and from any objective cut-off, see ``Cutoff``). Both ignore resources, so they
only remove starts that no schedule can use.

Why it matters: a working-day task's exact span is a table of (start, end) pairs,
one per possible start (``variables.py``). Over an 8-year horizon that table is
thousands of rows per task; CPM bounds and cut-offs cut it to the days that can
still matter, which is what lets the solver find and prove schedules at all on
calendar plans (docs/scheduling.md has the measurements).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from qualplan.graph import earliest_times
from qualplan.problem import Link, Problem


@dataclass(frozen=True)
class Cutoff:
    """Upper bounds that an objective value already reached makes safe to impose.

    If a schedule with weighted lateness ``L0`` is known, an optimal one has lateness
    ``<= L0``, so each milestone with a due date lands by ``due + L0 // priority``;
    a known sum of milestone dates caps each date the same way, and a known last end
    caps every task's end. Imposing them removes no schedule at least as good as the
    known one, so every bound the solver proves under them holds for the plan.
    """

    dates: dict[str, int] = field(default_factory=dict)  # milestone id -> latest date
    last_end: int | None = None  # latest end of every task


@dataclass(frozen=True)
class Bounds:
    """Earliest and latest start of every task, date range of every milestone."""

    earliest: dict[str, int]
    latest: dict[str, int]
    conflicts: tuple[str, ...]  # non-empty when some task or milestone has no room at all


def relaxed(problem: Problem, *, windows: set[str], not_before: set[str], at: set[str]) -> Problem:
    """``problem`` without the switchable rules named (task ids for windows and
    ``not_before``, milestone ids for ``at``), for bounds that stay valid when they are off.

    A milestone whose ``at`` is off may fall on any day, so its date is bounded below by 0.
    The status date is no switchable rule: a task without its ``not_before`` still starts on
    or after it, and a started task keeps its actual start.
    """
    floor = max(0, problem.status_day or 0)
    tasks = {
        task_id: replace(
            task,
            occurrences=None if task_id in windows else task.occurrences,
            earliest=floor if task_id in not_before and task.progress is None else task.earliest,
            not_before=None if task_id in not_before else task.not_before,
        )
        for task_id, task in problem.tasks.items()
    }
    milestones = {
        milestone_id: replace(milestone, at=0) if milestone_id in at else milestone
        for milestone_id, milestone in problem.milestones.items()
    }
    return replace(problem, tasks=tasks, milestones=milestones)


def compute_bounds(problem: Problem, cutoff: Cutoff | None = None) -> Bounds:
    """CPM earliest starts (forward) and latest starts (backward from the horizon and ``cutoff``)."""
    cutoff = cutoff or Cutoff()
    forward = earliest_times(problem, windows=True)
    earliest: dict[str, int] = {}
    conflicts: list[str] = []
    for node in problem.tasks:
        start = forward.start[node]
        if start is None:
            conflicts.append(_no_room_message(problem, node))
        else:
            earliest[node] = start
    if conflicts:
        return Bounds(earliest, {}, tuple(conflicts))
    for node in problem.milestones:
        earliest[node] = forward.start[node]

    last = problem.days - 1 if cutoff.last_end is None else min(problem.days - 1, cutoff.last_end)
    latest: dict[str, int] = {}
    latest_end: dict[str, int] = {}
    for node in reversed(problem.topological_order):
        if node in problem.milestones:
            date = _latest_date(problem, node, latest, latest_end, cutoff.dates.get(node))
            latest[node] = latest_end[node] = date
            if date is not None and date < earliest[node]:
                conflicts.append(
                    f"milestone {node} cannot be reached by {problem.date(date)}, "
                    f"which its successors need, because it comes {problem.date(earliest[node])} at the earliest"
                )
            continue
        start_cap, end_cap = None, last
        for link in problem.succs[node]:
            cap = _link_cap(link, latest, latest_end)
            if link.pred_side == "start":
                start_cap = _min(start_cap, cap)
            else:
                end_cap = _min(end_cap, cap)
        start = last_fit(problem, node, start_cap, end_cap)
        if start is None or start < earliest[node]:
            conflicts.append(_too_late_message(problem, node, earliest[node], start_cap, end_cap))
            return Bounds(earliest, latest, tuple(conflicts))
        latest[node] = start
        latest_end[node] = problem.end_of(node, start)
    return Bounds(earliest, latest, tuple(conflicts))


def _latest_date(problem: Problem, node: str, latest: dict, latest_end: dict, cap: int | None) -> int | None:
    """Latest date of a milestone that its successors allow (None: unbounded)."""
    fixed = problem.milestones[node].fixed
    date = cap
    for link in problem.succs[node]:
        date = _min(date, _link_cap(link, latest, latest_end))  # a milestone's start and end are its date
    if fixed is not None:
        return fixed if date is None or fixed <= date else date
    return date


def last_fit(problem: Problem, task_id: str, start_cap: int | None, end_cap: int) -> int | None:
    """The latest start ``<= start_cap`` whose end is ``<= end_cap``, on a working day of the
    task's calendar, inside one occurrence of its window, not before its ``earliest``.
    A started task has one start, its actual one."""
    task = problem.tasks[task_id]
    if task.fixed_start is not None:
        end = problem.end_of(task_id, task.fixed_start)
        fits = (start_cap is None or task.fixed_start <= start_cap) and end is not None and end <= end_cap
        return task.fixed_start if fits else None
    calendar = problem.calendars[task.calendar] if task.calendar is not None else None
    occurrences = task.occurrences if task.occurrences is not None else ((0, problem.days - 1),)
    for lo, hi in reversed(occurrences):
        lowest = max(lo, task.earliest)
        end_limit = min(hi, end_cap)
        if calendar is None:
            start = end_limit - task.length + 1
            if start_cap is not None:
                start = min(start, start_cap)
        else:
            start = calendar.start_for_end(end_limit, task.length)
            if start is not None and start_cap is not None and start > start_cap:
                index = bisect.bisect_right(calendar.days, start_cap) - 1
                start = calendar.days[index] if index >= 0 else None
        if start is not None and start >= lowest:
            return start
    return None


def start_intervals(problem: Problem, task_id: str, earliest: int, latest: int) -> list[tuple[int, int]]:
    """The starts a task may take in ``[earliest, latest]`` as sorted inclusive intervals,
    keeping its end inside the same window occurrence. For a calendar task only the
    working days of the intervals are starts (the model adds that rule). A started task has
    one start, its actual one."""
    task = problem.tasks[task_id]
    if task.fixed_start is not None:
        return [(task.fixed_start, task.fixed_start)] if earliest <= task.fixed_start <= latest else []
    occurrences = task.occurrences if task.occurrences is not None else ((0, problem.days - 1),)
    intervals: list[tuple[int, int]] = []
    if task.calendar is None:
        for lo, hi in occurrences:
            first, final = max(lo, earliest), min(hi - task.length + 1, latest)
            if first <= final:
                intervals.append((first, final))
        return intervals
    # Calendar tasks: one run per occurrence, from its first working start to the last
    # whose end still falls inside it (every working day between qualifies, as ends only
    # grow with the start); ``calendars.py`` keeps weekends and holidays out.
    calendar = problem.calendars[task.calendar]
    for lo, hi in occurrences:
        first = calendar.next_working(max(lo, earliest))
        last = calendar.start_for_end(hi, task.length)
        if last is not None and last > latest:
            index = bisect.bisect_right(calendar.days, latest) - 1
            last = calendar.days[index] if index >= 0 else None
        if first is not None and last is not None and first <= last:
            intervals.append((first, last))
    return intervals


def _no_room_message(problem: Problem, task_id: str) -> str:
    task = problem.tasks[task_id]
    last = problem.date(problem.days - 1)
    where = f" inside an occurrence of window {task.window}" if task.window else ""
    return (
        f"task {task_id} cannot fit{where} by the horizon's last day {last}: "
        f"its dependencies, not_before and calendar push it too late"
    )


def _too_late_message(problem: Problem, task_id: str, earliest: int, start_cap: int | None, end_cap: int) -> str:
    limit = f"end by {problem.date(end_cap)}" if end_cap >= 0 else "end before the plan start"
    if start_cap is not None:
        limit += f" and start by {problem.date(start_cap)}" if start_cap >= 0 else " and start before the plan start"
    return (
        f"task {task_id} must {limit} for its successors to fit the horizon "
        f"(last day {problem.date(problem.days - 1)}), but it cannot start before {problem.date(earliest)}"
    )


def _link_cap(link: Link, latest: dict, latest_end: dict) -> int | None:
    """The latest start or end (``link.pred_side``) of ``link.pred`` that the successor's
    latest times allow (``Link.latest``); None when the successor is an unbounded milestone."""
    if latest[link.succ] is None:
        return None
    return link.latest(latest[link.succ], latest_end[link.succ])


def _min(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def reach_after_last_end(problem: Problem) -> dict[str, int | None]:
    """For each milestone, the most days its date can fall after the last task's end.

    A milestone reached only through tasks and other such milestones falls at most its
    largest lag chain after the last end; one fixed by ``at`` or ``actual`` (or reached
    through one) has no such bound (None). Neither has any when the status date may
    fall after the last end (every task done before it), as a milestone not yet
    reached falls on it at the earliest. ``Problem.reach_after_last_end`` keeps the result.
    """
    reach: dict[str, int | None] = {}
    if not _last_end_reaches_status_day(problem):
        return dict.fromkeys(problem.milestones)
    for milestone in (node for node in problem.topological_order if node in problem.milestones):
        if problem.milestones[milestone].fixed is not None:
            reach[milestone] = None
            continue
        longest: int | None = 0
        for link in problem.preds[milestone]:
            if link.pred in problem.milestones:
                before = reach[link.pred]
                longest = None if before is None or longest is None else max(longest, before + link.lag)
            elif longest is not None:
                longest = max(longest, link.lag)
        reach[milestone] = longest
    return reach


def _last_end_reaches_status_day(problem: Problem) -> bool:
    """Whether every schedule's last end is on or after the status day: a task not done
    starts (a planned one) or ends (a running one) on or after it."""
    if problem.status_day is None:
        return True
    return any(task.fixed_end is None or task.fixed_end >= problem.status_day for task in problem.tasks.values())
