"""Does ``--time-limit`` keep its promise? Wall time of ``qualplan check`` against 1.2 × L + 3 s.

    python benchmarks/time_limit.py [--quick] [-o benchmarks/results/time_limit.txt]

Each case runs ``qualplan check PLAN --time-limit L --format json`` as a subprocess
(so Python's start-up, loading the plan, verifying and printing all count), twice on
the machine as it is ("idle": no load of ours) and once with two busy loops beside it
(``python3 -c 'while True: pass'``, twice: on a 2-core machine the solve then gets
about half the CPU it planned for). For each run: the wall time, whether it kept the
promise, ``stopped_by`` (``work``, ``clock`` or ``proof``) and the verdict; for the two
idle runs, whether their JSON was byte-identical.

The cases (issue 12's measurements):

- generated qualification plans of 1,000 tasks (``generate_plans.py``, seed 1,
  contended lab) with L = 30 and L = 60;
- a contended generated plan of 300 tasks with L = 10;
- PSPLIB j120 instances (``qualplan import psplib``) with L = 10.

The machine's load average is printed with every run: the project machine is shared,
so "idle" means "no load of ours", not an idle machine.

A 1,000-task plan has more YAML nodes than the loader accepts today
(``loader.MAX_EVENTS``); such a plan is checked through the same CLI entry point in a
process that raises that cap first (said in the results).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, Python puts this folder first on the path, where benchmarks/psplib.py
# would shadow the psplib package; keep the folder, but after site-packages.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE] + [str(HERE)]

from generate_plans import generate_plan, plan_yaml  # noqa: E402

from qualplan.psplib_import import plan_from_psplib  # noqa: E402
from qualplan.psplib_import import plan_yaml as psplib_yaml  # noqa: E402

#: The shared PSPLIB folder, next to the main checkout (``/work/shared``); ``--data`` overrides it.
PSPLIB = HERE.parents[1] / "shared" / "benchmarks" / "psplib"
FACTOR, MARGIN = 1.2, 3.0  # the promise (qualplan.deadline)
#: The CLI's entry point in a process whose loader accepts plans of any size.
UNCAPPED = "import sys, qualplan.loader as loader; loader.MAX_EVENTS = 10**8; from qualplan.cli import main; main()"
BUSY = "while True: pass"


@dataclass(frozen=True)
class Case:
    name: str
    plan: Path
    limit: float


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system seconds of the qualplan process (all its threads)
    stdout: bytes
    code: int
    load: float

    def field(self, key: str) -> str:
        try:
            return str(json.loads(self.stdout)[key])
        except (ValueError, KeyError):
            return "-"


def cases(folder: Path, quick: bool, psplib: Path) -> list[Case]:
    """The plans of the module docstring, written into ``folder``."""
    found = []
    big = folder / "generated-1000.yaml"
    big.write_text(plan_yaml(generate_plan(1000, 1, lab_per_programme=0.25)), encoding="utf-8")
    contended = folder / "generated-300-contended.yaml"
    contended.write_text(plan_yaml(generate_plan(300, 1, lab_per_programme=0.25)), encoding="utf-8")
    limits = [30.0] if quick else [30.0, 60.0]
    found += [Case(f"1,000 tasks, L={limit:g}", big, limit) for limit in limits]
    found.append(Case("300 tasks contended, L=10", contended, 10.0))
    names = ["j1201_1", "j12011_1"] if quick else ["j1201_1", "j12011_1", "j12039_1", "j12060_10"]
    for name in names:
        source = psplib / "j120" / f"{name}.sm"
        path = folder / f"{name}.yaml"
        path.write_text(psplib_yaml(plan_from_psplib(source), source), encoding="utf-8")
        found.append(Case(f"PSPLIB {name}, L=10", path, 10.0))
    return found


def loads(plan: Path) -> bool:
    """Whether today's loader accepts ``plan`` (its node cap)."""
    from qualplan.loader import load_plan

    return load_plan(plan).ok


def check(plan: Path, limit: float, accepted: bool) -> Run:
    arguments = ["check", str(plan), "--time-limit", f"{limit:g}", "--format", "json"]
    command = (
        [sys.executable, "-m", "qualplan", *arguments] if accepted else [sys.executable, "-c", UNCAPPED, *arguments]
    )
    load = os.getloadavg()[0]
    before = os.times()
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, check=False)
    wall = time.monotonic() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(wall, cpu, done.stdout, done.returncode, load)


def busy_loops(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()
        process.wait()


def line(case: Case, kind: str, run: Run) -> str:
    promise = FACTOR * case.limit + MARGIN
    kept = "yes" if run.wall <= promise else "NO"
    return (
        f"{case.name:<28} {kind:<5} {run.wall:>7.1f} {promise:>7.1f} {kept:>4}  {run.field('stopped_by'):<7} "
        f"{run.field('verdict'):<8} {run.code:>4} {run.load:>5.1f} {run.cpu:>6.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="L=30 only for 1,000 tasks; two PSPLIB instances")
    parser.add_argument("-o", "--output", type=Path, help="also write the results to this file")
    parser.add_argument("--data", type=Path, default=PSPLIB, help="the shared PSPLIB folder")
    args = parser.parse_args(argv)

    out = [
        "# --time-limit against its promise: wall time of `qualplan check` (a subprocess)",
        "",
        f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}; promise = 1.2 x L + 3 s; load = 1-min load average at the start;",
        "cpu = CPU seconds of the qualplan process (its threads together): far below the wall time when the",
        "machine's other load leaves it little of the two cores",
        "",
        f"{'case':<28} {'run':<5} {'wall s':>7} {'promise':>7} {'kept':>4}  {'stopped':<7} {'verdict':<8} "
        f"{'exit':>4} {'load':>5} {'cpu s':>6}",
    ]
    print("\n".join(out), flush=True)
    kept_all = True
    with tempfile.TemporaryDirectory() as folder:
        for case in cases(Path(folder), args.quick, args.data):
            accepted = loads(case.plan)
            if not accepted:
                out.append(f"  ({case.plan.name}: over the loader's node cap; checked with the cap raised)")
                print(out[-1], flush=True)
            idle = [check(case.plan, case.limit, accepted) for _ in range(2)]
            loops = busy_loops(2)
            try:
                busy = check(case.plan, case.limit, accepted)
            finally:
                stop(loops)
            for kind, run in (("idle", idle[0]), ("idle", idle[1]), ("busy", busy)):
                out.append(line(case, kind, run))
                print(out[-1], flush=True)
                kept_all = kept_all and run.wall <= FACTOR * case.limit + MARGIN
            same = "identical" if idle[0].stdout == idle[1].stdout else "DIFFERENT"
            out.append(f"{'':<28} the two idle runs' JSON: {same}")
            print(out[-1], flush=True)
    out += ["", f"every run kept the promise: {'yes' if kept_all else 'NO'}"]
    print(out[-1])
    if args.output is not None:
        args.output.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0 if kept_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
