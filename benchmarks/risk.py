"""How fast ``qualplan risk`` runs, and what the ``optimal`` policy changes.

    python benchmarks/risk.py [--write] [--optimal-iterations 200] [--optimal-limit 1.0]

The bundled plans in ``plans/`` are measured with their own ``risk`` data (spreads of
builds, lab tests and campaigns; failure rates and retests of cycle-life, cold, abuse and
vehicle tests; all estimates, see plans/README.md).

Measurements, each with the load average beside it (the machine is shared: re-run on a
quiet one):

1. the ``priority`` policy on the largest bundled plan (by task count), as a user runs it:
   a ``qualplan risk`` subprocess, start-up and the check solve included (``--time-limit 1``:
   the check schedule only gives the priority order), 10,000 and 100,000 iterations, with 1
   and 2 worker processes, numba's cache warm; the cold compile is measured separately (a
   fresh ``NUMBA_CACHE_DIR``);
2. iterations per second of the compiled kernel and of the plain-Python scheduler
   (``risk/reference.py``) on the same model, in this process;
3. the ``optimal`` policy on the smallest bundled plan: iterations per second on a Dask
   ``LocalCluster`` of 1 and of 2 workers (the speed-up; the clusters are started and the
   workers warmed before the clock starts), and on every bundled plan the difference in
   P(met) between the two policies, same seed, same draws.

``--write`` records the result in benchmarks/results/risk.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "risk.txt"
QUALPLAN = [sys.executable, "-m", "qualplan"]


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def loads(values: tuple[float, float, float]) -> str:
    return "load " + ", ".join(f"{value:.2f}" for value in values)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return seconds, done.stdout


def tasks_of(plan: Path) -> int:
    from qualplan.loader import load_plan

    loaded = load_plan(plan)
    if loaded.plan is None:
        raise SystemExit(f"{plan}: {[str(error) for error in loaded.errors]}")
    return len(loaded.plan.tasks)


def model_of(plan: Path):
    """The risk model of ``plan``, its priority order from a 1 s check solve (as in part 1)."""
    from qualplan.loader import load_plan
    from qualplan.problem import compile_plan
    from qualplan.risk import build_model
    from qualplan.solver import solve

    problem = compile_plan(load_plan(plan).plan)
    return build_model(problem, solve(problem, time_limit=1.0, workers=2).schedule)


@contextlib.contextmanager
def cluster(workers: int) -> Iterator[str]:
    """A Dask LocalCluster of ``workers`` single-threaded processes on loopback; its address."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local:
        yield local.scheduler_address


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/risk.txt")
    parser.add_argument("--optimal-iterations", type=int, default=200, help="iterations per plan and policy")
    parser.add_argument("--optimal-limit", type=float, default=1.0, help="solver seconds per optimal iteration")
    parser.add_argument("--speedup-iterations", type=int, default=40, help="optimal iterations per Dask run")
    args = parser.parse_args()

    lines = [
        "# qualplan risk: speed of the priority policy, and what the optimal policy changes.",
        f"# {platform.python_version()} on {platform.system()} {platform.release()}, {os.cpu_count()} CPUs; "
        f"{loads(load())} at start",
    ]

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        folder = ROOT / "plans"
        plans = sorted(path for path in folder.glob("*.yaml"))
        sizes = {path: tasks_of(path) for path in plans}
        largest = max(plans, key=lambda path: (sizes[path], path.name))
        smallest = min(plans, key=lambda path: (sizes[path], path.name))
        say(f"# the bundled plans with their own risk keys: largest {largest.name} ({sizes[largest]} tasks)")

        say("## 1. priority policy, a qualplan risk subprocess (start-up and a 1 s check solve included)")
        base = [*QUALPLAN, "risk", str(largest), "--format", "json", "--time-limit", "1"]
        cache = Path(tmp) / "numba-cache"
        cold_env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
        before = load()
        cold, _ = timed([*base, "--iterations", "100", "--workers", "1"], cold_env)
        warm, _ = timed([*base, "--iterations", "100", "--workers", "1"], cold_env)
        say(
            f"cold compile: first run {cold:.1f} s, the same run warm {warm:.1f} s: compile about "
            f"{cold - warm:.1f} s ({loads(before)})"
        )
        for iterations in (10_000, 100_000):
            for workers in (1, 2):
                before = load()
                seconds, out = timed([*base, "--iterations", str(iterations), "--workers", str(workers)])
                document = json.loads(out)
                assert document["iterations"] == iterations
                say(f"{iterations:>7,} iterations, {workers} worker(s): {seconds:6.1f} s wall ({loads(before)})")

        say("## 2. iterations per second in this process, same model: compiled kernel vs plain Python")
        from qualplan.risk import Execution, simulate, summarize
        from qualplan.risk.batches import reference_batch, run_batch

        model = model_of(largest)
        run_batch(model, "priority", 0, 0, 10, 0.0)
        before = load()
        began = time.perf_counter()
        run_batch(model, "priority", 0, 0, 10_000, 0.0)
        compiled = 10_000 / (time.perf_counter() - began)
        began = time.perf_counter()
        reference_batch(model, 0, 0, 100)
        python = 100 / (time.perf_counter() - began)
        say(
            f"{largest.name}: compiled {compiled:,.0f}/s, Python {python:,.1f}/s, "
            f"{compiled / python:,.0f} times faster ({loads(before)})"
        )

        say(f"## 3. optimal policy, {args.optimal_limit:g} s per iteration, iterations only (clusters started before)")
        rates = {}
        small = model_of(smallest)
        for workers in (1, 2):
            with cluster(workers) as address:
                execution = Execution(workers=workers, backend="dask", scheduler=address)
                simulate(
                    small,
                    iterations=workers,
                    seed=99,
                    policy="optimal",
                    time_limit=args.optimal_limit,
                    execution=execution,
                )  # fmt: skip  (workers load the model and OR-Tools first)
                before = load()
                began = time.perf_counter()
                simulate(small, iterations=args.speedup_iterations, seed=0, policy="optimal",
                         time_limit=args.optimal_limit, execution=execution)  # fmt: skip
                seconds = time.perf_counter() - began
            rates[workers] = args.speedup_iterations / seconds
            say(
                f"{smallest.name}, Dask LocalCluster of {workers}: {args.speedup_iterations} iterations in "
                f"{seconds:.1f} s, {rates[workers]:.2f}/s ({loads(before)})"
            )
        say(f"speed-up with 2 Dask workers: {rates[2] / rates[1]:.2f}")
        say(f"P(met), priority vs optimal, {args.optimal_iterations} iterations, seed 0 (the same draws):")
        with cluster(2) as address:
            execution = Execution(workers=2, backend="dask", scheduler=address)
            for plan in plans:
                risk_model = model_of(plan)
                before = load()
                found = {}
                for policy in ("priority", "optimal"):
                    collected = simulate(risk_model, iterations=args.optimal_iterations, seed=0, policy=policy,
                                         time_limit=args.optimal_limit,
                                         execution=execution if policy == "optimal" else Execution())  # fmt: skip
                    summary = summarize(risk_model, collected, seed=0, policy=policy)
                    found[policy] = {m.id: m.p_met for m in summary.milestones if m.p_met is not None}
                for milestone, chance in found["priority"].items():
                    other = found["optimal"][milestone]
                    say(
                        f"  {plan.name:24} {milestone:36} priority {chance:6.3f}  optimal {other:6.3f}  "
                        f"difference {other - chance:+.3f} ({loads(before)})"
                    )
    lines.append(f"# {loads(load())} at end")
    if args.write:
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
