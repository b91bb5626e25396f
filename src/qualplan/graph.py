"""The dependency graph: cycles, topological order and earliest (CPM) times.

``earliest_times`` is exact for unlimited resources: every rule of format 1 other
than capacity only ever pushes a node later (a lower bound on its start or end),
and a task's end never decreases as its start moves later, so the first feasible
start of each node in topological order is its earliest possible start. The
solver uses it to tighten domains, and ``explain`` uses it for the physics and
season bounds.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from qualplan.calendar import first_fit as calendar_first_fit

if TYPE_CHECKING:
    import networkx as nx

    from qualplan.problem import Problem

# networkx is imported inside the functions that use it: importing it costs about 50 ms,
# a tenth of the half second `qualplan validate` may take, and most runs never need it.


class Arc(Protocol):
    """An edge of the dependency graph: ``problem.Link`` is one."""

    @property
    def pred(self) -> str: ...

    @property
    def succ(self) -> str: ...


def dependency_graph(nodes: Iterable[str], links: Iterable[Arc]) -> nx.DiGraph:
    """``nodes`` (task and milestone ids) and one edge per link (``problem.dependency_links``
    expands stages and skips unknown references, so the static checks can look for cycles
    in a plan that has other errors too)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((link.pred, link.succ) for link in links)
    return graph


def find_cycle(nodes: Iterable[str], links: Iterable[Arc]) -> list[str] | None:
    """One dependency cycle as ``[a, b, c, a]``, or None when the graph is acyclic."""
    import networkx as nx

    try:
        edges = nx.find_cycle(dependency_graph(nodes, links))
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(edge[1] for edge in edges)]


def topological_order(nodes: Sequence[str], links: Iterable[Arc]) -> tuple[str, ...]:
    """Every node, predecessors first; among nodes that are ready together, the one that
    comes first in ``nodes`` goes first (so ties keep the plan's order).

    ``Problem.topological_order`` keeps the result: the solver asks for it hundreds of
    times per solve, and on a 30-task PSPLIB instance rebuilding it each time was a
    third of the whole solve.
    """
    position = {node: index for index, node in enumerate(nodes)}
    succs: dict[str, list[str]] = {node: [] for node in nodes}
    waiting = dict.fromkeys(nodes, 0)
    for pred, succ in dict.fromkeys((link.pred, link.succ) for link in links):  # one edge per pair
        succs[pred].append(succ)
        waiting[succ] += 1
    ready = [(position[node], node) for node in nodes if waiting[node] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for succ in succs[node]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(ready, (position[succ], succ))
    return tuple(order)


@dataclass(frozen=True)
class Times:
    """Start and end day of every node (a milestone's start and end are its date); None = cannot fit."""

    start: dict[str, int | None]
    end: dict[str, int | None]


def first_fit(
    problem: Problem, task_id: str, not_before: int, end_not_before: int, *, windows: bool = True
) -> int | None:
    """The first start ``>= not_before`` whose end is ``>= end_not_before``, inside the horizon,
    on a working day of the task's calendar and (when ``windows``) inside one occurrence of its
    window (``calendar.first_fit`` with the task's own rules).
    """
    task = problem.tasks[task_id]
    calendar = problem.calendars[task.calendar] if task.calendar is not None else None
    occurrences = task.occurrences if windows and task.occurrences is not None else ((0, problem.days - 1),)
    lowest = max(not_before, task.earliest, 0)
    return calendar_first_fit(occurrences, lowest, task.length, calendar, end_not_before)


def earliest_times(problem: Problem, *, windows: bool = True) -> Times:
    """Earliest start and end of every task and milestone, ignoring resources.

    With ``windows=False`` seasonal windows are ignored too (the "test physics"
    bound: dependencies, durations, calendars and fixed dates only).
    """

    def first_start(task_id: str, start: Mapping[str, int | None], end: Mapping[str, int | None]) -> int | None:
        bounds = link_bounds(problem, task_id, start, end)
        return None if bounds is None else first_fit(problem, task_id, *bounds, windows=windows)

    return forward_times(problem, first_start)


def forward_times(
    problem: Problem, start_of: Callable[[str, Mapping[str, int | None], Mapping[str, int | None]], int | None]
) -> Times:
    """Every node's times in topological order: a task starts on ``start_of(task, start, end)``
    (given its predecessors' times so far; None when it has no start) and ends ``problem.end_of``
    it; a milestone falls on ``milestone_date``."""
    start: dict[str, int | None] = {}
    end: dict[str, int | None] = {}
    for node in problem.topological_order:
        if node in problem.milestones:
            start[node] = end[node] = milestone_date(problem, node, start, end)
            continue
        first = start_of(node, start, end)
        start[node] = first
        end[node] = None if first is None else problem.end_of(node, first)
    return Times(start, end)


def link_bounds(
    problem: Problem, task_id: str, start: Mapping[str, int | None], end: Mapping[str, int | None]
) -> tuple[int, int] | None:
    """``(not_before, end_not_before)`` that the links into ``task_id`` impose, given its
    predecessors' times (``Link.earliest``); None when a predecessor has no time."""
    not_before, end_not_before = 0, 0
    for link in problem.preds[task_id]:
        pred_start, pred_end = start[link.pred], end[link.pred]
        if pred_start is None or pred_end is None:
            return None
        if link.succ_side == "start":
            not_before = max(not_before, link.earliest(pred_start, pred_end))
        else:
            end_not_before = max(end_not_before, link.earliest(pred_start, pred_end))
    return not_before, end_not_before


def milestone_date(problem: Problem, node: str, start: Mapping, end: Mapping) -> int | None:
    """A milestone's date given its predecessors' times: the day it was reached (``actual``), its
    `at`, or the smallest day after all of them and not before the status date."""
    fixed = problem.milestones[node].fixed
    if fixed is not None:
        return fixed
    date = None
    for link in problem.preds[node]:
        if start[link.pred] is None:
            return None
        reached = link.earliest(start[link.pred], end[link.pred])
        date = reached if date is None else max(date, reached)
    if date is not None and problem.status_day is not None:
        date = max(date, problem.status_day)  # not reached yet: at the close of the status date at the earliest
    return date
