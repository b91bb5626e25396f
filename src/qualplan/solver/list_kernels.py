"""Compiled loops of the activity-list search (``evolution.py``): schedule, justify, evolve.

Numba compiles these to machine code on first use and caches the result next to
this file (``cache=True``): a serial schedule of a 120-task PSPLIB instance runs
112-164 times faster than in Python (``benchmarks/evolution_speed.py``), and the
search needs hundreds of thousands of them to beat CP-SAT's large-neighbourhood
search on resource-tight plans. ``nogil=True`` lets two searches run on two threads.

The data is plain arrays, one row per node (task or milestone), nodes numbered in
a topological order of the plan, passed as one named tuple (``evolution.KernelData``):

- ``floor[j]``: the earliest start allowed without predecessors (``not_before``,
  a milestone's ``at``);
- an arc ``p -> j`` of weight ``w`` means ``start[j] >= start[p] + w``. Every link of
  an eligible plan becomes one arc with ``w >= 0`` forwards and backwards (see
  ``evolution.py``), so ordering nodes by start, ties by number, is topological;
- ``span[j]``: days the node occupies resources (0 for milestones),
  ``last[j]``: its end day minus its start day (``span - 1`` for tasks, 0 for milestones);
- ``demand[j, r]`` units of constant ``capacity[r]``.

Work is counted in ticks (node placements plus day checks), not seconds, so a
budget gives the same search on every machine and every run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: How many double justifications one child may get while each one still improves it.
MAX_JUSTIFICATIONS = 4
#: Probability of swapping each adjacent pair of a child's list (when no arc joins them).
MUTATION_RATE = 0.05
#: Random days added to the priority when the first population is sampled.
SAMPLING_NOISE = 10.0


@njit(cache=True, nogil=True)
def serial_schedule(order, floor, arc_ptr, arc_node, arc_weight, span, demand, capacity, free, start):
    """Place the nodes of ``order`` one by one at their first resource-feasible day.

    Writes ``start``; returns the ticks spent (every day, arc and cell looked at), or
    -1 when a node would run past the end of ``free`` (sized so that this cannot happen).
    ``free`` must hold ``capacity`` on entry beyond the days of its last column's count;
    ``free[r, days-1]`` is not used for scheduling but keeps how far the previous call
    wrote, so that only those days are reset.
    """
    resources, days = free.shape
    days -= 1
    used = free[0, days]
    for r in range(resources):
        for t in range(used):
            free[r, t] = capacity[r]
    ticks = resources * used
    used = 0
    for k in range(order.shape[0]):
        j = order[k]
        earliest = floor[j]
        ticks += arc_ptr[j + 1] - arc_ptr[j]
        for a in range(arc_ptr[j], arc_ptr[j + 1]):
            reach = start[arc_node[a]] + arc_weight[a]
            if reach > earliest:
                earliest = reach
        length = span[j]
        t = earliest
        if length > 0:
            while True:
                if t + length > days:
                    return -1
                conflict = -1
                for r in range(resources):
                    need = demand[j, r]
                    if need > 0:
                        for day in range(t + length - 1, t - 1, -1):
                            ticks += 1
                            if free[r, day] < need:
                                if day > conflict:
                                    conflict = day
                                break
                if conflict < 0:
                    break
                t = conflict + 1
            for r in range(resources):
                need = demand[j, r]
                if need > 0:
                    ticks += length
                    for day in range(t, t + length):
                        free[r, day] -= need
            if t + length > used:
                used = t + length
        start[j] = t
        ticks += 1
    free[0, days] = used
    return ticks


@njit(cache=True, nogil=True)
def order_by_start(start):
    """Nodes by start day, ties by number: a topological order (all arc weights are >= 0)."""
    n = start.shape[0]
    keys = np.empty(n, np.int64)
    for j in range(n):
        keys[j] = start[j] * (n + 1) + j
    return np.argsort(keys, kind="mergesort")


@njit(cache=True, nogil=True)
def justify(start, data, free):
    """Double justification (Valls et al. 2005): every node as late as it can go, latest
    first, then every node as early as it can go, earliest first. Rewrites ``start``;
    returns the ticks spent, or -1 on overflow.

    The backward pass is a forward pass in mirrored time: a node on days ``s .. s+last``
    sits on ``K-s-last .. K-s`` there, and each arc is reversed with its weight adjusted.
    """
    floor, fwd_ptr, fwd_node, fwd_weight = data.floor, data.fwd_ptr, data.fwd_node, data.fwd_weight
    bwd_ptr, bwd_node, bwd_weight = data.bwd_ptr, data.bwd_node, data.bwd_weight
    span, last, demand, capacity = data.span, data.last, data.demand, data.capacity
    n = start.shape[0]
    horizon = 0
    for j in range(n):
        if start[j] + last[j] > horizon:
            horizon = start[j] + last[j]
    keys = np.empty(n, np.int64)
    for j in range(n):
        keys[j] = (horizon - start[j] - last[j]) * (n + 1) + (n - j)
    order = np.argsort(keys, kind="mergesort")
    mirrored = np.empty(n, np.int64)
    zero = np.zeros(n, np.int64)
    backward = serial_schedule(order, zero, bwd_ptr, bwd_node, bwd_weight, span, demand, capacity, free, mirrored)
    if backward < 0:
        return -1
    horizon = 0
    for j in range(n):
        if mirrored[j] + last[j] > horizon:
            horizon = mirrored[j] + last[j]
    for j in range(n):
        keys[j] = (horizon - mirrored[j] - last[j]) * (n + 1) + j
    order = np.argsort(keys, kind="mergesort")
    forward = serial_schedule(order, floor, fwd_ptr, fwd_node, fwd_weight, span, demand, capacity, free, start)
    if forward < 0:
        return -1
    return backward + forward + 4 * n


@njit(cache=True, nogil=True)
def fitness(start, is_task, last, due, priority, days, date_scale, end_scale):
    """The plan's three objective terms folded into one integer (lexicographic order kept),
    or -1 when a task ends after the horizon."""
    lateness = 0
    dates = 0
    last_end = 0
    for j in range(start.shape[0]):
        if is_task[j]:
            end = start[j] + last[j]
            if end > days - 1:
                return -1
            if end > last_end:
                last_end = end
        else:
            dates += start[j]
            if due[j] >= 0 and start[j] > due[j]:
                lateness += priority[j] * (start[j] - due[j])
    return (lateness * date_scale + dates) * end_scale + last_end


@njit(cache=True, nogil=True)
def _improved(order, data, free, start, trial):
    """Schedule ``order``, then justify while that improves. Returns (fitness, ticks); the
    best schedule is left in ``start``. Fitness -1: no schedule within the horizon."""
    floor, fwd_ptr, fwd_node, fwd_weight = data.floor, data.fwd_ptr, data.fwd_node, data.fwd_weight
    span, last, demand, capacity = data.span, data.last, data.demand, data.capacity
    is_task, due, priority, days = data.is_task, data.due, data.priority, data.days
    date_scale, end_scale = data.date_scale, data.end_scale
    ticks = serial_schedule(order, floor, fwd_ptr, fwd_node, fwd_weight, span, demand, capacity, free, start)
    if ticks < 0:
        return -1, 0
    value = fitness(start, is_task, last, due, priority, days, date_scale, end_scale)
    for _ in range(MAX_JUSTIFICATIONS):
        trial[:] = start
        spent = justify(trial, data, free)
        if spent < 0:
            break
        ticks += spent
        candidate = fitness(trial, is_task, last, due, priority, days, date_scale, end_scale)
        if candidate < 0 or (value >= 0 and candidate >= value):
            break
        start[:] = trial
        value = candidate
    return value, ticks


@njit(cache=True, nogil=True)
def _sampled_order(rank, fwd_ptr, succ_ptr, succ_node, noise, out):
    """A topological order drawn by biased random sampling: among ready nodes, the
    smallest ``rank`` plus uniform noise in [0, noise) goes first."""
    n = rank.shape[0]
    waiting = np.empty(n, np.int64)
    ready = np.empty(n, np.int64)
    count = 0
    for j in range(n):
        waiting[j] = fwd_ptr[j + 1] - fwd_ptr[j]
        if waiting[j] == 0:
            ready[count] = j
            count += 1
    for k in range(n):
        chosen, best = 0, np.inf
        for i in range(count):
            value = rank[ready[i]] + np.random.random() * noise
            if value < best:
                best, chosen = value, i
        j = ready[chosen]
        ready[chosen] = ready[count - 1]
        count -= 1
        out[k] = j
        for a in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_node[a]
            waiting[s] -= 1
            if waiting[s] == 0:
                ready[count] = s
                count += 1


@njit(cache=True, nogil=True)
def _crossover(mother, father, cut_one, cut_two, taken, child):
    """Two-point crossover of activity lists (Hartmann 1998): the mother's first ``cut_one``
    nodes, then the father's next ones in his order up to ``cut_two``, then the mother's
    rest. Children of topological lists are topological."""
    n = mother.shape[0]
    taken[:] = False
    k = 0
    for i in range(cut_one):
        child[k] = mother[i]
        taken[mother[i]] = True
        k += 1
    for i in range(n):
        if k >= cut_two:
            break
        if not taken[father[i]]:
            child[k] = father[i]
            taken[father[i]] = True
            k += 1
    for i in range(n):
        if not taken[mother[i]]:
            child[k] = mother[i]
            taken[mother[i]] = True
            k += 1


@njit(cache=True, nogil=True)
def _joined(a, b, fwd_ptr, fwd_node):
    """True when an arc runs from ``a`` to ``b``."""
    for arc in range(fwd_ptr[b], fwd_ptr[b + 1]):
        if fwd_node[arc] == a:
            return True
    return False


@njit(cache=True, nogil=True)
def _signature(start, weights):
    """A hash of a schedule, to keep copies of one schedule out of the population."""
    total = np.int64(0)
    for j in range(start.shape[0]):
        total = (total + start[j] * weights[j]) % 2305843009213693951
    return total


@njit(cache=True, nogil=True)
def _enter(order, slot, data, free, start, trial, lists, values, marks, weights):
    """Decode and justify ``order`` (``_improved``) and store the result in row ``slot``:
    its schedule as a list by start day, its fitness and its signature. Returns (fitness,
    ticks); the schedule is left in ``start``."""
    value, ticks = _improved(order, data, free, start, trial)
    lists[slot] = order_by_start(start) if value >= 0 else order
    values[slot] = value
    marks[slot] = _signature(start, weights)
    return value, ticks + order.shape[0]


@njit(cache=True, nogil=True)
def evolve(data, succ_ptr, succ_node, rank, seeds, population, budget, seed, room, target, stop):
    """A genetic algorithm over activity lists with double justification of every child.

    ``seeds``: topological orders to put in the first population as they are (the
    best schedule so far, for one); the rest is sampled around ``rank``. Generations
    of ``population`` children (two-point crossover of random pairs, adjacent-swap
    mutation) compete with their parents; the best distinct schedules survive.

    Stops once ``budget`` ticks are spent, or once the best fitness is ``target`` or
    less (a lower bound; -1 for none), or at the end of a generation once another
    thread has set ``stop[0]`` (the wall deadline, a stop request). ``room``: days of resource profile, enough for
    any serial schedule (``evolution.py`` works it out). Returns (best fitness, its
    starts, ticks spent); fitness -1 when no schedule fitted the horizon.
    """
    np.random.seed(seed)
    floor, fwd_ptr, fwd_node, capacity = data.floor, data.fwd_ptr, data.fwd_node, data.capacity
    n = floor.shape[0]
    free = np.empty((capacity.shape[0], room + 1), np.int64)
    for r in range(capacity.shape[0]):
        free[r, :] = capacity[r]
    free[0, room] = 0
    start = np.empty(n, np.int64)
    trial = np.empty(n, np.int64)
    best_start = np.zeros(n, np.int64)
    best = np.int64(-1)
    weights = np.empty(n, np.int64)
    for j in range(n):
        weights[j] = np.random.randint(1, 1 << 30)
    lists = np.empty((2 * population, n), np.int64)
    values = np.full(2 * population, np.int64(-1))
    marks = np.zeros(2 * population, np.int64)
    order = np.empty(n, np.int64)
    taken = np.zeros(n, np.bool_)
    spent = 0
    for p in range(population):
        if p < seeds.shape[0]:
            order[:] = seeds[p]
        else:
            _sampled_order(rank, fwd_ptr, succ_ptr, succ_node, SAMPLING_NOISE if p > 0 else 0.0, order)
        value, ticks = _enter(order, p, data, free, start, trial, lists, values, marks, weights)
        spent += ticks
        if value >= 0 and (best < 0 or value < best):
            best = value
            best_start[:] = start
    child = np.empty(n, np.int64)
    keys = np.empty(2 * population, np.float64)
    while spent < budget and not (0 <= best <= target) and stop[0] == 0:
        pairing = np.random.permutation(population)
        for c in range(population):
            mother = lists[pairing[c]]
            father = lists[pairing[(c + 1) % population]]
            cut_one = np.random.randint(0, n)
            cut_two = np.random.randint(cut_one, n + 1)
            _crossover(mother, father, cut_one, cut_two, taken, child)
            for i in range(n - 1):
                if np.random.random() < MUTATION_RATE and not _joined(child[i], child[i + 1], fwd_ptr, fwd_node):
                    child[i], child[i + 1] = child[i + 1], child[i]
            value, ticks = _enter(child, population + c, data, free, start, trial, lists, values, marks, weights)
            spent += ticks
            if value >= 0 and (best < 0 or value < best):
                best = value
                best_start[:] = start
        # Survivors: the best distinct schedules; a copy of a kept one counts as unplaced.
        for i in range(2 * population):
            keys[i] = (values[i] if values[i] >= 0 else 9.0e18) + np.random.random() * 0.5
        ranking = np.argsort(keys)
        kept_lists = np.empty((population, n), np.int64)
        kept_values = np.empty(population, np.int64)
        kept_marks = np.empty(population, np.int64)
        chosen = np.zeros(2 * population, np.bool_)
        count = 0
        for pass_ in range(2):
            for i in ranking:
                if count == population:
                    break
                if chosen[i]:
                    continue
                duplicate = False
                for k in range(count):
                    if kept_marks[k] == marks[i] and kept_values[k] == values[i]:
                        duplicate = True
                        break
                if duplicate and pass_ == 0:
                    continue
                chosen[i] = True
                kept_lists[count] = lists[i]
                kept_values[count] = values[i]
                kept_marks[count] = marks[i]
                count += 1
        lists[:population] = kept_lists
        values[:population] = kept_values
        marks[:population] = kept_marks
    return best, best_start, spent
