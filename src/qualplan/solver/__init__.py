"""The scheduler: a CP-SAT model of plan format 1 and the ``solve`` that runs it.

Public surface:

- ``solve(problem, *, time_limit, workers, seed, progress, options, deadline) -> SolveResult``
  (``deadline``: the command's wall-clock ``qualplan.deadline.Deadline``; ``result.stopped_by``
  says whether it cut the search short);
- ``ProgressEvent``: what ``progress`` receives on every improving solution;
- ``ModelBuilder``, ``RuleKey``: the model itself, with the ``enforce`` hook that
  lets ``qualplan explain`` switch groups of rules off (see ``builder.py``);
- ``greedy_schedule``: the serial schedule used as hint and fallback.

Importing this package loads OR-Tools; ``qualplan`` imports it only on first use.
"""

from __future__ import annotations

from qualplan.solver.bounds import Bounds, Cutoff, compute_bounds
from qualplan.solver.builder import ModelBuilder
from qualplan.solver.greedy import greedy_schedule
from qualplan.solver.phases import SolveOptions, solve
from qualplan.solver.progress import ProgressEvent
from qualplan.solver.rules import Enforce, RuleKey

__all__ = [
    "Bounds",
    "Cutoff",
    "Enforce",
    "ModelBuilder",
    "ProgressEvent",
    "RuleKey",
    "SolveOptions",
    "compute_bounds",
    "greedy_schedule",
    "solve",
]
