"""The resource picture of a schedule: use by calendar month, the critical-chain
days each resource blocks, and the bottleneck."""

from __future__ import annotations

from collections.abc import Sequence

from qualplan.explain.chain import Usage
from qualplan.explain.records import MilestoneExplanation, MonthUse, ResourceUse
from qualplan.problem import Problem


def tasks_before(problem: Problem, milestone: str) -> tuple[str, ...]:
    """Every task the milestone waits for, directly or through other tasks and milestones, in plan order."""
    found: set[str] = set()
    stack = [milestone]
    while stack:
        for link in problem.preds[stack.pop()]:
            if link.pred not in found:
                found.add(link.pred)
                stack.append(link.pred)
    return tuple(task for task in problem.tasks if task in found)


def resource_picture(
    problem: Problem,
    usage: Usage,
    milestones: Sequence[MilestoneExplanation],
    last_day: int | None,
    *,
    scope: Sequence[str] | None = None,
) -> tuple[tuple[ResourceUse, ...], str | None]:
    """Each resource's monthly use over the schedule and the days it blocks on the chains.

    A task that sits on several milestones' chains counts once. The share is
    blocked days over the days from the plan start to ``last_day`` (the latest
    milestone date explained).

    ``scope`` (the tasks before one milestone, see ``tasks_before``) narrows the
    picture to that milestone: only the resources those tasks hold, over the
    months up to ``last_day`` (its date); each month's use is still that of
    every task, because that is what the milestone's tasks compete with.

    The bottleneck is the resource that blocks the most chain days of milestones
    that lab capacity actually makes later (lab bound above the seasons bound).
    A wait that a window or a longer branch absorbs anyway costs nothing, and
    naming its resource would send the planner to buy equipment that moves no
    date; None when lab capacity costs no milestone a day.
    """
    blocked: dict[str, int] = {}
    counted: set[tuple[str, str]] = set()
    for item in milestones:
        for link in item.chain:
            for reason in link.reasons:
                if reason.kind != "resource" or reason.on is None or (link.node, reason.on) in counted:
                    continue
                counted.add((link.node, reason.on))
                blocked[reason.on] = blocked.get(reason.on, 0) + (reason.delay or 0)

    span = (last_day + 1) if last_day is not None else 0
    # About one milestone, months after its date cannot delay it.
    schedule_end = _last_end(usage) if scope is None else last_day
    held = None if scope is None else {resource for task in scope for resource, _ in problem.tasks[task].uses}
    uses = []
    for resource in problem.capacity_steps:
        if held is not None and resource not in held:
            continue
        months = _months(problem, usage, resource, schedule_end)
        days = blocked.get(resource, 0)
        uses.append(
            ResourceUse(
                id=resource,
                months=months,
                peak=max((month.share for month in months), default=0.0),
                blocked_days=days,
                blocked_share=days / span if span else 0.0,
            )
        )
    costly: dict[str, int] = {}
    for item in milestones:
        if item.bounds.lab_cost:
            for resource, days in item.bounds.resource_costs:
                costly[resource] = costly.get(resource, 0) + days
    peaks = {use.id: use.peak for use in uses}
    bottleneck = min(costly, key=lambda r: (-costly[r], -peaks.get(r, 0.0), r)) if costly else None
    return tuple(uses), bottleneck


def _last_end(usage: Usage) -> int | None:
    ends = [end for end in usage.times.end.values() if end is not None]
    return max(ends) if ends else None


def _months(problem: Problem, usage: Usage, resource: str, last_day: int | None) -> tuple[MonthUse, ...]:
    """Unit-days used and available in each calendar month from day 0 to ``last_day``."""
    if last_day is None:
        return ()
    totals: dict[str, list[int]] = {}
    row = usage.units[resource]
    for day in range(0, min(last_day, problem.days - 1) + 1):
        month = problem.date(day).strftime("%Y-%m")
        used_available = totals.setdefault(month, [0, 0])
        used_available[0] += row[day]
        used_available[1] += problem.capacity_on(resource, day)
    return tuple(MonthUse(month, used, available) for month, (used, available) in totals.items())
