"""Same plan, seed and workers: the same result on every run (CI diffs depend on it)."""

from __future__ import annotations

import pytest

from plan_generator import generate_plan
from qualplan.deadline import Deadline
from qualplan.problem import compile_plan
from qualplan.result import StoppedBy
from qualplan.solver import greedy_schedule, solve
from qualplan.solver.objective import term_values


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


@pytest.mark.slow
def test_two_runs_with_two_workers_give_the_same_schedule() -> None:
    # Two programmes (55 tasks) with calendars, windows and a contended lab: CP-SAT runs out of
    # its deterministic budget here rather than proving, the case where a wall-clock limit would
    # make runs differ. (Which plan is left unproved moves with every change to the model and the
    # budget. Found by solving generated plans of 30-65 tasks, seeds 0-5, at 0.2 s and 0.4 s: up
    # to 40 tasks, one programme, the greedy schedule is already optimal; 55 tasks, seed 0, is
    # unproved at both limits, with lateness 348 and 223 against the greedy's 412 and no bound
    # above 0. The test used 80 tasks, seed 2 and 1 s before: 3 s a solve against 0.3-0.5 s.)
    problem = compile_plan(generate_plan(55, 0, lab_per_programme=0.25))
    # No wall deadline: on a loaded test machine the clock could end the search first.
    first = solve(problem, time_limit=0.2, workers=2, seed=3, deadline=Deadline.never())
    second = solve(problem, time_limit=0.2, workers=2, seed=3, deadline=Deadline.never())
    assert first.schedule is not None
    assert not first.proven  # ended by its deterministic budget (the same on every machine)
    assert first.stopped_by is second.stopped_by is StoppedBy.WORK
    # The search got somewhere: what repeats is CP-SAT's schedule, not the greedy one it started from.
    assert first.lateness < term_values(problem, greedy_schedule(problem))[0]
    assert fingerprint(first) == fingerprint(second)


def test_the_generator_is_deterministic() -> None:
    assert generate_plan(80, 5) == generate_plan(80, 5)
    assert generate_plan(80, 5) != generate_plan(80, 6)
    assert len(generate_plan(137, 1).tasks) == 137
