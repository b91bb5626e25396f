"""The three objective terms, in order of importance (plan-format.md):

1. ``sum over milestones of priority × days late``;
2. the sum of milestone dates;
3. the last task's end.

``phases.py`` minimises them lexicographically, one phase each: a phase keeps
the earlier terms at their proved optimum. Phases (rather than one weighted
sum) keep coefficients small, so CP-SAT's linear relaxation stays exact, and
let the verdict rest on the lateness bound of phase 1 alone.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from qualplan.problem import Problem
from qualplan.result import Schedule, schedule_times
from qualplan.solver.builder import ModelBuilder

TERMS = ("lateness", "dates", "last_end")


def term_expression(builder: ModelBuilder, term: str) -> cp_model.LinearExprT:
    """The CP-SAT expression of one objective term."""
    if term == "lateness":
        parts = []
        for milestone, spec in builder.problem.milestones.items():
            if spec.due is None:
                continue
            date = builder.dates[milestone]
            late = builder.model.new_int_var(0, max(0, max(date.proto.domain) - spec.due), f"late[{milestone}]")
            builder.model.add(late >= date - spec.due)
            builder.late[milestone] = late
            parts.append(spec.priority * late)
        return sum(parts) if parts else 0
    if term == "dates":
        return sum(builder.dates.values()) if builder.dates else 0
    return builder.last_end


def term_values(problem: Problem, schedule: Schedule) -> tuple[int, int, int]:
    """The three terms of ``schedule``, computed from its starts (never from solver variables)."""
    times = schedule_times(problem, schedule)
    lateness = sum(
        spec.priority * max(0, times.start[milestone] - spec.due)
        for milestone, spec in problem.milestones.items()
        if spec.due is not None
    )
    dates = sum(times.start[milestone] for milestone in problem.milestones)
    last_end = max(times.end[task] for task in problem.tasks)
    return lateness, dates, last_end
