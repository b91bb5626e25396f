"""The ``optimal`` policy: every iteration's expanded plan solved by the exact scheduler.

Each iteration is drawn exactly as under ``priority`` (the same numbers: a task's
draws depend on the seed, the iteration and the task alone), written out as its
own plan (``expand.py``), solved by ``qualplan.solver.solve`` with one worker and
the per-iteration time limit, and re-checked by the independent verifier. What a
solve proves is not needed here, only its best schedule: the milestone dates of a
schedule that meets every rule. One solver worker per iteration keeps the answer
the same on every machine (a CP-SAT limit is deterministic time, see
docs/scheduling.md); many iterations run side by side on workers or a cluster.
"""

from __future__ import annotations

import numpy as np

from qualplan.result import schedule_times
from qualplan.risk.chains import critical_from_schedule
from qualplan.risk.compiled import NO_DAY, RiskModel
from qualplan.risk.expand import expand
from qualplan.risk.stats import Collected


def optimal_batch(model: RiskModel, seed: int, first: int, count: int, time_limit: float) -> Collected:
    """Iterations ``first .. first+count-1`` under the ``optimal`` policy."""
    from qualplan.solver import solve
    from qualplan.verify import ensure_verified

    milestones = list(model.problem.milestones)
    dates = np.full((count, len(milestones)), NO_DAY, np.int64)
    sampled = np.zeros((count, len(model.tasks)), np.int64)
    critical = np.zeros((len(milestones), len(model.tasks)), np.int64)
    failures = np.zeros(len(model.tasks), np.int64)
    for k in range(count):
        draws = model.draw(seed, first + k)
        sampled[k] = [sum(lengths) for lengths in draws.lengths]
        failures += draws.failures
        expanded = expand(model, draws)
        result = ensure_verified(solve(expanded.problem, time_limit=time_limit, workers=1, seed=seed))
        if result.schedule is None:
            continue  # no schedule inside the horizon: every milestone unreached
        times = schedule_times(expanded.problem, result.schedule)
        for m, name in enumerate(milestones):
            day = times.start[name]
            dates[k, m] = NO_DAY if day is None else day
        for m, chain in enumerate(critical_from_schedule(model, expanded, result.schedule)):
            for task in chain:
                critical[m, task] += 1
    return Collected(dates, sampled, critical, failures)
