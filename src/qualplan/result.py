"""Plain result records of a solve: status, verdict, schedule, bounds.

The solver returns a ``SolveResult``; renderers, ``explain`` and the CLI read it.
A ``Schedule`` stores only task starts: ends and milestone dates follow from the
plan (``schedule_times``), so they can never disagree with it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from qualplan.graph import Times, milestone_date, topological_order
from qualplan.problem import Problem


class SolveStatus(enum.Enum):
    """What the solver established. Keeps *proved infeasible* apart from *no answer in time*."""

    OPTIMAL = "optimal"  # a schedule, proved optimal for the whole objective
    FEASIBLE = "feasible"  # a schedule, not proved optimal
    INFEASIBLE = "infeasible"  # proved: no schedule fits the horizon
    UNKNOWN = "unknown"  # no schedule and no proof within the time limit


class Verdict(enum.Enum):
    """The plan's answer, as plan format 1 defines it."""

    MET = "met"
    MISSED = "missed"
    UNKNOWN = "unknown"


class StoppedBy(enum.Enum):
    """What ended the search. Only ``clock`` can make a rerun give a different answer."""

    PROOF = "proof"  # every objective term proved (or no schedule proved to exist); nothing ran out
    WORK = "work"  # the deterministic work budget ended the search: a rerun gives the same answer
    CLOCK = "clock"  # the wall-clock deadline cut some step short (a busy machine)


@dataclass(frozen=True)
class Schedule:
    """Start day (day number, 0 = plan start) of every task."""

    starts: Mapping[str, int]


def schedule_times(problem: Problem, schedule: Schedule) -> Times:
    """Start and end day of every task and the date of every milestone under ``schedule``."""
    start: dict[str, int | None] = {}
    end: dict[str, int | None] = {}
    for node in topological_order(problem):
        if node in problem.milestones:
            start[node] = end[node] = milestone_date(problem, node, start, end)
        else:
            start[node] = schedule.starts[node]
            end[node] = problem.end_of(node, schedule.starts[node])
    return Times(start, end)


@dataclass(frozen=True)
class MilestoneOutcome:
    """One milestone's date against its due date (`late_days`, `met` are None without a due)."""

    id: str
    due: dt.date | None
    date: dt.date | None
    late_days: int | None
    met: bool | None


@dataclass(frozen=True)
class SolveResult:
    """Everything a solve established about one plan."""

    problem: Problem
    status: SolveStatus
    verdict: Verdict
    proven: bool  # the schedule is proved optimal for the whole objective
    schedule: Schedule | None
    lateness: int | None  # sum of priority × days late in `schedule`
    lateness_bound: int  # proved lower bound on that sum
    wall_time: float  # seconds
    conflicts: tuple[str, ...] = ()  # rules that cannot all hold, when no schedule fits
    # The three objective terms of the schedule, in order of importance:
    # (sum of priority × days late, sum of milestone dates, last task's end).
    objective: tuple[int, int, int] | None = None
    # Proved lower bounds of those terms. Term k's bound holds among schedules whose earlier
    # terms are at their proved optimum, so it is None when an earlier term was not proved.
    objective_bound: tuple[int | None, int | None, int | None] = (0, None, None)
    # What ended the search (``solver/clock.py``); left out, it follows ``proven``.
    stopped_by: StoppedBy | None = None

    def __post_init__(self) -> None:
        if self.stopped_by is None:
            object.__setattr__(self, "stopped_by", StoppedBy.PROOF if self.proven else StoppedBy.WORK)

    @property
    def gap(self) -> float | None:
        """Relative gap of the first objective term not proved optimal (0.0 when proven)."""
        if self.objective is None:
            return None
        for value, bound in zip(self.objective, self.objective_bound, strict=True):
            if bound is None:
                return None
            if value > bound:
                return (value - bound) / max(1, abs(value))
        return 0.0

    def milestone_outcomes(self) -> list[MilestoneOutcome]:
        """Each milestone of the plan, in plan order, with its date in ``schedule``."""
        times = schedule_times(self.problem, self.schedule) if self.schedule is not None else None
        outcomes = []
        for milestone in self.problem.plan.milestones:
            day = times.start[milestone.id] if times is not None else None
            date = self.problem.date(day) if day is not None else None
            if milestone.due is None or date is None:
                late, met = None, None
            else:
                late = max(0, (date - milestone.due).days)
                met = late == 0
            outcomes.append(MilestoneOutcome(milestone.id, milestone.due, date, late, met))
        return outcomes
