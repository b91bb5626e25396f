"""How the solver scales, and what each idea in it buys.

    python benchmarks/solver_scaling.py [--quick] [--psplib-every 8] [--j120] [-o benchmarks/results/solver_scaling.txt]

Three tables, all measured in one run on the machine at hand (the machine's load
is printed with them, because the project's 2-core machine is shared):

1. Scaling on generated qualification plans (``tests/plan_generator.generate_plan``,
   seed 1) of 100, 150, 300 and 1,000 tasks, with a lab sized for the load and
   with a contended one: the greedy schedule, the CPM lower
   bounds, and ``solve`` with 2 workers (10 s; 60 s for 1,000 tasks): status,
   verdict, objective terms, proved bounds, gap, wall time, and the independent
   verifier's verdict on the schedule.
2. Ablation on a 120-task plan: ``solve`` with one idea switched off at a time
   (``SolveOptions``: greedy hint/fallback, CPM domain bounds, capacity tails,
   objective cut-offs).
3. PSPLIB j30 (every K-th instance; ``--j120`` adds every 20th j120 instance):
   instances imported as plans (``qualplan.psplib_import``), solved with 10 s and
   2 workers, makespan compared with the best known, proved-optimal count and times.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the plan generator the tests share

from plan_generator import generate_plan  # noqa: E402
from qualplan.problem import compile_plan  # noqa: E402
from qualplan.solver import SolveOptions, compute_bounds, greedy_schedule, solve  # noqa: E402
from qualplan.solver.objective import term_values  # noqa: E402
from qualplan.solver.phases import _trivial_bounds  # noqa: E402
from qualplan.verify import verify  # noqa: E402

PSPLIB = HERE.parents[1] / "shared" / "benchmarks" / "psplib"


def scaling(sizes: list[int], out: list[str], lab: float) -> None:
    kind = "a lab sized for its load" if lab == 0.5 else "a contended lab"
    out.append(f"## 1. Scaling on generated qualification plans, {kind} (lab_per_programme={lab:g}, seed 1, 2 workers)")
    out.append("")
    out.append(
        f"{'tasks':>5} {'ms':>3} {'limit':>5} {'greedy (late, dates, end)':>27} {'CPM bound':>22} "
        f"{'status':>8} {'verdict':>7} {'objective':>20} {'bound':>22} {'gap':>7} {'wall s':>7} verify"
    )
    for n in sizes:
        problem = compile_plan(generate_plan(n, 1, lab_per_programme=lab))
        limit = 60.0 if n >= 1000 else 10.0
        started = time.perf_counter()
        greedy = greedy_schedule(problem)
        greedy_time = time.perf_counter() - started
        lower = _trivial_bounds(problem, compute_bounds(problem).earliest)
        result = solve(problem, time_limit=limit, workers=2, seed=0)
        violations = verify(problem, result.schedule) if result.schedule is not None else None
        gap = "-" if result.gap is None else f"{100 * result.gap:.2f}%"
        out.append(
            f"{n:>5} {len(problem.milestones):>3} {limit:>5.0f} "
            f"{term_values(problem, greedy) if greedy else None!s:>27} "
            f"{lower!s:>22} {result.status.value:>8} {result.verdict.value:>7} {result.objective!s:>20} "
            f"{result.objective_bound!s:>22} {gap:>7} {result.wall_time:>7.2f} "
            f"{'ok' if violations == [] else violations}"
        )
        out.append(f"      (greedy schedule in {greedy_time:.3f} s)")
        print(out[-2], flush=True)
    out.append("")


def ablation(n: int, out: list[str]) -> None:
    out.append("")
    out.append(f"## 2. What each idea buys ({n}-task generated plan, contended lab, seed 1, 10 s, 2 workers)")
    out.append("")
    problem = compile_plan(generate_plan(n, 1, lab_per_programme=0.25))
    variants = {
        "everything": SolveOptions(),
        "no greedy hint/fallback": SolveOptions(greedy=False),
        "no CPM domain bounds": SolveOptions(tighten=False),
        "no capacity tails": SolveOptions(tails=False),
        "no objective cut-offs": SolveOptions(cutoffs=False),
    }
    out.append(f"{'variant':<26} {'status':>8} {'verdict':>7} {'objective':>20} {'bound':>22} {'wall s':>7}")
    for name, options in variants.items():
        result = solve(problem, time_limit=10.0, workers=2, seed=0, options=options)
        out.append(
            f"{name:<26} {result.status.value:>8} {result.verdict.value:>7} {result.objective!s:>20} "
            f"{result.objective_bound!s:>22} {result.wall_time:>7.2f}"
        )
        print(out[-1], flush=True)


def psplib(kind: str, every: int, out: list[str]) -> None:
    from qualplan.psplib_import import plan_from_psplib

    folder = "j30" if kind == "j30" else "j120"
    refs = {
        row["instance"]: int(row["makespan_opt_or_ub"])
        for row in csv.DictReader((PSPLIB / "refs" / f"{folder}.csv").open())
    }
    files = sorted((PSPLIB / folder).glob("*.sm"), key=_psplib_order)[::every]
    out.append("")
    out.append(f"## 3. PSPLIB {folder}, every {every}th instance ({len(files)}), 10 s, 2 workers")
    out.append("")
    proved, total, gaps, worst, matched = 0, 0.0, [], (0.0, ""), 0
    for path in files:
        started = time.perf_counter()
        problem = compile_plan(plan_from_psplib(path))
        result = solve(problem, time_limit=10.0, workers=2, seed=0)
        wall = time.perf_counter() - started
        makespan = result.objective[1] + 1  # the sink milestone's date is the last busy day
        best = refs[path.name]
        proved += result.proven
        matched += makespan == best
        total += wall
        gaps.append((makespan - best) / best)
        worst = max(worst, (wall, path.name))
        assert verify(problem, result.schedule) == [], path
    out.append(
        f"proved optimal {proved}/{len(files)}; makespan equal to best known {matched}/{len(files)}; "
        f"mean gap to best known {100 * sum(gaps) / len(gaps):.2f}%"
    )
    out.append(f"wall time total {total:.1f} s, mean {total / len(files):.2f} s, slowest {worst[0]:.2f} s ({worst[1]})")
    print("\n".join(out[-2:]), flush=True)


def _psplib_order(path: Path) -> tuple[int, int]:
    group, instance = path.stem[3:].split("_") if path.stem.startswith("j30") else path.stem[4:].split("_")
    return int(group), int(instance)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 and 150 tasks only, no ablation")
    parser.add_argument("--psplib-only", action="store_true", help="only the PSPLIB table")
    parser.add_argument("--psplib-every", type=int, default=8)
    parser.add_argument("--j120", action="store_true", help="also every 20th j120 instance")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results" / "solver_scaling.txt")
    args = parser.parse_args(argv)
    out = [
        "# qualplan solver scaling",
        "",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at start {os.getloadavg()[0]:.1f}",
        "",
    ]
    started = time.perf_counter()
    if not args.psplib_only:
        for lab in (0.5, 0.25):
            scaling([100, 150] if args.quick else [100, 150, 300, 1000], out, lab)
    if not args.quick and not args.psplib_only:
        ablation(120, out)
    if args.psplib_every:
        psplib("j30", args.psplib_every, out)
    if args.j120:
        psplib("j120", 20, out)
    out.append("")
    out.append(
        f"total benchmark time {time.perf_counter() - started:.0f} s, load average at end {os.getloadavg()[0]:.1f}"
    )
    args.output.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
