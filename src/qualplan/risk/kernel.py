"""The ``priority`` policy compiled: draws and a ready-list serial schedule, batch by batch.

The algorithm is ``reference.py``'s, step for step, on the arrays of
``compiled.KernelArrays``; ``tests/test_risk_kernel.py`` checks on random plans that
both give the same starts, dates and blockers, and that every schedule passes the
independent verifier on the iteration's expanded plan. What the arrays stand for:

- **calendars**: per calendar the working days before each day and the ``k``-th
  working day, so the next working day, the end of ``n`` working days and the first
  start whose end reaches a day are each one or two look-ups;
- **windows**: each window's occurrences as sorted (lo, hi) pairs, tried in order
  (``calendar.first_fit``);
- **capacity steps**: ``capacity[r, d]``, each resource's units on each day, against
  ``used[r, d]``, the units placed so far in this iteration;
- **links**: each link bounds its successor's start or end by its predecessor's start
  or end plus ``Link.offset``; ``at`` milestones are fixed.

Random numbers come from ``stream.py``'s counter-based hash, restated here with
unsigned 64-bit arithmetic, so iteration ``i`` is the same in any batch.

Speed: numba counts a reference on every array argument of every call (an atomic
increment and decrement each), so a helper that took the whole ``KernelArrays``
tuple paid 60 of them per call, which was most of an iteration's time. The
scheduling loop is therefore one function, and the helpers it calls per slot take
scalars and at most two arrays. Compiled with ``cache=True`` (the first call after
an install compiles, later ones load the cache) and ``nogil=True``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from qualplan.risk.compiled import NO_DAY

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_ONE = np.uint64(0xBF58476D1CE4E5B9)
_MIX_TWO = np.uint64(0x94D049BB133111EB)
_UNIT = 1.0 / (1 << 53)


@njit(cache=True, nogil=True)
def _mix(z):
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX_ONE
    z = (z ^ (z >> np.uint64(27))) * _MIX_TWO
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def uniform(seed, iteration, task, run, purpose):
    """``stream.uniform`` compiled; ``seed`` is the seed's low 64 bits as ``np.uint64``."""
    h = _mix(seed)
    h = _mix(h ^ np.uint64(iteration))
    h = _mix(h ^ np.uint64(task))
    h = _mix(h ^ ((np.uint64(run) << np.uint64(32)) | np.uint64(purpose)))
    return np.float64(h >> np.uint64(11)) * _UNIT


@njit(cache=True, nogil=True)
def _triangular(u, low, likely, high):
    if high == low:
        x = low
    elif u < (likely - low) / (high - low):
        x = low + math.sqrt(u * (high - low) * (likely - low))
    else:
        x = high - math.sqrt((1.0 - u) * (high - low) * (high - likely))
    days = np.int64(math.ceil(x))
    return days if days > 1 else np.int64(1)


@njit(cache=True, nogil=True)
def draw_chains(a, seed, iteration, lengths, chain_used, failed):
    """Every task's chain in this iteration (``draws.draw_iteration``): the slot lengths into
    ``lengths`` (task ``j``'s from ``slot_ptr[j]``), the slots used and failed runs per task."""
    spread, redo_spread, fail, found, redo_ptr, redo = a.spread, a.redo_spread, a.fail, a.found, a.redo_ptr, a.redo
    for j in range(a.attempts.shape[0]):
        base = a.slot_ptr[j]
        used = 0
        failures = 0
        attempts = a.attempts[j]
        for attempt in range(attempts):
            u = uniform(seed, iteration, j, attempt, 0)
            length = _triangular(u, spread[j, 0], spread[j, 1], spread[j, 2])
            if attempt == attempts - 1 or uniform(seed, iteration, j, attempt, 1) >= fail[j]:
                lengths[base + used] = length
                used += 1
                break
            failures += 1
            stop = -(-length * found[j, 0] // found[j, 1])
            lengths[base + used] = stop if stop > 1 else 1
            used += 1
            if a.fix[j] > 0:
                lengths[base + used] = a.fix[j]
                used += 1
            for k in range(redo_ptr[j], redo_ptr[j + 1]):
                r = redo[k]
                u = uniform(seed, iteration, j, attempt, 2 + k - redo_ptr[j])
                lengths[base + used] = _triangular(u, redo_spread[r, 0], redo_spread[r, 1], redo_spread[r, 2])
                used += 1
        chain_used[j] = used
        failed[j] = failures


@njit(cache=True, nogil=True)
def _fit(cal, win, c, w, earliest, length, lowest, end_not_before):
    """``calendar.first_fit``: the first start >= ``lowest`` (and the task's ``earliest``) whose
    end is >= ``end_not_before``, inside one occurrence of window ``w`` (-1: the horizon), on
    working days of calendar ``c`` (-1: every day). Returns (start, end), or (-1, -1)."""
    days = (cal.shape[1] - 2) // 2
    if earliest > lowest:
        lowest = earliest
    if lowest < 0:
        lowest = 0
    first, stop = 0, 2
    if w >= 0:
        first, stop = win[w], win[w + 1]
    for p in range(first, stop, 2):
        if w >= 0:
            lo, hi = win[p], win[p + 1]
        else:
            lo, hi = 0, days - 1
        if hi < lowest:
            continue
        start = lowest if lowest > lo else lo
        if c < 0:
            if end_not_before - length + 1 > start:
                start = end_not_before - length + 1
            end = start + length - 1
        else:
            count = cal[c, 0]
            index = cal[c, 1 + min(end_not_before, days)] - length + 1
            if index < 0:
                index = 0
            if index >= count:
                continue
            if cal[c, days + 2 + index] > start:
                start = cal[c, days + 2 + index]
            index = cal[c, 1 + min(start, days)]
            if index + length - 1 >= count:
                continue
            start = cal[c, days + 2 + index]
            end = cal[c, days + 2 + index + length - 1]
        if end <= hi:
            return start, end
    return -1, -1


@njit(cache=True, nogil=True)
def _holder(holders, count, day, resource, start):
    """The slot holding ``resource`` on ``day`` that ends before ``start`` and ends last (ties:
    the lower slot); -1 when there is none."""
    best = -1
    best_end = -1
    for h in range(count):
        slot, r, first, last = holders[h, 0], holders[h, 1], holders[h, 2], holders[h, 3]
        if r == resource and first <= day and day <= last and last < start:
            if last > best_end or (last == best_end and slot < best):
                best = slot
                best_end = last
    return best


@njit(cache=True, nogil=True)
def simulate_iteration(a, seed, iteration, ws, starts, ends, blockers, dates, lengths):
    """Draw and schedule one iteration. Writes per slot ``starts``/``ends`` (``NO_DAY``: unused
    or no room), ``lengths``, per element ``blockers`` (slot ``s`` is ``s``, milestone ``m`` is
    ``S + m``; -1: none) and per milestone ``dates`` (``NO_DAY``: a predecessor found no room).
    The slots used and failed runs per task are left in the workspace."""
    n_tasks = a.priority.shape[0]
    n_nodes = a.pred_ptr.shape[0] - 1
    n_slots = a.slot_kind.shape[0]
    n_resources = a.demand.shape[1]
    cal, win, capacity, demand = a.cal, a.win, a.capacity, a.demand
    pred_ptr, pred_node, pred_reads_end, pred_bounds_end, pred_offset = (
        a.pred_ptr,
        a.pred_node,
        a.pred_reads_end,
        a.pred_bounds_end,
        a.pred_offset,
    )
    (
        used,
        touched,
        node_start,
        node_end,
        node_elem,
        state,
        waiting,
        ready,
        chain_used,
        failed,
        holders,
        cand_low,
        cand_end,
        cand_elem,
    ) = ws
    # reset the days the previous iteration used
    if touched[1] >= touched[0]:
        used[:, touched[0] : touched[1] + 1] = 0
    touched[0] = used.shape[1]
    touched[1] = -1
    starts[:] = NO_DAY
    ends[:] = NO_DAY
    blockers[:] = -1
    dates[:] = NO_DAY
    draw_chains(a, seed, iteration, lengths, chain_used, failed)
    n_ready = 0
    for v in range(n_nodes):
        state[v] = 0
        waiting[v] = pred_ptr[v + 1] - pred_ptr[v]
        if waiting[v] == 0:
            ready[n_ready] = v
            n_ready += 1
    n_holders = _place_actuals(
        a, lengths, starts, ends, blockers, state, node_start, node_end, node_elem, used, touched, holders
    )
    status = a.status[0]
    while n_ready > 0:
        # ready milestones first (lowest number), else the task with the smallest priority
        pick = -1
        for k in range(n_ready):
            v = ready[k]
            if v >= n_tasks:
                if pick < 0 or ready[pick] < n_tasks or v < ready[pick]:
                    pick = k
            elif pick < 0 or (ready[pick] < n_tasks and a.priority[v] < a.priority[ready[pick]]):
                pick = k
        v = ready[pick]
        n_ready -= 1
        ready[pick] = ready[n_ready]
        lo_k, hi_k = pred_ptr[v], pred_ptr[v + 1]
        placeable = state[v] == 0  # a task with actuals was placed before the others
        for k in range(lo_k, hi_k):
            if state[pred_node[k]] != 1:
                placeable = False
        if state[v] != 0:
            pass
        elif not placeable:
            state[v] = 2
        elif v >= n_tasks:
            # a milestone: its `at`, else the latest of its links (the first such is its blocker)
            m = v - n_tasks
            node_elem[v] = n_slots + m
            date = a.at[m]
            blocker = -1
            if date == NO_DAY:
                for k in range(lo_k, hi_k):
                    p = pred_node[k]
                    reached = (node_end[p] if pred_reads_end[k] else node_start[p]) + pred_offset[k]
                    if date == NO_DAY or reached > date:
                        date = reached
                        blocker = node_elem[p]
                if status != NO_DAY and date != NO_DAY and date < status:
                    date = status  # not reached before the status day
                    blocker = -1
            state[v] = 1
            node_start[v] = date
            node_end[v] = date
            dates[m] = date
            blockers[n_slots + m] = blocker
        else:
            # a task: its chain of slots, each at its first day that every rule allows
            state[v] = 1
            prev_end = NO_DAY
            prev_slot = -1
            count = chain_used[v]
            for q in range(count):
                s = a.slot_ptr[v] + q
                rules = a.slot_rules[s]
                c, w, own = -1, -1, 0
                if rules >= 0:
                    c, w, own = a.calendar[rules], a.window[rules], a.earliest[rules]
                length = lengths[s]
                # the constraints on this slot, in the order that breaks ties between them
                n_cand = 0
                if q == 0:
                    for k in range(lo_k, hi_k):
                        if not pred_bounds_end[k]:
                            p = pred_node[k]
                            cand_low[n_cand] = (node_end[p] if pred_reads_end[k] else node_start[p]) + pred_offset[k]
                            cand_end[n_cand] = 0
                            cand_elem[n_cand] = node_elem[p]
                            n_cand += 1
                else:
                    cand_low[0] = prev_end + 1
                    cand_end[0] = 0
                    cand_elem[0] = prev_slot
                    n_cand = 1
                if q == count - 1:
                    for k in range(lo_k, hi_k):
                        if pred_bounds_end[k]:
                            p = pred_node[k]
                            cand_low[n_cand] = 0
                            cand_end[n_cand] = (node_end[p] if pred_reads_end[k] else node_start[p]) + pred_offset[k]
                            cand_elem[n_cand] = node_elem[p]
                            n_cand += 1
                lowest = own
                end_nb = 0
                for x in range(n_cand):
                    lowest = max(lowest, cand_low[x])
                    end_nb = max(end_nb, cand_end[x])
                unpushed, end = _fit(cal, win, c, w, own, length, lowest, end_nb)
                start = unpushed
                push_day = -1
                push_res = -1
                while start >= 0 and rules >= 0:
                    conflict = -1
                    conflict_res = -1
                    for r in range(n_resources):
                        need = demand[rules, r]
                        if need > 0:
                            for day in range(end, start - 1, -1):
                                if used[r, day] + need > capacity[r, day]:
                                    if day > conflict:
                                        conflict = day
                                        conflict_res = r
                                    break
                    if conflict < 0:
                        break
                    push_day = conflict
                    push_res = conflict_res
                    start, end = _fit(cal, win, c, w, own, length, conflict + 1, end_nb)
                if start < 0:
                    state[v] = 2
                    break
                # what fixed the start (reference.py's module docstring)
                if start > unpushed:
                    blocker = _holder(holders, n_holders, push_day, push_res, start)
                else:
                    alone, _ = _fit(cal, win, c, w, own, length, own, 0)
                    blocker = -1
                    if start != alone:
                        best = alone
                        for x in range(n_cand):
                            candidate, _ = _fit(cal, win, c, w, own, length, cand_low[x], cand_end[x])
                            if candidate >= 0 and (best < 0 or candidate > best):
                                best = candidate
                                blocker = cand_elem[x]
                starts[s] = start
                ends[s] = end
                blockers[s] = blocker
                if rules >= 0:
                    for r in range(n_resources):
                        need = demand[rules, r]
                        if need > 0:
                            for day in range(start, end + 1):
                                used[r, day] += need
                            holders[n_holders, 0] = s
                            holders[n_holders, 1] = r
                            holders[n_holders, 2] = start
                            holders[n_holders, 3] = end
                            n_holders += 1
                            touched[0] = min(touched[0], start)
                            touched[1] = max(touched[1], end)
                prev_end = end
                prev_slot = s
            if state[v] == 1:
                node_start[v] = starts[prev_slot]
                node_end[v] = ends[prev_slot]
                node_elem[v] = prev_slot
        for k in range(a.succ_ptr[v], a.succ_ptr[v + 1]):
            u = a.succ_node[k]
            waiting[u] -= 1
            if waiting[u] == 0:
                ready[n_ready] = u
                n_ready += 1


@njit(cache=True, nogil=True)
def _place_actuals(a, lengths, starts, ends, blockers, state, node_start, node_end, node_elem, used, touched, holders):
    """Tasks with actuals, before all others: a done task at its actual days; a running task
    from its actual start to the end of its drawn remaining days, counted from the status day.
    They hold their resources from the status day on (days before it are not checked).
    Returns the number of holders."""
    cal = a.cal
    days = a.capacity.shape[1]
    status = a.status[0]
    n_holders = 0
    for j in range(a.fixed_start.shape[0]):
        start = a.fixed_start[j]
        if start == NO_DAY:
            continue
        s = a.slot_ptr[j]
        end = a.fixed_end[j]
        if end == NO_DAY:  # running: the last day of its drawn remaining work from the status day
            c = a.fixed_calendar[j]
            if c < 0:
                end = status + lengths[s] - 1
            else:
                index = cal[c, 1 + min(status, days)] + lengths[s] - 1
                end = cal[c, days + 2 + index] if index < cal[c, 0] else days
        if end > days - 1:
            state[j] = 2  # its remaining work runs past the horizon
            continue
        starts[s] = start
        ends[s] = end
        blockers[s] = -1
        state[j] = 1
        node_start[j] = start
        node_end[j] = end
        node_elem[j] = s
        first = max(start, status, 0)
        for r in range(a.demand.shape[1]):
            need = a.demand[j, r]
            if need > 0 and end >= first:
                for day in range(first, end + 1):
                    used[r, day] += need
                holders[n_holders, 0] = s
                holders[n_holders, 1] = r
                holders[n_holders, 2] = first
                holders[n_holders, 3] = end
                n_holders += 1
                touched[0] = min(touched[0], first)
                touched[1] = max(touched[1], end)
    return n_holders


@njit(cache=True, nogil=True)
def workspace(a):
    """Scratch arrays for ``simulate_iteration``, allocated once per batch."""
    n_tasks = a.priority.shape[0]
    n_nodes = a.pred_ptr.shape[0] - 1
    n_slots = a.slot_kind.shape[0]
    touched = np.empty(2, np.int64)
    touched[0] = a.capacity.shape[1]
    touched[1] = -1
    n_cand = a.pred_node.shape[0] + 1
    return (
        np.zeros(a.capacity.shape, np.int64),  # used: units placed on each resource and day
        touched,  # first and last day of `used` written since the last reset
        np.zeros(n_nodes, np.int64),  # node_start: as dependants read it (a task: its last run)
        np.zeros(n_nodes, np.int64),  # node_end
        np.full(n_nodes, -1, np.int64),  # node_elem: a task's last slot, a milestone's element
        np.zeros(n_nodes, np.int64),  # state: 0 waiting, 1 placed, 2 no room inside the horizon
        np.zeros(n_nodes, np.int64),  # waiting: predecessors not yet processed
        np.zeros(n_nodes, np.int64),  # ready
        np.zeros(n_tasks, np.int64),  # chain_used: slots of each task's chain in this iteration
        np.zeros(n_tasks, np.int64),  # failed: failed runs of each task in this iteration
        np.zeros((max(n_slots * a.demand.shape[1], 1), 4), np.int64),  # holders: slot, resource, start, end
        np.zeros(n_cand, np.int64),  # cand_low: a constraint's lowest start
        np.zeros(n_cand, np.int64),  # cand_end: a constraint's lowest end
        np.zeros(n_cand, np.int64),  # cand_elem: the element it comes from
    )


@njit(cache=True, nogil=True)
def simulate_batch(a, seed, first, count):
    """Iterations ``first .. first+count-1``: per iteration the milestone dates (``NO_DAY``:
    not reached inside the horizon) and each task's sampled days (all its slots: runs, fixes
    and redo tasks); summed over the batch, how often each task was on each milestone's
    critical chain and how many of its runs failed."""
    n_tasks = a.priority.shape[0]
    n_slots = a.slot_kind.shape[0]
    n_milestones = a.at.shape[0]
    ws = workspace(a)
    chain_used, failed_now = ws[8], ws[9]
    starts = np.empty(n_slots, np.int64)
    ends = np.empty(n_slots, np.int64)
    blockers = np.empty(n_slots + n_milestones, np.int64)
    lengths = np.zeros(n_slots, np.int64)
    dates = np.empty((count, n_milestones), np.int64)
    sampled = np.empty((count, n_tasks), np.int64)
    critical = np.zeros((n_milestones, n_tasks), np.int64)
    failures = np.zeros(n_tasks, np.int64)
    mark = np.full(n_tasks, -1, np.int64)
    for k in range(count):
        simulate_iteration(a, seed, first + k, ws, starts, ends, blockers, dates[k], lengths)
        for j in range(n_tasks):
            total = 0
            for s in range(a.slot_ptr[j], a.slot_ptr[j] + chain_used[j]):
                total += lengths[s]
            sampled[k, j] = total
            failures[j] += failed_now[j]
        for m in range(n_milestones):
            if dates[k, m] == NO_DAY:
                continue
            stamp = k * n_milestones + m
            e = blockers[n_slots + m]
            while e >= 0:
                if e < n_slots:
                    owner = a.slot_owner[e]
                    if mark[owner] != stamp:
                        mark[owner] = stamp
                        critical[m, owner] += 1
                e = blockers[e]
    return dates, sampled, critical, failures


def iteration_schedule(model, seed: int, iteration: int):
    """One iteration through the kernel, as ``reference.IterationSchedule`` (for tests and
    for looking at single iterations)."""
    from qualplan.risk.batches import SEED_MASK
    from qualplan.risk.reference import IterationSchedule

    a = model.arrays
    slots, milestones = a.slot_kind.shape[0], a.at.shape[0]
    starts, ends = np.empty(slots, np.int64), np.empty(slots, np.int64)
    blockers = np.empty(slots + milestones, np.int64)
    dates = np.empty(milestones, np.int64)
    lengths = np.zeros(slots, np.int64)
    ws = workspace(a)
    simulate_iteration(a, np.uint64(seed & SEED_MASK), iteration, ws, starts, ends, blockers, dates, lengths)

    def days(values):
        return tuple(None if value == NO_DAY else int(value) for value in values)

    return IterationSchedule(days(starts), days(ends), days(dates), tuple(int(value) for value in blockers))
