"""Monte Carlo schedule risk: failed tests, seasons and the lab (plan-format.md, "Risk").

One **iteration** draws every task's duration from its triangular spread, lets
tests fail and come back after a fix and their redo builds, and schedules the
result under every rule of the plan. Many iterations give each milestone's chance
of meeting its due date, its date percentiles, each task's criticality and the
drivers of the date (docs/risk.md).

The parts, in the order a run uses them:

- ``spec.py``: the plan's ``risk`` keys resolved per task, and the slots of each
  task's chain of runs;
- ``compiled.py``: ``build_model``, the plan with its priority order and the arrays
  of the compiled kernel;
- ``stream.py``, ``draws.py``: counter-based random numbers and one iteration's draws;
- ``kernel.py`` (numba) and ``reference.py`` (plain Python): the ``priority`` policy,
  a ready-list serial schedule in the order of the plan's check schedule;
- ``expand.py``: one iteration written out as a plan of its own; ``optimal.py``
  solves it exactly, and the tests verify kernel schedules against it;
- ``chains.py``: critical chains read from a finished schedule;
- ``batches.py``, ``backends.py``: batches of iterations in this process, in local
  worker processes or on a Dask cluster;
- ``stats.py``: the figures.

Importing this package loads neither numba nor OR-Tools; a run loads what its policy needs.
"""

from __future__ import annotations

from collections.abc import Callable

from qualplan.problem import Problem
from qualplan.result import Schedule
from qualplan.risk.backends import BACKENDS, DaskUnavailable, Execution, simulate
from qualplan.risk.batches import POLICIES
from qualplan.risk.compiled import RiskModel, build_model
from qualplan.risk.stats import Driver, MilestoneRisk, RiskSummary, TaskRisk, summarize

__all__ = [
    "BACKENDS",
    "POLICIES",
    "DaskUnavailable",
    "Driver",
    "Execution",
    "MilestoneRisk",
    "RiskModel",
    "RiskSummary",
    "TaskRisk",
    "analyse",
    "build_model",
    "simulate",
    "summarize",
]


def analyse(
    problem: Problem,
    schedule: Schedule | None,
    *,
    iterations: int,
    seed: int = 0,
    policy: str = "priority",
    time_limit: float = 3.0,
    execution: Execution | None = None,
    progress: Callable[[int], None] | None = None,
) -> RiskSummary:
    """A risk run of ``problem``: ``iterations`` iterations under ``policy``, the priority order
    taken from ``schedule`` (the plan's check schedule). ``time_limit``: seconds per iteration
    under ``optimal``. ``progress(done)`` is called after every batch."""
    model = build_model(problem, schedule)
    collected = simulate(
        model,
        iterations=iterations,
        seed=seed,
        policy=policy,
        time_limit=time_limit,
        execution=execution or Execution(),
        progress=progress,
    )
    return summarize(model, collected, seed=seed, policy=policy)
