"""CP-SAT's status codes, mapped explicitly (an unexpected one is a bug, never a guess)."""

from __future__ import annotations

import enum

from ortools.sat.python import cp_model


class PhaseStatus(enum.Enum):
    """What one CP-SAT solve of one phase established."""

    OPTIMAL = "optimal"  # a solution, proved optimal for this phase's term
    FEASIBLE = "feasible"  # a solution, not proved optimal
    INFEASIBLE = "infeasible"  # proved: the phase's model has no solution
    UNKNOWN = "unknown"  # neither within the limit


_CP_SAT = {
    cp_model.OPTIMAL: PhaseStatus.OPTIMAL,
    cp_model.FEASIBLE: PhaseStatus.FEASIBLE,
    cp_model.INFEASIBLE: PhaseStatus.INFEASIBLE,
    cp_model.UNKNOWN: PhaseStatus.UNKNOWN,
}


def phase_status(code: int) -> PhaseStatus:
    """The ``PhaseStatus`` of a CP-SAT status code; MODEL_INVALID and anything else raise."""
    try:
        return _CP_SAT[code]
    except KeyError:
        raise RuntimeError(
            f"CP-SAT returned status {cp_model.CpSolver().status_name(code)}: the model is invalid (a bug)"
        ) from None
