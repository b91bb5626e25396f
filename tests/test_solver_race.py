"""Two solves race on one model (``solver/race.py``); the answer must not depend on which
finished first, and must be the same on every run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from qualplan.problem import compile_plan
from qualplan.psplib_import import SINK_ID, plan_from_psplib
from qualplan.result import Schedule, schedule_times
from qualplan.solver.builder import ModelBuilder
from qualplan.solver.params import configure_primary, racing_solvers
from qualplan.solver.race import Entry, Found, _decide, race
from qualplan.solver.status import PhaseStatus
from qualplan.verify import verify

PSPLIB = Path(__file__).parent / "data" / "psplib"


def entry(status: PhaseStatus, bound: int | None, *values: int) -> Entry:
    """A finished contestant whose improving solutions had ``values`` (schedules named by value)."""
    found = Entry(cp_model.CpSolver())
    found.solutions = [Found(value, 0.1 * step, Schedule({"t": value})) for step, value in enumerate(values)]
    found.status, found.bound = status, bound
    return found


def test_a_primary_proof_is_the_answer() -> None:
    outcome = _decide(entry(PhaseStatus.OPTIMAL, 64, 70, 64), entry(PhaseStatus.FEASIBLE, 60, 66))
    assert (outcome.status, outcome.bound, outcome.schedule) == (PhaseStatus.OPTIMAL, 64, Schedule({"t": 64}))


def test_a_secondary_proof_takes_the_primarys_first_schedule_of_that_value() -> None:
    # The primary was stopped on reaching 65; its schedule is the one every run finds first.
    outcome = _decide(entry(PhaseStatus.FEASIBLE, 50, 70, 65), entry(PhaseStatus.OPTIMAL, 65, 68, 65))
    assert (outcome.status, outcome.bound, outcome.schedule) == (PhaseStatus.OPTIMAL, 65, Schedule({"t": 65}))


def test_a_secondary_proof_keeps_its_own_schedule_when_the_primary_never_got_there() -> None:
    secondary = entry(PhaseStatus.OPTIMAL, 65, 68, 65)
    secondary.solutions[-1] = Found(65, 0.5, Schedule({"t": -65}))
    outcome = _decide(entry(PhaseStatus.FEASIBLE, 50, 70, 67), secondary)
    assert (outcome.status, outcome.bound, outcome.schedule) == (PhaseStatus.OPTIMAL, 65, Schedule({"t": -65}))


@pytest.mark.parametrize(
    ("primary_best", "secondary_best", "expected"),
    [(66, 67, 66), (67, 66, 66), (66, 66, 66)],
)
def test_without_a_proof_the_better_schedule_wins_and_the_primary_wins_ties(primary_best, secondary_best, expected):
    secondary = entry(PhaseStatus.FEASIBLE, 58, 70, secondary_best)
    secondary.solutions[-1] = Found(secondary_best, 0.5, Schedule({"t": -secondary_best}))
    outcome = _decide(entry(PhaseStatus.FEASIBLE, 55, 70, primary_best), secondary)
    assert outcome.status is PhaseStatus.FEASIBLE
    assert outcome.bound == 58  # the higher proved bound holds
    assert outcome.schedule == Schedule({"t": expected if primary_best <= secondary_best else -expected})


def test_one_contestants_bound_and_the_others_schedule_can_prove_together() -> None:
    outcome = _decide(entry(PhaseStatus.FEASIBLE, 55, 64), entry(PhaseStatus.FEASIBLE, 64, 70))
    assert (outcome.status, outcome.bound, outcome.schedule) == (PhaseStatus.OPTIMAL, 64, Schedule({"t": 64}))


class Contestant(cp_model.CpSolver):
    """A real CP-SAT solver, configured as ``solve`` configures a contestant, whose solve can be
    held back until its rival's solve has returned: the rival is then the first to prove."""

    def __init__(self, configured: cp_model.CpSolver, after: Contestant | None = None) -> None:
        super().__init__()
        self.parameters.copy_from(configured.parameters)
        self.after = after
        self.returned = threading.Event()
        self.status: cp_model.CpSolverStatus | None = None

    def solve(self, model, solution_callback=None):
        try:
            if self.after is not None:
                assert self.after.returned.wait(timeout=60), "the rival's solve never returned"
            self.status = super().solve(model, solution_callback)
            return self.status
        finally:
            self.returned.set()


@pytest.mark.slow
def test_whichever_contestant_proves_first_the_answer_is_the_same() -> None:
    # j3025_7 (optimum 95): each contestant proves it alone in a few hundredths of a
    # deterministic second (found by solving every PSPLIB j30 instance with each contestant
    # alone, keeping those both prove whose two optimal schedules differ). On a real solve which
    # one finishes first varies from run to run; here each order is forced once, and the answer
    # (status, bound and schedule) must be the same.
    problem = compile_plan(plan_from_psplib(PSPLIB / "j3025_7.sm"))
    outcomes, own = [], {}  # each prover's own optimal schedule
    for held_back in ("primary", "secondary"):
        builder = ModelBuilder(problem)
        builder.add_constraints()
        builder.model.minimize(builder.last_end)
        primary, secondary = racing_solvers(
            workers=2, tasks=len(problem.tasks), seed=0, budget=100.0, wall_time=600.0, has_calendars=False
        )
        if held_back == "primary":
            second = Contestant(secondary)
            first = Contestant(primary, after=second)
        else:
            first = Contestant(primary)
            second = Contestant(secondary, after=first)
        outcomes.append(race(builder.model, first, second, builder.schedule))
        prover, name = (second, "secondary") if held_back == "primary" else (first, "primary")
        assert prover.status == cp_model.OPTIMAL, f"the {name} did not prove"
        own[name] = builder.schedule(prover)
    for outcome in outcomes:
        assert (outcome.status, outcome.bound) == (PhaseStatus.OPTIMAL, 94)  # the last job ends on day 94
        assert verify(problem, outcome.schedule) == []
        assert schedule_times(problem, outcome.schedule).start[SINK_ID] + 1 == 95
    assert outcomes[0].schedule == outcomes[1].schedule
    # Not the secondary's own optimum: when it proves, the answer is the primary's first
    # schedule of that value, the one the primary's own proof ends on.
    assert outcomes[0].schedule != own["secondary"]
    assert outcomes[0].schedule == own["primary"]


class LateSecondary:
    """Stands in for a CP-SAT solver whose solve starts late and, like CP-SAT, ignores a
    stop that arrives before its solve has started."""

    objective_value = 0.0
    best_objective_bound = 0.0
    deterministic_time = 0.0
    num_binary_propagations = num_integer_propagations = 0

    def __init__(self) -> None:
        self.parameters = cp_model.CpSolver().parameters
        self._running = threading.Event()
        self._stopped = threading.Event()
        self.stopped_by_the_race = False

    def stop_search(self) -> None:
        if self._running.is_set():
            self._stopped.set()

    def solve(self, model, callback=None):
        time.sleep(0.3)  # the primary proves meanwhile and sends its stop before this solve exists
        self._running.set()
        self.stopped_by_the_race = self._stopped.wait(timeout=10)
        return cp_model.UNKNOWN


def test_a_primary_proof_stops_the_secondary_even_before_it_has_started() -> None:
    problem = compile_plan(plan_from_psplib(PSPLIB / "j301_1.sm"))
    builder = ModelBuilder(problem)
    builder.add_constraints()
    builder.model.minimize(builder.last_end)
    primary, secondary = cp_model.CpSolver(), LateSecondary()
    configure_primary(
        primary, tasks=len(problem.tasks), seed=0, deterministic_time=100, wall_time=60, has_calendars=False
    )
    outcome = race(builder.model, primary, secondary, builder.schedule)
    assert outcome.status is PhaseStatus.OPTIMAL
    assert outcome.bound == 42  # j301_1's optimum is 43: the last job ends on day 42
    assert secondary.stopped_by_the_race  # the stop was sent again once the solve had started
