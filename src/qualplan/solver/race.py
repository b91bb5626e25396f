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

What the race used of its budget is worked out from the deterministic times of the
solves that decide the answer, never from the clock: the prover's time when one of them
proved (and the primary's time at its first solution of the proved value, when that is
the schedule), the whole budget when neither did. So the phases after it get the same
budget on every run.

Both solves also stop at the command's wall deadline (``max_time_in_seconds``); the
outcome says when that, rather than the work budget, ended a solve whose answer counts
(``clock_cut``): only then can a rerun differ. Both run on threads of their own
(``interruptible.py``), so a stop request (Ctrl-C) stops them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from qualplan import cancel
from qualplan.result import Schedule
from qualplan.solver.interruptible import run_threads
from qualplan.solver.status import PhaseStatus, phase_status

#: Turns the running solve's current solution into a schedule (``ModelBuilder.schedule``).
ReadSchedule = Callable[[cp_model.CpSolverSolutionCallback], Schedule]


@dataclass(frozen=True)
class Found:
    """One improving solution: its objective value, the share of its solve's work budget
    spent when it was found (deterministic), and the schedule."""

    value: int
    work: float
    schedule: Schedule


def _propagations(source) -> int:
    """Propagations so far of a solve (a solver, or a solution callback): a count of work that,
    unlike the deterministic time, a one-worker solve reports in its callbacks."""
    return source.num_binary_propagations + source.num_integer_propagations


@dataclass
class Entry:
    """One contestant: a configured solver and what it has found so far."""

    solver: cp_model.CpSolver
    solutions: list[Found] = field(default_factory=list)  # improving, in order found
    status: PhaseStatus | None = None  # set when its solve returns
    bound: int | None = None
    stop_at: float = -math.inf  # stop as soon as a solution is this good (set by the rival's proof)
    stopped: bool = False  # stopped by the race's rule (or a stop request), not by a limit
    work: float = 0.0  # share of its work budget used, once returned
    clock_cut: bool = False  # its solve ended at the wall deadline, before its work budget

    @property
    def budget(self) -> float:
        return self.solver.parameters.max_deterministic_time

    def first_at_most(self, value: int) -> Found | None:
        """The first solution found whose value is ``value`` or better."""
        return next((found for found in self.solutions if found.value <= value), None)


@dataclass(frozen=True)
class RaceOutcome:
    """What the race established: the phase status, a schedule (or None) and a proved bound.

    ``work``: the share of the budget the race counts as used (deterministic);
    ``clock_cut``: the wall deadline, not the work budget, ended a solve whose answer
    counts, so a rerun may differ.
    """

    status: PhaseStatus
    schedule: Schedule | None
    bound: int | None
    work: float = 1.0
    clock_cut: bool = False


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Keeps every improving solution of one contestant and stops it when told to."""

    def __init__(self, entry: Entry, read: ReadSchedule, lock: threading.Lock, forward, changed) -> None:
        super().__init__()
        self._entry, self._read, self._lock, self._forward, self._changed = entry, read, lock, forward, changed

    def on_solution_callback(self) -> None:
        value = round(self.objective_value)
        # A one-worker solve's callbacks report the deterministic time of its start, not of the
        # moment: keep its propagation count, turned into a share of the budget when it ends.
        if self._entry.solver.parameters.num_workers == 1:
            work = -float(_propagations(self))
        else:
            work = self.deterministic_time / self._entry.budget
        with self._lock:
            self._entry.solutions.append(Found(value, work, self._read(self)))
            stop = value <= self._entry.stop_at
            if self._forward is not None:
                self._forward(self)
        if stop:
            self._entry.stopped = True
            self.stop_search()
        self._changed.set()


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
    Raises ``cancel.Interrupted`` when a stop was requested while the solves ran.
    """
    lock = threading.Lock()
    changed = threading.Event()
    entries = [Entry(primary)] + ([Entry(secondary)] if secondary is not None else [])

    def runner(entry: Entry) -> Callable[[], None]:
        def run() -> None:
            recorder = _Recorder(entry, read, lock, progress, changed)
            status = phase_status(entry.solver.solve(model, recorder))
            bound = None
            if status is PhaseStatus.OPTIMAL:
                bound = round(entry.solver.objective_value)
            elif status is not PhaseStatus.INFEASIBLE:
                bound = math.ceil(entry.solver.best_objective_bound - 1e-6)
            used = entry.solver.deterministic_time
            with lock:
                entry.status, entry.bound, entry.work = status, bound, used / entry.budget
                entry.solutions = _in_shares(entry.solutions, entry.work, _propagations(entry.solver))
                proved = status in (PhaseStatus.OPTIMAL, PhaseStatus.INFEASIBLE)
                entry.clock_cut = not proved and not entry.stopped and used < entry.budget

        return run

    def rule() -> None:
        """Stop whichever contestant the other's proof makes useless (module docstring)."""
        if len(entries) == 1:
            return
        first, second = entries
        with lock:
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
            if stopping is not None and stopping.status is None:
                stopping.stopped = True
        if stopping is not None:
            stopping.solver.stop_search()  # sent again each time round until the solve returns

    run_threads([runner(entry) for entry in entries], [entry.solver for entry in entries], rule=rule, changed=changed)
    cancel.check()
    if len(entries) == 1:
        return _alone(entries[0])
    return _decide(*entries)


def _in_shares(solutions: list[Found], work: float, propagations: int) -> list[Found]:
    """Solutions whose work was recorded as a propagation count (negative) get their share of the
    budget in proportion: ``work`` at ``propagations``."""
    scale = work / max(propagations, 1)
    return [
        found if found.work >= 0 else Found(found.value, -found.work * scale, found.schedule) for found in solutions
    ]


def _proves(entry: Entry) -> bool:
    return entry.status in (PhaseStatus.OPTIMAL, PhaseStatus.INFEASIBLE)


def _alone(entry: Entry) -> RaceOutcome:
    best = entry.solutions[-1] if entry.solutions else None
    return RaceOutcome(
        entry.status,
        best.schedule if best is not None else None,
        entry.bound,
        work=entry.work,
        clock_cut=entry.clock_cut,
    )


def _decide(first: Entry, second: Entry) -> RaceOutcome:
    """The rule of the module docstring, applied once both solves have returned."""
    if _proves(first):  # its last solution is also its first of the proved value
        return _alone(first)
    if second.status is PhaseStatus.INFEASIBLE:
        if first.solutions:  # cannot be with a valid model; trust the schedule, prove nothing
            best = first.solutions[-1]
            return RaceOutcome(PhaseStatus.FEASIBLE, best.schedule, None, 1.0, first.clock_cut)
        return RaceOutcome(PhaseStatus.INFEASIBLE, None, None, work=second.work)
    if second.status is PhaseStatus.OPTIMAL:
        reached = first.first_at_most(second.bound)
        if reached is not None:
            return RaceOutcome(PhaseStatus.OPTIMAL, reached.schedule, second.bound, max(second.work, reached.work))
        # The primary ran to its budget without reaching the optimum, unless the clock cut it.
        best = (second.solutions or first.solutions)[-1]
        work = max(first.work, second.work)
        return RaceOutcome(PhaseStatus.OPTIMAL, best.schedule, second.bound, work, first.clock_cut)
    # Neither proved: both ran to their budgets (or the clock).
    clock_cut = first.clock_cut or second.clock_cut
    candidates = [entry.solutions[-1] for entry in (first, second) if entry.solutions]
    bounds = [entry.bound for entry in (first, second) if entry.bound is not None]
    bound = max(bounds) if bounds else None
    if not candidates:
        return RaceOutcome(PhaseStatus.UNKNOWN, None, bound, clock_cut=clock_cut)
    best = min(candidates, key=lambda found: found.value)  # min keeps the first (the primary's) on ties
    status = PhaseStatus.OPTIMAL if bound is not None and bound >= best.value else PhaseStatus.FEASIBLE
    work = max(first.work, second.work)
    return RaceOutcome(status, best.schedule, bound, work, clock_cut)
