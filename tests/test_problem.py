"""compile_plan: stages expanded, durations, calendars, capacity steps in day numbers."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_factory import make_problem
from qualplan.problem import Link
from qualplan.result import Schedule
from qualplan.verify import objective_terms, verify


def test_stage_in_after_becomes_one_link_per_task_of_the_stage():
    problem = make_problem(
        [
            {"id": "a", "duration": "1w", "stage": "cell"},
            {"id": "b", "duration": "2d", "stage": "cell"},
            {"id": "c", "duration": 3, "after": [{"on": "cell", "lag": "2w"}]},
        ],
        stages=[{"id": "cell"}],
    )
    assert problem.links == (
        Link("a", "c", "finish", 14, via_stage="cell"),
        Link("b", "c", "finish", 14, via_stage="cell"),
    )
    assert problem.tasks["a"].length == 7


def test_calendar_task_ends_on_its_nth_working_day_across_a_holiday():
    problem = make_problem(
        [{"id": "teardown", "duration": "5d", "calendar": "workdays"}],
        calendars={"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07"]}},
    )
    # Starts Mon 2026-01-05 (day 0): works 5, 6, (7 holiday), 8, 9, (10-11 weekend), 12 -> ends day 7.
    assert problem.end_of("teardown", 0) == 7
    # A calendar task cannot start on a non-working day.
    assert problem.end_of("teardown", 2) is None


def test_capacity_steps_apply_from_their_date():
    problem = make_problem(
        [{"id": "a", "duration": 1, "uses": {"chamber": 1}}],
        resources={"chamber": {"capacity": 4, "changes": [{"from": "2026-07-01", "capacity": 6}]}},
    )
    july_first = 177  # 2026-01-05 + 177 days
    assert problem.capacity_on("chamber", july_first - 1) == 4
    assert problem.capacity_on("chamber", july_first) == 6


def test_capacity_spans_cover_the_horizon_with_each_days_capacity():
    problem = make_problem(
        [{"id": "a", "duration": 1, "uses": {"chamber": 1}}],
        resources={
            "chamber": {
                "capacity": 4,
                "changes": [{"from": "2025-12-01", "capacity": 5}, {"from": "2026-01-15", "capacity": 2}],
            }
        },
        horizon="30d",
    )
    # The change before the start sets day 0; the one on 01-15 (day 10) runs to the horizon.
    assert problem.capacity_spans("chamber") == ((0, 10, 5), (10, 30, 2))
    by_day = [units for first, stop, units in problem.capacity_spans("chamber") for _ in range(first, stop)]
    assert by_day == [problem.capacity_on("chamber", day) for day in range(30)]


def test_not_before_and_milestone_dates_in_day_numbers():
    problem = make_problem(
        [{"id": "a", "duration": 1, "not_before": "2026-01-15"}],
        milestones=[{"id": "line", "at": "2026-02-01"}, {"id": "done", "after": ["a"], "due": "2026-01-31"}],
    )
    assert problem.tasks["a"].earliest == 10
    assert problem.milestones["line"].at == 27
    assert problem.milestones["done"].due == 26


# --- the dependency rule of a compiled link, against the verifier's own reading -------------------


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["finish", "start", "end"]),
    lag=st.integers(0, 5),
    pred_length=st.integers(1, 6),
    succ_length=st.integers(1, 6),
    pred_start=st.integers(0, 10),
    succ_start=st.integers(0, 25),
)
def test_a_task_link_allows_exactly_the_starts_the_verifier_accepts(
    kind: str, lag: int, pred_length: int, succ_length: int, pred_start: int, succ_start: int
) -> None:
    problem = make_problem(
        [
            {"id": "p", "duration": pred_length},
            {"id": "s", "duration": succ_length, "after": [{"on": "p", "type": kind, "lag": f"{lag}d"}]},
        ],
        horizon="60d",
    )
    (link,) = problem.links
    pred_end, succ_end = pred_start + pred_length - 1, succ_start + succ_length - 1
    successor = succ_end if link.succ_side == "end" else succ_start
    holds = successor >= link.earliest(pred_start, pred_end)
    violations = verify(problem, Schedule({"p": pred_start, "s": succ_start}))
    assert holds == (violations == [])
    # The mirror reading: the predecessor's side is at most what the successor allows.
    predecessor = pred_start if link.pred_side == "start" else pred_end
    assert holds == (predecessor <= link.latest(succ_start, succ_end))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["finish", "start", "end"]),
    lag=st.integers(0, 5),
    pred_length=st.integers(1, 6),
    pred_start=st.integers(0, 10),
)
def test_a_milestone_link_gives_the_date_the_verifier_computes(
    kind: str, lag: int, pred_length: int, pred_start: int
) -> None:
    problem = make_problem(
        [{"id": "p", "duration": pred_length}],
        milestones=[{"id": "m", "after": [{"on": "p", "type": kind, "lag": f"{lag}d"}]}],
        horizon="60d",
    )
    (link,) = problem.links
    date = link.earliest(pred_start, pred_start + pred_length - 1)
    _, date_sum, _ = objective_terms(problem, Schedule({"p": pred_start}))
    assert date == date_sum  # the only milestone's date, as verify reads plan-format.md
    assert link.latest(date, date) == (pred_start if link.pred_side == "start" else pred_start + pred_length - 1)


def test_a_replaced_problem_computes_its_own_derived_data() -> None:
    # Derived data lives on the instance: a problem changed with dataclasses.replace must
    # never see the order or bounds of the one it came from.
    problem = make_problem(
        [{"id": "a", "duration": 3, "not_before": "2026-01-15"}, {"id": "b", "duration": 2}],
        milestones=[{"id": "m", "after": ["a", "b"]}],
        horizon="60d",
    )
    assert problem.base_bounds.earliest["a"] == 10 and problem.base_bounds.earliest["m"] == 12
    earlier = dataclasses.replace(
        problem, tasks={**problem.tasks, "a": dataclasses.replace(problem.tasks["a"], earliest=0)}
    )
    assert earlier.base_bounds.earliest["a"] == 0 and earlier.base_bounds.earliest["m"] == 2
    reordered = dataclasses.replace(problem, tasks={"b": problem.tasks["b"], "a": problem.tasks["a"]})
    assert problem.topological_order == ("a", "b", "m")
    assert reordered.topological_order == ("b", "a", "m")
