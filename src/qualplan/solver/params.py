"""CP-SAT parameters: the search settings, and what makes repeated runs identical.

Determinism (issue 3): CP-SAT's default parallel portfolio runs its workers
freely and stops on the wall clock, so two runs can stop at different points.
Each solve here is repeatable on its own: one worker, or interleaved workers
(their tasks run in fixed batches and share solutions only at batch
boundaries), stopped by ``max_deterministic_time`` (a fixed amount of counted
work) instead of seconds. Two such solves race side by side (``race.py``), with
a rule that makes the answer independent of which finishes first.

The wall clock is the command's promise (``qualplan.deadline``): every solve also
gets ``max_time_in_seconds`` = the wall time left before the deadline. The paces below
are set so that on an idle machine the work budget normally ends a solve first; a
solve that the clock ends may differ from the next one, and the result says so
(``solver/clock.py``).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

#: Deterministic work units per second of ``time_limit``. CP-SAT's deterministic clock
#: runs at a different pace on different models, so the pace depends on the kind of
#: model and its size. Measured on the project's 2-core machine, quiet (load < 1):
#: - PSPLIB j30 (32 nodes), one worker without LP: 1.0-1.05 units/s of wall time;
#:   j120 (122 nodes): 0.26-0.4; the interleaved LP+LNS contestant on j120: 0.18-0.24.
#:   ``PLAIN_PER_SECOND`` is the 30-node pace and ``SIZE_EXPONENT`` shrinks it with size.
#: - plans with working-day calendars: 0.1-0.13 when the lab is contended (one and two
#:   workers alike), up to 0.8 when the plan proves quickly; at 0.3 and 0.5 contended
#:   150/300-task plans ran 2.5-3.5 times over a 10 s limit. Above 300 tasks the pace
#:   falls: 0.05-0.07 units per CPU second on a 1,000-task plan (issue 12: a 60 s limit
#:   took 88 s on an idle machine), hence ``CALENDAR_SIZE_EXPONENT`` from 300 tasks on.
#:   The pace sits below that range: at 0.15 (its value until 11-29) a contended 300-task
#:   plan and the bundled portfolio at a 10 s limit ran into the wall deadline, or within
#:   0.5 s of it, on an idle machine that day (CP-SAT did about 0.115 units/s on both), so
#:   their answers could change from run to run. At 0.10 the 300-task plan still reached
#:   the deadline in one idle run of two; at 0.08 both plans ended by the work budget in
#:   8.0-9.7 s, identical twice (benchmarks/results/time_limit.txt has the full runs).
CALENDARS_PER_SECOND = 0.08
CALENDAR_TASKS = 300
CALENDAR_SIZE_EXPONENT = 0.75
PLAIN_PER_SECOND = 1.0
SIZE_EXPONENT = 0.95
#: The secondary contestant (``race.py``) counts its work faster than the primary.
SECONDARY_PACE = {"interleaved": 0.75, "single": 1.0}
#: Up to this many tasks the secondary is a second single worker (another seed); above
#: it, interleaved LP and LNS workers. On j30 two single workers without LP proved the 11
#: hardest instances in 39 s in all against 49 s for one; on j120 LNS finds the better
#: schedules and the LP proves the instances whose optimum is the LP bound.
SMALL_MODEL = 50


#: Seconds a phase costs before CP-SAT counts work, per variable and constraint of its model:
#: building it in Python, then CP-SAT's presolve, which its deterministic clock hardly counts
#: (on a 1,000-task calendar plan each presolve pass took 0.5 s and 1e-7 units). Charged to
#: the work budget from the model's size, so the charge repeats. Measured as CPU time on
#: the project machine (loaded): 0.05-0.15 ms per element on calendar plans of 100-1,000
#: tasks (2,800 to 76,000 elements; 0.075 ms for the 32,000 of a 1,000-task plan), 0.01 ms
#: on PSPLIB j120 (1,050).
SETUP_SECONDS_PER_ELEMENT = 8e-5


def setup_seconds(model: cp_model.CpModel) -> float:
    """What building and presolving ``model`` costs, in seconds of time limit (see above)."""
    proto = model.proto
    return SETUP_SECONDS_PER_ELEMENT * (len(proto.variables) + len(proto.constraints))


def units_per_second(contestant: str, tasks: int, has_calendars: bool) -> float:
    """Deterministic work units per second of time limit for one contestant of a race.

    ``contestant`` is ``"primary"`` or ``"secondary"``; ``tasks`` the plan's task count.
    """
    if has_calendars:
        return CALENDARS_PER_SECOND * min(1.0, (CALENDAR_TASKS / max(tasks, 1)) ** CALENDAR_SIZE_EXPONENT)
    pace = PLAIN_PER_SECOND * min(1.0, (30 / max(tasks, 1)) ** SIZE_EXPONENT)
    if contestant == "secondary":
        pace *= SECONDARY_PACE["single" if tasks <= SMALL_MODEL else "interleaved"]
    return pace


#: Full-problem subsolvers dropped from the interleaved contestant (see
#: ``configure_secondary``); what is left is ``default_lp`` and the LNS workers.
HEAVY_SUBSOLVERS = (
    "max_lp",
    "reduced_costs",
    "pseudo_costs",
    "quick_restart",
    "quick_restart_no_lp",
    "fixed",
    "core",
    "objective_lb_search",
    "objective_shaving",
    "probing",
    "lb_tree_search",
    "no_lp",
)


def configure_primary(
    solver: cp_model.CpSolver,
    *,
    tasks: int,
    seed: int,
    deterministic_time: float,
    wall_time: float,
    has_calendars: bool,
) -> None:
    """The primary contestant: one worker, CP-SAT's LP off.

    Without the LP the worker spends its time on propagation and conflict learning,
    which is what proves resource-bound plans. PSPLIB's 11 hardest j30 instances: one
    worker proved 9 of them in 10 s with the LP off, 5 of 11 with CP-SAT's default
    two-worker portfolio; on plans with working-day calendars the rank equations make
    the LP large and its bound useless (phase 1 of generated 100/120/300-task plans
    proved in 0.6-2.1 s without it, not at all in 2-7 s with it).

    Also off: the disjunctive view of cumulatives (pairs that cannot overlap), which
    cost more than it pruned (the same 11 proved in 28 s instead of 39 s without it), and,
    on calendar plans, presolve probing (on a contended 150-task plan probing the
    holiday literals took 4.5 of presolve's 6 s).

    On small plans without calendars the search also ignores the hint (the greedy
    schedule stays the fallback and the cut-off): there the work is the proof, and
    following the hint steered it. Deterministic work to prove the 10 slowest j30
    instances, the better of two seeds each: 41.1 units with the hint, 32.3 without,
    lower on every one of the 10. On j120 it made no clear difference either way
    (better on 1 of 4, worse on 2), so larger plans keep it.
    """
    parameters = solver.parameters
    parameters.num_workers = 1
    parameters.linearization_level = 0
    parameters.use_disjunctive_constraint_in_cumulative = False
    if not has_calendars and tasks <= SMALL_MODEL:
        parameters.use_optimization_hints = False
    _common(parameters, seed, deterministic_time, wall_time, has_calendars)


def configure_secondary(
    solver: cp_model.CpSolver,
    *,
    workers: int,
    tasks: int,
    seed: int,
    deterministic_time: float,
    wall_time: float,
    has_calendars: bool,
) -> None:
    """The secondary contestant: on small models another single worker without LP (a
    different seed explores another part of the tree), on larger ones CP-SAT's LP
    worker and its LNS workers, interleaved so that the run repeats.

    Interleaved, every full-problem subsolver runs a slice as long as the whole
    deterministic limit, so the limit is overshot about as many times as there are
    such subsolvers (measured on j120: 6 units reported for a 2.5 limit); hence one
    full subsolver (``default_lp``) and the cheap LNS ones.
    """
    if tasks <= SMALL_MODEL and not has_calendars:
        configure_primary(
            solver,
            tasks=tasks,
            seed=seed + 1,
            deterministic_time=deterministic_time,
            wall_time=wall_time,
            has_calendars=False,
        )
        return
    parameters = solver.parameters
    parameters.num_workers = max(1, workers)
    parameters.interleave_search = True
    parameters.ignore_subsolvers.extend(HEAVY_SUBSOLVERS)
    _common(parameters, seed, deterministic_time, wall_time, has_calendars)


def racing_solvers(
    *, workers: int, tasks: int, seed: int, budget: float, wall_time: float, has_calendars: bool
) -> tuple[cp_model.CpSolver, cp_model.CpSolver | None]:
    """The primary and, with more than one worker, the secondary contestant of a race
    (``race.py``), configured for ``budget`` seconds of work (each at its own pace) and
    ``wall_time`` seconds of wall clock."""
    primary = cp_model.CpSolver()
    configure_primary(
        primary,
        tasks=tasks,
        seed=seed,
        deterministic_time=budget * units_per_second("primary", tasks, has_calendars),
        wall_time=wall_time,
        has_calendars=has_calendars,
    )
    if workers <= 1:
        return primary, None
    secondary = cp_model.CpSolver()
    configure_secondary(
        secondary,
        workers=workers - 1,
        tasks=tasks,
        seed=seed,
        deterministic_time=budget * units_per_second("secondary", tasks, has_calendars),
        wall_time=wall_time,
        has_calendars=has_calendars,
    )
    return primary, secondary


def _common(parameters, seed: int, deterministic_time: float, wall_time: float, has_calendars: bool) -> None:
    """What both contestants share: presolve probing off on calendar plans, seed and limits."""
    if has_calendars:
        parameters.cp_model_probing_level = 0
    parameters.random_seed = seed
    parameters.max_deterministic_time = max(deterministic_time, 0.01)
    parameters.max_time_in_seconds = max(wall_time, 0.01)
    parameters.log_search_progress = False


def configure_confirmation(
    solver: cp_model.CpSolver, *, seed: int, deterministic_time: float, wall_time: float
) -> None:
    """Parameters of the second solve that must confirm a proof of infeasibility.

    CP-SAT has had rare presolve bugs that declared feasible models infeasible, so
    the confirmation takes a different path: one worker, no presolve, another seed.
    """
    parameters = solver.parameters
    parameters.num_workers = 1
    parameters.random_seed = seed + 1
    parameters.cp_model_presolve = False
    parameters.max_deterministic_time = max(deterministic_time, 0.01)
    parameters.max_time_in_seconds = max(wall_time, 0.01)
    parameters.log_search_progress = False
