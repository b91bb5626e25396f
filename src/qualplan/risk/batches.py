"""One batch of iterations under a policy: the unit of work a worker process or a Dask
worker runs. Plain functions of picklable arguments, so any executor can ship them."""

from __future__ import annotations

import numpy as np

from qualplan.risk.compiled import NO_DAY, RiskModel
from qualplan.risk.stats import Collected

POLICIES = ("priority", "optimal")
#: The seed as the stream takes it: its low 64 bits.
SEED_MASK = (1 << 64) - 1


def run_batch(model: RiskModel, policy: str, seed: int, first: int, count: int, time_limit: float) -> Collected:
    """Iterations ``first .. first+count-1`` of a run with ``seed`` under ``policy``
    (``time_limit``: seconds per iteration under ``optimal``)."""
    if policy == "priority":
        from qualplan.risk.kernel import simulate_batch

        dates, sampled, critical, failures = simulate_batch(model.arrays, np.uint64(seed & SEED_MASK), first, count)
        return Collected(dates, sampled, critical, failures)
    if policy == "optimal":
        from qualplan.risk.optimal import optimal_batch

        return optimal_batch(model, seed, first, count, time_limit)
    raise ValueError(f"unknown policy {policy!r}; expected one of {', '.join(POLICIES)}")


def reference_batch(model: RiskModel, seed: int, first: int, count: int) -> Collected:
    """``run_batch`` under ``priority`` with the plain-Python scheduler (tests, benchmark)."""
    from qualplan.risk.reference import critical_tasks, schedule_iteration

    milestones = len(model.problem.milestones)
    dates = np.full((count, milestones), NO_DAY, np.int64)
    sampled = np.zeros((count, len(model.tasks)), np.int64)
    critical = np.zeros((milestones, len(model.tasks)), np.int64)
    failures = np.zeros(len(model.tasks), np.int64)
    for k in range(count):
        draws = model.draw(seed, first + k)
        schedule = schedule_iteration(model, draws)
        dates[k] = [NO_DAY if day is None else day for day in schedule.dates]
        sampled[k] = [sum(lengths) for lengths in draws.lengths]
        failures += draws.failures
        for m, chain in enumerate(critical_tasks(model, schedule)):
            for task in chain:
                critical[m, task] += 1
    return Collected(dates, sampled, critical, failures)


def warm_up(model: RiskModel) -> None:
    """Load (or, after an install, compile) the kernel before any worker starts, so that
    workers load the cache rather than compile it side by side. A Ctrl-C during a first
    run's compile stops the command at once (``cancel.run_stoppable``)."""
    from qualplan import cancel

    cancel.run_stoppable(lambda: run_batch(model, "priority", 0, 0, 1, 0.0), name="qualplan-risk-warm-up")


def merge(parts: list[tuple[int, Collected]], iterations: int, model: RiskModel) -> Collected:
    """Batches put together by iteration index, whatever order they finished in."""
    milestones, tasks = len(model.problem.milestones), len(model.tasks)
    dates = np.empty((iterations, milestones), np.int64)
    sampled = np.empty((iterations, tasks), np.int64)
    critical = np.zeros((milestones, tasks), np.int64)
    failures = np.zeros(tasks, np.int64)
    for first, part in sorted(parts, key=lambda entry: entry[0]):
        count = part.dates.shape[0]
        dates[first : first + count] = part.dates
        sampled[first : first + count] = part.sampled
        critical += part.critical
        failures += part.failures
    return Collected(dates, sampled, critical, failures)
