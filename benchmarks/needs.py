"""``qualplan needs`` on the bundled plans: time to the proved answer, and what it says about each programme.

    python benchmarks/needs.py [--time-limit 10] [-o benchmarks/results/needs.md]

Two questions per plan in ``plans/`` (each plan's own lab resources, from its
``resources:``; the costs are illustrative relative prices, not quotes: a cell
channel 1, a module channel 3, a reach-in chamber 5, a walk-in chamber 20, a
pack cycler 30, a shaker 50):

1. **as planned**: the cheapest expansion that meets the plan's own due dates
   (``--max 10``), or the proof that none does;
2. **starter lab**: every asked resource cut to the largest single use (the
   smallest lab in which each test can still run) and every due date set to its
   resource-free earliest date (physics and seasons, ``explain.bounds``), with
   ``--max 100``: the cheapest lab that reaches the earliest dates the tests and
   seasons allow.

Each question runs ``commands.needs.run`` in this process (so the numbers leave out
Python's start-up and imports), 2 workers, seed 0. Two times: the needs search alone
(``solver.needs.solve_needs``: to the proved least cost, then the earliest dates for
it), and the whole command (with the re-check by the normal solve of the plan with
the units added and, when ``--max`` is proved too small, the search beyond it). A
question left unproved is asked again with three times the time limit. The
machine is shared: the load average is printed beside the numbers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

import qualplan.solver.needs as needs_solver
from qualplan.commands import needs
from qualplan.explain.bounds import layers
from qualplan.loader import load_plan
from qualplan.problem import compile_plan

ROOT = Path(__file__).resolve().parents[1]
#: Illustrative relative cost of one more unit (see the module docstring).
COSTS = {
    "cell-cycler": 1,
    "module-cycler": 3,
    "climate-chamber": 5,
    "walk-in-chamber": 20,
    "pack-cycler": 30,
    "shaker": 50,
}


def questions(plan_file: Path) -> list[tuple[str, list[str], list[str], int]]:
    """(name, --add arguments, --set arguments, --max) of the two questions for one plan."""
    plan = load_plan(plan_file).plan
    assert plan is not None, plan_file
    asked = [name for name in COSTS if name in plan.resources]
    adds = [f"{name}={COSTS[name]}" for name in asked]
    problem = compile_plan(plan)
    earliest = layers(problem).seasons
    starter = []
    for milestone, spec in problem.milestones.items():
        if spec.due is not None and earliest.start[milestone] is not None:
            starter.append(f"milestones.{milestone}.due={problem.date(earliest.start[milestone])}")
    for name in asked:
        largest = max((units for task in plan.tasks for used, units in task.uses.items() if used == name), default=0)
        starter.append(f"resources.{name}.capacity={largest}")
        if plan.resources[name].changes:
            starter.append(f"resources.{name}.changes=[]")
    return [("as planned", adds, [], 10), ("starter lab", adds, starter, 100)]


def ask(
    plan_file: Path, adds: list[str], sets: list[str], most: int, time_limit: float
) -> tuple[int, dict, float, list[float]]:
    """Exit code, JSON document, wall time of the command, wall times of its needs searches."""
    searches: list[float] = []
    real = needs_solver.solve_needs

    def timed(*arguments, **options):
        answer = real(*arguments, **options)
        searches.append(answer.wall_time)
        return answer

    needs_solver.solve_needs = timed
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = needs.run(
        plan_file,
        adds,
        max_units=most,
        output_format="json",
        time_limit=time_limit,
        workers=2,
        seed=0,
        sets=sets,
        stdout=out,
        stderr=err,
    )
    wall = time.perf_counter() - started
    needs_solver.solve_needs = real
    document = json.loads(out.getvalue()) if out.getvalue() else {"error": err.getvalue()}
    return int(code), document, wall, searches


def describe(code: int, document: dict) -> str:
    """The answer in a few words."""
    if code == 0:
        added = ", ".join(f"{units} {name}" for name, units in document["added"].items()) or "nothing"
        proof = "proved least" if document["least"] else f"not proved least (bound {document['cost_bound']})"
        return f"met: add {added}; cost {document['cost']}, {proof}"
    if code == 1 and document.get("blocked"):
        parts = [f"{block['milestone']} ({block['by']})" for block in document["blocked"]]
        return "missed, no equipment helps (resource-free bound): " + ", ".join(parts)
    if code == 1:
        beyond = document.get("beyond_max") or {}
        more = ", ".join(f"{units} {name}" for name, units in beyond.get("added", {}).items())
        return f"missed within --max {document['asked']['max']}; beyond it: {beyond.get('kind')} {more}".rstrip()
    if code == 3:
        return "unknown (time limit)"
    return f"exit {code}: {document}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "results" / "needs.md")
    options = parser.parse_args()

    lines = [
        "# qualplan needs on the bundled plans",
        "",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"--time-limit {options.time_limit:g}, 2 workers, seed 0",
        "",
        f"asked: {', '.join(f'{name}={cost}' for name, cost in COSTS.items())} (those the plan has)",
        "",
        "| plan | question | limit s | exit | answer | search s | command s | load (1 min) |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for plan_file in sorted((ROOT / "plans").glob("*.yaml")):
        for name, adds, sets, most in questions(plan_file):
            for limit in (options.time_limit, 3 * options.time_limit):
                load = os.getloadavg()[0]
                code, document, wall, searches = ask(plan_file, adds, sets, most, limit)
                search = " + ".join(f"{seconds:.1f}" for seconds in searches) or "—"
                row = (
                    f"| {plan_file.stem} | {name} | {limit:g} | {code} | {describe(code, document)} "
                    f"| {search} | {wall:.1f} | {load:.1f} |"
                )
                lines.append(row)
                print(row, file=sys.stderr, flush=True)
                if code != 0 or document.get("least"):
                    break  # proved (or not an expansion): no need for more time
    text = "\n".join(lines) + "\n"
    options.output.write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
