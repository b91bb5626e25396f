"""Results built without the solver, for renderer tests: the CPM earliest schedule of a resource-free plan.

Without resources the earliest start of every task is a valid schedule that is
optimal for every objective term at once (each milestone is as early as it can
be), so a result built from it with ``status=OPTIMAL`` tells the truth;
``ensure_verified`` confirms it before a test uses it.
"""

from __future__ import annotations

from qualplan.graph import earliest_times
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict
from qualplan.verify import ensure_verified, lateness


def earliest_result(problem: Problem, *, wall_time: float = 0.25) -> SolveResult:
    """The proved-optimal result of a resource-free plan, verified."""
    times = earliest_times(problem)
    schedule = Schedule({task: times.start[task] for task in problem.tasks})
    late = lateness(problem, schedule)
    result = SolveResult(
        problem=problem,
        status=SolveStatus.OPTIMAL,
        verdict=Verdict.MET if late == 0 else Verdict.MISSED,
        proven=True,
        schedule=schedule,
        lateness=late,
        lateness_bound=late,
        wall_time=wall_time,
    )
    return ensure_verified(result)


def unproved_result(problem: Problem, schedule: Schedule, *, wall_time: float = 2.0) -> SolveResult:
    """A late schedule found before the time limit, with no proof either way: verdict unknown."""
    result = SolveResult(
        problem=problem,
        status=SolveStatus.FEASIBLE,
        verdict=Verdict.UNKNOWN,
        proven=False,
        schedule=schedule,
        lateness=lateness(problem, schedule),
        lateness_bound=0,
        wall_time=wall_time,
    )
    return ensure_verified(result)


def result_without_schedule(problem: Problem, status: SolveStatus, conflicts: tuple[str, ...] = ()) -> SolveResult:
    """No schedule: proved infeasible (verdict missed) or a time-out (verdict unknown)."""
    result = SolveResult(
        problem=problem,
        status=status,
        verdict=Verdict.MISSED if status is SolveStatus.INFEASIBLE else Verdict.UNKNOWN,
        proven=False,
        schedule=None,
        lateness=None,
        lateness_bound=0,
        wall_time=10.0,
        conflicts=conflicts,
    )
    return ensure_verified(result)
