"""Read an MS Project XML file with MPXJ and print what the tests check, as JSON.

MPXJ (Java, through JPype) is an independent reader of MSPDI; it also carries
``MicrosoftScheduler``, a re-implementation of MS Project's scheduling, so the
tests can ask "what dates would MS Project compute from this file?".

Run as a separate process so the Java virtual machine never lives inside the
pytest process: ``python tests/mpxj_reader.py DAYS [--drop-constraints] FILE...``
prints a JSON list, one object per file. Starting the JVM takes seconds, so the
tests keep one reader running (``--serve``): it reads one request per line on
stdin, ``{"paths": [...], "days": N, "drop_constraints": false}``, and answers
each with one line, ``{"projects": [...]}`` or ``{"error": "..."}``. Each file's
object holds:
``tasks`` (as read), ``calendars`` (the working flag of every day from the
project start for ``DAYS`` days), ``resources``, ``assignments`` and
``scheduled`` (each task's start and finish after ``MicrosoftScheduler``
re-schedules the file from its own start date; or, with ``--drop-constraints``,
after every constraint is removed first, so only links and calendars act).
"""

from __future__ import annotations

import json
import sys


def main(paths: list[str], days: int, drop_constraints: bool) -> None:
    start_java()
    json.dump([read(path, days, drop_constraints) for path in paths], sys.stdout)


def serve() -> None:
    """Answer requests from stdin until it closes (see the module docstring)."""
    start_java()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            days, drop = request["days"], request["drop_constraints"]
            answer = {"projects": [read(path, days, drop) for path in request["paths"]]}
        except Exception as error:  # a Java exception reaches the test as its message, the reader goes on
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def start_java() -> None:
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on the class path

    # A reader lives for a few dozen small reads: the C1 compiler alone and one GC thread halve the
    # JVM's CPU time (13.1 to 5.7 s for twelve bundled-plan files, 7.0 to 5.1 s of wall time), which
    # the optimising C2 compiler and the parallel collector spend on a long run that never comes.
    jpype.startJVM("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def read(path: str, days: int, drop_constraints: bool) -> dict:
    """Everything the tests check in one file (see the module docstring)."""
    from java.time import LocalDate  # type: ignore[import-not-found]
    from org.mpxj import ConstraintType  # type: ignore[import-not-found]
    from org.mpxj.cpm import MicrosoftScheduler  # type: ignore[import-not-found]
    from org.mpxj.reader import UniversalProjectReader  # type: ignore[import-not-found]

    project = UniversalProjectReader().read(path)
    start = project.getProjectProperties().getStartDate()

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    def duration(value: object) -> list | None:
        return None if value is None else [float(value.getDuration()), str(value.getUnits().name())]

    tasks = []
    for task in project.getTasks():
        if task.getUniqueID() is None or task.getName() is None:
            continue
        tasks.append(
            {
                "uid": int(task.getUniqueID()),
                "qualplan_id": text(task.getText(1)),
                "name": text(task.getName()),
                "outline_level": int(task.getOutlineLevel()),
                "summary": bool(task.getSummary()),
                "milestone": bool(task.getMilestone()),
                "parent": text(task.getParentTask().getName()) if task.getParentTask() is not None else None,
                "start": text(task.getStart()),
                "finish": text(task.getFinish()),
                "duration": duration(task.getDuration()),
                "constraint": text(task.getConstraintType().name()) if task.getConstraintType() else None,
                "constraint_date": text(task.getConstraintDate()),
                "deadline": text(task.getDeadline()),
                "percent_complete": float(task.getPercentageComplete() or 0),
                "actual_start": text(task.getActualStart()),
                "actual_finish": text(task.getActualFinish()),
                "actual_duration": duration(task.getActualDuration()),
                "remaining_duration": duration(task.getRemainingDuration()),
                "calendar": text(task.getCalendar().getName()) if task.getCalendar() is not None else None,
                "ignore_resource_calendar": bool(task.getIgnoreResourceCalendar()),
                "notes": text(task.getNotes()),
                "predecessors": [
                    {
                        "uid": int(relation.getPredecessorTask().getUniqueID()),
                        "type": str(relation.getType().name()),
                        "lag": duration(relation.getLag()),
                    }
                    for relation in task.getPredecessors()
                ],
            }
        )

    first = LocalDate.of(start.getYear(), start.getMonthValue(), start.getDayOfMonth())
    calendars = {}
    for calendar in project.getCalendars():
        calendars[str(calendar.getName())] = {
            "default": calendar == project.getDefaultCalendar(),
            "working": [bool(calendar.isWorkingDate(first.plusDays(day))) for day in range(days)],
        }

    resources = []
    for resource in project.getResources():
        if resource.getName() is None:
            continue
        resources.append(
            {
                "name": str(resource.getName()),
                "type": str(resource.getType().name()),
                "max_units": float(resource.getMaxUnits()),
                "availability": [
                    [text(entry.getRange().getStart()), text(entry.getRange().getEnd()), float(entry.getUnits())]
                    for entry in resource.getAvailability()
                ],
            }
        )
    assignments = [
        {
            "task": text(assignment.getTask().getText(1)),
            "resource": text(assignment.getResource().getName()),
            "units": float(assignment.getUnits()),
        }
        for assignment in project.getResourceAssignments()
    ]

    if drop_constraints:
        for task in project.getTasks():
            task.setConstraintType(ConstraintType.AS_SOON_AS_POSSIBLE)
            task.setConstraintDate(None)
    MicrosoftScheduler().schedule(project, start)
    scheduled = {
        str(task.getText(1)): [text(task.getStart()), text(task.getFinish())]
        for task in project.getTasks()
        if task.getText(1) is not None
    }
    return {
        "start": text(start),
        "status_date": text(project.getProjectProperties().getStatusDate()),
        "tasks": tasks,
        "calendars": calendars,
        "resources": resources,
        "assignments": assignments,
        "scheduled": scheduled,
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
        raise SystemExit(0)
    arguments = sys.argv[2:]
    drop = "--drop-constraints" in arguments
    main([argument for argument in arguments if argument != "--drop-constraints"], int(sys.argv[1]), drop)
