"""The critical chain of a milestone: walk back from the node that sets its date,
labelling each link with every reason it could not be one day earlier in the
found schedule.

For a task T that starts on S, let Q be the latest day before S on which T could
start by its own rules alone (calendar, window, `not_before`, plan start). The
days between Q and S are ruled out by those own rules, and Q itself is ruled out
by a dependency (a predecessor link whose bound lies above Q) or, failing that,
by a resource that would exceed its capacity on some day T would occupy from Q.
When neither holds, the found schedule has slack there and the walk says so
rather than inventing a cause (it goes on through the predecessor that bounds
the task most). Everything is read from the schedule: no solver.

Progress ends a walk: a task done or running at the status date, or a milestone
reached by it, is where it is by fact, not by any rule. A task not started that
starts on the status date, or a milestone not reached that falls on it, names
the status date as its cause.
"""

from __future__ import annotations

from collections.abc import Callable

from qualplan.actuals import planned_end
from qualplan.explain.calendar_cost import calendar_cost, holiday_ranges
from qualplan.explain.records import ChainLink, Reason
from qualplan.graph import Times, first_fit, link_bounds
from qualplan.model import WEEKDAYS, Cycles
from qualplan.problem import Link, Problem


class Usage:
    """Units of each resource held on each day by the schedule, and by whom."""

    def __init__(self, problem: Problem, times: Times) -> None:
        self.problem = problem
        self.times = times
        self.units: dict[str, list[int]] = {name: [0] * problem.days for name in problem.capacity_steps}
        for task_id, spec in problem.tasks.items():
            start, end = times.start[task_id], times.end[task_id]
            if start is None or end is None:
                continue
            for resource, units in spec.uses:
                row = self.units[resource]
                for day in range(max(start, 0), min(end, problem.days - 1) + 1):
                    row[day] += units

    def holders(self, resource: str, day: int, *, besides: str) -> tuple[str, ...]:
        """Tasks other than ``besides`` that hold ``resource`` on ``day``, in plan order."""
        found = []
        for task_id, spec in self.problem.tasks.items():
            if task_id == besides or resource not in dict(spec.uses):
                continue
            start, end = self.times.start[task_id], self.times.end[task_id]
            if start is not None and end is not None and start <= day <= end:
                found.append(task_id)
        return tuple(found)


def critical_chain(
    problem: Problem,
    times: Times,
    milestone_id: str,
    *,
    usage: Usage | None = None,
    prefer: Times | None = None,
) -> tuple[ChainLink, ...]:
    """The chain that sets ``milestone_id``'s date, milestone first, walking back.

    ``usage`` is the resource picture of the schedule; without it (the resource-free
    bounds) resources are never a reason. When several predecessors bind equally,
    the walk follows the one that ends latest in ``prefer`` (e.g. the resource-free
    earliest times): that branch is the one the schedule would keep waiting for.
    """
    rank = _ranker(prefer)
    chain: list[ChainLink] = []
    seen: set[str] = set()
    node: str | None = milestone_id
    while node is not None and node not in seen:
        seen.add(node)
        if node in problem.milestones:
            link, node = _milestone_link(problem, times, node, rank)
        else:
            link, node = _task_link(problem, times, node, usage, rank)
        chain.append(link)
    return tuple(chain)


# --- milestones -------------------------------------------------------------------


def _ranker(prefer: Times | None) -> Callable[[list[tuple[int, str]]], str]:
    """Picks, among (bound, predecessor) pairs, the highest bound; ties go to the predecessor that
    ends latest in ``prefer``, then to the first in plan order."""

    def pick(candidates: list[tuple[int, str]]) -> str:
        best = max(bound for bound, _ in candidates)
        tied = [pred for bound, pred in candidates if bound == best]
        if prefer is None or len(tied) == 1:
            return tied[0]
        ends = [prefer.end.get(pred) for pred in tied]
        latest = max((end for end in ends if end is not None), default=None)
        return next((pred for pred, end in zip(tied, ends, strict=True) if end == latest), tied[0])

    return pick


def _milestone_link(
    problem: Problem, times: Times, node: str, rank: Callable[[list[tuple[int, str]]], str]
) -> tuple[ChainLink, str | None]:
    spec = problem.milestones[node]
    date = times.start[node]
    reasons: list[Reason] = []
    following: str | None = None
    binding: list[tuple[int, str]] = []
    if spec.actual is not None:
        reasons.append(Reason("reached", day=spec.actual))
    elif spec.at is not None:
        reasons.append(Reason("fixed_date", day=spec.at))
    elif date is None:
        reasons.append(Reason("unscheduled"))
    else:
        for link in problem.preds[node]:
            reached = link.earliest(times.start[link.pred], times.end[link.pred])
            if reached == date:
                reasons.append(_dependency(problem, link))
                binding.append((reached, link.pred))
        if date == problem.status_day:
            reasons.append(Reason("status_date", day=date, milestone=True))
        following = rank(binding) if binding else None
    return ChainLink(node, True, date, date, None, None, None, tuple(reasons)), following


# --- tasks ------------------------------------------------------------------------


def _task_link(
    problem: Problem,
    times: Times,
    node: str,
    usage: Usage | None,
    rank: Callable[[list[tuple[int, str]]], str],
) -> tuple[ChainLink, str | None]:
    spec = problem.tasks[node]
    task = problem.plan.task(node)
    start, end = times.start[node], times.end[node]

    def link(reasons: list[Reason]) -> ChainLink:
        cost = None if start is None or end is None else calendar_cost(problem, node, start, end)
        return ChainLink(node, False, start, end, spec.length, spec.calendar, task.arithmetic(), tuple(reasons), cost)

    if start is None or end is None:
        return link([Reason("unscheduled")]), None
    if spec.progress is not None:
        return link([_progress_reason(problem, node)]), None

    latest = latest_own_start_before(problem, node, start)
    # Days at or below `floor` are all ruled out, by a tight link or by own rules.
    floor = latest if latest is not None else start - 1

    reasons: list[Reason] = []
    binding: list[tuple[int, Link]] = []
    for pred_link in problem.preds[node]:
        bound = link_bound(problem, times, pred_link)
        if bound is not None and bound > floor:
            binding.append((bound, pred_link))
            reasons.append(_dependency(problem, pred_link))

    window = _window_reason(problem, node, start, end)
    if window is not None:
        reasons.append(window)
    non_working = _non_working_reason(problem, node, start - 1)
    if non_working is not None:
        reasons.append(non_working)
    if (
        latest is None
        and spec.earliest > 0
        and latest_own_start_before(problem, node, start, ignore_not_before=True) is not None
    ):
        if spec.earliest == problem.status_day:
            reasons.append(Reason("status_date", day=spec.earliest))
        if spec.not_before is not None and spec.earliest == spec.not_before:
            reasons.append(Reason("not_before", day=spec.earliest))
    if start == 0 or (latest is None and window is None and spec.earliest == 0 and not binding):
        reasons.append(Reason("plan_start", day=0))

    if binding:
        # Continue through the link that pushes hardest (ties: see `_ranker`).
        return link(reasons), rank([(bound, pred_link.pred) for bound, pred_link in binding])
    if latest is None:
        return link(reasons), None

    blocked = _resource_reasons(problem, times, node, latest, usage) if usage is not None else []
    if blocked:
        reasons.extend(blocked)
        return link(reasons), _last_release(times, start, blocked)
    reasons.append(Reason("slack", day=latest))
    # Keep walking through the predecessor that bounds the task most, so a schedule that is
    # not left-justified still shows the chain behind the gap.
    bounds = [
        (bound, pred_link.pred)
        for pred_link in problem.preds[node]
        if (bound := link_bound(problem, times, pred_link)) is not None
    ]
    if not bounds:
        return link(reasons), None
    return link(reasons), rank(bounds)


def _progress_reason(problem: Problem, task_id: str) -> Reason:
    """Why a started task is where it is: done (its actual dates), or running (where its
    remaining work, or its planned duration from the actual start, ends)."""
    spec = problem.tasks[task_id]
    assert spec.progress is not None
    if spec.progress.state == "done":
        return Reason("done", day=spec.progress.end)
    task = problem.plan.task(task_id)
    if task.remaining is not None:
        remaining = task.remaining
        if isinstance(remaining, Cycles):
            stated = f"{remaining.count} cycles"
        else:
            stated = f"{remaining.days} working days" if task.calendar is not None else f"{remaining.days} d"
        return Reason("running", day=spec.progress.end, remaining=stated)
    calendar = problem.calendars[task.calendar] if task.calendar is not None else None
    planned = planned_end(calendar, spec.progress.start, task.days)
    return Reason("running", day=spec.progress.end, planned=planned)


def link_bound(problem: Problem, times: Times, link: Link) -> int | None:
    """The first start of ``link.succ`` (a task) that the link allows, given its predecessor's times."""
    pred_start, pred_end = times.start[link.pred], times.end[link.pred]
    if pred_start is None or pred_end is None:
        return None
    if link.succ_side == "start":
        return link.earliest(pred_start, pred_end)
    target = link.earliest(pred_start, pred_end)  # finish-to-finish: the successor's end must reach this day
    spec = problem.tasks[link.succ]
    if spec.calendar is None:
        return target - spec.length + 1
    calendar = problem.calendars[spec.calendar]
    start = calendar.earliest_start_ending_at_or_after(target, spec.length)
    if start is not None and start == calendar.days[0] and calendar.end_of(start, spec.length) > target:
        return -1  # even the first working start ends past the target: the link allows every start
    return start


def latest_own_start_before(
    problem: Problem, task_id: str, start: int, *, ignore_not_before: bool = False
) -> int | None:
    """The latest day before ``start`` on which the task could start by its own rules alone:
    a working day of its calendar, wholly inside an occurrence of its window, not before
    `not_before` (unless ignored) and not before the plan start."""
    spec = problem.tasks[task_id]
    lowest = 0 if ignore_not_before else spec.earliest
    for day in range(start - 1, lowest - 1, -1):
        end = problem.end_of(task_id, day)
        if end is None or end >= problem.days:
            continue
        if spec.occurrences is not None and not any(lo <= day and end <= hi for lo, hi in spec.occurrences):
            continue
        return day
    return None


def _dependency(problem: Problem, link: Link) -> Reason:
    return Reason(
        "dependency",
        on=link.pred,
        type=link.type,
        lag=link.lag,
        via_stage=link.via_stage,
        milestone=link.pred in problem.milestones,
    )


def _window_reason(problem: Problem, task_id: str, start: int, end: int) -> Reason | None:
    """The window was closed for a start one day earlier: no occurrence holds [start-1, end]."""
    spec = problem.tasks[task_id]
    if spec.occurrences is None or start == 0:
        return None
    earlier_end = problem.end_of(task_id, start - 1)
    earlier_end = end if earlier_end is None else earlier_end  # a non-working day: judge by the same span
    if any(lo <= start - 1 and earlier_end <= hi for lo, hi in spec.occurrences):
        return None
    opening = max(lo for lo, hi in spec.occurrences if lo <= start and end <= hi)
    return Reason("window", on=spec.window, day=opening)


def _non_working_reason(problem: Problem, task_id: str, day: int) -> Reason | None:
    """``day`` is not a working day of the task's calendar: which weekend day or holiday."""
    spec = problem.tasks[task_id]
    if spec.calendar is None or day < 0 or problem.calendars[spec.calendar].is_working(day):
        return None
    calendar = problem.plan.calendars[spec.calendar]
    date = problem.date(day)
    # A holiday (dated, or a yearly one with its year) is named even when it falls on a
    # weekend: it is what a planner would move.
    holiday = next((label for label, lo, hi in holiday_ranges(problem, spec.calendar) if lo <= day <= hi), None)
    if holiday is not None or WEEKDAYS[date.weekday()] not in calendar.weekends:
        return Reason("non_working", on=spec.calendar, day=day, holiday=holiday)
    return Reason("non_working", on=spec.calendar, day=day, weekday=date.strftime("%A"))


def _resource_reasons(problem: Problem, times: Times, task_id: str, candidate: int, usage: Usage) -> list[Reason]:
    """Resources that would exceed capacity if the task started on ``candidate`` instead."""
    spec = problem.tasks[task_id]
    start, end = times.start[task_id], times.end[task_id]
    candidate_end = problem.end_of(task_id, candidate)
    assert start is not None and end is not None and candidate_end is not None  # checked by the caller
    free = _dependency_start(problem, times, task_id)
    reasons = []
    for resource, units in spec.uses:
        for day in range(candidate, candidate_end + 1):
            own = units if start <= day <= end else 0
            used = usage.units[resource][day] - own
            capacity = problem.capacity_on(resource, day)
            if used + units > capacity:
                reasons.append(
                    Reason(
                        "resource",
                        on=resource,
                        day=day,
                        holders=usage.holders(resource, day, besides=task_id),
                        units=units,
                        capacity=capacity,
                        used=used,
                        delay=None if free is None else start - free,
                    )
                )
                break
    return reasons


def _dependency_start(problem: Problem, times: Times, task_id: str) -> int | None:
    """The task's first start given its predecessors' scheduled times, with no resources."""
    bounds = link_bounds(problem, task_id, times.start, times.end)
    return None if bounds is None else first_fit(problem, task_id, *bounds)


def _last_release(times: Times, start: int, blocked: list[Reason]) -> str | None:
    """The holder that frees the resource last before the task starts (else the latest to end)."""
    holders = {holder for reason in blocked for holder in reason.holders}
    if not holders:
        return None

    def key(holder: str) -> tuple[bool, int, str]:
        end = times.end[holder]
        return (end is not None and end < start, end if end is not None else -1, holder)

    # Prefer holders that end before the task starts, then the latest end; the id breaks ties.
    ranked = sorted(holders, key=key)
    best = ranked[-1]
    same = [holder for holder in ranked if key(holder)[:2] == key(best)[:2]]
    return min(same)
