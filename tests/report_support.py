"""A real schedule for renderer tests, obtained without the solver.

For a plan without resources the CPM earliest times (``graph.earliest_times``)
are an optimal schedule, so the renderers can be tested on true dates while
the solver is not involved.
"""

from __future__ import annotations

from typing import Any

from plan_factory import make_problem
from qualplan.graph import earliest_times
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict

INJECTED = "</script><script>document.title='pwned'</script>"


def earliest_result(problem: Problem) -> SolveResult:
    """The earliest-times schedule of a resource-free problem as a proven solve result."""
    times = earliest_times(problem)
    schedule = Schedule(starts={task: times.start[task] for task in problem.tasks})
    lateness = 0
    for milestone in problem.milestones.values():
        date = times.start[milestone.id]
        if milestone.due is not None and date is not None:
            lateness += milestone.priority * max(0, date - milestone.due)
    verdict = Verdict.MISSED if lateness else Verdict.MET
    return SolveResult(problem, SolveStatus.OPTIMAL, verdict, True, schedule, lateness, lateness, 0.0)


def ladder_problem(**overrides: Any) -> Problem:
    """Cell -> module -> pack, one weekday-calendar task, one windowed task, a late and a met milestone.

    Day 0 is Monday 2026-01-05. Earliest times (the 2025/26 winter closes on 03-10, before
    the module is done, so the pack waits for the next winter):
      cell-build   2026-01-05 .. 2026-01-14 (10 d)
      cell-cycle   2026-01-15 .. 2026-02-13 (30 d), standard with ':' '#' ';'
      module-abuse 2026-01-15 .. 2026-04-08 (60 working days, Mon-Fri)
      pack-winter  2026-12-15 .. 2027-01-13 (30 d, window 12-15..03-10)
      cells-done   2026-02-13 (due 2026-03-01: met)
      sop          2027-01-13 (due 2026-12-31: 13 days late)
    """
    tasks = [
        {"id": "cell-build", "name": "Build 10Ah cells", "stage": "cell", "duration": "10d"},
        {
            "id": "cell-cycle",
            "name": "Cycle life: 1000 cycles; 25 °C #1",
            "stage": "cell",
            "duration": "30d",
            "after": ["cell-build"],
            "standard": "GB/T 31484-2015 6.4",
        },
        {
            "id": "module-abuse",
            "name": "Section 5 abuse tests",
            "stage": "module",
            "duration": "60d",
            "after": ["cell-build"],
            "calendar": "workdays",
        },
        {
            "id": "pack-winter",
            "name": "Pack cold-climate test",
            "stage": "pack",
            "duration": "30d",
            "after": ["module"],
            "window": "winter",
        },
    ]
    top: dict[str, Any] = {
        "title": "Ladder plan",
        "stages": [
            {"id": "cell", "name": "10Ah cell"},
            {"id": "module", "name": "Module"},
            {"id": "pack", "name": "Pack"},
        ],
        "calendars": {"workdays": {"weekends": ["sat", "sun"]}},
        "windows": {"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
        "milestones": [
            {"id": "cells-done", "name": "Cells qualified", "after": ["cell"], "due": "2026-03-01"},
            {"id": "sop", "name": "Start of production", "after": ["pack"], "due": "2026-12-31", "priority": 2},
        ],
    }
    top.update(overrides.pop("top", {}))
    for task in tasks:
        task.update(overrides.get(task["id"], {}))
    return make_problem(tasks, **top)
