"""Realistic battery qualification plans of any size, for benchmarks and tests.

A plan is a set of qualification *programmes* (one per cell chemistry or pack
variant), started a few months apart. Each programme climbs the ladder

    cells (10 Ah, 60 Ah) -> module -> pack -> vehicle

with, per rung: a build on the working-day calendar (weekends and Chinese
public holidays), cycle-life tests on cycler channels inside climate chambers
(durations from ``cycles``), calendar-life storage, abuse tests in the bunker,
shaker and EMC tests, interim reports (start-to-start with a lag) and
finish-to-finish report links, then vehicle campaigns that must lie inside the
winter (wraps the year end) or summer window or a proving-ground slot. Stages are
named in ``after``, resources gain capacity part-way (``changes``), a fixed
``at`` milestone (line ready) gates the vehicle builds, and due dates are set a
random margin after each milestone's CPM date, so some are tight.

``generate_plan(n_tasks, seed)`` returns a ``Plan`` with exactly ``n_tasks``
tasks; the same arguments always give the same plan. The tests import it from
here; the benchmarks too, and ``benchmarks/generate_plans.py`` is its command line,
which writes a plan as YAML::

    python benchmarks/generate_plans.py 300 --seed 1 -o plan-300.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from qualplan.graph import earliest_times
from qualplan.model import Plan
from qualplan.problem import compile_plan

START = dt.date(2026, 1, 5)
HOLIDAYS = [
    f"{year}-{span}"
    for year in range(2026, 2036)
    for span in ("01-01", "02-16..02-22" if year % 2 == 0 else "02-05..02-11", "04-05", "05-01..05-05", "10-01..10-07")
]
HOLIDAYS = [
    text if ".." not in text else f"{text.split('..')[0]}..{text[:4]}-{text.split('..')[1]}" for text in HOLIDAYS
]


def generate_plan(n_tasks: int, seed: int = 0, *, lab_per_programme: float = 0.5) -> Plan:
    """A plan with exactly ``n_tasks`` tasks (see the module docstring).

    ``lab_per_programme`` sizes the lab: resource capacities grow by one "lab unit"
    (24-32 cycler channels, 6-8 chambers, a bunker, a shaker, ...) per
    ``1 / lab_per_programme`` programmes. The default 0.5 gives a lab sized for its
    load with a few bottlenecks; 0.25 gives a heavily contended one, where due dates
    are missed by months.
    """
    if n_tasks < 1:
        raise ValueError("a plan needs at least one task")
    rng = random.Random(seed)
    programmes = max(1, math.ceil(n_tasks / 40))  # a complete programme has 32-40 tasks
    scale = max(1, math.ceil(programmes * lab_per_programme))
    document: dict[str, Any] = {
        "qualplan": 1,
        "id": f"generated-{n_tasks}-seed-{seed}" + ("" if lab_per_programme == 0.5 else f"-lab-{lab_per_programme:g}"),
        "title": f"Generated qualification plan, {n_tasks} tasks, seed {seed}",
        "start": START.isoformat(),
        "horizon": "8y",
        "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": HOLIDAYS}},
        "windows": {
            "winter": {"yearly": {"from": "12-15", "to": "03-10"}},
            "summer": {"yearly": {"from": "06-15", "to": "08-31"}},
            "proving-ground": {"dates": [f"{year}-04-01..{year}-05-31" for year in range(2026, 2034)]},
        },
        "resources": {
            "cycler-channel": {"capacity": 24 * scale, "changes": [{"from": "2027-01-01", "capacity": 32 * scale}]},
            "climate-chamber": {"capacity": 6 * scale, "changes": [{"from": "2026-09-01", "capacity": 8 * scale}]},
            "bunker": {"capacity": scale},
            "shaker": {"capacity": scale},
            "emc-lab": {"capacity": scale},
            "test-vehicle": {"capacity": 2 * scale},
            "build-line": {"capacity": 1 + scale // 2},
        },
        "stages": [],
        "tasks": [],
        "milestones": [{"id": "line-ready", "name": "Pack line ready", "at": "2027-03-01"}],
    }
    budget = [n_tasks]
    index = 0
    while budget[0] > 0:  # a complete programme may use less than its share: add more
        _programme(document, rng, index, budget, remaining_programmes=max(1, programmes - index))
        index += 1
    plan = Plan.model_validate(document)
    return _with_due_dates(plan, rng)


def _programme(document: dict, rng: random.Random, index: int, budget: list[int], remaining_programmes: int) -> None:
    """One programme's tasks and milestones, using at most ``budget[0]`` tasks."""
    prefix = f"p{index:02d}"
    share = math.ceil(budget[0] / remaining_programmes)
    tasks: list[dict] = []
    arrival = START + dt.timedelta(days=index * rng.randint(20, 45))
    stages = {rung: f"{prefix}-{rung}" for rung in ("cell10", "cell60", "module", "pack", "vehicle")}
    document["stages"].extend({"id": stage, "name": f"{prefix} {rung}"} for rung, stage in stages.items())

    def add(task: dict) -> bool:
        if len(tasks) >= share:
            return False
        tasks.append(task)
        return True

    previous_rung: str | None = None
    for rung in ("cell10", "cell60", "module", "pack", "vehicle"):
        stage = stages[rung]
        build = f"{prefix}-{rung}-build"
        after: list[Any] = []
        if previous_rung is not None:
            after.append({"on": stages[previous_rung], "type": "start", "lag": f"{rng.randint(4, 10)}w"})
            after.append(f"{prefix}-{previous_rung}-build")
        if rung == "vehicle":
            after.append("line-ready")
        build_task = {
            "id": build,
            "name": f"{prefix} {rung} sample build",
            "stage": stage,
            "duration": f"{rng.randint(8, 25)}d",
            "calendar": "workdays",
            "uses": {"build-line": 1},
            "after": after,
        }
        if rung == "cell10":
            build_task["not_before"] = arrival.isoformat()
        if not add(build_task):
            break
        for test in _tests(rng, prefix, rung, build):
            test["stage"] = stage
            if not add(test):
                break
        previous_rung = rung
    document["tasks"].extend(tasks)
    budget[0] -= len(tasks)
    ids = {task["id"] for task in tasks}
    for rung, priority in (("cell60", 1), ("pack", 2), ("vehicle", 3)):
        stage_tasks = [task for task in tasks if task["stage"] == stages[rung]]
        if stage_tasks:
            document["milestones"].append(
                {"id": f"{prefix}-{rung}-released", "after": [stages[rung]], "priority": priority}
            )
    if f"{prefix}-pack-build" in ids:
        document["milestones"].append(
            {
                "id": f"{prefix}-sop",
                "after": [f"{prefix}-pack-released", {"on": stages["vehicle"], "lag": "2w"}]
                if f"{prefix}-vehicle-build" in ids
                else [f"{prefix}-pack-released"],
                "priority": 4,
            }
        )


def _tests(rng: random.Random, prefix: str, rung: str, build: str) -> list[dict]:
    """The tests of one rung, after its build."""
    tests: list[dict] = []
    name = f"{prefix}-{rung}"
    if rung in ("cell10", "cell60"):
        for k in range(rng.randint(2, 4)):
            count = rng.choice([300, 500, 800, 1000, 1500])
            tests.append(
                {
                    "id": f"{name}-cycle-{k}",
                    "name": f"{rung} cycle life {count} cycles",
                    "cycles": {
                        "count": count,
                        "charge_c": rng.choice([0.33, 0.5, 1.0]),
                        "discharge_c": rng.choice([0.5, 1.0, 2.0]),
                        "rest_h": 0.25,
                        "checkup_every": 100,
                        "checkup_h": 24,
                    },
                    "uses": {"cycler-channel": rng.choice([2, 3, 4, 6]), "climate-chamber": 1},
                    "after": [build],
                }
            )
        tests.append(
            {
                "id": f"{name}-interim-report",
                "duration": "5d",
                "calendar": "workdays",
                "after": [{"on": f"{name}-cycle-0", "type": "start", "lag": f"{rng.randint(6, 12)}w"}],
            }
        )
        tests.append(
            {
                "id": f"{name}-storage",
                "name": "calendar life at 45 °C",
                "duration": f"{rng.randint(3, 9)}mo",
                "uses": {"climate-chamber": 1},
                "after": [build],
            }
        )
        for k in range(rng.randint(2, 3)):
            tests.append(
                {
                    "id": f"{name}-abuse-{k}",
                    "name": rng.choice(["nail penetration", "overcharge", "external short", "thermal ramp"]),
                    "duration": f"{rng.randint(2, 6)}d",
                    "calendar": "workdays",
                    "uses": {"bunker": 1},
                    "after": [build],
                }
            )
        tests.append(
            {
                "id": f"{name}-final-report",
                "duration": "10d",
                "calendar": "workdays",
                "after": [{"on": f"{name}-cycle-0", "type": "end", "lag": "1w"}],
            }
        )
    elif rung in ("module", "pack"):
        tests.append(
            {
                "id": f"{name}-vibration",
                "duration": f"{rng.randint(10, 30)}d",
                "uses": {"shaker": 1},
                "after": [build],
            }
        )
        tests.append(
            {
                "id": f"{name}-thermal-cycling",
                "duration": f"{rng.randint(4, 8)}w",
                "uses": {"climate-chamber": 1},
                "after": [build],
            }
        )
        tests.append(
            {
                "id": f"{name}-cycle-life",
                "cycles": {"count": rng.choice([500, 1000]), "charge_c": 0.5, "discharge_c": 1.0, "rest_h": 0.5},
                "uses": {"cycler-channel": rng.choice([4, 8]), "climate-chamber": 1},
                "after": [build],
            }
        )
        tests.append(
            {
                "id": f"{name}-abuse",
                "duration": f"{rng.randint(3, 8)}d",
                "calendar": "workdays",
                "uses": {"bunker": 1},
                "after": [f"{name}-vibration"],
            }
        )
        if rung == "pack":
            tests.append(
                {
                    "id": f"{name}-emc",
                    "duration": f"{rng.randint(5, 15)}d",
                    "calendar": "workdays",
                    "uses": {"emc-lab": 1},
                    "after": [build],
                }
            )
    else:  # vehicle campaigns in windows
        for window, length in (
            ("winter", rng.randint(20, 45)),
            ("summer", rng.randint(20, 40)),
            ("proving-ground", rng.randint(10, 25)),
        ):
            tests.append(
                {
                    "id": f"{name}-{window}",
                    "name": f"vehicle {window} campaign",
                    "duration": f"{length}d",
                    "window": window,
                    "uses": {"test-vehicle": 1},
                    "after": [build],
                }
            )
        tests.append(
            {
                "id": f"{name}-road-endurance",
                "duration": f"{rng.randint(2, 5)}mo",
                "uses": {"test-vehicle": 1},
                "after": [{"on": build, "lag": "1w"}],
            }
        )
    return tests


def _with_due_dates(plan: Plan, rng: random.Random) -> Plan:
    """Due dates a random margin (0 to 25 %) after each milestone's resource-free earliest date;
    resources no task uses are dropped (a small plan may not reach the vehicle rung)."""
    problem = compile_plan(plan)
    early = earliest_times(problem)
    document = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    used = {name for task in plan.tasks for name in task.uses}
    document["resources"] = {name: spec for name, spec in document["resources"].items() if name in used}
    for milestone in document["milestones"]:
        if "at" in milestone:
            continue
        day = early.start[milestone["id"]]
        if day is None:
            continue
        margin = int(day * rng.uniform(0.0, 0.25))
        milestone["due"] = (plan.start + dt.timedelta(days=day + margin)).isoformat()
    return Plan.model_validate(document)


def plan_yaml(plan: Plan) -> str:
    """The plan as a YAML document (format 1)."""
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 120
    buffer = io.StringIO()
    yaml.dump(
        plan.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True) | {"qualplan": 1}, buffer
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_tasks", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--lab", type=float, default=0.5, help="lab units per programme (default 0.5; 0.25 is contended)"
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = plan_yaml(generate_plan(args.n_tasks, args.seed, lab_per_programme=args.lab))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
