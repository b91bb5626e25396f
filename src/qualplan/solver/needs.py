"""The least-cost lab expansion that meets every due date (``qualplan needs``), with a proof.

The model is the plan's own CP-SAT model (``ModelBuilder``: every rule, one
method each), with three changes:

- each resource asked about gets an integer variable ``extra`` in ``0 .. max``:
  its capacity is its largest capacity plus ``extra`` (the capacity steps keep
  their intervals), and before the day the new units arrive an interval holds
  ``extra`` back (``ModelBuilder.extra_units``);
- every due date is a hard rule (``ModelBuilder.add_due_dates``), and no
  milestone may land after its due date in any start domain (``Cutoff``);
- the objective is lexicographic, in two solves: first the total cost
  ``sum(cost × extra)``; then, with the cost held at its proved least, the sum of
  milestone dates, and among equal dates the fewest units. So the units reported
  are, among the cheapest, the ones that give the earliest dates, and a free
  resource (cost 0) is never added beyond what those dates need.

A proved infeasible first solve means that no addition of at most ``max`` units
per resource meets the dates. It is solved a second time another way before it is
believed (``params.configure_confirmation``), as ``solve`` does for "no schedule".
A time-out is never taken for a proof.

The answer's own schedule is a witness; the command re-checks the expansion with
the normal ``solve`` of the plan with the units added, and ``verify``.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from qualplan.deadline import Deadline
from qualplan.problem import Problem
from qualplan.result import Schedule, schedule_times
from qualplan.solver import interruptible
from qualplan.solver.bounds import Cutoff
from qualplan.solver.builder import ModelBuilder
from qualplan.solver.greedy import greedy_schedule
from qualplan.solver.objective import term_values
from qualplan.solver.params import configure_confirmation, racing_solvers, units_per_second
from qualplan.solver.race import race
from qualplan.solver.status import PhaseStatus, phase_status

#: Share of the time limit for the cost solve; the dates solve gets what it leaves.
COST_SHARE = 0.6


@dataclass(frozen=True)
class Expansion:
    """The question: which resources may grow, at what cost per unit, from which day, by how much."""

    costs: Mapping[str, int]  # resource -> cost of one extra unit (the order asked in)
    first_day: int  # the day the extra units arrive (day number; 0 = the plan's start)
    max_units: int  # most extra units of each resource


class NeedsStatus(enum.Enum):
    """What the search established. Keeps *proved: none helps* apart from *no answer in time*."""

    LEAST = "least"  # an expansion that meets every due date; its cost is proved least
    FOUND = "found"  # an expansion that meets every due date; a cheaper one was not ruled out in time
    NONE = "none"  # proved: no expansion within the limits meets every due date
    UNKNOWN = "unknown"  # neither within the time limit


@dataclass(frozen=True)
class NeedsAnswer:
    """The expansion found (units per resource asked about), its cost, and the proof status.

    ``schedule`` meets every due date on the problem with the units added
    (``expanded``); ``cost_bound`` is the proved least cost (None when nothing was
    proved); ``dates_proved``: the dates are proved the earliest for that cost.
    ``only``: no units is the only expansion of the least cost (it is 0, and every
    unit costs something), so no dates solve ran: the plan's own solve gives its dates.
    """

    status: NeedsStatus
    added: dict[str, int] | None
    cost: int | None
    cost_bound: int | None
    schedule: Schedule | None
    dates_proved: bool
    wall_time: float
    only: bool = False


def expanded(problem: Problem, added: Mapping[str, int], first_day: int) -> Problem:
    """``problem`` with ``added`` units of each resource from ``first_day`` to the horizon.

    The capacity profile of each resource, every step raised from ``first_day`` on
    (a new step starts there when none does). The command makes the same change in
    the plan (``overrides.added_units``) for the re-check; a test holds the two equal.
    """
    steps = dict(problem.capacity_steps)
    first_day = max(0, first_day)
    for resource, units in added.items():
        if not units:
            continue
        profile = list(problem.capacity_steps[resource])
        if first_day not in (start for start, _ in profile):
            profile.append((first_day, problem.capacity_on(resource, first_day)))
        steps[resource] = tuple(
            sorted((start, capacity + (units if start >= first_day else 0)) for start, capacity in profile)
        )
    return dataclasses.replace(problem, capacity_steps=steps)


def solve_needs(
    problem: Problem,
    expansion: Expansion,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    deadline: Deadline | None = None,
) -> NeedsAnswer:
    """The least-cost ``expansion`` that meets every due date of ``problem`` (see the module docstring).

    ``time_limit`` is spent as CP-SAT deterministic work (repeatable, as in ``solve``);
    ``deadline`` caps the wall clock (default: the command's promise for ``time_limit``).
    """
    started = time.perf_counter()
    deadline = deadline if deadline is not None else Deadline.for_command(time_limit)
    hint = _hint(problem, expansion)

    cost = _CostSolve(problem, expansion, hint)
    outcome = cost.run(time_limit * COST_SHARE, workers, seed, deadline)
    if outcome.status is PhaseStatus.INFEASIBLE:
        outcome = cost.confirm(time_limit, seed, deadline)
        if outcome.status is PhaseStatus.INFEASIBLE:
            return NeedsAnswer(NeedsStatus.NONE, None, None, None, None, True, time.perf_counter() - started)
    found = outcome.schedule
    if found is None:
        bound = max(0, outcome.bound) if outcome.bound is not None else None
        return NeedsAnswer(NeedsStatus.UNKNOWN, None, None, bound, None, False, time.perf_counter() - started)
    assert isinstance(found, _Solution)
    least = outcome.status is PhaseStatus.OPTIMAL
    bound = found.cost if least else (max(0, outcome.bound) if outcome.bound is not None else None)
    dates_proved = False
    only = least and found.cost == 0 and all(cost > 0 for cost in expansion.costs.values())
    if least and not only:
        dates = _DatesSolve(problem, expansion, found)
        better = dates.run(time_limit * (1 - COST_SHARE), workers, seed, deadline)
        if isinstance(better.schedule, _Solution):
            found = better.schedule
        dates_proved = better.status is PhaseStatus.OPTIMAL
    status = NeedsStatus.LEAST if least else NeedsStatus.FOUND
    return NeedsAnswer(
        status, found.added, found.cost, bound, found.schedule, dates_proved, time.perf_counter() - started, only
    )


# --- the two solves -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Solution:
    """One solution of the needs model: units per resource, their cost, and the schedule."""

    added: dict[str, int]
    cost: int
    schedule: Schedule


class _NeedsModel:
    """The plan's model with the extra units, due dates as hard rules, and a reader of solutions."""

    def __init__(self, problem: Problem, expansion: Expansion) -> None:
        self.problem = problem
        self.expansion = expansion
        due = {milestone: spec.due for milestone, spec in problem.milestones.items() if spec.due is not None}
        self.builder = ModelBuilder(problem, cutoff=Cutoff(dates=due))
        model = self.builder.model
        self.extra = {
            resource: model.new_int_var(0, expansion.max_units, f"extra[{resource}]") for resource in expansion.costs
        }
        first = max(0, expansion.first_day)
        self.builder.extra_units = {resource: (units, first) for resource, units in self.extra.items()}
        self.builder.add_constraints()
        self.builder.add_due_dates()
        self.cost = sum(expansion.costs[resource] * units for resource, units in self.extra.items())

    def read(self, solver) -> _Solution:
        """The solution in ``solver`` (a finished solver or a running one's callback)."""
        added = {resource: int(solver.value(units)) for resource, units in self.extra.items()}
        cost = sum(self.expansion.costs[resource] * units for resource, units in added.items())
        return _Solution(added, cost, self.builder.schedule(solver))

    def hint(self, solution: _Solution) -> None:
        self.builder.hint(solution.schedule)
        for resource, units in self.extra.items():
            self.builder.model.add_hint(units, solution.added[resource])

    def race(self, seconds: float, workers: int, seed: int, deadline: Deadline):
        """Solve the model as ``solve``'s phases do: a primary and (with more workers) a secondary."""
        tasks, calendars = len(self.problem.tasks), _has_calendars(self.problem)
        primary, secondary = racing_solvers(
            workers=workers, tasks=tasks, seed=seed, budget=seconds, wall_time=deadline.left(), has_calendars=calendars
        )
        return race(self.builder.model, primary, secondary, self.read)


class _CostSolve(_NeedsModel):
    """Minimise the total cost of the extra units."""

    def __init__(self, problem: Problem, expansion: Expansion, hint: _Solution | None) -> None:
        super().__init__(problem, expansion)
        if hint is not None:
            self.hint(hint)
        self.builder.model.minimize(self.cost)

    def run(self, seconds: float, workers: int, seed: int, deadline: Deadline):
        if deadline.left() <= 0:
            return _Outcome(PhaseStatus.UNKNOWN, None, None)
        return self.race(seconds, workers, seed, deadline)

    def confirm(self, seconds: float, seed: int, deadline: Deadline):
        """The same model solved another way (one worker, no presolve, another seed)."""
        solver = cp_model.CpSolver()
        pace = units_per_second("primary", len(self.problem.tasks), _has_calendars(self.problem))
        configure_confirmation(
            solver, seed=seed, deterministic_time=max(seconds * pace, 1.0), wall_time=max(deadline.left(), 1.0)
        )
        status = phase_status(interruptible.solve(solver, self.builder.model))
        if status in (PhaseStatus.OPTIMAL, PhaseStatus.FEASIBLE):
            return _Outcome(PhaseStatus.FEASIBLE, self.read(solver), None)
        bound = None if status is PhaseStatus.INFEASIBLE else math.ceil(solver.best_objective_bound - 1e-6)
        return _Outcome(status, None, bound)


class _DatesSolve(_NeedsModel):
    """With the cost held at its least: the earliest dates, then the fewest units."""

    def __init__(self, problem: Problem, expansion: Expansion, cheapest: _Solution) -> None:
        super().__init__(problem, expansion)
        self.builder.model.add(self.cost == cheapest.cost)
        self.hint(cheapest)
        dates = sum(self.builder.dates.values()) if self.builder.dates else 0
        # Lexicographic in one objective: units never outweigh one day of one milestone.
        weight = expansion.max_units * len(self.extra) + 1
        self.builder.model.minimize(dates * weight + sum(self.extra.values()))

    def run(self, seconds: float, workers: int, seed: int, deadline: Deadline):
        if deadline.left() <= 0 or seconds <= 0:
            return _Outcome(PhaseStatus.UNKNOWN, None, None)
        return self.race(seconds, workers, seed, deadline)


@dataclass(frozen=True)
class _Outcome:
    """A solve that did not race (skipped, or the confirmation)."""

    status: PhaseStatus
    schedule: _Solution | None
    bound: int | None


def _hint(problem: Problem, expansion: Expansion) -> _Solution | None:
    """A greedy start: no units when the plan already meets its dates; else a greedy schedule
    with every unit allowed, and only the units it uses at its peak. None when the greedy
    meets the dates in neither."""
    nothing = dict.fromkeys(expansion.costs, 0)
    schedule = greedy_schedule(problem)
    if schedule is not None and term_values(problem, schedule)[0] == 0:
        return _Solution(nothing, 0, schedule)
    grown = expanded(problem, dict.fromkeys(expansion.costs, expansion.max_units), expansion.first_day)
    schedule = greedy_schedule(grown)
    if schedule is None or term_values(grown, schedule)[0] != 0:
        return None
    added = _peak_units(problem, schedule, expansion)
    return _Solution(added, sum(expansion.costs[name] * units for name, units in added.items()), schedule)


def _peak_units(problem: Problem, schedule: Schedule, expansion: Expansion) -> dict[str, int]:
    """The extra units of each resource that ``schedule`` uses above ``problem``'s capacity (on
    or after the day they arrive; before it the schedule stays within the plan's capacity)."""
    times = schedule_times(problem, schedule)
    added = {}
    for resource in expansion.costs:
        used = [0] * problem.days
        for task, spec in problem.tasks.items():
            units = sum(amount for name, amount in spec.uses if name == resource)
            if units:
                for day in range(times.start[task], times.end[task] + 1):
                    used[day] += units
        excess = [used[day] - problem.capacity_on(resource, day) for day in range(problem.days)]
        added[resource] = max([0, *excess])
    return added


def _has_calendars(problem: Problem) -> bool:
    return any(task.calendar is not None for task in problem.tasks.values())
