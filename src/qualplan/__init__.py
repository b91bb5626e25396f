"""qualplan: can a battery qualification plan meet its target dates?

The public API. Importing it never loads the solver (OR-Tools): ``solve`` is
imported from ``qualplan.solver`` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualplan.deadline import Deadline
from qualplan.durations import Duration, parse_duration
from qualplan.exitcodes import ExitCode
from qualplan.model import Plan
from qualplan.problem import Problem, compile_plan
from qualplan.result import Schedule, SolveResult, SolveStatus, StoppedBy, Verdict

if TYPE_CHECKING:
    from qualplan.solver import solve

__all__ = [
    "Deadline",
    "Duration",
    "ExitCode",
    "Plan",
    "Problem",
    "Schedule",
    "SolveResult",
    "SolveStatus",
    "StoppedBy",
    "Verdict",
    "compile_plan",
    "parse_duration",
    "solve",
]


def __getattr__(name: str) -> Any:
    if name == "solve":
        from qualplan.solver import solve

        return solve
    raise AttributeError(f"module 'qualplan' has no attribute {name!r}")
