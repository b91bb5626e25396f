"""Risk runs on plans whose answer is known in closed form (asserted within a tolerance at a
fixed seed: 4 standard errors of a share over the iterations)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest

from qualplan.risk import analyse
from qualplan.risk.spec import task_risks
from risk_plans import checked_problem

ITERATIONS = 20_000
TOLERANCE = 4 * math.sqrt(0.25 / ITERATIONS)  # 4 standard errors of a share, at worst


def triangular_cdf(x: float, low: float, likely: float, high: float) -> float:
    """P(X <= x) for X triangular (low, likely, high)."""
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= likely:
        return (x - low) ** 2 / ((high - low) * (likely - low))
    return 1 - (high - x) ** 2 / ((high - low) * (high - likely))


def plan(tasks, milestones, **top):
    document = {"qualplan": 1, "id": "analytic", "start": "2026-01-05", "tasks": tasks, "milestones": milestones}
    document.update(top)
    problem = checked_problem(document)
    assert problem is not None
    return problem


def run(problem, iterations: int = ITERATIONS, seed: int = 1):
    return analyse(problem, None, iterations=iterations, seed=seed)


def day(problem, offset: int) -> str:
    return (problem.plan.start + dt.timedelta(days=offset)).isoformat()


@pytest.mark.slow
@pytest.mark.parametrize("due_days", [15, 20, 27, 35])
def test_one_triangular_task_meets_its_due_date_with_the_closed_form_chance(due_days: int) -> None:
    # the task ends on day ceil(X) - 1, so the milestone (finish, lag 0) is met when ceil(X) <= due_days,
    # that is when X <= due_days
    tasks = [{"id": "life", "duration": "20d", "risk": {"duration": {"low": "10d", "likely": "20d", "high": "40d"}}}]
    problem = plan(tasks, [{"id": "done", "after": ["life"], "due": "2026-01-05"}])
    problem = plan(tasks, [{"id": "done", "after": ["life"], "due": day(problem, due_days - 1)}])
    summary = run(problem)
    expected = triangular_cdf(due_days, 10, 20, 40)
    assert summary.milestones[0].p_met == pytest.approx(expected, abs=TOLERANCE)


def test_the_median_date_of_a_triangular_task() -> None:
    # the median of X (10, 20, 40) is 40 - sqrt(0.5 * 30 * 20) = 22.68..., so ceil(X) is 23 and the end day 22
    tasks = [{"id": "life", "duration": "20d", "risk": {"duration": {"low": "10d", "likely": "20d", "high": "40d"}}}]
    problem = plan(tasks, [{"id": "done", "after": ["life"]}])
    summary = run(problem)
    assert summary.milestones[0].percentiles[50] == problem.date(22)
    assert summary.milestones[0].p_met is None


@pytest.mark.parametrize(("attempts", "expected"), [(2, 0.5), (3, 0.75)])
def test_a_half_chance_of_failure_with_one_or_two_retries(attempts: int, expected: float) -> None:
    # runs of 10 d, a fix of 5 d: passing first time ends day 9, after one failure day 24, after two day 39.
    # With one retry the due date allows no failure (0.5); with two it allows one (1 - 0.5²).
    due = 9 if attempts == 2 else 24
    tasks = [{"id": "cold", "duration": "10d", "risk": {"fail": 0.5, "attempts": attempts, "retest": {"fix": "5d"}}}]
    problem = plan(tasks, [{"id": "done", "after": ["cold"], "due": "2026-01-05"}])
    problem = plan(tasks, [{"id": "done", "after": ["cold"], "due": day(problem, due)}])
    summary = run(problem)
    assert summary.milestones[0].p_met == pytest.approx(expected, abs=TOLERANCE)
    expected_failures = 0.5 if attempts == 2 else 0.5 + 0.25
    assert summary.tasks[0].retests == pytest.approx(expected_failures, abs=2 * TOLERANCE)
    # P90: one failure (day 24) covers 0.75 of the iterations with one retry, but not 0.9 with two
    assert summary.milestones[0].percentiles[90] == problem.date({2: 24, 3: 39}[attempts])


def test_a_failure_found_after_40_percent_shifts_the_date_by_the_failed_run_plus_the_fix() -> None:
    # 100 d; a failing run stops after 40 d, the fix takes 20 d, then the full 100 d again: +60 d exactly
    tasks = [
        {
            "id": "life",
            "duration": "100d",
            "risk": {"fail": 0.3, "attempts": 2, "retest": {"fix": "20d", "found_after": "40%"}},
        }
    ]
    problem = plan(tasks, [{"id": "done", "after": ["life"]}])
    summary = run(problem)
    counts = dict(summary.milestones[0].counts)
    assert set(counts) == {problem.date(99), problem.date(159)}
    assert counts[problem.date(159)] / ITERATIONS == pytest.approx(0.3, abs=TOLERANCE)


def test_a_failed_run_rounds_its_share_up_to_whole_days() -> None:
    # 10 d at 33 % is 3.3 d: the failed run takes 4 d, the fix 1 d, the re-run 10 d: day 14
    tasks = [
        {
            "id": "t",
            "duration": "10d",
            "risk": {"fail": 0.5, "attempts": 2, "retest": {"fix": "1d", "found_after": "33%"}},
        }
    ]
    problem = plan(tasks, [{"id": "done", "after": ["t"]}])
    assert {date for date, _ in run(problem, 200).milestones[0].counts} == {problem.date(9), problem.date(14)}


def test_a_redo_build_runs_again_between_the_fix_and_the_retest() -> None:
    # build 10 d, test 20 d; a failure after 50 % (10 d), fix 5 d, the build again (10 d), the test again (20 d)
    tasks = [
        {"id": "build", "duration": "10d"},
        {
            "id": "test",
            "duration": "20d",
            "after": ["build"],
            "risk": {"fail": 0.5, "attempts": 2, "retest": {"fix": "5d", "redo": ["build"], "found_after": "50%"}},
        },
    ]
    problem = plan(tasks, [{"id": "done", "after": ["test"]}])
    counts = dict(run(problem, 400).milestones[0].counts)
    assert set(counts) == {problem.date(29), problem.date(29 + 10 + 5 + 10)}


def test_a_build_with_uncertain_length_feeding_a_winter_campaign() -> None:
    # Start 2026-10-01. The campaign (60 d) must lie inside one winter 12-01..03-15; it can start at
    # the latest on 2027-01-15 (day 106), so it makes this winter when the build (days 0..ceil(X)-1)
    # ends by day 105: ceil(X) <= 106, that is X <= 106. Otherwise it waits for the next winter.
    start = dt.date(2026, 10, 1)
    latest_start = (dt.date(2027, 3, 15) - dt.timedelta(days=59) - start).days
    tasks = [
        {"id": "build", "duration": "90d", "risk": {"duration": {"low": "60d", "likely": "90d", "high": "150d"}}},
        {"id": "winter", "duration": "60d", "after": ["build"], "window": "heihe"},
    ]
    document = {
        "qualplan": 1,
        "id": "winter",
        "start": start.isoformat(),
        "windows": {"heihe": {"yearly": {"from": "12-01", "to": "03-15"}}},
        "tasks": tasks,
        "milestones": [{"id": "done", "after": ["winter"], "due": "2027-03-15"}],
    }
    problem = checked_problem(document)
    assert problem is not None
    summary = run(problem)
    expected = triangular_cdf(latest_start, 60, 90, 150)
    assert summary.milestones[0].p_met == pytest.approx(expected, abs=TOLERANCE)
    # a campaign that misses the winter runs in the next one: 2027-12-01 .. 2028-01-29
    late = [date for date, _ in summary.milestones[0].counts if date > dt.date(2027, 3, 15)]
    assert late and min(late) == dt.date(2027, 12, 1) + dt.timedelta(days=59)


def test_a_failed_campaign_runs_again_in_the_next_winter() -> None:
    tasks = [{"id": "winter", "duration": "60d", "window": "heihe", "risk": {"fail": 0.4, "attempts": 2}}]
    document = {
        "qualplan": 1,
        "id": "winter",
        "start": "2026-10-01",
        "windows": {"heihe": {"yearly": {"from": "12-01", "to": "03-15"}}},
        "tasks": tasks,
        "milestones": [{"id": "done", "after": ["winter"]}],
    }
    problem = checked_problem(document)
    assert problem is not None
    dates = {date for date, _ in run(problem, 400).milestones[0].counts}
    assert dates == {dt.date(2027, 1, 29), dt.date(2028, 1, 29)}


def test_relative_spreads_take_the_planned_duration_as_likely() -> None:
    problem = plan([{"id": "t", "duration": "100d", "risk": {"duration": {"low": "-10%", "high": "+25%"}}}], [])
    risk = task_risks(problem)["t"]
    assert (risk.low, risk.likely, risk.high) == (Fraction(90), Fraction(100), Fraction(125))
