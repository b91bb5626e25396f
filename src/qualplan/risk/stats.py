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
  over all iterations ("not reached" ranks last); the ``DRIVERS`` highest per milestone
  that reach ``MIN_SPEARMAN``; tasks whose days never vary are left out;
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
#: The smallest Spearman coefficient reported as a driver: below it the link is noise.
MIN_SPEARMAN = 0.05
#: Tasks ranked at a time for the drivers (memory: iterations x this many floats).
DRIVER_CHUNK = 32
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
    columns = [index[name] for name in varying]
    drivers = _drivers(model, [*varying], dates[:, columns], collected.sampled)
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


def _drivers(model: RiskModel, milestones: list[str], dates: np.ndarray, sampled: np.ndarray) -> tuple[Driver, ...]:
    """The highest positive Spearman coefficients per milestone (``dates``: one column each).

    Each column is ranked once and standardised, so one product of the tasks' rank matrix
    with the milestones' gives every coefficient (ranking a task again per milestone was
    most of a run's time on a 300-task portfolio)."""
    date_ranks = _standardised(dates)
    found: dict[str, list[tuple[float, int, Driver]]] = {name: [] for name in milestones}
    for first in range(0, sampled.shape[1], DRIVER_CHUNK):
        ranks = _standardised(sampled[:, first : first + DRIVER_CHUNK])
        rho = ranks.T @ date_ranks  # (tasks, milestones): Pearson of standardised ranks
        for t in range(ranks.shape[1]):
            for m, name in enumerate(milestones):
                value = rho[t, m]
                if np.isnan(value):
                    continue  # a task or a milestone whose value never varies
                rounded = round(float(value), 3)
                if rounded >= MIN_SPEARMAN:
                    task = first + t
                    found[name].append((-rounded, task, Driver(name, model.tasks[task], rounded)))
    drivers = []
    for name in milestones:
        drivers.extend(driver for *_, driver in sorted(found[name], key=lambda entry: entry[:2])[:DRIVERS])
    return tuple(drivers)


def _standardised(columns: np.ndarray) -> np.ndarray:
    """Each integer column's average ranks (ties share theirs), centred and scaled to unit
    length; a column that never varies becomes NaN."""
    out = np.empty(columns.shape, np.float64)
    for c in range(columns.shape[1]):
        ranks = _ranks(columns[:, c])
        ranks -= ranks.mean()
        norm = np.sqrt((ranks * ranks).sum())
        out[:, c] = ranks / norm if norm > 0 else np.nan
    return out


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..N of integers, ties sharing their average rank (by counting: O(N + range))."""
    low = int(values.min())
    counts = np.bincount(values - low)
    upper = np.cumsum(counts)
    average = upper - (counts - 1) / 2.0
    return average[values - low]
