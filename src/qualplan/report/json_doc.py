"""``check --format json``: the document plan-format.md specifies, for scripts and CI.

The spec's keys come first, in the spec's order (``format``, ``plan``,
``verdict``, ``proven``, ``milestones``, ``tasks``), then the keys qualplan adds
(``file``, ``status``, ``stopped_by``, ``lateness``, ``lateness_bound``,
``conflicts``; ``name`` and ``priority`` on milestones; ``name`` and ``stage`` on
tasks). The progress keys of the second wave (top-level ``status_date``, ``state``
on tasks and milestones) come last in their record. Nothing in it depends on the
clock (no wall time), so the same plan, seed and workers give the same bytes on
every run that a proof or the work budget ends (``stopped_by`` ``proof`` or
``work``); ``clock`` says that the wall-clock deadline cut the search short, and a
rerun may differ.

The module is called ``json_doc`` rather than ``json`` so that nobody reading
``import json`` next to it has to wonder which one they got.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualplan.model import FORMAT_VERSION
from qualplan.result import SolveResult, schedule_times


def document(result: SolveResult, path: Path | None = None) -> dict[str, Any]:
    """The JSON document of one plan's result, as plain Python values (dates as ISO text)."""
    problem = result.problem
    plan = problem.plan
    milestones = []
    for outcome in result.milestone_outcomes():
        milestone = plan.milestone(outcome.id)
        milestones.append(
            {
                "id": outcome.id,
                "due": _iso(outcome.due),
                "date": _iso(outcome.date),
                "late_days": outcome.late_days,
                "met": outcome.met,
                "name": milestone.name,
                "priority": milestone.priority,
                "state": milestone.state,
            }
        )
    times = schedule_times(problem, result.schedule) if result.schedule is not None else None
    tasks = []
    for task in plan.tasks:
        start = times.start[task.id] if times is not None else None
        end = times.end[task.id] if times is not None else None
        scheduled = start is not None and end is not None
        tasks.append(
            {
                "id": task.id,
                "start": _iso(problem.date(start)) if scheduled else None,
                "end": _iso(problem.date(end)) if scheduled else None,
                "duration_days": end - start + 1 if scheduled else None,  # elapsed days, weekends included
                "uses": dict(task.uses),
                "name": task.name,
                "stage": task.stage,
                "state": task.state,
            }
        )
    return {
        "format": FORMAT_VERSION,
        "plan": plan.id,
        "verdict": result.verdict.value,
        "proven": result.proven,
        "milestones": milestones,
        "tasks": tasks,
        "file": None if path is None else path.as_posix(),
        "status": result.status.value,
        "stopped_by": result.stopped_by.value,
        "lateness": result.lateness,
        "lateness_bound": result.lateness_bound,
        "conflicts": list(result.conflicts),
        "status_date": _iso(plan.status_date),
    }


def dumps(value: Any) -> str:
    """JSON text as every qualplan command writes it: indent 2, UTF-8 kept, one trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def render(result: SolveResult, path: Path | None = None) -> str:
    """One plan's document as JSON text."""
    return dumps(document(result, path))


def render_many(documents: list[dict[str, Any]]) -> str:
    """Several plans' documents as one JSON array (what ``check`` prints for more than one plan file)."""
    return dumps(documents)


def _iso(day: Any) -> str | None:
    return None if day is None else day.isoformat()
