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

from qualplan.graph import Times, forward_times
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
    return forward_times(problem, lambda task_id, *_: schedule.starts[task_id])


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
    """Everything a solve established about one plan.

    ``lateness``, ``lateness_bound``, ``verdict`` and ``proven`` follow from the status,
    the schedule's objective terms and their proved bounds; ``SolveResult.of`` is the
    one place that derives them (``verify`` re-derives them independently before
    anything is printed). Tests build records field by field, true or deliberately not.
    """

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

    @classmethod
    def of(
        cls,
        problem: Problem,
        schedule: Schedule | None,
        objective: tuple[int, int, int] | None,
        objective_bound: tuple[int | None, int | None, int | None],
        *,
        wall_time: float,
        infeasible: bool = False,
        conflicts: tuple[str, ...] = (),
        stopped_by: StoppedBy | None = None,
    ) -> SolveResult:
        """The result of a solve, with every figure that follows from the others computed here.

        ``objective`` are ``schedule``'s three terms (None without a schedule);
        ``objective_bound`` their proved lower bounds. ``infeasible``: it is proved that
        no schedule fits the horizon (``conflicts`` says which rules). ``stopped_by``: what
        ended the search (default: the proof when proven, else the work budget).

        Status and ``proven``: a schedule whose every term meets its proved bound is
        optimal; a schedule otherwise is feasible; no schedule is a proof of
        infeasibility or a time-out. Verdict (plan-format.md, "What the tool answers"):
        ``met`` when the schedule has no lateness; ``missed`` when infeasibility or a
        lateness bound above 0 is proved; else ``unknown`` — a time-out is never ``missed``.
        """
        lateness = None if objective is None else objective[0]
        lateness_bound = objective_bound[0] if objective_bound[0] is not None else 0
        if infeasible:
            status, proven = SolveStatus.INFEASIBLE, True
        elif objective is None:
            status, proven = SolveStatus.UNKNOWN, False
        else:
            proven = all(
                bound is not None and bound == value for bound, value in zip(objective_bound, objective, strict=True)
            )
            status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
        if lateness == 0:
            verdict = Verdict.MET
        elif infeasible or lateness_bound > 0:
            verdict = Verdict.MISSED
        else:
            verdict = Verdict.UNKNOWN
        return cls(
            problem=problem,
            status=status,
            verdict=verdict,
            proven=proven,
            schedule=schedule,
            lateness=lateness,
            lateness_bound=lateness_bound,
            wall_time=wall_time,
            conflicts=conflicts,
            objective=objective,
            objective_bound=objective_bound,
            stopped_by=StoppedBy.PROOF if infeasible else stopped_by,
        )

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
