"""Why each milestone lands where it does, and what would move it.

``explain(result)`` turns a ``SolveResult`` into an ``Explanation``: for every
milestone the critical chain that sets its date (each link labelled with why it
is not a day earlier), the three bounds that separate test physics, seasons and
lab capacity, the resource picture, and, when the verdict is ``missed``, a small
set of rules that cannot all hold together. The renderers ``render_text``,
``render_json`` and ``why_line`` are pure functions of an ``Explanation``.

Only the conflict search uses the solver (OR-Tools is imported there, lazily);
everything else is exact arithmetic on the found schedule and
``graph.earliest_times``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualplan.explain.bounds import Layers, layers, milestone_bounds
from qualplan.explain.chain import Usage, critical_chain
from qualplan.explain.json import explanation_dict, render_json
from qualplan.explain.records import (
    Bounds,
    ChainLink,
    Conflict,
    Explanation,
    MilestoneExplanation,
    MonthUse,
    Reason,
    ResourceUse,
    Rule,
)
from qualplan.explain.resources import resource_picture, tasks_before
from qualplan.explain.text import render_text, why_line
from qualplan.graph import Times
from qualplan.problem import Problem
from qualplan.result import SolveResult, Verdict, schedule_times

if TYPE_CHECKING:
    from qualplan.deadline import Deadline
    from qualplan.loader import SourceMap

__all__ = [
    "Bounds",
    "ChainLink",
    "Conflict",
    "Explanation",
    "MilestoneExplanation",
    "MonthUse",
    "Reason",
    "ResourceUse",
    "Rule",
    "explain",
    "explanation_dict",
    "render_json",
    "render_text",
    "why_line",
    "why_lines",
]


def explain(
    result: SolveResult,
    *,
    milestone: str | None = None,
    source: SourceMap | None = None,
    source_file: str | None = None,
    conflicts: bool = True,
    conflict_time_limit: float = 2.0,
    conflict_first_limit: float | None = None,
    conflict_budget: float | None = None,
    seed: int = 0,
    deadline: Deadline | None = None,
) -> Explanation:
    """Explain ``result`` (every milestone, or only ``milestone``).

    ``source`` (the loader's ``SourceMap``) and ``source_file`` (the plan's path
    as the user gave it) let a conflict set name each rule's file:line; without
    them rules are named by id only. The conflict search runs only when the
    verdict is ``missed`` and ``conflicts`` is true (``check``'s one-line "why"
    turns it off); ``conflict_time_limit`` is its solver time per shrinking step
    and ``conflict_first_limit`` that of its first solve (default: the same);
    ``conflict_budget`` caps the shrinking steps together (default: no cap).
    ``deadline`` (the command's, ``qualplan.deadline``) caps every solve of the conflict
    search by wall clock; when it cuts the search short, the conflict's note says so.
    Raises ``cancel.Interrupted`` on a stop request (Ctrl-C) during the search.
    """
    problem = result.problem
    ids = [milestone] if milestone is not None else list(problem.milestones)
    if milestone is not None and milestone not in problem.milestones:
        raise KeyError(f"no milestone {milestone!r} in plan {problem.plan.id!r}")

    layered = layers(problem)
    times = schedule_times(problem, result.schedule) if result.schedule is not None else None
    usage = Usage(problem, times) if times is not None else None

    explained = [_milestone(problem, layered, times, usage, milestone_id) for milestone_id in ids]

    # Asked about one milestone, the resource picture is about it too: the lab its tasks hold.
    scope = tasks_before(problem, milestone) if milestone is not None else None
    if usage is not None:
        dates = [item.date for item in explained if item.date is not None]
        last = max(dates) if dates else None
        resources, bottleneck = resource_picture(problem, usage, explained, last, scope=scope)
    else:
        resources, bottleneck = (), None

    conflict = None
    if conflicts and result.verdict is Verdict.MISSED:
        from qualplan.explain.conflicts import find_conflict

        conflict = find_conflict(
            problem,
            source=source,
            source_file=source_file,
            time_limit=conflict_time_limit,
            first_time_limit=conflict_first_limit,
            budget=conflict_budget,
            known=result.schedule,
            seed=seed,
            deadline=deadline,
        )

    return Explanation(
        plan=problem.plan.id,
        start=problem.plan.start.isoformat(),
        verdict=result.verdict.value,
        proven=result.proven,
        milestones=tuple(explained),
        resources=resources,
        bottleneck=bottleneck,
        conflict=conflict,
        scope=milestone,
        scope_tasks=len(scope) if scope is not None else 0,
        status_date=None if problem.plan.status_date is None else problem.plan.status_date.isoformat(),
    )


def _milestone(
    problem: Problem, layered: Layers, times: Times | None, usage: Usage | None, milestone_id: str
) -> MilestoneExplanation:
    """One milestone: its chain in the found schedule (if any), its bounds, and the chains of the
    resource-free layers (physics for the tests that dominate, seasons for window openings)."""
    spec = problem.milestones[milestone_id]
    date = times.start[milestone_id] if times is not None else None
    chain = ()
    if times is not None:
        chain = critical_chain(problem, times, milestone_id, usage=usage, prefer=layered.seasons)
    return MilestoneExplanation(
        id=milestone_id,
        name=problem.plan.milestone(milestone_id).name,
        date=date,
        due=spec.due,
        late_days=None if spec.due is None or date is None else max(0, date - spec.due),
        chain=chain,
        bounds=milestone_bounds(layered, milestone_id, date, chain),
        physics_chain=critical_chain(layered.no_windows, layered.physics, milestone_id),
        seasons_chain=critical_chain(problem, layered.seasons, milestone_id),
        state=spec.state,
    )


def why_lines(result: SolveResult) -> dict[str, str]:
    """For ``check``: one "why" line per milestone that is late in ``result``'s schedule, in plan order.

    Runs no solver (the conflict search is off), so it costs milliseconds.
    """
    late = [outcome.id for outcome in result.milestone_outcomes() if outcome.late_days]
    if not late or result.schedule is None:
        return {}
    explanation = explain(result, conflicts=False)
    return {milestone: why_line(explanation, milestone) for milestone in late}
