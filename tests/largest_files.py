"""The largest plan files the loader accepts, and small files built to be costly: shared by the
loader's and the checks' tests (which check what they report) and ``benchmarks/validate_speed.py
--largest``, which measures how long they take (timing belongs in the benchmark, not in a unit
test on a shared machine)."""

from __future__ import annotations

import datetime as dt

from plan_factory import make_problem
from qualplan.loader import MAX_BYTES
from qualplan.problem import Problem
from qualplan.result import Schedule

HEAD = "qualplan: 1\nid: big\nstart: 2026-01-05\ntasks:\n"

#: name -> the body of the ``tasks:`` list
BODIES = {
    # the densest YAML under the size cap: too many nodes
    "dense-list": "[" + "1, " * 80_000 + "1]",
    # just under the node cap, and every item wrong
    "all-wrong": "[" + "x, " * 24_000 + "1]",
    # 1200 valid tasks in one dependency chain
    "many-tasks": "\n".join(f"- id: t{i}\n  duration: {i % 9 + 1}w\n  after: [t{i - 1}]" for i in range(1, 1200)),
}


def largest_file(name: str) -> str:
    """The plan text of one of ``BODIES``."""
    return HEAD + "\n".join("  " + line for line in BODIES[name].splitlines())


_DEMO = "qualplan: 1\nid: demo\nstart: 2026-01-05\n"


def _alias_bomb() -> str:
    lines = ["qualplan: 1", "id: bomb", "start: 2026-01-05", "l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    lines.append("tasks: [*l11]")
    return "\n".join(lines)


def _window_slots() -> str:
    slots = "".join(f"      - {dt.date(2026, 1, 5) + dt.timedelta(days=2 * i)}\n" for i in range(1400))
    tasks = "".join(
        f"  - {{id: t{i}, duration: {i % 40 + 2}d, window: slots, not_before: "
        f"{dt.date(2026, 1, 5) + dt.timedelta(days=i)}}}\n"
        for i in range(1500)
    )
    return _DEMO + "windows:\n  slots:\n    dates:\n" + slots + "tasks:\n" + tasks


#: name -> a whole plan text that is cheap to write and must stay cheap to refuse or check
#: (each target: under a second of CPU).
COSTLY = {
    "over-the-size-cap": f"{_DEMO}tasks:\n  - id: build\n    duration: 2w\n# {'x' * MAX_BYTES}\n",
    "alias-bomb": _alias_bomb(),
    "holidays-over-centuries": _DEMO
    + "calendars:\n  w: {holidays: [1900-01-01..9999-12-30]}\ntasks:\n  - {id: a, duration: 2w}\n",
    "overlapping-holidays": _DEMO
    + "calendars:\n  w:\n    holidays:\n"
    + "      - 2026-01-06..2034-01-01\n" * 8000
    + "tasks:\n  - {id: a, duration: 2d, calendar: w}\n",
    "window-slots": _window_slots(),
}


def thousand_task_schedule() -> tuple[Problem, Schedule]:
    """A plan of 1000 tasks on one cycler over eight years, and a schedule that overloads it on
    many days: what ``verify`` must check quickly (target: under a second)."""
    tasks = [{"id": f"t{k}", "duration": f"{1 + k % 90}d", "uses": {"cycler": 1 + k % 3}} for k in range(1000)]
    problem = make_problem(tasks, horizon="8y", resources={"cycler": {"capacity": 10}})
    return problem, Schedule({f"t{k}": (k * 37) % 2800 for k in range(1000)})
