"""Two deterministic CP-SAT solves of one model at once, with an answer that does not
depend on which of them finished first.

Why: on PSPLIB's hard j30 instances one worker without the LP proves the optimum
several times faster than CP-SAT's default portfolio with its LP workers, while on
larger models the LP bound and the LNS workers are what prove and improve. CP-SAT's
own parallel search is only repeatable when interleaved, and interleaving made those
proofs 2-8 times slower. So ``solve`` runs two solves side by side, each on its own
thread and each repeatable on its own (one worker, or interleaved workers, stopped by
a deterministic time limit), and shares nothing between them while they run.

The rule that keeps the answer repeatable, whatever the threads' timing:

- the **primary** proves (optimal or infeasible): its answer; the secondary is stopped;
- the **secondary** proves the optimum ``V``: the bound is ``V``, and the schedule is
  the primary's *first* solution of value ``V`` if the primary reaches ``V`` within its
  own budget (it keeps running until then; its search never saw the secondary, so that
  solution is the same on every run), otherwise the secondary's;
- neither proves: both run to their budgets; the better final schedule (the primary's
  on a tie) and the higher of the two bounds.

Either way the race charges its whole budget to the caller's clock, because the time
the two actually used depends on which finished first.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from qualplan.result import Schedule
from qualplan.solver.status import PhaseStatus, phase_status

#: How often a stop is sent again to a solve that has not returned yet.
STOP_RETRY_SECONDS = 0.05

#: Turns the running solve's current solution into a schedule (``ModelBuilder.schedule``).
ReadSchedule = Callable[[cp_model.CpSolverSolutionCallback], Schedule]


@dataclass
class Entry:
    """One contestant: a configured solver and what it has found so far."""

    solver: cp_model.CpSolver
    solutions: list[tuple[int, Schedule]] = field(default_factory=list)  # improving, in order found
    status: PhaseStatus | None = None  # set when its solve returns
    bound: int | None = None
    stop_at: float = -math.inf  # stop as soon as a solution is this good (set by the rival's proof)

    def first_at_most(self, value: int) -> Schedule | None:
        """The first solution found whose value is ``value`` or better."""
        return next((schedule for found, schedule in self.solutions if found <= value), None)


@dataclass(frozen=True)
class RaceOutcome:
    """What the race established: the phase status, a schedule (or None) and a proved bound."""

    status: PhaseStatus
    schedule: Schedule | None
    bound: int | None


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Keeps every improving solution of one contestant and stops it when told to."""

    def __init__(self, entry: Entry, read: ReadSchedule, lock: threading.Lock, forward) -> None:
        super().__init__()
        self._entry, self._read, self._lock, self._forward = entry, read, lock, forward

    def on_solution_callback(self) -> None:
        value = round(self.objective_value)
        with self._lock:
            self._entry.solutions.append((value, self._read(self)))
            stop = value <= self._entry.stop_at
            if self._forward is not None:
                self._forward(self)
        if stop:
            self.stop_search()


def race(
    model: cp_model.CpModel,
    primary: cp_model.CpSolver,
    secondary: cp_model.CpSolver | None,
    read: ReadSchedule,
    progress: Callable[[cp_model.CpSolverSolutionCallback], None] | None = None,
) -> RaceOutcome:
    """Solve ``model`` with ``primary`` and ``secondary`` (configured, not started) at once.

    Without a secondary this is one plain solve. ``progress`` sees every solution of
    either contestant (for the CLI's progress line only: which arrives first varies).
    """
    lock = threading.Lock()
    entries = [Entry(primary)] + ([Entry(secondary)] if secondary is not None else [])
    done = threading.Condition(lock)

    def run(index: int) -> None:
        entry = entries[index]
        recorder = _Recorder(entry, read, lock, progress)
        status = phase_status(entry.solver.solve(model, recorder))
        bound = None
        if status is PhaseStatus.OPTIMAL:
            bound = round(entry.solver.objective_value)
        elif status is not PhaseStatus.INFEASIBLE:
            bound = math.ceil(entry.solver.best_objective_bound - 1e-6)
        with done:
            entry.status, entry.bound = status, bound
            done.notify_all()

    if len(entries) == 1:
        run(0)
        return _alone(entries[0])
    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(len(entries))]
    for thread in threads:
        thread.start()
    first, second = entries
    with done:
        while first.status is None or second.status is None:
            stopping = None
            if _proves(first):
                stopping = second
            elif _proves(second) and first.status is None:
                if second.status is PhaseStatus.INFEASIBLE:
                    stopping = first
                else:
                    first.stop_at = second.bound  # the primary stops itself on reaching it
                    if first.first_at_most(second.bound) is not None:
                        stopping = first
            # A stop sent before that solve has started is lost (CP-SAT has nothing to
            # stop yet), so it is sent again until the solve returns.
            if stopping is not None:
                stopping.solver.stop_search()
            done.wait(timeout=STOP_RETRY_SECONDS if stopping is not None else None)
    for thread in threads:
        thread.join()
    return _decide(first, second)


def _proves(entry: Entry) -> bool:
    return entry.status in (PhaseStatus.OPTIMAL, PhaseStatus.INFEASIBLE)


def _alone(entry: Entry) -> RaceOutcome:
    schedule = entry.solutions[-1][1] if entry.solutions else None
    return RaceOutcome(entry.status, schedule, entry.bound)


def _decide(first: Entry, second: Entry) -> RaceOutcome:
    """The rule of the module docstring, applied once both solves have returned."""
    if _proves(first):  # its last solution is also its first of the proved value
        return _alone(first)
    if second.status is PhaseStatus.INFEASIBLE:
        if first.solutions:  # cannot be with a valid model; trust the schedule, prove nothing
            return RaceOutcome(PhaseStatus.FEASIBLE, first.solutions[-1][1], None)
        return RaceOutcome(PhaseStatus.INFEASIBLE, None, None)
    if second.status is PhaseStatus.OPTIMAL:
        schedule = first.first_at_most(second.bound) or second.solutions[-1][1]
        return RaceOutcome(PhaseStatus.OPTIMAL, schedule, second.bound)
    # Neither proved: both ran to their budgets.
    candidates = [entry.solutions[-1] for entry in (first, second) if entry.solutions]
    schedule = min(candidates, key=lambda found: found[0])[1] if candidates else None  # min keeps the first on ties
    bounds = [entry.bound for entry in (first, second) if entry.bound is not None]
    bound = max(bounds) if bounds else None
    if schedule is None:
        return RaceOutcome(PhaseStatus.UNKNOWN, None, bound)
    best = min(found[0] for found in candidates)
    status = PhaseStatus.OPTIMAL if bound is not None and bound >= best else PhaseStatus.FEASIBLE
    return RaceOutcome(status, schedule, bound)
