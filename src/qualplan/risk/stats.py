"""What a risk run reports, from the per-iteration arrays (plan-format.md, "Risk").

Inputs are collected by iteration index, never by the order batches finished, and
the counts are integer sums, so the figures do not depend on how the iterations
were split among workers.

Definitions (docs/risk.md):

- ``p_met``: the share of iterations whose milestone date is on or before its due
  date (an iteration in which it was not reached inside the horizon counts as missed);
- percentiles, **nearest rank**: P``q`` is the date at rank ``ceil(q/100 × N)`` of the
  N dates sorted ascending, "not reached inside the horizon" sorting last (a
  percentile that lands there is reported as ``None``);
- the mean date: the mean day, rounded half up (``None`` when some iteration did not
  reach the milestone inside the horizon);
- criticality: the share of all iterations in which the task (any of its runs, fixes
  or redo builds) was on the milestone's critical chain;
- drivers: Spearman's rank correlation (ties take their average rank) between a
  task's sampled days (all its runs, fixes and redo builds) and the milestone's date,
  over all iterations ("not reached" ranks last); the ``DRIVERS`` highest positive
  ones per milestone; tasks whose days never vary are left out;
- convergence: how many days P80 moved between the first 90 % of the iterations and
  all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from qualplan.risk.compiled import NO_DAY, RiskModel

#: Percentiles reported per milestone.
PERCENTILES = (10, 50, 80, 90)
#: Drivers reported per milestone.
DRIVERS = 5
#: Share of the iterations whose P80 is compared with the whole run's (convergence).
CONVERGENCE_SHARE = 0.9


@dataclass(frozen=True)
class Collected:
    """A run's raw results: per iteration (rows in iteration order) the milestone days
    (``NO_DAY``: not reached inside the horizon) and each task's sampled days; over the run,
    how often each task was on each milestone's critical chain, and its failed runs."""

    dates: np.ndarray  # (N, M)
    sampled: np.ndarray  # (N, T)
    critical: np.ndarray  # (M, T)
    failures: np.ndarray  # (T,)


@dataclass(frozen=True)
class MilestoneRisk:
    """One milestone's date over the iterations."""

    id: str
    due: dt.date | None
    p_met: float | None  # None without a due date
    percentiles: dict[int, dt.date | None]  # q -> date; None: not reached inside the horizon
    mean: dt.date | None
    beyond_horizon: float  # share of iterations in which it was not reached inside the horizon
    p80_moved_days: int | None  # convergence; None when P80 is not a date, or too few iterations
    counts: tuple[tuple[dt.date, int], ...]  # iterations per date, ascending (the S-curve)
    fixed: bool  # a milestone with `at`: the same date in every iteration


@dataclass(frozen=True)
class TaskRisk:
    """One task over the iterations."""

    id: str
    criticality: dict[str, float]  # milestone id -> share of iterations on its critical chain
    retests: float  # failed runs per iteration, on average


@dataclass(frozen=True)
class Driver:
    """A task whose sampled days move a milestone's date."""

    milestone: str
    task: str
    spearman: float


@dataclass(frozen=True)
class RiskSummary:
    """Everything a risk run reports."""

    plan: str
    iterations: int
    seed: int
    policy: str
    horizon_end: dt.date
    milestones: tuple[MilestoneRisk, ...]
    tasks: tuple[TaskRisk, ...]
    drivers: tuple[Driver, ...]


def summarize(model: RiskModel, collected: Collected, *, seed: int, policy: str) -> RiskSummary:
    """The figures of the module docstring."""
    problem = model.problem
    n = collected.dates.shape[0]
    unreached = problem.days  # sorts after every day of the horizon
    dates = np.where(collected.dates == NO_DAY, unreached, collected.dates)
    milestones = []
    for m, (name, spec) in enumerate(problem.milestones.items()):
        column = dates[:, m]
        ordered = np.sort(column, kind="stable")
        reached = column[column < unreached]
        percentiles = {q: _date(problem, _nearest_rank(ordered, q), unreached) for q in PERCENTILES}
        days, counts = np.unique(reached, return_counts=True)
        milestones.append(
            MilestoneRisk(
                id=name,
                due=problem.plan.milestone(name).due,
                p_met=None if spec.due is None else _share(int(np.count_nonzero(reached <= spec.due)), n),
                percentiles=percentiles,
                mean=_mean(problem, column, unreached),
                beyond_horizon=_share(n - len(reached), n),
                p80_moved_days=_p80_moved(column, unreached),
                counts=tuple((problem.date(int(day)), int(count)) for day, count in zip(days, counts, strict=True)),
                fixed=spec.at is not None,
            )
        )
    varying = [m.id for m in milestones if not m.fixed]
    index = {name: m for m, name in enumerate(problem.milestones)}
    tasks = tuple(
        TaskRisk(
            id=task,
            criticality={name: _share(int(collected.critical[index[name], t]), n) for name in varying},
            retests=round(float(collected.failures[t]) / n, 4),
        )
        for t, task in enumerate(model.tasks)
    )
    drivers = tuple(driver for name in varying for driver in _drivers(model, name, dates[:, index[name]], collected))
    return RiskSummary(
        plan=problem.plan.id,
        iterations=n,
        seed=seed,
        policy=policy,
        horizon_end=problem.date(problem.days - 1),
        milestones=tuple(milestones),
        tasks=tasks,
        drivers=drivers,
    )


def _share(count: int, total: int) -> float:
    return round(count / total, 4)


def _nearest_rank(ordered: np.ndarray, q: int) -> int:
    rank = -(-q * len(ordered) // 100)  # ceil(q/100 × N), exact in integers
    return int(ordered[max(rank, 1) - 1])


def _date(problem, day: int, unreached: int) -> dt.date | None:
    return None if day >= unreached else problem.date(day)


def _mean(problem, column: np.ndarray, unreached: int) -> dt.date | None:
    if np.any(column >= unreached):
        return None
    total, n = int(column.sum()), len(column)
    return problem.date((2 * total + n) // (2 * n))  # the mean day, rounded half up


def _p80_moved(column: np.ndarray, unreached: int) -> int | None:
    head = int(len(column) * CONVERGENCE_SHARE)
    if head < 1:
        return None
    early = _nearest_rank(np.sort(column[:head], kind="stable"), 80)
    final = _nearest_rank(np.sort(column, kind="stable"), 80)
    if early >= unreached or final >= unreached:
        return None
    return abs(final - early)


def _drivers(model: RiskModel, milestone: str, dates: np.ndarray, collected: Collected) -> list[Driver]:
    if dates.min() == dates.max():
        return []
    date_ranks = _ranks(dates)
    found = []
    for t, task in enumerate(model.tasks):
        sampled = collected.sampled[:, t]
        if sampled.min() == sampled.max():
            continue
        rho = round(_pearson(_ranks(sampled), date_ranks), 3)
        if rho > 0:
            found.append((-rho, t, Driver(milestone, task, rho)))
    found.sort(key=lambda entry: entry[:2])
    return [driver for *_, driver in found[:DRIVERS]]


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..N, ties sharing their average rank."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    average = upper - (counts - 1) / 2.0
    return average[inverse]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    y = y - y.mean()
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))
