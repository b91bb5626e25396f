"""Critical chains read from a finished schedule (the ``optimal`` policy's).

The ``priority`` scheduler records what fixed each start as it places it
(``reference.py``). A schedule from the exact solver comes without that record,
so here it is inferred from the schedule with the same rules, on the iteration's
expanded plan:

- a task that starts later than its links and own rules allow (capacity): the task
  sharing one of its resources that ends last before it starts;
- else, when it starts later than its own rules alone allow: the link that alone
  would push it latest (ties: the first);
- else its own rules; a milestone: its latest link (ties: the first), none for a fixed
  date or when the status day dates it.

The solver may also place a task later than needed where that costs nothing; such a
task is then read as held by a resource, or by nothing. Documented in docs/risk.md.
"""

from __future__ import annotations

from qualplan.graph import first_fit
from qualplan.result import Schedule, schedule_times
from qualplan.risk.compiled import RiskModel
from qualplan.risk.expand import Expanded


def critical_from_schedule(model: RiskModel, expanded: Expanded, schedule: Schedule) -> tuple[frozenset[int], ...]:
    """Per milestone of the plan, the tasks (plan order indices) on its critical chain."""
    problem = expanded.problem
    times = schedule_times(problem, schedule)
    owner = {task: model.tasks.index(model.layout.slots[slot].owner) for slot, task in expanded.slots.items()}
    blocker: dict[str, str | None] = {}
    for node in problem.topological_order:
        if node in problem.milestones:
            blocker[node] = _milestone_blocker(problem, node, times)
        else:
            blocker[node] = _task_blocker(problem, node, times, schedule)
    chains = []
    for milestone in problem.milestones:
        found: set[int] = set()
        node = blocker[milestone]
        while node is not None:
            if node in owner:
                found.add(owner[node])
            node = blocker[node]
        chains.append(frozenset(found))
    return tuple(chains)


def _milestone_blocker(problem, node: str, times) -> str | None:
    if problem.milestones[node].at is not None:
        return None
    best, best_day = None, None
    for link in problem.preds[node]:
        reached = link.earliest(times.start[link.pred], times.end[link.pred])
        if best_day is None or reached > best_day:
            best, best_day = link.pred, reached
    if best_day is not None and problem.status_day is not None and best_day < problem.status_day:
        return None  # dated by the status day: not reached before it, whatever came first
    return best


def _task_blocker(problem, node: str, times, schedule: Schedule) -> str | None:
    start = schedule.starts[node]
    bounds = [(link, link.earliest(times.start[link.pred], times.end[link.pred])) for link in problem.preds[node]]
    lowest = max([0, *(bound for link, bound in bounds if link.succ_side == "start")])
    end_not_before = max([0, *(bound for link, bound in bounds if link.succ_side == "end")])
    unpushed = first_fit(problem, node, lowest, end_not_before)
    if unpushed is not None and start > unpushed:
        return _last_holder(problem, node, start, times)
    alone = first_fit(problem, node, 0, 0)
    if start == alone:
        return None
    best, best_start = None, alone
    for link, bound in bounds:
        candidate = (
            first_fit(problem, node, bound, 0) if link.succ_side == "start" else first_fit(problem, node, 0, bound)
        )
        if candidate is not None and (best_start is None or candidate > best_start):
            best, best_start = link.pred, candidate
    return best


def _last_holder(problem, node: str, start: int, times) -> str | None:
    needs = {resource for resource, units in problem.tasks[node].uses if units > 0}
    best, best_end = None, None
    for other, spec in problem.tasks.items():
        if other == node or not needs & {resource for resource, units in spec.uses if units > 0}:
            continue
        end = times.end[other]
        if end is not None and end < start and (best_end is None or end > best_end):
            best, best_end = other, end
    return best
