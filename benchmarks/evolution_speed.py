"""How fast the genetic algorithm's compiled loops run, against the same loops in Python.

    python benchmarks/evolution_speed.py [--write]

Two measurements per PSPLIB instance (imported as plans, as ``qualplan check`` sees them):

1. Serial schedules per second: the same random precedence-feasible activity lists
   decoded by ``list_kernels.serial_schedule`` compiled by numba and by its plain
   Python original (``.py_func``), in the same run; the ratio is the speed-up
   numba buys.
2. Ticks per second of the whole search (``list_kernels.evolve``, one thread, a fixed
   budget of ticks): what ``evolution.TICKS_PER_SECOND`` is calibrated against, so
   that the search's share of the time limit is about that many seconds of wall.

``--write`` records the result in benchmarks/results/evolution_speed.txt. The
figures only mean something on a quiet machine; its load is printed with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

# Run as a script, this folder comes first on sys.path, and its psplib.py would shadow the
# psplib package that the importer reads .sm files with.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]

from qualplan.problem import compile_plan  # noqa: E402 (after the sys.path fix)
from qualplan.psplib_import import plan_from_psplib  # noqa: E402 (after the sys.path fix)
from qualplan.solver import list_kernels  # noqa: E402 (after the sys.path fix)
from qualplan.solver.evolution import POPULATION, TICKS_PER_SECOND, list_model, warm_up  # noqa: E402 (after the sys.path fix)

DATA = HERE.parents[1] / "shared" / "benchmarks" / "psplib"
RESULTS = Path(__file__).parent / "results" / "evolution_speed.txt"
INSTANCES = ["j30/j3013_5.sm", "j30/j301_1.sm", "j120/j1201_1.sm", "j120/j12011_1.sm", "j120/j12051_1.sm",
             "j120/j12039_1.sm", "j120/j12055_1.sm"]  # fmt: skip
#: Lists decoded per instance by the compiled loop, and by the Python one (slower: fewer).
COMPILED_LISTS = 20_000
PYTHON_LISTS = 200
#: Ticks of one whole search per instance.
SEARCH_TICKS = 1_000_000_000


def random_orders(model, count: int, seed: int) -> list[np.ndarray]:
    """``count`` random topological orders of the model's nodes."""
    rng = random.Random(seed)
    fwd_ptr = model.data.fwd_ptr
    orders = []
    for _ in range(count):
        waiting = [int(fwd_ptr[j + 1] - fwd_ptr[j]) for j in range(len(model.nodes))]
        ready = [j for j, left in enumerate(waiting) if left == 0]
        order = []
        while ready:
            j = ready.pop(rng.randrange(len(ready)))
            order.append(j)
            for a in range(model.succ_ptr[j], model.succ_ptr[j + 1]):
                s = int(model.succ_node[a])
                waiting[s] -= 1
                if waiting[s] == 0:
                    ready.append(s)
        orders.append(np.array(order, np.int64))
    return orders


def schedules_per_second(decode, model, orders: list[np.ndarray]) -> float:
    """Lists decoded per second of wall time by ``decode`` (compiled or Python)."""
    data = model.data
    floor, fwd_ptr, fwd_node, fwd_weight = data.floor, data.fwd_ptr, data.fwd_node, data.fwd_weight
    span, demand, capacity = data.span, data.demand, data.capacity
    free = np.empty((len(capacity), model.room + 1), np.int64)
    free[:] = capacity[:, None]
    free[0, model.room] = 0
    start = np.empty(len(model.nodes), np.int64)
    began = time.perf_counter()
    for order in orders:
        decode(order, floor, fwd_ptr, fwd_node, fwd_weight, span, demand, capacity, free, start)
    return len(orders) / (time.perf_counter() - began)


def ticks_per_second(model) -> float:
    """Ticks of one whole search per second of wall time (one thread)."""
    seeds = np.zeros((0, len(model.nodes)), np.int64)
    began = time.perf_counter()
    _, _, spent = list_kernels.evolve(
        model.data,
        model.succ_ptr,
        model.succ_node,
        model.rank,
        seeds,
        POPULATION,
        SEARCH_TICKS,
        0,
        model.room,
        -1,
        np.zeros(1, np.int64),  # the stop flag, never raised here
    )
    return spent / (time.perf_counter() - began)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared PSPLIB folder")
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.relative_to(Path.cwd())}")
    args = parser.parse_args(argv)
    lines = [
        f"# {__doc__.splitlines()[0]}",
        f"# {platform.python_version()} on {platform.system()} {platform.release()}, {os.cpu_count()} CPUs; "
        f"load average at start {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"# TICKS_PER_SECOND = {TICKS_PER_SECOND:,}",
        "instance        nodes  compiled/s  python/s  ratio  search Mticks/s",
    ]
    print("\n".join(lines), flush=True)
    for name in INSTANCES:
        model = list_model(compile_plan(plan_from_psplib(args.data / name)))
        warm_up(model)
        orders = random_orders(model, COMPILED_LISTS, seed=1)
        compiled = schedules_per_second(list_kernels.serial_schedule, model, orders)
        python = schedules_per_second(list_kernels.serial_schedule.py_func, model, orders[:PYTHON_LISTS])
        mticks = ticks_per_second(model) / 1e6
        line = (
            f"{Path(name).name:<15} {len(model.nodes):>5}  {compiled:>10,.0f}  {python:>8,.0f}"
            f"  {compiled / python:>5.0f}  {mticks:>15,.0f}"
        )
        print(line, flush=True)
        lines.append(line)
    lines.append(f"# load average at end {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(lines[-1])
    if args.write:
        RESULTS.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
