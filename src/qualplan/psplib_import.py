"""PSPLIB single-mode RCPSP instances (``.sm``) as plans of format 1.

PSPLIB (Kolisch & Sprecher) is the standard public test of a resource-constrained
project scheduler. Converting its instances into ordinary plan files lets
``qualplan check`` solve them like any other plan, with the same solver core, so
the benchmark measures exactly what users get.

The time models line up without any offset. PSPLIB activity ``j`` with duration
``d`` starting at time ``S`` runs over ``[S, S+d)``; as a plan task starting on
day ``S`` it occupies days ``S .. S+d-1``, and a finish-to-start successor may
start on day ``S+d`` at the earliest, exactly PSPLIB's rule. PSPLIB's dummy
source (job 1) becomes a milestone fixed at the plan start, which its successors
follow with a start-to-start link of lag 0 (so they may start on day 0, as in
PSPLIB). The dummy sink (job n) becomes a milestone after the last jobs; its
date is the last day any job works, so the plan spans ``makespan`` days, and
the sink's PSPLIB start time is its date + 1.

The file is read with the ``psplib`` package rather than a parser of our own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from pydantic import ValidationError

from qualplan.model import FORMAT_VERSION, After, Plan

#: Every imported plan starts on this day, so the same file always gives the same plan.
PSPLIB_START = dt.date(2026, 1, 5)
#: The milestone that stands for PSPLIB's dummy source activity (job 1).
SOURCE_ID = "project-start"
#: The milestone that stands for PSPLIB's dummy sink activity (the last job).
SINK_ID = "project-end"


class PsplibError(ValueError):
    """A file this importer cannot convert; the message names the file and says why."""


def task_id(job: int) -> str:
    """The plan id of PSPLIB job number ``job`` (1-based, as in the file)."""
    return f"job-{job}"


def resource_id(index: int) -> str:
    """The plan id of PSPLIB resource ``R{index+1}``."""
    return f"r{index + 1}"


def plan_from_psplib(path: Path) -> Plan:
    """Read a PSPLIB single-mode ``.sm`` file and return the equivalent plan.

    Raises ``PsplibError`` (with the file name and the reason) for a file that is
    not a single-mode, renewable-only PSPLIB instance with dummy source and sink.
    """
    import psplib  # only this command needs it; keeps `qualplan --help` light

    path = Path(path)
    try:
        instance = psplib.parse(path, instance_format="psplib")
    except OSError as error:
        raise PsplibError(f"{path}: cannot read the file ({error.strerror or error})") from None
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise PsplibError(
            f"{path}: not a PSPLIB single-mode .sm file ({error}); expected the sections "
            "PRECEDENCE RELATIONS, REQUESTS/DURATIONS and RESOURCEAVAILABILITIES"
        ) from None
    _check_instance(path, instance)
    return _build_plan(path, instance)


def _check_instance(path: Path, instance) -> None:
    """Refuse what a plan of format 1 cannot say, naming the job or resource at fault."""
    activities = instance.activities
    count = len(activities)
    if count < 3:
        raise PsplibError(f"{path}: {count} jobs; a PSPLIB instance has a dummy source, real jobs and a dummy sink")
    for index, resource in enumerate(instance.resources):
        if not resource.renewable:
            raise PsplibError(
                f"{path}: resource {index + 1} is non-renewable; only renewable resources (R) can be imported"
            )
    for job, activity in enumerate(activities, start=1):
        if activity.num_modes != 1:
            raise PsplibError(
                f"{path}: job {job} has {activity.num_modes} modes; only single-mode instances (.sm) can be imported"
            )
        mode = activity.modes[0]
        dummy = job in (1, count)
        if dummy and (mode.duration != 0 or any(mode.demands)):
            role = "source" if job == 1 else "sink"
            raise PsplibError(
                f"{path}: job {job} is PSPLIB's dummy {role} and must have duration 0 and no resource demand"
            )
        if not dummy and mode.duration < 1:
            raise PsplibError(
                f"{path}: job {job} has duration {mode.duration}; a plan task lasts at least 1 day "
                "(only the dummy source and sink may last 0)"
            )
        for index, (demand, resource) in enumerate(zip(mode.demands, instance.resources, strict=True)):
            if demand > resource.capacity:
                raise PsplibError(
                    f"{path}: job {job} needs {demand} units of resource {index + 1}, "
                    f"which has only {resource.capacity}"
                )
        for successor in activity.successors:
            # PSPLIB numbers jobs so that successors come later; this also rules out cycles.
            if not job < successor + 1 <= count:
                raise PsplibError(
                    f"{path}: job {job} lists successor {successor + 1}; successors must be later jobs (up to {count})"
                )


def _build_plan(path: Path, instance) -> Plan:
    activities = instance.activities
    count = len(activities)
    sink = count - 1  # 0-based index of the dummy sink
    predecessors: list[list[int]] = [[] for _ in activities]
    for index, activity in enumerate(activities):
        for successor in activity.successors:
            predecessors[successor].append(index)

    def after(index: int) -> list[dict]:
        entries = []
        for pred in sorted(predecessors[index]):
            if pred == 0:
                entries.append({"on": SOURCE_ID, "type": "start"})  # may start on day 0, as in PSPLIB
            else:
                entries.append({"on": task_id(pred + 1)})
        return entries

    tasks = []
    for index in range(1, sink):
        mode = activities[index].modes[0]
        task: dict = {"id": task_id(index + 1), "duration": f"{mode.duration}d"}
        uses = {resource_id(k): demand for k, demand in enumerate(mode.demands) if demand}
        if uses:
            task["uses"] = uses
        entries = after(index)
        if entries:
            task["after"] = entries
        tasks.append(task)

    # The sink must follow every job: its PSPLIB predecessors, and any job the file left without successors.
    leaves = {index for index in range(1, sink) if not activities[index].successors}
    sink_after = [{"on": task_id(pred + 1)} for pred in sorted(set(predecessors[sink]) - {0} | leaves)]

    data = {
        "qualplan": FORMAT_VERSION,
        "id": _plan_id(path),
        "title": f"PSPLIB {path.name}: {count - 2} jobs, {len(instance.resources)} renewable resources",
        "start": PSPLIB_START,
        # PSPLIB's own horizon: the sum of all durations, the length of the serial schedule.
        "horizon": f"{sum(activity.modes[0].duration for activity in activities)}d",
        "resources": {resource_id(k): {"capacity": resource.capacity} for k, resource in enumerate(instance.resources)},
        "tasks": tasks,
        "milestones": [
            {"id": SOURCE_ID, "at": PSPLIB_START},
            {"id": SINK_ID, "after": sink_after},
        ],
    }
    try:
        return Plan.model_validate(data)
    except ValidationError as error:  # a bug in this module, not bad input: the checks above cover the input
        raise RuntimeError(f"the plan built from {path} does not validate: {error}") from error


def _plan_id(path: Path) -> str:
    """A plan id (slug) from the file name: ``j301_1.sm`` -> ``j301_1``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._")
    return slug or "psplib"


# --- YAML text -------------------------------------------------------------------------


def plan_yaml(plan: Plan, source: Path | None = None) -> str:
    """The plan as YAML text of format 1, one task per line, deterministic.

    Written by hand rather than by a YAML library so that the file reads like the
    hand-written plans (flow-style tasks, ids unquoted) and is byte-identical for
    the same input. Covers the keys ``plan_from_psplib`` produces.
    """
    lines = []
    if source is not None:
        lines.append(f"# PSPLIB {source.name}, converted by `qualplan import psplib`.")
    lines += [
        f"# PSPLIB job 1 (source) is milestone {SOURCE_ID}, the last job (sink) is milestone {SINK_ID},",
        "# job N is task job-N, resource RK is rK. Durations are days; the plan spans the PSPLIB makespan.",
        f"qualplan: {plan.qualplan}",
        f"id: {plan.id}",
    ]
    if plan.title is not None:
        lines.append(f"title: {json.dumps(plan.title, ensure_ascii=False)}")
    lines += [f"start: {plan.start.isoformat()}", f"horizon: {plan.horizon.text}"]
    if plan.resources:
        lines.append("resources:")
        lines += [f"  {name}: {{capacity: {resource.capacity}}}" for name, resource in plan.resources.items()]
    lines.append("tasks:")
    for task in plan.tasks:
        if task.duration is None:
            raise ValueError(f"task {task.id} has no 'duration'; plan_yaml writes the plans plan_from_psplib builds")
        fields = [f"id: {task.id}", f"duration: {task.duration.text}"]
        if task.uses:
            fields.append("uses: {" + ", ".join(f"{name}: {units}" for name, units in task.uses.items()) + "}")
        if task.after:
            fields.append(f"after: {_after_text(task.after)}")
        lines.append("  - {" + ", ".join(fields) + "}")
    if plan.milestones:
        lines.append("milestones:")
        for milestone in plan.milestones:
            fields = [f"id: {milestone.id}"]
            if milestone.at is not None:
                fields.append(f"at: {milestone.at.isoformat()}")
            if milestone.after:
                fields.append(f"after: {_after_text(milestone.after)}")
            lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def _after_text(entries: list[After]) -> str:
    """``[job-2, {on: project-start, type: start}]``: bare ids where the entry is a plain finish-to-start."""
    items = []
    for entry in entries:
        if entry.type == "finish" and entry.lag.days == 0:
            items.append(entry.on)
        else:
            parts = [f"on: {entry.on}", f"type: {entry.type}"]
            if entry.lag.days:
                parts.append(f"lag: {entry.lag.text}")
            items.append("{" + ", ".join(parts) + "}")
    return "[" + ", ".join(items) + "]"
