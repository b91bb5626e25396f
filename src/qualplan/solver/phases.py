"""``solve``: phases, hints, fallbacks and verdicts around the CP-SAT model.

The plan's objective is lexicographic (``objective.py``). ``solve`` runs:

0. CPM bounds: if some task has no room even without resources, no schedule
   fits the horizon, proved without CP-SAT (``bounds.py``).
1. A greedy schedule (``greedy.py``): the first incumbent, hint and fallback.
2. One CP-SAT phase per objective term, each hinted with the incumbent, each
   keeping the earlier terms at their proved optimum, each with domains cut by
   the incumbent's values (``bounds.Cutoff``). A phase that does not prove its
   term optimal ends the sequence: later terms cannot be proved without it.
3. On plain plans above 50 tasks (``evolution.py``), an unproved phase hands the
   rest of the time to a genetic algorithm started from the best schedule, which
   stops early if it meets the phase's proved bound (the phase is then optimal).

Verdict (plan-format.md, "What the tool answers"), from phase 1 alone:
``met`` when the best schedule has no lateness; ``missed`` when the proved
lateness bound is above 0, or when no schedule fits the horizon (proved twice,
see ``_confirm_infeasible``); otherwise ``unknown`` — a time-out is never
``missed``. ``proven`` means all three terms are proved optimal. ``SolveResult.of``
derives both from the schedule's terms and the proved bounds.

Budget (``clock.py``): each phase's race gets its share of the work budget left
(``PHASE_SHARE``, at most ``1 - EVOLUTION_SHARE`` where the genetic algorithm applies)
and is charged what it used, counted in deterministic work; an unproved phase then
gets the rest, since later phases cannot run without its proof. Every step also stops
at the wall deadline, and the result says whether that cut anything (``stopped_by``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from qualplan import cancel
from qualplan.deadline import Deadline
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult
from qualplan.solver import interruptible
from qualplan.solver.bounds import Cutoff
from qualplan.solver.builder import ModelBuilder
from qualplan.solver.clock import SolveClock
from qualplan.solver.evolution import evolve_schedule, warm_up
from qualplan.solver.greedy import greedy_schedule
from qualplan.solver.objective import TERMS, term_expression, term_values
from qualplan.solver.params import (
    SMALL_MODEL,
    configure_confirmation,
    racing_solvers,
    setup_seconds,
    units_per_second,
)
from qualplan.solver.progress import ProgressEvent, ProgressReporter
from qualplan.solver.race import race
from qualplan.solver.status import PhaseStatus, phase_status

#: Share of the remaining work budget each phase's race may use; what it leaves goes on.
PHASE_SHARE = {"lateness": 0.6, "dates": 0.8, "last_end": 1.0}
#: The dates phase's share when its proof usually fixes the last end too (one milestone
#: without ``at``, as in PSPLIB): most of the budget, with a tenth kept for the last-end
#: phase, which must still run when the proved dates do not force it (issue 12).
FOLLOWED_DATES_SHARE = 0.9
#: A phase is not started with less work budget than this (seconds of time limit).
MIN_PHASE_SECONDS = 0.05
#: The first phase model's build time, as a multiple of the CPM pass's (see ``solve``).
BUILD_PER_BOUNDS = 4.0
#: CP-SAT looks at its wall-clock limit between presolve steps, which on a large model take
#: a good part of the whole presolve: it is given the wall time left less this share of the
#: model's setup estimate (a 300-task calendar plan's race ended 1 s past its limit).
PRESOLVE_STEP_SHARE = 0.2
#: Where the genetic algorithm applies (``evolution.py``), the share of what is left that a
#: phase's race leaves for it. 65/35 and 75/25 were level on the PSPLIB j120 subset
#: (benchmarks/results/psplib.md), but at 65 % CP-SAT lost schedules it finds later on its
#: own (j1201_1: 108 against 105 with the whole 10 s, issue 12); at 80 % it ended at 106
#: and kept the algorithm's gains on the other open instances measured. Giving CP-SAT a
#: second race instead of the algorithm when it was still improving did worse (a restart
#: loses its search's state): see docs/scheduling.md.
EVOLUTION_SHARE = 0.2
#: The genetic algorithm only runs with at least this time limit (seconds): importing numba
#: and loading the compiled loops takes 0.5-1 s of the wall-clock promise (2 s on a busy
#: machine), too much of a shorter one, in which the algorithm would have little time anyway.
EVOLUTION_MIN_LIMIT = 2.0


@dataclass(frozen=True)
class SolveOptions:
    """Switches for measuring what each idea buys (benchmarks, tests); defaults are the product.

    ``greedy``: start from the greedy schedule (hint, fallback, cut-offs);
    ``evolution``: improve it with the genetic algorithm where it applies;
    ``tighten``: CPM bounds on start domains; ``tails``: capacity tails in cumulatives;
    ``cutoffs``: domains cut by the incumbent's objective values.
    """

    greedy: bool = True
    evolution: bool = True
    tighten: bool = True
    tails: bool = True
    cutoffs: bool = True


@dataclass(frozen=True)
class PhaseOutcome:
    """What one phase's solve established about its term."""

    status: PhaseStatus
    schedule: Schedule | None
    bound: int | None  # proved lower bound of the term (given earlier terms fixed)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    progress: Callable[[ProgressEvent], None] | None = None,
    options: SolveOptions | None = None,
    deadline: Deadline | None = None,
) -> SolveResult:
    """Schedule ``problem``: the best schedule found, its proof status and the plan's verdict.

    ``time_limit`` is a work budget (``clock.py``): CP-SAT spends it as deterministic
    time (``params.py`` converts seconds to work units), and with several workers two
    solves race under a rule that does not depend on their timing (``race.py``), so the
    same problem, ``seed`` and ``workers`` give the same result on every run that the
    work budget ends. ``deadline`` (default ``Deadline.for_command(time_limit)``, from
    now) is the wall-clock promise: every step stops by it, and ``result.stopped_by``
    says whether it cut anything short. ``options`` is for measurements and tests only.

    Raises ``cancel.Interrupted`` when a stop is requested (Ctrl-C) while it runs.
    """
    cancel.check()
    options = options or SolveOptions()
    deadline = deadline if deadline is not None else Deadline.for_command(time_limit)
    searchable = _list_searchable(problem, options, time_limit, deadline)  # before the work budget: may compile
    clock = SolveClock(time_limit, deadline)
    began = time.monotonic()
    base = problem.base_bounds
    # Until a phase model has been built, guess its build time from the CPM pass's: building
    # took 2-4 times as long on generated plans of 300 and 1,000 tasks on a loaded machine.
    clock.build_seconds = BUILD_PER_BOUNDS * (time.monotonic() - began)
    cancel.check()
    if base.conflicts:
        return _no_schedule(problem, clock, base.conflicts)

    lower = _trivial_bounds(problem, base.earliest)
    incumbent = greedy_schedule(problem, floor=lower, stop=clock.should_stop) if options.greedy else None
    cancel.check()
    proved: list[int | None] = [None, None, None]
    for index, term in enumerate(TERMS):
        values = term_values(problem, incumbent) if incumbent is not None else None
        if values is not None and values[index] == lower[index]:
            proved[index] = values[index]  # the incumbent already meets a bound nobody can beat
            continue
        if index == 2 and values is not None and values[2] == _last_end_floor(problem, proved[1], lower[2]):
            proved[index] = values[index]  # the proved dates already force the last end
            continue
        if clock.passed() or clock.seconds_left < MIN_PHASE_SECONDS:
            proved[index] = lower[index]  # no time for this phase: the CPM bound is what holds
            break
        share = _share(problem, term, searchable)
        # On a machine slower than the work budget's pace the clock ends the race; the genetic
        # algorithm's share is kept in wall time too (j120 gaps doubled when the race took it all).
        wall_share = 1.0 - EVOLUTION_SHARE if searchable else 1.0
        outcome = _run_phase(
            problem, term, incumbent, proved, clock, share, workers, seed, progress, options, wall_share
        )
        if _unproved(outcome) and clock.seconds_left > MIN_PHASE_SECONDS and not clock.passed():
            # Unproved: later phases cannot run, so this one gets the rest of the time.
            best = _better(problem, incumbent, outcome.schedule)
            if searchable:
                floor = _phase_floor(lower, proved, index, outcome.bound)
                evolved = _evolve(problem, best, floor, clock, workers, seed)
                outcome = _with_schedule(problem, outcome, evolved, index, floor[index])
                if progress is not None and evolved is not best:
                    _report(progress, problem, clock, term, evolved, floor)
            else:
                more = _run_phase(problem, term, best, proved, clock, 1.0, workers, seed, progress, options)
                outcome = _merge(outcome, more)
        if outcome.status is PhaseStatus.INFEASIBLE:
            if incumbent is not None:
                break  # impossible with a valid hint: trust the schedule, prove nothing more
            outcome = _confirm_infeasible(problem, term, proved, clock, seed, options)
            if outcome.status is PhaseStatus.INFEASIBLE:
                return _no_schedule(problem, clock, _resource_conflict(problem))
        incumbent = _better(problem, incumbent, outcome.schedule)
        # Without a proof from this phase the resource-free CPM bound still holds.
        bound = lower[index] if outcome.bound is None else max(outcome.bound, lower[index])
        if incumbent is None:  # only in the first phase solved: no schedule, maybe a bound
            return _result(problem, clock, None, (bound if index == 0 else proved[0], None, None))
        value = term_values(problem, incumbent)[index]
        if bound < value:
            proved[index] = bound
            break
        proved[index] = value
    return _result(problem, clock, incumbent, (proved[0], proved[1], proved[2]))


def _unproved(outcome: PhaseOutcome) -> bool:
    return outcome.status in (PhaseStatus.FEASIBLE, PhaseStatus.UNKNOWN)


def _share(problem: Problem, term: str, searchable: bool) -> float:
    """The share of the work budget left that a phase's first race may use."""
    share = PHASE_SHARE[term]
    if term == "dates" and _last_end_follows_dates(problem):
        share = FOLLOWED_DATES_SHARE
    if searchable:
        share = min(share, 1.0 - EVOLUTION_SHARE)  # what the genetic algorithm may need
    return share


def _run_phase(
    problem: Problem,
    term: str,
    incumbent: Schedule | None,
    proved: list[int | None],
    clock: SolveClock,
    share: float,
    workers: int,
    seed: int,
    progress: Callable[[ProgressEvent], None] | None,
    options: SolveOptions,
    wall_share: float = 1.0,
) -> PhaseOutcome:
    """Minimise ``term`` with the earlier terms held at their proved optimum.

    One worker without LP (the primary, ``params.configure_primary``) and, when more
    workers are allowed, a secondary solve on the other workers race on the same model
    (``race.py``). The race's deterministic use of its budget is charged to ``clock``.
    ``wall_share``: the share of the wall time left that the race may use at most, so that
    the genetic algorithm after it keeps its share when the clock, not the work, binds.
    """
    if clock.wall_left() < clock.build_seconds:  # building it would already overrun the deadline
        clock.clock_cut = True
        return PhaseOutcome(PhaseStatus.UNKNOWN, None, None)
    began = time.monotonic()
    builder = _phase_model(problem, term, incumbent, proved, options)
    clock.build_seconds = time.monotonic() - began
    cancel.check()
    if clock.passed():  # building a large model can take seconds
        return PhaseOutcome(PhaseStatus.UNKNOWN, None, None)
    setup = setup_seconds(builder.model)
    clock.spend(setup)  # building and presolving it: no counted work
    budget = max(clock.seconds_left, 0.0) * share
    wall = max(0.01, min(clock.wall_left() - PRESOLVE_STEP_SHARE * setup, clock.wall_left() * wall_share))
    tasks, calendars = len(problem.tasks), _has_calendar_tasks(problem)
    primary, secondary = racing_solvers(
        workers=workers, tasks=tasks, seed=seed, budget=budget, wall_time=wall, has_calendars=calendars
    )
    reporter = None
    if progress is not None:
        lateness = proved[0] if term != "lateness" else None
        reporter = ProgressReporter(
            progress, started=clock.started, phase=term, lateness=lateness, lateness_bound=proved[0] or 0
        )
    outcome = race(builder.model, primary, secondary, builder.schedule, reporter)
    clock.spend(budget * outcome.work)
    clock.clock_cut = clock.clock_cut or outcome.clock_cut
    return PhaseOutcome(outcome.status, outcome.schedule, outcome.bound)


def _evolve(
    problem: Problem, best: Schedule | None, floor: tuple[int, int, int], clock: SolveClock, workers: int, seed: int
) -> Schedule | None:
    """``best`` improved by the genetic algorithm for the rest of the time; it stops early
    on a schedule that meets ``floor`` (lower bounds of the three terms)."""
    seeds = [] if best is None else [best]
    found = evolve_schedule(
        problem,
        seconds=clock.seconds_left,
        workers=workers,
        seed=seed,
        seeds=seeds,
        floor=floor,
        deadline=clock.deadline,
    )
    clock.spend(found.seconds)
    clock.clock_cut = clock.clock_cut or found.clock_cut
    return _better(problem, best, found.schedule)


def _report(
    progress: Callable[[ProgressEvent], None],
    problem: Problem,
    clock: SolveClock,
    term: str,
    schedule: Schedule,
    floor: tuple[int, int, int],
) -> None:
    """Tell the progress line about a schedule found outside CP-SAT (the genetic algorithm)."""
    values, index = term_values(problem, schedule), TERMS.index(term)
    progress(
        ProgressEvent(
            elapsed=clock.elapsed(),
            phase=term,
            lateness=values[0],
            lateness_bound=floor[0],
            objective=values[index],
            bound=floor[index],
        )
    )


def _phase_floor(lower, proved: list[int | None], index: int, bound: int | None) -> tuple[int, int, int]:
    """Lower bounds of the three terms while phase ``index`` runs: proved values before it,
    its own proved bound, the CPM bounds after it."""
    floor = list(lower)
    for earlier in range(index):
        floor[earlier] = proved[earlier]
    if bound is not None:
        floor[index] = max(floor[index], bound)
    return floor[0], floor[1], floor[2]


def _with_schedule(
    problem: Problem, outcome: PhaseOutcome, schedule: Schedule | None, index: int, floor: int
) -> PhaseOutcome:
    """``outcome`` with a schedule at least as good from elsewhere: optimal when its term
    meets ``floor``, a lower bound of the phase's term."""
    if schedule is None:
        return outcome
    value = term_values(problem, schedule)[index]
    if value <= floor:
        return PhaseOutcome(PhaseStatus.OPTIMAL, schedule, value)
    status = PhaseStatus.FEASIBLE if outcome.status is PhaseStatus.UNKNOWN else outcome.status
    return PhaseOutcome(status, schedule, outcome.bound)


def _list_searchable(problem: Problem, options: SolveOptions, time_limit: float, deadline: Deadline) -> bool:
    """Whether the genetic algorithm may run (``evolution.py``): on plans it models
    exactly, above the size where CP-SAT alone proves PSPLIB j30 fast, with a time limit
    of at least ``EVOLUTION_MIN_LIMIT``. Loads its compiled code now, before the work
    budget starts (but inside the wall deadline); a first compile after an install
    (seconds) postpones ``deadline`` by what it took, as the time limit does not count it."""
    if not options.evolution or len(problem.tasks) <= SMALL_MODEL or time_limit < EVOLUTION_MIN_LIMIT:
        return False
    model = problem.list_model
    if model is None:
        return False
    started = time.monotonic()
    if warm_up(model):
        deadline.postpone(time.monotonic() - started)
    return True


def _better(problem: Problem, incumbent: Schedule | None, candidate: Schedule | None) -> Schedule | None:
    """The lexicographically better of two schedules (the incumbent on a tie)."""
    if candidate is None:
        return incumbent
    if incumbent is None or term_values(problem, candidate) < term_values(problem, incumbent):
        return candidate
    return incumbent


def _has_calendar_tasks(problem: Problem) -> bool:
    return any(task.calendar is not None for task in problem.tasks.values())


def _merge(first: PhaseOutcome, second: PhaseOutcome) -> PhaseOutcome:
    """Two solves of one phase, the second hinted with the first's schedule: the second's
    schedule is at least as good (its model caps the term at the hint's value), and the
    better of the two proved bounds holds."""
    if first.bound is None:
        return second
    if second.status is PhaseStatus.INFEASIBLE:
        return PhaseOutcome(PhaseStatus.FEASIBLE, first.schedule, first.bound)  # cannot be: keep what holds
    bound = first.bound if second.bound is None else max(first.bound, second.bound)
    schedule = second.schedule or first.schedule
    status = second.status
    if status is PhaseStatus.UNKNOWN and schedule is not None:
        status = PhaseStatus.FEASIBLE
    return PhaseOutcome(status, schedule, bound)


def _phase_model(
    problem: Problem, term: str, incumbent: Schedule | None, proved: list[int | None], options: SolveOptions
) -> ModelBuilder:
    """The model of one phase: every rule, earlier terms fixed, domains cut by the incumbent."""
    index = TERMS.index(term)
    values = term_values(problem, incumbent) if incumbent is not None else None
    cutoff = _cutoff(problem, index, values, proved) if options.cutoffs else None
    builder = ModelBuilder(problem, cutoff=cutoff, tighten=options.tighten, tails=options.tails)
    builder.add_constraints()
    for earlier in range(index):
        # Equality is safe: the model's term is never below the schedule's, which is never
        # below the proved optimum; it pins the milestone dates for the later phases.
        expression = term_expression(builder, TERMS[earlier])
        if not isinstance(expression, int):
            builder.model.add(expression == proved[earlier])
    objective = term_expression(builder, term)
    if values is not None and not isinstance(objective, int):
        builder.model.add(objective <= values[index])
        builder.hint(incumbent)
    builder.model.minimize(objective)
    return builder


def _cutoff(problem: Problem, index: int, values: tuple[int, int, int] | None, proved: list[int | None]) -> Cutoff:
    """Upper bounds on milestone dates and task ends that no better schedule exceeds."""
    lateness = proved[0] if index > 0 else (values[0] if values is not None else None)
    dates: dict[str, int] = {}
    if lateness is not None:
        for milestone, spec in problem.milestones.items():
            if spec.due is not None:
                dates[milestone] = spec.due + lateness // spec.priority
    date_sum = proved[1] if index > 1 else (values[1] if index == 1 and values is not None else None)
    if date_sum is not None:
        floor = problem.base_bounds.earliest
        others = sum(floor[milestone] for milestone in problem.milestones)
        for milestone in problem.milestones:
            cap = date_sum - (others - floor[milestone])
            dates[milestone] = min(dates.get(milestone, cap), cap)
    last_end = values[2] if index == 2 and values is not None else None
    return Cutoff(dates=dates, last_end=last_end)


def _confirm_infeasible(
    problem: Problem, term: str, proved: list[int | None], clock: SolveClock, seed: int, options: SolveOptions
) -> PhaseOutcome:
    """Solve the same model again another way before believing "no schedule exists"."""
    builder = _phase_model(problem, term, None, proved, options)
    if clock.passed():
        return PhaseOutcome(PhaseStatus.UNKNOWN, None, None)
    solver = cp_model.CpSolver()
    pace = units_per_second("primary", len(problem.tasks), _has_calendar_tasks(problem))
    work = max(clock.seconds_left * pace, 1.0)
    configure_confirmation(solver, seed=seed, deterministic_time=work, wall_time=clock.wall_left())
    status = phase_status(interruptible.solve(solver, builder.model))
    clock.spend(solver.deterministic_time / pace)
    if status in (PhaseStatus.FEASIBLE, PhaseStatus.UNKNOWN) and solver.deterministic_time < work:
        clock.clock_cut = True  # neither proved nor out of work: the wall deadline ended it
    schedule = builder.schedule(solver) if status in (PhaseStatus.OPTIMAL, PhaseStatus.FEASIBLE) else None
    bound = math.ceil(solver.best_objective_bound - 1e-6) if status is not PhaseStatus.INFEASIBLE else None
    return PhaseOutcome(status, schedule, bound)


def _last_end_floor(problem: Problem, date_sum: int | None, floor: int) -> int:
    """A lower bound of the last task's end once the sum of milestone dates is proved.

    When every other milestone is fixed (``at``), a milestone's date is the proved sum
    minus theirs, and a milestone reached only through tasks falls at most its reach
    after the last end (``bounds.reach_after_last_end``). On PSPLIB plans (a fixed
    start, a sink after every job) this proves the makespan phase's last end without a
    third solve.
    """
    free = _single_free_milestone(problem)
    if date_sum is None or free is None:
        return floor
    fixed = sum(spec.fixed for spec in problem.milestones.values() if spec.fixed is not None)
    return max(floor, date_sum - fixed - problem.reach_after_last_end[free])


def _last_end_follows_dates(problem: Problem) -> bool:
    """True when a proved dates phase usually proves the last end too (``_last_end_floor``):
    the dates phase then gets most of the budget left (``FOLLOWED_DATES_SHARE``). Only
    usually: the floor is a lower bound, and a task that does not precede the free
    milestone can end after it, so the last-end phase keeps a share of its own."""
    return _single_free_milestone(problem) is not None


def _single_free_milestone(problem: Problem) -> str | None:
    """The one milestone without a fixed date (``at``, ``actual``), if it is the only one and has a
    reach after the last end."""
    free = [milestone for milestone, spec in problem.milestones.items() if spec.fixed is None]
    if len(free) != 1 or problem.reach_after_last_end[free[0]] is None:
        return None
    return free[0]


def _trivial_bounds(problem: Problem, earliest: dict[str, int]) -> tuple[int, int, int]:
    """Lower bounds of the three terms without any search (CPM, no resources)."""
    lateness = sum(
        spec.priority * max(0, earliest[milestone] - spec.due)
        for milestone, spec in problem.milestones.items()
        if spec.due is not None
    )
    dates = sum(earliest[milestone] for milestone in problem.milestones)
    last_end = max(problem.end_of(task, earliest[task]) for task in problem.tasks)
    return lateness, dates, last_end


def _result(
    problem: Problem, clock: SolveClock, schedule: Schedule | None, bounds: tuple[int | None, int | None, int | None]
) -> SolveResult:
    """The result for a schedule (or none) and the proved bounds of the three terms."""
    values = term_values(problem, schedule) if schedule is not None else None
    result = SolveResult.of(problem, schedule, values, bounds, wall_time=clock.elapsed())
    return replace(result, stopped_by=clock.stopped_by(result.proven))


def _no_schedule(problem: Problem, clock: SolveClock, conflicts: tuple[str, ...]) -> SolveResult:
    """Proved: no schedule fits the horizon. The verdict is ``missed``, with no dates; the
    proof holds whatever the clock cut before it."""
    return SolveResult.of(
        problem,
        None,
        None,
        (None, None, None),
        wall_time=clock.elapsed(),
        infeasible=True,
        conflicts=conflicts,
    )


def _resource_conflict(problem: Problem) -> tuple[str, ...]:
    """Why CP-SAT found no schedule when every task fits on its own (CPM found room for each)."""
    used = sorted({name for spec in problem.tasks.values() for name, units in spec.uses if units > 0})
    last = problem.date(problem.days - 1)
    names = ", ".join(used) if used else "none"
    return (
        f"no schedule fits the horizon (last day {last}): each task fits on its own, but the capacities "
        f"of the resources ({names}) cannot hold together with the dependencies, windows and dates; "
        "`qualplan explain` names a smallest conflicting set",
    )
