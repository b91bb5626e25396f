"""The compiled ``priority`` scheduler against its plain-Python twin and the independent verifier.

- the counter-based stream gives the same numbers compiled and in Python;
- on random plans using every rule and risk key, the kernel and ``reference.py`` give
  the same starts, ends, milestone dates and blockers, iteration by iteration;
- every iteration's schedule, written onto the expanded plan of that iteration, is
  accepted by ``verify.verify``, and its milestone dates are the plan's dates of it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualplan.loader import load_plan
from qualplan.model import Risk
from qualplan.problem import compile_plan
from qualplan.result import schedule_times
from qualplan.risk import build_model
from qualplan.risk.batches import reference_batch, run_batch
from qualplan.risk.expand import expand
from qualplan.risk.kernel import iteration_schedule
from qualplan.risk.kernel import uniform as compiled_uniform
from qualplan.risk.reference import critical_tasks, schedule_iteration
from qualplan.risk.stream import uniform
from qualplan.solver import greedy_schedule
from qualplan.verify import verify
from risk_plans import checked_problem, risk_documents

ITERATIONS = 12


@pytest.mark.parametrize(
    ("seed", "iteration", "task", "run", "purpose"),
    [(0, 0, 0, 0, 0), (7, 123_456, 41, 2, 1), (2**64 - 1, 10**9, 999, 19, 30), (12345678901234567890, 5, 3, 1, 2)],
)
def test_the_compiled_stream_draws_the_same_numbers(
    seed: int, iteration: int, task: int, run: int, purpose: int
) -> None:
    expected = uniform(seed, iteration, task, run, purpose)
    assert 0.0 <= expected < 1.0
    assert compiled_uniform(np.uint64(seed & (2**64 - 1)), iteration, task, run, purpose) == expected


def test_the_stream_depends_on_every_part() -> None:
    base = uniform(1, 2, 3, 4, 5)
    assert (
        len(
            {
                base,
                uniform(2, 2, 3, 4, 5),
                uniform(1, 3, 3, 4, 5),
                uniform(1, 2, 4, 4, 5),
                uniform(1, 2, 3, 5, 5),
                uniform(1, 2, 3, 4, 6),
            }
        )
        == 6
    )


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(risk_documents(), st.integers(0, 2**64 - 1))
def test_kernel_equals_the_plain_python_scheduler(document, seed: int) -> None:
    problem = checked_problem(document)
    assume(problem is not None)
    model = build_model(problem, greedy_schedule(problem))
    for iteration in range(ITERATIONS):
        expected = schedule_iteration(model, model.draw(seed, iteration))
        assert iteration_schedule(model, seed, iteration) == expected, iteration


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(risk_documents(horizon=400), st.integers(0, 1000))
def test_every_iteration_schedule_passes_the_verifier_on_its_expanded_plan(document, seed: int) -> None:
    problem = checked_problem(document)
    assume(problem is not None)
    model = build_model(problem, greedy_schedule(problem))
    for iteration in range(ITERATIONS):
        draws = model.draw(seed, iteration)
        schedule = iteration_schedule(model, seed, iteration)
        if None in schedule.dates:
            continue  # a chain ran past the horizon: nothing to verify
        expanded = expand(model, draws)
        starts = expanded.schedule(schedule.starts)
        assert verify(expanded.problem, starts) == []
        times = schedule_times(expanded.problem, starts)
        assert tuple(times.start[m] for m in problem.milestones) == schedule.dates


def _bundled_with_risk():
    plan = load_plan("plans/hongqi-tiangong06.yaml").plan
    default = Risk.model_validate(
        {"duration": {"low": "-10%", "high": "+40%"}, "fail": 0.25, "retest": {"fix": "6w", "found_after": "40%"}}
    )
    problem = compile_plan(plan.model_copy(update={"risk": default}))
    return build_model(problem, greedy_schedule(problem))


@pytest.mark.slow
def test_a_kernel_batch_equals_the_python_batch_on_a_bundled_plan() -> None:
    model = _bundled_with_risk()
    compiled = run_batch(model, "priority", 11, 40, 25, 0.0)
    python = reference_batch(model, 11, 40, 25)
    for name in ("dates", "sampled", "critical", "failures"):
        assert np.array_equal(getattr(compiled, name), getattr(python, name)), name
    assert compiled.failures.sum() > 0  # tests failed and came back in this sample


@pytest.mark.slow
def test_bundled_plan_iterations_with_retests_pass_the_verifier() -> None:
    model = _bundled_with_risk()
    checked = 0
    for iteration in range(20):
        draws = model.draw(3, iteration)
        schedule = iteration_schedule(model, 3, iteration)
        if None in schedule.dates or not any(draws.failures):
            continue
        expanded = expand(model, draws)
        assert verify(expanded.problem, expanded.schedule(schedule.starts)) == []
        checked += 1
    assert checked >= 5


def test_critical_chain_of_a_plain_sequence_is_the_whole_sequence() -> None:
    problem = checked_problem(
        {
            "qualplan": 1,
            "id": "chain",
            "start": "2026-01-05",
            "tasks": [
                {"id": "build", "duration": "10d"},
                {"id": "side", "duration": "3d"},
                {"id": "test", "duration": "20d", "after": ["build"]},
            ],
            "milestones": [{"id": "done", "after": ["test", "side"]}],
        }
    )
    assert problem is not None
    model = build_model(problem, None)
    schedule = iteration_schedule(model, 0, 0)
    assert critical_tasks(model, schedule) == (frozenset({0, 2}),)
