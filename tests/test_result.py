"""SolveResult.of: the figures derived from a solve's terms and bounds, against the
verifier's independent reading of the same rules (``verify._result_claims``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_factory import make_problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict
from qualplan.verify import ensure_verified, objective_terms

# a lasts 20 days; m is due after 10, so the schedule a@0 is 10 days late x priority 2 = 20.
PROBLEM = make_problem(
    [{"id": "a", "duration": "20d"}, {"id": "b", "duration": "3d"}],
    milestones=[
        {"id": "m", "after": ["a"], "due": "2026-01-14", "priority": 2},
        {"id": "n", "after": ["b"], "due": "2026-03-01"},
    ],
)


def result(starts: dict[str, int] | None, bound: tuple, **options) -> SolveResult:
    schedule = None if starts is None else Schedule(starts)
    terms = None if schedule is None else objective_terms(PROBLEM, schedule)
    return SolveResult.of(PROBLEM, schedule, terms, bound, wall_time=0.5, **options)


def test_a_late_schedule_with_every_term_proved_is_optimal_and_missed() -> None:
    proved = result({"a": 0, "b": 0}, (20, 21, 19))
    assert (proved.status, proved.verdict, proved.proven) == (SolveStatus.OPTIMAL, Verdict.MISSED, True)
    assert (proved.lateness, proved.lateness_bound) == (20, 20)


def test_a_late_schedule_without_a_lateness_bound_is_unknown_never_missed() -> None:
    found = result({"a": 0, "b": 0}, (0, None, None))
    assert (found.status, found.verdict, found.proven) == (SolveStatus.FEASIBLE, Verdict.UNKNOWN, False)


def test_an_on_time_schedule_is_met_without_any_proof() -> None:
    # A 2-day test before a milestone due 01-14: on time, the schedule itself is the witness.
    problem = make_problem(
        [{"id": "a", "duration": "2d"}], milestones=[{"id": "m", "after": ["a"], "due": "2026-01-14"}]
    )
    schedule = Schedule({"a": 0})
    met = SolveResult.of(problem, schedule, objective_terms(problem, schedule), (0, None, None), wall_time=0.1)
    assert (met.status, met.verdict, met.proven) == (SolveStatus.FEASIBLE, Verdict.MET, False)


def test_no_schedule_is_missed_only_with_a_proof() -> None:
    timed_out = result(None, (None, None, None))
    bounded = result(None, (5, None, None))
    infeasible = result(None, (None, None, None), infeasible=True, conflicts=("no room",))
    assert (timed_out.status, timed_out.verdict, timed_out.proven) == (SolveStatus.UNKNOWN, Verdict.UNKNOWN, False)
    assert (bounded.status, bounded.verdict, bounded.lateness_bound) == (SolveStatus.UNKNOWN, Verdict.MISSED, 5)
    assert (infeasible.status, infeasible.verdict, infeasible.proven) == (SolveStatus.INFEASIBLE, Verdict.MISSED, True)
    assert infeasible.conflicts == ("no room",)


@st.composite
def solves(draw: st.DrawFn) -> SolveResult:
    """A schedule (or none) and bounds a solver could have proved: each at most the
    schedule's term, and None after the first term left unproved."""
    if draw(st.integers(0, 4)) == 0:
        infeasible = draw(st.booleans())
        bound = None if infeasible else draw(st.none() | st.integers(0, 30))
        return result(None, (bound, None, None), infeasible=infeasible)
    starts = {"a": draw(st.integers(0, 30)), "b": draw(st.integers(0, 30))}
    terms = objective_terms(PROBLEM, Schedule(starts))
    bounds: list[int | None] = []
    for term in terms:
        if bounds and bounds[-1] != terms[len(bounds) - 1]:
            bounds.append(None)  # an earlier term unproved: no bound on this one
        else:
            bounds.append(term - draw(st.integers(0, min(term, 3))))
    return result(starts, tuple(bounds))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(solves())
def test_every_derived_result_passes_the_verifiers_own_reading(solve: SolveResult) -> None:
    assert ensure_verified(solve) is solve
