"""PSPLIB benchmark: qualplan against PyJobShop 0.0.9, same CP-SAT, same run, same machine.

    python benchmarks/psplib.py [--set j30|j120sub|both] [--limit N] [--every K]
                                [--time-limit 10] [--workers 2] [--solver qualplan|pyjobshop|both]
                                [--data ../shared/benchmarks/psplib] [--details FILE.csv]

qualplan solves each instance the way ``qualplan check`` does: the ``.sm`` file
becomes a plan (``qualplan.psplib_import``), the plan is compiled into day
numbers (``compile_plan``) and ``qualplan.solver.solve`` schedules it. Every
qualplan schedule is then re-checked by the independent verifier
(``qualplan.verify.ensure_verified``); a rejected schedule is counted and makes
the script exit 1.

PyJobShop (installed by the ``bench`` extra, ``pip install -e '.[bench]'``) gets
its model written as its documentation's RCPSP example writes it
(``examples/project_scheduling.ipynb``): one job and one task per activity,
renewable resources, one mode per task, end-before-start for every
predecessor and every successor, the default makespan objective, solved with
``time_limit``, ``num_workers`` and ``display=False``. The instance is read
with the ``psplib`` package (the example's own parser reads the same numbers).

The instances: ``j30`` is all 480 j30 instances; ``j120sub`` is every 20th j120
instance in PSPLIB order (parameter group, then instance: j1201_1, j1203_1, ...,
j12059_1), 30 in all. ``--every K`` keeps every K-th instance of a set and
``--limit N`` the first N, for quick measurements on a shared machine.

The two solvers run interleaved, instance by instance, alternating which goes
first, so that both see the same machine load. Wall time is measured around
everything each needs for one instance: reading the file, building the model,
solving (qualplan: import, compile and solve; verification is not timed). Each
solver first solves the first instance once, untimed, so that loading its
modules is not charged to one instance.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, fields
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, this file's folder comes first on sys.path, and this file (psplib.py) would then
# shadow the `psplib` package that qualplan and PyJobShop read instances with.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "psplib"
SOLVERS = ("qualplan", "pyjobshop")


@dataclass(frozen=True)
class Instance:
    set: str  # "j30" or "j120sub"
    path: Path
    reference: int  # optimum (j30) or best known makespan (j120)
    reference_optimal: bool

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Outcome:
    """One solver on one instance."""

    solver: str
    set: str
    instance: str
    reference: int
    makespan: int | None  # None: no schedule within the time limit
    lower_bound: int | None  # the solver's proved bound on the makespan, where it reports one
    optimal: bool  # proved optimal by the solver
    wall: float  # seconds, file to answer
    verified: bool | None  # qualplan only: the verifier accepted the schedule
    note: str = ""


# --- instances ---------------------------------------------------------------------------


def _psplib_order(path: Path) -> tuple[int, int]:
    """``j3012_7.sm`` -> (12, 7): parameter group, then instance number."""
    match = re.fullmatch(r"j(?:30|60|90|120)(\d+)_(\d+)\.sm", path.name)
    if match is None:
        raise SystemExit(f"{path}: not a PSPLIB instance name (jXXG_I.sm)")
    return int(match[1]), int(match[2])


def _references(data: Path, family: str) -> dict[str, tuple[int, bool]]:
    with (data / "refs" / f"{family}.csv").open() as stream:
        return {
            row["instance"]: (int(row["makespan_opt_or_ub"]), row["proven_optimal"] == "1")
            for row in csv.DictReader(stream)
        }


def instances(data: Path, which: str, every: int, limit: int | None) -> list[Instance]:
    """The instances of the chosen set(s), in PSPLIB order."""
    chosen: list[Instance] = []
    sets = {"j30": ("j30", 1), "j120sub": ("j120", 20)}
    for name in ("j30", "j120sub") if which == "both" else (which,):
        family, stride = sets[name]
        refs = _references(data, family)
        paths = sorted((data / family).glob("*.sm"), key=_psplib_order)[::stride][::every]
        if limit is not None:
            paths = paths[:limit]
        chosen += [Instance(name, path, *refs[path.name]) for path in paths]
    return chosen


# --- the two solvers -----------------------------------------------------------------------


def solve_qualplan(instance: Instance, time_limit: float, workers: int) -> Outcome:
    """The path ``qualplan check`` takes: plan, compile, solve; then the independent verifier."""
    from qualplan.problem import compile_plan
    from qualplan.psplib_import import SINK_ID, plan_from_psplib
    from qualplan.result import SolveStatus, schedule_times
    from qualplan.solver import solve
    from qualplan.verify import ScheduleRejected, ensure_verified

    began = time.perf_counter()
    problem = compile_plan(plan_from_psplib(instance.path))
    result = solve(problem, time_limit=time_limit, workers=workers, seed=0)
    wall = time.perf_counter() - began

    makespan = lower_bound = None
    # "feasible/clock": the wall deadline, not the work budget, ended it (a rerun may differ).
    verified, note = None, f"{result.status.value}/{result.stopped_by.value}"
    if result.schedule is not None:
        try:
            ensure_verified(result)
            verified = True
        except ScheduleRejected as error:
            verified, note = False, str(error)
        makespan = schedule_times(problem, result.schedule).start[SINK_ID] + 1
    # The second objective term is the sum of milestone dates: project-start (day 0) + project-end.
    bound = result.objective_bound[1] if result.objective_bound else None
    if bound is not None:
        lower_bound = bound + 1
    return Outcome(
        "qualplan",
        instance.set,
        instance.name,
        instance.reference,
        makespan,
        lower_bound,
        result.status is SolveStatus.OPTIMAL,
        wall,
        verified,
        note,
    )


def solve_pyjobshop(instance: Instance, time_limit: float, workers: int) -> Outcome:
    """PyJobShop's documented RCPSP model (see the module docstring)."""
    import psplib
    from pyjobshop import Model, SolveStatus

    began = time.perf_counter()
    data = psplib.parse(instance.path, instance_format="psplib")
    predecessors: list[list[int]] = [[] for _ in data.activities]
    for index, activity in enumerate(data.activities):
        for successor in activity.successors:
            predecessors[successor].append(index)

    model = Model()
    jobs = [model.add_job() for _ in data.activities]
    tasks = [model.add_task(job=job) for job in jobs]
    resources = [model.add_renewable(resource.capacity) for resource in data.resources]
    for task, activity in zip(tasks, data.activities, strict=True):
        for mode in activity.modes:
            model.add_mode(task, resources, mode.duration, mode.demands)
    for index, activity in enumerate(data.activities):
        for pred in predecessors[index]:
            model.add_end_before_start(tasks[pred], tasks[index])
        for succ in activity.successors:
            model.add_end_before_start(tasks[index], tasks[succ])
    result = model.solve(time_limit=time_limit, display=False, num_workers=workers)
    wall = time.perf_counter() - began

    found = result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    return Outcome(
        "pyjobshop",
        instance.set,
        instance.name,
        instance.reference,
        round(result.objective) if found else None,
        round(result.lower_bound) if found else None,
        result.status is SolveStatus.OPTIMAL,
        wall,
        None,
        result.status.value,
    )


RUNNERS = {"qualplan": solve_qualplan, "pyjobshop": solve_pyjobshop}


# --- the table ------------------------------------------------------------------------------


def summary_rows(outcomes: list[Outcome], set_name: str, solvers: list[str]) -> list[list[str]]:
    """One row per solver: counts, gap to the reference, wall times."""
    rows = []
    totals = {}
    for solver in solvers:
        mine = [o for o in outcomes if o.solver == solver and o.set == set_name]
        if not mine:
            continue
        solved = [o for o in mine if o.makespan is not None]
        gaps = [100.0 * (o.makespan - o.reference) / o.reference for o in solved]
        walls = [o.wall for o in mine]
        totals[solver] = sum(walls)
        verified = [o for o in mine if o.verified is not None]
        rows.append(
            [
                solver,
                str(len(mine)),
                str(len(solved)),
                str(sum(o.optimal for o in mine)),
                str(sum(o.makespan == o.reference for o in solved)),
                str(sum(o.makespan is not None and o.makespan < o.reference for o in solved)),
                f"{statistics.fmean(gaps):.2f} %" if gaps else "-",
                f"{statistics.fmean(walls):.2f}",
                f"{statistics.median(walls):.2f}",
                f"{max(walls):.2f}",
                f"{sum(walls):.1f}",
                f"{sum(o.verified for o in verified)}/{len(verified)}" if verified else "n/a",
            ]
        )
    if len(totals) == 2 and totals["pyjobshop"] > 0:
        rows.append(
            [
                "qualplan / pyjobshop total wall",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                f"{totals['qualplan'] / totals['pyjobshop']:.2f}",
                "",
            ]
        )
    return rows


def proof_difference(outcomes: list[Outcome], set_name: str) -> str:
    """Which instances one solver proved optimal and the other did not."""
    proved = {
        solver: {o.instance for o in outcomes if o.solver == solver and o.set == set_name and o.optimal}
        for solver in SOLVERS
    }
    unproved = sorted(
        {o.instance for o in outcomes if o.set == set_name} - proved["qualplan"] - proved["pyjobshop"],
        key=lambda name: _psplib_order(Path(name)),
    )

    def names(found: set[str]) -> str:
        return ", ".join(sorted(found, key=lambda name: _psplib_order(Path(name)))) or "none"

    return (
        f"Proved optimal by qualplan only: {names(proved['qualplan'] - proved['pyjobshop'])}. "
        f"By PyJobShop only: {names(proved['pyjobshop'] - proved['qualplan'])}. "
        f"By neither: {', '.join(unproved) or 'none'}."
    )


HEADER = [
    "solver",
    "instances",
    "solved",
    "proved optimal",
    "= reference",
    "< reference",
    "mean gap to ref",
    "mean s",
    "median s",
    "max s",
    "total s",
    "verified",
]


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- the machine ----------------------------------------------------------------------------


def machine_description() -> list[str]:
    """What the numbers were measured on, for the committed results."""
    cpu = "unknown"
    with Path("/proc/cpuinfo").open() as stream:
        for line in stream:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with Path("/proc/meminfo").open() as stream:
        for line in stream:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"date (UTC): {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')}",
        f"nproc: {nproc}; CPU: {cpu}; memory: {memory}",
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"ortools {version('ortools')}, pyjobshop {version('pyjobshop')}, psplib {version('psplib')}",
        f"qualplan commit {commit or 'unknown'}",
        "load average at start (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()),
    ]


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["j30", "j120sub", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N instances of each set")
    parser.add_argument("--every", type=int, default=1, help="only every K-th instance of each set")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance and solver")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers per instance")
    parser.add_argument("--solver", choices=["qualplan", "pyjobshop", "both"], default="both")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared PSPLIB folder")
    parser.add_argument("--details", type=Path, default=None, help="write one CSV row per solver and instance")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    solvers = list(SOLVERS) if args.solver == "both" else [args.solver]
    if "pyjobshop" in solvers:
        try:
            import pyjobshop  # noqa: F401
        except ImportError:
            sys.stderr.write("PyJobShop is not installed: pip install -e '.[bench]' (pins pyjobshop==0.0.9)\n")
            return 2
    chosen = instances(args.data, args.set, args.every, args.limit)
    machine = machine_description()
    print("\n".join(machine), flush=True)
    print(
        f"{len(chosen)} instances, solvers {', '.join(solvers)}, "
        f"time limit {args.time_limit:g} s, {args.workers} workers",
        flush=True,
    )

    # Warm-up, untimed: each solver's first call pays its imports (networkx, pyjobshop, ortools).
    for solver in solvers:
        RUNNERS[solver](chosen[0], min(args.time_limit, 1.0), args.workers)

    outcomes: list[Outcome] = []
    for position, instance in enumerate(chosen):
        order = solvers if position % 2 == 0 else solvers[::-1]
        for solver in order:
            outcome = RUNNERS[solver](instance, args.time_limit, args.workers)
            outcomes.append(outcome)
            sys.stderr.write(
                f"{position + 1}/{len(chosen)} {instance.name} {solver}: makespan {outcome.makespan} "
                f"(ref {instance.reference}) {'optimal' if outcome.optimal else outcome.note} "
                f"{outcome.wall:.2f} s\n"
            )
            if outcome.verified is False:
                sys.stderr.write(f"  REJECTED by the verifier: {outcome.note}\n")

    if args.details is not None:
        with args.details.open("w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow([field.name for field in fields(Outcome)])
            for outcome in outcomes:
                writer.writerow(
                    [
                        f"{value:.3f}" if isinstance(value, float) else value
                        for value in (getattr(outcome, field.name) for field in fields(Outcome))
                    ]
                )

    print("load average at end (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))
    for set_name in ("j30", "j120sub"):
        rows = summary_rows(outcomes, set_name, solvers)
        if rows:
            print(f"\n{set_name}:\n")
            print(markdown_table(rows))
            if len(solvers) == 2:
                print("\n" + proof_difference(outcomes, set_name))
    rejected = [o for o in outcomes if o.verified is False]
    if rejected:
        print(
            f"\n{len(rejected)} qualplan schedule(s) REJECTED by the verifier: "
            + ", ".join(o.instance for o in rejected)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
