"""How the time is split between CP-SAT and the genetic algorithm, measured on PSPLIB j120.

    python benchmarks/evolution_split.py [--time-limit 10] [--split 0.2 --split 0.35 ...] [INSTANCE ...]

For each instance (default: j1201_1, j1207_1, j12011_1, j12027_1, j12039_1): the
makespan of ``solve`` with CP-SAT alone (the genetic algorithm off) and with each
share of the time left to the algorithm (``phases.EVOLUTION_SHARE``), 2 workers.
No wall-clock deadline (``Deadline.never()``): the work budget decides, so the
numbers are what an idle machine gives, whatever the load here (only the wall time
printed beside them grows with it). A star marks a proved optimum. Issue 12 item 10:
at 0.35 the algorithm's share came out of CP-SAT's time on j1201_1 (108 against 105).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, Python puts this folder first on the path, where benchmarks/psplib.py
# would shadow the psplib package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]

from qualplan.deadline import Deadline  # noqa: E402
from qualplan.problem import compile_plan  # noqa: E402
from qualplan.psplib_import import SINK_ID, plan_from_psplib  # noqa: E402
from qualplan.result import schedule_times  # noqa: E402
from qualplan.solver import SolveOptions, phases  # noqa: E402

DATA = HERE.parents[1] / "shared" / "benchmarks" / "psplib"
INSTANCES = ["j1201_1", "j1207_1", "j12011_1", "j12027_1", "j12039_1"]


def makespan(problem, share: float | None, limit: float) -> str:
    """``solve``'s makespan with the algorithm's ``share`` (None: CP-SAT alone), and its wall time."""
    if share is not None:
        phases.EVOLUTION_SHARE = share
    began = time.perf_counter()
    options = SolveOptions(evolution=share is not None)
    result = phases.solve(problem, time_limit=limit, workers=2, seed=0, options=options, deadline=Deadline.never())
    days = schedule_times(problem, result.schedule).start[SINK_ID] + 1
    return f"{days}{'*' if result.proven else ''} ({time.perf_counter() - began:.0f} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instances", nargs="*", default=INSTANCES)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--split", type=float, action="append", help="the algorithm's share; repeat for several")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared PSPLIB folder")
    args = parser.parse_args(argv)
    shares = args.split or [phases.EVOLUTION_SHARE]
    print(f"{'instance':<10} {'CP-SAT alone':>14} " + " ".join(f"{f'GA {share:.0%}':>14}" for share in shares))
    for name in args.instances:
        problem = compile_plan(plan_from_psplib(args.data / "j120" / f"{name}.sm"))
        cells = [makespan(problem, None, args.time_limit)]
        cells += [makespan(problem, share, args.time_limit) for share in shares]
        print(f"{name:<10} " + " ".join(f"{cell:>14}" for cell in cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
