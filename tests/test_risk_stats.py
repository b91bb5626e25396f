"""The figures of a risk run, against brute-force definitions on small arrays."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualplan.risk import build_model
from qualplan.risk.compiled import NO_DAY
from qualplan.risk.stats import Collected, summarize
from risk_plans import checked_problem


def model(due: str | None = "2026-01-20", horizon: str = "100d"):
    milestone = {"id": "done", "after": ["a", "b"]}
    if due is not None:
        milestone["due"] = due
    problem = checked_problem(
        {
            "qualplan": 1,
            "id": "stats",
            "start": "2026-01-05",
            "horizon": horizon,
            "tasks": [{"id": "a", "duration": "5d"}, {"id": "b", "duration": "5d"}],
            "milestones": [milestone, {"id": "fixed", "at": "2026-02-01"}],
        }
    )
    assert problem is not None
    return build_model(problem, None)


def collected(dates: list[int], sampled_a: list[int] | None = None, sampled_b: list[int] | None = None) -> Collected:
    n = len(dates)
    column = np.array(dates, np.int64)
    fixed = np.full(n, 27, np.int64)
    sampled = np.column_stack([np.array(sampled_a or [5] * n, np.int64), np.array(sampled_b or [5] * n, np.int64)])
    return Collected(
        np.column_stack([column, fixed]), sampled, np.array([[n, 0], [0, 0]], np.int64), np.zeros(2, np.int64)
    )


def nearest_rank(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(q / 100 * len(ordered)) - 1]


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 99), st.just(NO_DAY)), min_size=1, max_size=60))
def test_percentiles_p_met_and_mean_follow_their_definitions(days: list[int]) -> None:
    risk_model = model()
    summary = summarize(risk_model, collected(days), seed=0, policy="priority")
    done = summary.milestones[0]
    start = dt.date(2026, 1, 5)
    as_numbers = [math.inf if day == NO_DAY else day for day in days]
    for q in (10, 50, 80, 90):
        expected = nearest_rank(as_numbers, q)
        assert done.percentiles[q] == (None if expected == math.inf else start + dt.timedelta(days=int(expected)))
    due = (dt.date(2026, 1, 20) - start).days
    assert done.p_met == round(sum(day != NO_DAY and day <= due for day in days) / len(days), 4)
    assert done.beyond_horizon == round(days.count(NO_DAY) / len(days), 4)
    if NO_DAY in days:
        assert done.mean is None
    else:
        mean = sum(days) / len(days)
        assert done.mean == start + dt.timedelta(days=math.floor(mean + 0.5))


def test_a_due_date_after_the_horizon_is_not_met_by_an_iteration_that_ran_past_it() -> None:
    summary = summarize(model(due="2027-01-01"), collected([10, NO_DAY]), seed=0, policy="priority")
    assert summary.milestones[0].p_met == 0.5


def test_a_milestone_without_due_has_no_chance_to_meet_it() -> None:
    summary = summarize(model(due=None), collected([10, 12]), seed=0, policy="priority")
    assert summary.milestones[0].p_met is None
    assert summary.milestones[0].percentiles[50] == dt.date(2026, 1, 15)


def test_fixed_milestones_get_no_criticality_and_no_drivers() -> None:
    summary = summarize(model(), collected([10, 12, 11], [4, 6, 5]), seed=0, policy="priority")
    assert summary.milestones[1].fixed
    assert all(set(task.criticality) == {"done"} for task in summary.tasks)
    assert {driver.milestone for driver in summary.drivers} == {"done"}


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho by its definition: Pearson's correlation of average ranks."""

    def ranks(values: list[float]) -> list[float]:
        return [
            sum(other < value for other in values) + (sum(other == value for other in values) + 1) / 2
            for value in values
        ]

    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    return cov / math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(3, 9), st.integers(3, 9)), min_size=3, max_size=40))
def test_drivers_are_spearman_correlations_with_ties_averaged(rows) -> None:
    dates = [row[0] for row in rows]
    sampled_a = [row[1] for row in rows]
    sampled_b = [row[2] for row in rows]
    summary = summarize(model(), collected(dates, sampled_a, sampled_b), seed=0, policy="priority")
    found = {driver.task: driver.spearman for driver in summary.drivers}
    for task, sampled in (("a", sampled_a), ("b", sampled_b)):
        if len(set(sampled)) == 1 or len(set(dates)) == 1:
            assert task not in found
            continue
        rho = round(spearman(sampled, dates), 3)
        if rho >= 0.05:
            assert found[task] == pytest.approx(rho, abs=1e-9)
        else:
            assert task not in found


def test_convergence_compares_p80_of_the_first_90_percent_with_all() -> None:
    # 10 iterations, one late: P80 of the first 9 (rank 8) and of all 10 (rank 8) are both day 10
    summary = summarize(model(), collected([10] * 9 + [50]), seed=0, policy="priority")
    assert summary.milestones[0].p80_moved_days == 0
    # 25 iterations, the last 7 late: P80 of the first 22 is rank 18 (day 10), of all 25 rank 20 (day 50)
    summary = summarize(model(), collected([10] * 18 + [50] * 7), seed=0, policy="priority")
    assert summary.milestones[0].p80_moved_days == 40


def test_criticality_is_the_share_of_iterations() -> None:
    summary = summarize(model(), collected([10, 11, 12, 13]), seed=0, policy="priority")
    assert summary.tasks[0].criticality == {"done": 1.0}
    assert summary.tasks[1].criticality == {"done": 0.0}
