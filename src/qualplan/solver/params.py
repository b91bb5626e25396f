"""CP-SAT parameters: the search settings, and what makes repeated runs identical.

Determinism (issue 3): CP-SAT's default parallel portfolio runs its workers
freely and stops on the wall clock, so two runs can stop at different points.
With ``interleave_search`` the workers' tasks run in fixed batches and share
solutions only at batch boundaries, and ``max_deterministic_time`` stops the
search after a fixed amount of counted work instead of seconds; together the same
model, seed and worker count give the same answer every time. A wall-clock limit
stays only as a safety net (``WALL_FACTOR``) for a machine far slower than the
deterministic clock assumes; a run that hits it may differ from the next one.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

#: Deterministic work units per second of ``time_limit``, by kind of model. CP-SAT's
#: deterministic clock runs at a different pace on different models; measured on the
#: project's shared 2-core machine (load average 3-5):
#: - PSPLIB (no calendars): 0.6-0.8 units/s for one worker on j30; with the lean
#:   interleaved stage (``configure``) j120 used 4.4 s on average at 0.25 units per
#:   second of limit, so 0.5 fits a 10 s limit;
#: - generated plans with working-day calendars: 0.1-0.13 when the lab is contended
#:   (one and two workers alike), up to 0.8 when the plan proves quickly; at 0.3 and
#:   0.5 contended 150/300-task plans ran 2.5-3.5 times over a 10 s limit.
DETERMINISTIC_PER_SECOND = {"calendars": 0.15, "plain": 0.5}


def pace(has_calendars: bool) -> float:
    """Deterministic work units per second of time limit for a plan (see above)."""
    return DETERMINISTIC_PER_SECOND["calendars" if has_calendars else "plain"]


#: The wall-clock safety net: this many times the requested time limit, plus a margin.
WALL_FACTOR = 3.0
WALL_MARGIN = 5.0

#: Full-problem subsolvers dropped from interleaved search (see ``configure``); what is
#: left is ``default_lp``, ``no_lp`` and the LNS workers.
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
)
FULL_SUBSOLVERS = 2


def configure(
    solver: cp_model.CpSolver,
    *,
    workers: int,
    seed: int,
    deterministic_time: float,
    wall_time: float,
    linear_relaxation: bool = True,
    probing: bool = True,
) -> None:
    """Parameters of a normal phase.

    ``linear_relaxation=False`` turns CP-SAT's LP off (``linearization_level=0``) for
    the single worker. On plans with working-day calendars the rank equations make the
    LP large and its bound useless (lateness bounds come from propagation): phase 1 of
    generated 100/120/300-task plans proved lateness 0, 30 and 0 in 0.6, 1.5 and 2.1 s
    without it and found no proof in 2-7 s with it. On PSPLIB the LP is what proves.

    ``probing=False`` skips presolve probing: on a contended 150-task calendar plan
    probing the holiday literals took 4.5 of presolve's 6 s (1.4 s without).
    """
    parameters = solver.parameters
    if not linear_relaxation:
        parameters.linearization_level = 0
    if not probing:
        parameters.cp_model_probing_level = 0
    parameters.num_workers = workers
    parameters.random_seed = seed
    parameters.max_deterministic_time = max(deterministic_time, 0.01)
    parameters.max_time_in_seconds = max(wall_time, 0.01)
    if workers > 1:
        parameters.interleave_search = True
        # Interleaved, every full-problem subsolver runs a slice as long as the whole
        # deterministic limit, so the limit is overshot about as many times as there are
        # such subsolvers (measured on j120: 6 units reported for a 2.5 limit, 23-30 s
        # of wall time). Two full subsolvers plus the cheap LNS ones, with the limit
        # halved, reached the same or better makespans in 7-9.5 s. Proofs come from
        # the single-worker stage that runs first.
        parameters.ignore_subsolvers.extend(HEAVY_SUBSOLVERS)
        parameters.max_deterministic_time = max(deterministic_time / FULL_SUBSOLVERS, 0.01)
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
