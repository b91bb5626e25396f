"""An activity-list genetic algorithm that improves CP-SAT's best schedule on plain plans.

On resource-tight plans CP-SAT's first schedules are far from the best and its
large-neighbourhood search climbs slowly: on the 16 PSPLIB j120 instances that
neither it nor PyJobShop closes in 10 s, the schedules ended 2-10 % above the best
known. The classic answer of the RCPSP literature is a genetic algorithm over
activity lists decoded by the serial schedule-generation scheme, each child
improved by double justification (Hartmann 1998; Valls, Ballestín & Quintanilla
2005). When CP-SAT's race leaves a phase unproved, ``solve`` gives the rest of the
time to this search, started from the best schedule so far (``phases.py``).

It covers the plans where a serial schedule is exact and fast: no calendars, no
windows, constant capacities, links that are finish-to-start (any node) or
start-to-start from a milestone (``list_model`` says None otherwise; lags are never
negative in plan format 1). Those are the plans of pure project scheduling, PSPLIB's among them; a plan with
seasons or lab calendars goes straight to CP-SAT.

The search is deterministic: its budget is counted in ticks of work
(``list_kernels.py``), and with two workers two searches with different seeds run
on two threads and the better wins (the first on a tie).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from qualplan import cancel
from qualplan.problem import Link, Problem
from qualplan.result import Schedule, schedule_times

if TYPE_CHECKING:
    from qualplan.deadline import Deadline

#: Ticks of search per second of time limit, for one thread: 510-970 million a second
#: were measured on PSPLIB instances on the project machine (benchmarks/evolution_speed.py).
#: A faster machine searches longer in the same ticks, never differently.
TICKS_PER_SECOND = 700_000_000
#: Schedules in a generation (and survivors of one).
POPULATION = 100
#: Largest value the folded objective may take (numba works in int64).
FITNESS_LIMIT = 2**62


#: Seconds between two looks at the wall deadline and the stop request while searches run.
WATCH_SECONDS = 0.05


@dataclass(frozen=True)
class Evolution:
    """What a search found: its best schedule (None when none fitted the horizon), the
    seconds of budget it used (less than given when it stopped at the floor), and whether
    the wall deadline stopped it before its budget (then a rerun may differ)."""

    schedule: Schedule | None
    seconds: float
    clock_cut: bool = False


class KernelData(NamedTuple):
    """The plan as the compiled loops read it (``list_kernels``): one row per node, nodes in a
    topological order. An arc ``p -> j`` of weight ``w`` means ``start[j] >= start[p] + w``."""

    floor: np.ndarray  # earliest start without predecessors (``not_before``, a milestone's ``at``)
    fwd_ptr: np.ndarray  # arcs into j: fwd_node[fwd_ptr[j]:fwd_ptr[j+1]], with fwd_weight
    fwd_node: np.ndarray
    fwd_weight: np.ndarray
    bwd_ptr: np.ndarray  # the same arcs reversed, in mirrored time (double justification)
    bwd_node: np.ndarray
    bwd_weight: np.ndarray
    span: np.ndarray  # days a node holds its resources (0 for milestones)
    last: np.ndarray  # end day minus start day
    demand: np.ndarray  # units of each resource a node holds: [node, resource]
    capacity: np.ndarray  # each resource's constant capacity
    is_task: np.ndarray
    due: np.ndarray  # a milestone's due day, -1 for none
    priority: np.ndarray  # a milestone's priority, 0 for tasks
    days: np.int64  # the horizon: tasks end by day days - 1
    date_scale: np.int64  # the fitness folds (lateness, dates, last end) with these two factors
    end_scale: np.int64


@dataclass(frozen=True)
class ListModel:
    """The plan as the arrays ``list_kernels`` works on (see its docstring)."""

    nodes: tuple[str, ...]  # node ids in a topological order; index = node number
    data: KernelData
    succ_ptr: np.ndarray
    succ_node: np.ndarray
    rank: np.ndarray  # latest start ignoring resources: the sampling priority
    room: int  # days of resource profile enough for any serial schedule


def list_model(problem: Problem) -> ListModel | None:
    """The plan's arrays, or None when the plan has rules the list search does not model.

    ``Problem.list_model`` keeps the result: ``solve`` asks once to warm the compiled
    code, once to search.
    """
    return _build(problem) if _eligible(problem) else None


def warm_up(model: ListModel) -> bool:
    """Load (or, after an install, compile) the numba code, before the solve's work budget
    starts; True when it compiled.

    The first call after an install compiles for several seconds, which the time limit
    does not count (``solve`` postpones its deadline by that much); later calls load the
    cache in a fraction of a second. The compile runs on a thread of its own so that a
    Ctrl-C during it stops the command at once (``cancel.Interrupted``) instead of after it.
    """

    def compile_or_load() -> bool:
        from qualplan.solver.list_kernels import evolve

        lists = _seed_lists(model, [])
        stop = np.zeros(1, np.int64)
        evolve(model.data, model.succ_ptr, model.succ_node, model.rank, lists, 2, 0, 0, model.room, -1, stop)
        return sum(evolve.stats.cache_misses.values()) > 0

    return cancel.run_stoppable(compile_or_load, name="qualplan-numba-warm-up")


def evolve_schedule(
    problem: Problem,
    *,
    seconds: float,
    workers: int,
    seed: int,
    seeds: list[Schedule],
    floor: tuple[int, int, int] | None = None,
    deadline: Deadline | None = None,
) -> Evolution:
    """The best schedule of ``workers`` searches (seeds ``seed``, ``seed+1``, ...) of
    ``seconds`` × ``TICKS_PER_SECOND`` ticks each, started from ``seeds``; no schedule
    when the plan is not eligible or none fits the horizon. A search stops early on a
    schedule whose objective terms meet ``floor`` (lower bounds: nothing is better).
    The seconds used are the longer search's ticks: each search's count repeats exactly,
    and the searches share nothing, so the result does not depend on their timing.

    The searches also stop at ``deadline`` (between generations) and on a stop request;
    after the latter this raises ``cancel.Interrupted``."""
    from qualplan.solver.list_kernels import evolve

    model = problem.list_model
    if model is None:
        return Evolution(None, 0.0)
    lists = _seed_lists(model, [_start_order(problem, model, schedule) for schedule in seeds])
    budget = int(seconds * TICKS_PER_SECOND)
    target = _folded(model, floor) if floor is not None else -1
    outcomes: list[tuple[int, np.ndarray, int] | None] = [None] * max(workers, 1)
    stop = np.zeros(1, np.int64)  # the kernels look at it between generations

    def run(index: int) -> None:
        arrays = (model.data, model.succ_ptr, model.succ_node, model.rank, lists)
        value, starts, spent = evolve(*arrays, POPULATION, budget, seed + index, model.room, target, stop)
        outcomes[index] = (int(value), starts, int(spent))

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(len(outcomes))]
    for thread in threads:
        thread.start()
    try:
        _watch(threads, stop, deadline)
    finally:
        stop[0] = 1  # an exception here (KeyboardInterrupt) must not leave the searches running
        for thread in threads:
            thread.join()
    cancel.check()
    finished = [outcome for outcome in outcomes if outcome is not None]
    clock_cut = any(spent < budget and not 0 <= value <= target for value, _, spent in finished)
    used = min(seconds, max(outcome[2] for outcome in finished) / TICKS_PER_SECOND)
    found = [outcome for outcome in finished if outcome[0] >= 0]
    if not found:
        return Evolution(None, used, clock_cut)
    _, starts, _ = min(found, key=lambda outcome: outcome[0])  # min keeps the first of equals
    tasks = {node: int(starts[index]) for index, node in enumerate(model.nodes) if node in problem.tasks}
    return Evolution(Schedule(tasks), used, clock_cut)


def _watch(threads: list[threading.Thread], stop: np.ndarray, deadline: Deadline | None) -> None:
    """Wait for the searches; raise their stop flag at the deadline or on a stop request."""
    while any(thread.is_alive() for thread in threads):
        if cancel.requested() or (deadline is not None and deadline.expired()):
            stop[0] = 1
        next(thread for thread in threads if thread.is_alive()).join(WATCH_SECONDS)


# --- which plans ----------------------------------------------------------------------


def _eligible(problem: Problem) -> bool:
    """Plans whose every rule the arrays state exactly (module docstring)."""
    if any(task.calendar is not None or task.occurrences is not None for task in problem.tasks.values()):
        return False
    if any(task.progress is not None for task in problem.tasks.values()):
        return False  # started tasks keep their days whatever the capacity; a serial schedule would move them
    if any(len(steps) != 1 for steps in problem.capacity_steps.values()):
        return False
    for task in problem.tasks.values():
        if any(units > problem.capacity_steps[resource][0][1] for resource, units in task.uses):
            return False  # no schedule at all: CP-SAT proves it
    # Lags are never negative (``durations.py``), so every arc weight below is >= 0 both ways.
    for link in problem.links:
        if link.type == "end":
            return False
        if link.type == "start" and link.pred not in problem.milestones:
            return False
    return True  # milestones have ``at`` or ``after``, never both (``model.Milestone``)


# --- the arrays -----------------------------------------------------------------------


def _build(problem: Problem) -> ListModel | None:
    nodes = problem.topological_order
    number = {node: index for index, node in enumerate(nodes)}
    n = len(nodes)
    resources = list(problem.capacity_steps)
    last = np.array([problem.tasks[node].length - 1 if node in problem.tasks else 0 for node in nodes], np.int64)
    span = np.array([problem.tasks[node].length if node in problem.tasks else 0 for node in nodes], np.int64)
    floor = np.array([_floor(problem, node) for node in nodes], np.int64)
    demand = np.zeros((n, max(len(resources), 1)), np.int64)
    for node, task in problem.tasks.items():
        for resource, units in task.uses:
            demand[number[node], resources.index(resource)] += units
    capacity = np.array([problem.capacity_steps[r][0][1] for r in resources] or [0], np.int64)

    forward: list[list[tuple[int, int]]] = [[] for _ in nodes]  # into j: (pred, weight)
    backward: list[list[tuple[int, int]]] = [[] for _ in nodes]  # into p in mirrored time: (succ, weight)
    for link in problem.links:
        p, s = number[link.pred], number[link.succ]
        weight = _weight(link, int(last[p]))
        forward[s].append((p, weight))
        backward[p].append((s, weight + int(last[s]) - int(last[p])))
    fwd_ptr, fwd_node, fwd_weight = _csr(forward)
    bwd_ptr, bwd_node, bwd_weight = _csr(backward)
    succ_ptr, succ_node, _ = _csr([[(s, 0) for s, _ in arcs] for arcs in backward])

    # A serial schedule never starts a node later than the latest floor plus every span and arc weight.
    weights = np.maximum(fwd_weight, 0).sum() + np.maximum(bwd_weight, 0).sum()
    room = int(floor.max(initial=0) + span.sum() + weights) + 2
    is_task = np.array([node in problem.tasks for node in nodes], np.bool_)
    due = np.array([_due(problem, node) for node in nodes], np.int64)
    priority = np.array([_priority(problem, node) for node in nodes], np.int64)
    end_scale = room + 1
    date_scale = len(problem.milestones) * room + 1
    worst_lateness = int(priority.sum()) * room
    if (worst_lateness * date_scale + date_scale) * end_scale >= FITNESS_LIMIT:
        return None
    data = KernelData(
        floor=floor,
        fwd_ptr=fwd_ptr,
        fwd_node=fwd_node,
        fwd_weight=fwd_weight,
        bwd_ptr=bwd_ptr,
        bwd_node=bwd_node,
        bwd_weight=bwd_weight,
        span=span,
        last=last,
        demand=demand,
        capacity=capacity,
        is_task=is_task,
        due=due,
        priority=priority,
        days=np.int64(problem.days),
        date_scale=np.int64(date_scale),
        end_scale=np.int64(end_scale),
    )
    rank = _latest_starts(problem, nodes, last, forward)
    return ListModel(nodes, data, succ_ptr, succ_node, rank, room)


def _weight(link: Link, pred_last: int) -> int:
    """``start[succ] >= start[pred] + weight`` for one link: ``Link.earliest`` with the
    predecessor starting on day 0 and ending on ``pred_last``. Eligible links bound the
    successor's start (no finish-to-finish), so the weight is exact."""
    return link.earliest(0, pred_last)


def _floor(problem: Problem, node: str) -> int:
    if node in problem.tasks:
        return problem.tasks[node].earliest
    fixed = problem.milestones[node].fixed
    if fixed is not None:
        return fixed
    return max(0, problem.status_day or 0)  # a milestone not yet reached falls on the status date at the earliest


def _priority(problem: Problem, node: str) -> int:
    spec = problem.milestones.get(node)
    return 0 if spec is None else spec.priority


def _due(problem: Problem, node: str) -> int:
    spec = problem.milestones.get(node)
    return -1 if spec is None or spec.due is None else spec.due


def _csr(arcs: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compressed rows: row j's arcs are ``node[ptr[j]:ptr[j+1]]``, ``weight[...]``."""
    ptr = np.zeros(len(arcs) + 1, np.int64)
    for j, row in enumerate(arcs):
        ptr[j + 1] = ptr[j] + len(row)
    node = np.array([other for row in arcs for other, _ in row], np.int64)
    weight = np.array([w for row in arcs for _, w in row], np.int64)
    return ptr, node, weight


def _latest_starts(problem: Problem, nodes: tuple[str, ...], last: np.ndarray, forward) -> np.ndarray:
    """Latest start of each node that keeps every task inside the horizon, ignoring resources."""
    latest = np.array([problem.days - 1 - last[j] for j in range(len(nodes))], np.float64)
    for j in reversed(range(len(nodes))):
        for p, weight in forward[j]:
            latest[p] = min(latest[p], latest[j] - weight)
    return latest


def _start_order(problem: Problem, model: ListModel, schedule: Schedule) -> np.ndarray:
    """A schedule as an activity list: nodes by start day, ties by node number."""
    times = schedule_times(problem, schedule)
    starts = [times.start[node] for node in model.nodes]
    return np.array(sorted(range(len(model.nodes)), key=lambda j: (starts[j], j)), np.int64)


def _folded(model: ListModel, terms: tuple[int, int, int]) -> int:
    """Three objective terms as one integer, as ``list_kernels.fitness`` folds them."""
    date_scale, end_scale = int(model.data.date_scale), int(model.data.end_scale)
    return (terms[0] * date_scale + terms[1]) * end_scale + terms[2]


def _seed_lists(model: ListModel, orders: list[np.ndarray]) -> np.ndarray:
    if not orders:
        return np.zeros((0, len(model.nodes)), np.int64)
    return np.stack(orders)
