"""Progress reports sent while CP-SAT searches, so the CLI can show how a long solve goes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class ProgressEvent:
    """One improving solution of one phase.

    ``lateness`` and ``lateness_bound`` are the weighted lateness of the best
    schedule and its proved lower bound; ``objective`` and ``bound`` are the value
    and proved bound of the phase's own term (``phase`` is ``lateness``, ``dates``
    or ``last_end``).
    """

    elapsed: float
    phase: str
    lateness: int
    lateness_bound: int
    objective: int
    bound: int


class ProgressReporter:
    """Turns CP-SAT solutions (seen through a running solve's callback) into ``ProgressEvent``s."""

    def __init__(
        self,
        report: Callable[[ProgressEvent], None],
        *,
        started: float,
        phase: str,
        lateness: int | None,
        lateness_bound: int,
    ) -> None:
        self._report = report
        self._started = started
        self._phase = phase
        self._lateness = lateness
        self._lateness_bound = lateness_bound

    def __call__(self, solution: cp_model.CpSolverSolutionCallback) -> None:
        objective = round(solution.objective_value)
        bound = round(solution.best_objective_bound)
        in_phase_one = self._phase == "lateness"
        self._report(
            ProgressEvent(
                elapsed=time.perf_counter() - self._started,
                phase=self._phase,
                lateness=objective if in_phase_one else (self._lateness or 0),
                lateness_bound=bound if in_phase_one else self._lateness_bound,
                objective=objective,
                bound=bound,
            )
        )
