"""Same plan, seed and workers: the same result on every run (CI diffs depend on it)."""

from __future__ import annotations

import sys
from pathlib import Path

from qualplan.deadline import Deadline
from qualplan.problem import compile_plan
from qualplan.result import StoppedBy
from qualplan.solver import solve

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))  # after site-packages: psplib.py there
from generate_plans import generate_plan


def fingerprint(result) -> tuple:
    """Everything a report shows, without the wall time."""
    starts = tuple(sorted(result.schedule.starts.items())) if result.schedule is not None else None
    return (
        result.status,
        result.verdict,
        result.proven,
        result.lateness,
        result.lateness_bound,
        result.objective,
        result.objective_bound,
        result.stopped_by,
        starts,
    )


def test_two_runs_with_two_workers_give_the_same_schedule() -> None:
    # 80 tasks with calendars, windows and contention: CP-SAT runs out of its
    # deterministic budget here rather than proving, the case where a wall-clock
    # limit would make runs differ. (Which plan is left unproved moves with every change to the
    # model and the budget: seed 3 of the plan generator was proved in 2 s once the solve's
    # budget counted model building; seed 2 with a 1 s budget is not.)
    problem = compile_plan(generate_plan(80, 2, lab_per_programme=0.25))
    # No wall deadline: on a loaded test machine the clock could end the search first.
    first = solve(problem, time_limit=1.0, workers=2, seed=3, deadline=Deadline.never())
    second = solve(problem, time_limit=1.0, workers=2, seed=3, deadline=Deadline.never())
    assert first.schedule is not None
    assert not first.proven  # ended by its deterministic budget (the same on every machine)
    assert first.stopped_by is second.stopped_by is StoppedBy.WORK
    assert fingerprint(first) == fingerprint(second)


def test_the_generator_is_deterministic() -> None:
    assert generate_plan(80, 5) == generate_plan(80, 5)
    assert generate_plan(80, 5) != generate_plan(80, 6)
    assert len(generate_plan(137, 1).tasks) == 137
