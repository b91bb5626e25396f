"""``--time-limit`` is a promise in wall seconds (issue 12): every step stops by the
command's deadline, and the result says when the clock, not the work budget, ended it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from plan_factory import make_problem
from qualplan.deadline import COMMAND_FACTOR, COMMAND_MARGIN, RESERVE, Deadline
from qualplan.explain.conflicts import find_conflict
from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.psplib_import import plan_from_psplib
from qualplan.result import StoppedBy, Verdict
from qualplan.solver import SolveOptions, greedy_schedule, solve
from qualplan.solver.evolution import evolve_schedule
from qualplan.solver.objective import term_values
from qualplan.verify import ensure_verified

pytestmark = pytest.mark.slow  # solves that run to a wall-clock deadline, and a fresh interpreter

DATA = Path(__file__).parent / "data"
OPEN = DATA / "psplib" / "j12060_10.sm"  # no solve proves it
UNDECIDED = DATA / "check" / "undecided.yaml"  # the same, with a due date no one knows to be possible


def test_a_commands_deadline_is_its_promise_less_what_printing_takes() -> None:
    deadline = Deadline.for_command(10.0, started=100.0)
    assert deadline.at == 100.0 + COMMAND_FACTOR * 10.0 + COMMAND_MARGIN - RESERVE == 113.0
    deadline.postpone(4.0)  # a first compile of the genetic algorithm's loops
    assert deadline.at == 117.0
    assert not Deadline.never().expired() and Deadline.never().left() == float("inf")
    assert Deadline(time.monotonic() - 1).left() == 0.0


def test_a_solve_stops_at_its_deadline_and_says_the_clock_ended_it() -> None:
    # The work budget (60 s) would run long past the deadline, two seconds away (the slack
    # below is for a loaded test machine, not the solver's).
    problem = compile_plan(plan_from_psplib(OPEN))
    started = time.monotonic()
    options = SolveOptions(evolution=False)
    result = solve(problem, time_limit=60, workers=2, options=options, deadline=Deadline(started + 2.0))
    assert time.monotonic() - started < 5.0
    assert result.stopped_by is StoppedBy.CLOCK
    assert result.schedule is not None and not result.proven
    ensure_verified(result)


def test_the_genetic_algorithm_stops_at_its_deadline() -> None:
    problem = compile_plan(plan_from_psplib(OPEN))
    start = greedy_schedule(problem)
    evolve_schedule(problem, seconds=0.001, workers=2, seed=0, seeds=[start])  # loads the compiled code
    began = time.monotonic()
    found = evolve_schedule(problem, seconds=600, workers=2, seed=0, seeds=[start], deadline=Deadline(began + 1.0))
    assert time.monotonic() - began < 4.0
    assert found.clock_cut and found.seconds < 600
    assert term_values(problem, found.schedule) <= term_values(problem, start)  # never worse than its seed


def test_a_deadline_already_passed_keeps_a_greedy_schedule_and_claims_nothing_more() -> None:
    # j12060_10 with its project end due on day 85 (undecided.yaml): late in every greedy schedule.
    problem = compile_plan(load_plan(UNDECIDED).plan)
    started = time.monotonic()
    result = solve(problem, time_limit=10, workers=2, deadline=Deadline(started - 1))
    assert time.monotonic() - started < 1.0
    assert result.stopped_by is StoppedBy.CLOCK
    assert result.schedule is not None  # the greedy's first pass; the others were cut
    assert result.objective >= term_values(problem, greedy_schedule(problem))
    assert (result.verdict, result.lateness_bound) == (Verdict.UNKNOWN, 0)  # late, nothing proved
    ensure_verified(result)


def test_the_work_budget_or_a_proof_ending_the_search_is_said_too() -> None:
    problem = make_problem(
        [{"id": "a", "duration": "3d", "uses": {"rig": 1}}, {"id": "b", "duration": "3d", "uses": {"rig": 1}}],
        resources={"rig": {"capacity": 1}},
        milestones=[{"id": "done", "after": ["a", "b"], "due": "2026-01-20"}],
    )
    proved = solve(problem, time_limit=5, options=SolveOptions(greedy=False), deadline=Deadline.never())
    assert (proved.proven, proved.stopped_by) == (True, StoppedBy.PROOF)
    # PSPLIB j12060_10 with almost no budget: the work budget ends it, not the clock.
    open_problem = compile_plan(plan_from_psplib(OPEN))
    short = solve(open_problem, time_limit=0.2, workers=2, deadline=Deadline.never())
    assert (short.proven, short.stopped_by) == (False, StoppedBy.WORK)
    assert term_values(open_problem, short.schedule) == short.objective


def test_the_conflict_search_says_when_the_wall_clock_cut_it_short() -> None:
    # Two 3-day tests on one rig cannot both end by day 4.
    problem = make_problem(
        [{"id": "a", "duration": "3d", "uses": {"rig": 1}}, {"id": "b", "duration": "3d", "uses": {"rig": 1}}],
        resources={"rig": {"capacity": 1}},
        milestones=[{"id": "done", "after": ["a", "b"], "due": "2026-01-09"}],
    )
    found = find_conflict(problem, deadline=Deadline.never())
    assert found is not None and found.minimal and {rule.kind for rule in found.rules} == {"due", "capacity"}
    cut = find_conflict(problem, deadline=Deadline(time.monotonic() - 1))
    assert cut is not None and cut.rules == () and not cut.minimal
    assert cut.note.startswith("the time limit ran out on the wall clock before a conflicting set was found")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process start from /proc")
def test_the_first_plan_promise_counts_from_the_process_start() -> None:
    """Starting Python and importing OR-Tools take seconds on a busy machine: the promise counts them."""
    script = (
        "import time; time.sleep(0.6)\n"
        "from qualplan.deadline import command_started, count_from_process_start\n"
        "count_from_process_start()\n"
        "first = time.monotonic() - command_started(); second = time.monotonic() - command_started()\n"
        "print(first, second)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    first, second = (float(value) for value in done.stdout.split())
    assert 0.6 <= first < 60  # the sleep before the call counts
    assert abs(second) < 0.5  # a later plan's promise starts when it is asked for
