"""``export --to mspdi``: the scheduled plan as MS Project XML (MSPDI, the 2010 schema).

What MS Project gets, and why it keeps qualplan's dates:

- **Time of day.** qualplan counts whole days. In the file a working day is
  08:00-12:00 and 13:00-17:00 (480 minutes, MS Project's standard day): a task
  starts at 08:00 of its first day and finishes at 17:00 of its last day; a
  milestone, reached at the close of its date, sits at 17:00 of that date.
- **Calendars.** qualplan tasks without a calendar run every day, so the
  project calendar is "Every day (qualplan)", all seven days working. Each plan
  calendar becomes a base calendar with its weekend days non-working and one
  exception per run of holidays (or make-up working days) inside the horizon;
  a task with a calendar gets it as its task calendar, ignoring resource
  calendars. Durations are in days of 480 minutes of that calendar, so an
  8-working-day task in MS Project is an 8-working-day task in qualplan.
- **Links and lags.** Lags in qualplan are calendar days, so every lag is
  elapsed time (``LagFormat`` 8, ``edays``; ``LinkLag`` in tenths of a minute,
  14,400 per day): elapsed lags ignore weekends and holidays, as qualplan's do.
  MS Project starts a successor at the first working moment after
  ``predecessor finish + lag``, which is 08:00 of the next day, so its
  finish-to-start link with lag L is qualplan's ``start >= end + 1 + L``
  exactly; start-to-start and finish-to-finish carry L unchanged. Two links
  between a milestone and a task's start need the 9 hours between 08:00 and
  17:00 (``LagFormat`` 6, elapsed hours): start-to-start from a task into a
  milestone gets ``L days + 9 h`` (the milestone lands at 17:00 of
  ``start + L``), and start-to-start from a milestone into a task gets
  ``L days - 9 h`` (from 17:00 of the date back to 08:00 of ``date + L``).
  A stage named in ``after`` becomes one link per task of the stage, as the
  format defines it (a link to MS Project's summary task would mean something
  else for start-to-start). MS Project holds one link per pair of tasks: when
  the plan has several (start-to-start and finish-to-finish on the same test),
  the one that binds in qualplan's schedule is kept and the others are listed
  in the task's notes.
- **Dates.** qualplan's schedule also honours lab capacity and seasonal windows,
  which MS Project does not model, so every task and milestone carries the
  constraint *Start No Earlier Than* its start in qualplan's schedule (a fixed
  ``at`` milestone: *Must Start On*). The links still hold in MS Project: if a
  test slips there, everything after it moves; nothing moves earlier than the
  date qualplan proved feasible.
- **Progress.** A plan with a ``status_date`` gives the project its *Status
  Date* (08:00 of that day: the days before it are the past). A done task gets
  its actual start and finish and 100 % complete; a running task its actual
  start and the share of its days before the status date as % complete (never
  100 % while it runs); a reached milestone is 100 % complete at its date; a
  stage, the share of its tasks' days that are done, as MS Project rolls it up.
  A started task's duration is its span in calendar days (qualplan counts it so,
  ``actuals.py``), so actual and remaining duration are whole days of it.

The writer is a pure function of a ``SolveResult``; the bytes depend only on
the plan and its schedule (no clock, no random ids), so the same plan and seed
give the same file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from qualplan.graph import Times
from qualplan.model import WEEKDAYS, Plan
from qualplan.problem import Link, Problem
from qualplan.report.export_fields import LINK_TYPE_WORDS, xml_text
from qualplan.result import SolveResult, schedule_times

NAMESPACE = "http://schemas.microsoft.com/project"
SAVE_VERSION = 14  # MS Project 2010's XML schema, read by 2010 and every later version
EVERY_DAY_CALENDAR = "Every day (qualplan)"
DAY_START = dt.time(8)
DAY_FINISH = dt.time(17)
WORKING_TIMES = ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17)))
MINUTES_PER_DAY = 480
NAME_LIMIT = 512  # the schema's maxLength for task and resource names

# Codes of the MSPDI schema.
LINK_TYPE = {"end": 0, "finish": 1, "start": 3}  # FF, FS, SS (2 would be SF)
LAG_ELAPSED_HOURS = 6
LAG_ELAPSED_DAYS = 8
DURATION_DAYS = 7
TASK_TYPE_FIXED_DURATION = 1
CONSTRAINT_MUST_START_ON = 2
CONSTRAINT_START_NO_EARLIER_THAN = 4
RESOURCE_TYPE_WORK = 1
TEXT1_FIELD_ID = "188743731"  # the task field Text1, which carries the qualplan id

TENTHS_PER_HOUR = 600
TENTHS_PER_DAY = 24 * TENTHS_PER_HOUR
#: 08:00 to 17:00: from a task's start time to a milestone's time on the same day.
MILESTONE_OFFSET_TENTHS = 9 * TENTHS_PER_HOUR


@dataclass(frozen=True)
class Row:
    """One line of the MS Project task sheet: a stage summary, a task or a milestone."""

    kind: str  # "stage", "task" or "milestone"
    id: str
    name: str
    level: int
    outline: str
    uid: int


def link_lag(link: Link, problem: Problem) -> tuple[int, int]:
    """``(LinkLag in tenths of a minute, LagFormat)`` that makes MS Project enforce ``link`` exactly.

    See the module docstring for the arithmetic; lags are elapsed time because
    qualplan's lags are calendar days.
    """
    pred_is_milestone = link.pred in problem.milestones
    succ_is_milestone = link.succ in problem.milestones
    tenths = link.lag * TENTHS_PER_DAY
    if link.type == "start" and not pred_is_milestone and succ_is_milestone:
        return tenths + MILESTONE_OFFSET_TENTHS, LAG_ELAPSED_HOURS
    if link.type == "start" and pred_is_milestone and not succ_is_milestone:
        return tenths - MILESTONE_OFFSET_TENTHS, LAG_ELAPSED_HOURS
    return tenths, LAG_ELAPSED_DAYS


def kept_links(problem: Problem, times: Times | None) -> tuple[list[Link], dict[str, list[Link]]]:
    """The links MS Project gets (one per pair of nodes), and the others by successor.

    Among several links between the same two nodes the one with the least slack
    in the schedule is kept (it is the one that sets the date); without a
    schedule, the first in plan order. Ties keep the first in plan order.
    """
    by_pair: dict[tuple[str, str], list[Link]] = {}
    for link in problem.links:
        by_pair.setdefault((link.pred, link.succ), []).append(link)
    kept: list[Link] = []
    dropped: dict[str, list[Link]] = {}
    for links in by_pair.values():
        best = links[0] if times is None else min(links, key=lambda link: _slack(problem, link, times))
        kept.append(best)
        for link in links:
            if link is not best:
                dropped.setdefault(link.succ, []).append(link)
    return kept, dropped


def _slack(problem: Problem, link: Link, times: Times) -> int:
    """Days the successor could move earlier before ``link`` would stop it (format 1 rules)."""
    pred_start, pred_end = times.start[link.pred], times.end[link.pred]
    succ_start, succ_end = times.start[link.succ], times.end[link.succ]
    if None in (pred_start, pred_end, succ_start, succ_end):
        return 0
    if link.type == "finish":
        gap = 0 if link.succ in problem.milestones else 1
        return succ_start - (pred_end + gap + link.lag)
    if link.type == "start":
        return succ_start - (pred_start + link.lag)
    return succ_end - (pred_end + link.lag)


def outline(plan: Plan) -> list[Row]:
    """The task sheet: each stage (in plan order) as a summary over its tasks, then loose tasks, then milestones.

    Stages without tasks are left out: MS Project has no empty summary tasks.
    """
    rows: list[Row] = []

    def add(kind: str, node_id: str, name: str, level: int, number: str) -> None:
        rows.append(Row(kind, node_id, name, level, number, len(rows) + 1))

    top = 0
    staged = set()
    for stage in plan.stages:
        members = [task for task in plan.tasks if task.stage == stage.id]
        if not members:
            continue
        top += 1
        add("stage", stage.id, stage.name or stage.id, 1, str(top))
        for index, task in enumerate(members, start=1):
            add("task", task.id, task.name or task.id, 2, f"{top}.{index}")
            staged.add(task.id)
    for task in plan.tasks:
        if task.id not in staged:
            top += 1
            add("task", task.id, task.name or task.id, 1, str(top))
    for milestone in plan.milestones:
        top += 1
        add("milestone", milestone.id, milestone.name or milestone.id, 1, str(top))
    return rows


def render(result: SolveResult) -> bytes:
    """The MSPDI document of ``result`` as UTF-8 bytes."""
    problem = result.problem
    plan = problem.plan
    times = schedule_times(problem, result.schedule) if result.schedule is not None else None
    rows = outline(plan)
    calendar_uids = {name: index for index, name in enumerate(plan.calendars, start=2)}
    resource_calendar_uids = {name: index for index, name in enumerate(plan.resources, start=len(calendar_uids) + 2)}

    root = ET.Element("Project", xmlns=NAMESPACE)
    _project_header(root, result, times)
    calendars = ET.SubElement(root, "Calendars")
    _every_day_calendar(calendars)
    for name, uid in calendar_uids.items():
        _plan_calendar(calendars, problem, name, uid)
    for name, uid in resource_calendar_uids.items():
        _resource_calendar(calendars, name, uid)
    _tasks(ET.SubElement(root, "Tasks"), result, rows, times, calendar_uids)
    _resources(ET.SubElement(root, "Resources"), problem, resource_calendar_uids)
    _assignments(ET.SubElement(root, "Assignments"), problem, rows, times)

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n").encode("utf-8")


# --- the project ---------------------------------------------------------------------


def _project_header(root: ET.Element, result: SolveResult, times: Times | None) -> None:
    plan = result.problem.plan
    _add(root, "SaveVersion", SAVE_VERSION)
    _add(root, "Title", _name(plan.title or plan.id))
    _add(root, "Subject", f"qualplan plan {plan.id}: verdict {result.verdict.value}")
    _add(root, "ScheduleFromStart", 1)
    _add(root, "StartDate", _stamp(plan.start, DAY_START))
    if times is not None:
        last = max((day for day in times.end.values() if day is not None), default=0)
        _add(root, "FinishDate", _stamp(result.problem.date(last), DAY_FINISH))
    _add(root, "CalendarUID", 1)
    _add(root, "DefaultStartTime", DAY_START.isoformat())
    _add(root, "DefaultFinishTime", DAY_FINISH.isoformat())
    _add(root, "MinutesPerDay", MINUTES_PER_DAY)
    # qualplan's week is 7 days and its month 30: "1w" typed in MS Project then means what it means in a plan.
    _add(root, "MinutesPerWeek", 7 * MINUTES_PER_DAY)
    _add(root, "DaysPerMonth", 30)
    _add(root, "DefaultTaskType", TASK_TYPE_FIXED_DURATION)
    _add(root, "DurationFormat", DURATION_DAYS)
    _add(root, "NewTasksEffortDriven", 0)
    _add(root, "WeekStartDay", 1)
    if result.problem.status_day is not None:
        _add(root, "StatusDate", _stamp(result.problem.date(result.problem.status_day), DAY_START))
    _add(root, "NewTasksAreManual", 0)
    attributes = ET.SubElement(root, "ExtendedAttributes")
    text1 = ET.SubElement(attributes, "ExtendedAttribute")
    _add(text1, "FieldID", TEXT1_FIELD_ID)
    _add(text1, "FieldName", "Text1")
    _add(text1, "Alias", "qualplan id")


# --- calendars -----------------------------------------------------------------------


def _every_day_calendar(calendars: ET.Element) -> None:
    calendar = _calendar_head(calendars, 1, EVERY_DAY_CALENDAR, base=None)
    weekdays = ET.SubElement(calendar, "WeekDays")
    for day_type in range(1, 8):
        _weekday(weekdays, day_type, working=True)


def _plan_calendar(calendars: ET.Element, problem: Problem, name: str, uid: int) -> None:
    weekends = {WEEKDAYS.index(day) for day in problem.plan.calendars[name].weekends}
    calendar = _calendar_head(calendars, uid, name, base=None)
    weekdays = ET.SubElement(calendar, "WeekDays")
    for day_type in range(1, 8):
        _weekday(weekdays, day_type, working=_python_weekday(day_type) not in weekends)
    spans = calendar_exceptions(problem, name)
    # MS Project 2007 and later read <Exceptions>; the same spans as DayType 0 week days serve older readers.
    for first, last, working in spans:
        legacy = ET.SubElement(weekdays, "WeekDay")
        _add(legacy, "DayType", 0)
        _add(legacy, "DayWorking", int(working))
        _time_period(legacy, first, last)
        if working:
            _working_times(legacy)
    if spans:
        exceptions = ET.SubElement(calendar, "Exceptions")
        for first, last, working in spans:
            exception = ET.SubElement(exceptions, "Exception")
            _add(exception, "EnteredByOccurrences", 0)
            _time_period(exception, first, last)
            _add(exception, "Occurrences", 1)
            _add(exception, "Name", "working day" if working else "holiday")
            _add(exception, "Type", 1)
            _add(exception, "DayWorking", int(working))
            if working:
                _working_times(exception)


def calendar_exceptions(problem: Problem, name: str) -> list[tuple[dt.date, dt.date, bool]]:
    """Runs of days inside the horizon where calendar ``name`` departs from its weekly pattern.

    ``(first, last, working)``, by date. ``working`` False: holidays; a run
    spans the weekend days between holidays (``02-13..02-22`` stays one
    exception), and starts and ends on a day the week would have worked.
    ``working`` True: weekend days made working. Read from the compiled
    calendar, so every way a plan can make a day (non-)working is covered.
    """
    weekends = {WEEKDAYS.index(day) for day in problem.plan.calendars[name].weekends}
    mask = problem.calendars[name].mask
    first_weekday = problem.plan.start.weekday()

    def weekly(day: int) -> bool:
        return (first_weekday + day) % 7 not in weekends

    spans: list[tuple[dt.date, dt.date, bool]] = []
    day = 0
    while day < len(mask):
        end = day
        while end + 1 < len(mask) and mask[end + 1] == mask[day]:
            end += 1
        # [day, end] is a maximal run of equal days: its departures from the week, trimmed.
        departs = [each for each in range(day, end + 1) if weekly(each) != mask[each]]
        if mask[day]:
            # Made-working weekend days are not bridged over ordinary working days.
            runs: list[list[int]] = []
            for each in departs:
                if runs and runs[-1][-1] == each - 1:
                    runs[-1].append(each)
                else:
                    runs.append([each])
            spans.extend((problem.date(run[0]), problem.date(run[-1]), True) for run in runs)
        elif departs:
            spans.append((problem.date(departs[0]), problem.date(departs[-1]), False))
        day = end + 1
    return sorted(spans)


def _resource_calendar(calendars: ET.Element, name: str, uid: int) -> None:
    _calendar_head(calendars, uid, name, base=1)


def _calendar_head(calendars: ET.Element, uid: int, name: str, *, base: int | None) -> ET.Element:
    calendar = ET.SubElement(calendars, "Calendar")
    _add(calendar, "UID", uid)
    _add(calendar, "Name", _name(name))
    _add(calendar, "IsBaseCalendar", int(base is None))
    _add(calendar, "IsBaselineCalendar", 0)
    _add(calendar, "BaseCalendarUID", -1 if base is None else base)
    return calendar


def _weekday(weekdays: ET.Element, day_type: int, *, working: bool) -> None:
    weekday = ET.SubElement(weekdays, "WeekDay")
    _add(weekday, "DayType", day_type)
    _add(weekday, "DayWorking", int(working))
    if working:
        _working_times(weekday)


def _working_times(parent: ET.Element) -> None:
    times = ET.SubElement(parent, "WorkingTimes")
    for start, finish in WORKING_TIMES:
        period = ET.SubElement(times, "WorkingTime")
        _add(period, "FromTime", start.isoformat())
        _add(period, "ToTime", finish.isoformat())


def _time_period(parent: ET.Element, first: dt.date, last: dt.date) -> None:
    period = ET.SubElement(parent, "TimePeriod")
    _add(period, "FromDate", _stamp(first, dt.time(0)))
    _add(period, "ToDate", _stamp(last, dt.time(23, 59, 59)))


def _python_weekday(day_type: int) -> int:
    """MSPDI's DayType (1 = Sunday ... 7 = Saturday) as Python's weekday (0 = Monday)."""
    return (day_type + 5) % 7


# --- tasks ---------------------------------------------------------------------------


def _tasks(
    tasks: ET.Element, result: SolveResult, rows: list[Row], times: Times | None, calendar_uids: dict[str, int]
) -> None:
    problem = result.problem
    plan = problem.plan
    uid_of = {row.id: row.uid for row in rows if row.kind != "stage"}
    kept, dropped = kept_links(problem, times)
    preds: dict[str, list[Link]] = {}
    for link in kept:
        preds.setdefault(link.succ, []).append(link)

    for row in rows:
        task = ET.SubElement(tasks, "Task")
        _add(task, "UID", row.uid)
        _add(task, "ID", row.uid)
        _add(task, "Name", _name(row.name))
        _add(task, "Active", 1)
        _add(task, "Manual", 0)
        _add(task, "Type", TASK_TYPE_FIXED_DURATION)
        _add(task, "IsNull", 0)
        _add(task, "OutlineNumber", row.outline)
        _add(task, "OutlineLevel", row.level)
        span = _span(problem, row, rows, times)
        if span is not None:
            _add(task, "Start", span[0])
            _add(task, "Finish", span[1])
        _add(task, "Duration", _duration(_working_days(problem, row, rows, times)))
        _add(task, "DurationFormat", DURATION_DAYS)
        _add(task, "EffortDriven", 0)
        _add(task, "Estimated", 0)
        _add(task, "Milestone", int(row.kind == "milestone"))
        _add(task, "Summary", int(row.kind == "stage"))
        # MS Project writes all of these, zero for a task not started (the schema's order).
        done = _progress(problem, row, rows, times)
        _add(task, "PercentComplete", done.percent)
        if done.actual_start is not None:
            _add(task, "ActualStart", done.actual_start)
        if done.actual_finish is not None:
            _add(task, "ActualFinish", done.actual_finish)
        _add(task, "ActualDuration", _duration(done.actual_days))
        _add(task, "RemainingDuration", _duration(_working_days(problem, row, rows, times) - done.actual_days))
        if row.kind != "stage" and span is not None:
            fixed = row.kind == "milestone" and plan.milestone(row.id).at is not None
            _add(task, "ConstraintType", CONSTRAINT_MUST_START_ON if fixed else CONSTRAINT_START_NO_EARLIER_THAN)
        # The compiled task's calendar: a started task has none (its length is its elapsed span).
        calendar = problem.tasks[row.id].calendar if row.kind == "task" else None
        _add(task, "CalendarUID", calendar_uids[calendar] if calendar else -1)
        if row.kind != "stage" and span is not None:
            _add(task, "ConstraintDate", span[0])
        if row.kind == "milestone" and (due := plan.milestone(row.id).due) is not None:
            _add(task, "Deadline", _stamp(due, DAY_FINISH))
        _add(task, "IgnoreResourceCalendar", 1)
        notes = _notes(result, row, dropped.get(row.id, []))
        if notes:
            _add(task, "Notes", notes)
        for link in preds.get(row.id, []) if row.kind != "stage" else []:
            lag, lag_format = link_lag(link, problem)
            predecessor = ET.SubElement(task, "PredecessorLink")
            _add(predecessor, "PredecessorUID", uid_of[link.pred])
            _add(predecessor, "Type", LINK_TYPE[link.type])
            _add(predecessor, "CrossProject", 0)
            _add(predecessor, "LinkLag", lag)
            _add(predecessor, "LagFormat", lag_format)
        if row.kind != "stage":
            attribute = ET.SubElement(task, "ExtendedAttribute")
            _add(attribute, "FieldID", TEXT1_FIELD_ID)
            _add(attribute, "Value", row.id)


def _span(problem: Problem, row: Row, rows: list[Row], times: Times | None) -> tuple[str, str] | None:
    """(Start, Finish) stamps of a row; a stage spans its tasks. None without a schedule."""
    days = _days(problem, row, rows, times)
    if days is None:
        return None
    first, last = days
    if row.kind == "milestone":
        stamp = _stamp(problem.date(first), DAY_FINISH)
        return stamp, stamp
    return _stamp(problem.date(first), DAY_START), _stamp(problem.date(last), DAY_FINISH)


def _days(problem: Problem, row: Row, rows: list[Row], times: Times | None) -> tuple[int, int] | None:
    if times is None:
        return None
    if row.kind == "stage":
        members = _stage_tasks(problem, row, rows)
        starts = [times.start[member] for member in members]
        ends = [times.end[member] for member in members]
        if None in starts or None in ends:
            return None
        return min(starts), max(ends)  # type: ignore[type-var]
    first, last = times.start[row.id], times.end[row.id]
    return None if first is None or last is None else (first, last)


def _stage_tasks(problem: Problem, stage: Row, rows: list[Row]) -> list[str]:
    """The ids of a stage's tasks, in sheet order."""
    return [member.id for member in rows if member.kind == "task" and problem.tasks[member.id].stage == stage.id]


def _working_days(problem: Problem, row: Row, rows: list[Row], times: Times | None) -> int:
    """A row's duration in days of its calendar: a task's length, 0 for a milestone, a stage's span."""
    if row.kind == "milestone":
        return 0
    if row.kind == "task":
        return problem.tasks[row.id].length
    days = _days(problem, row, rows, times)
    return 0 if days is None else days[1] - days[0] + 1


@dataclass(frozen=True)
class Progress:
    """What a row of the task sheet has done by the status date (``render``'s docstring, "Progress")."""

    percent: int
    actual_days: int  # days of its duration already worked
    actual_start: str | None = None  # stamps, as Start and Finish
    actual_finish: str | None = None


NOT_STARTED = Progress(0, 0)


def _progress(problem: Problem, row: Row, rows: list[Row], times: Times | None) -> Progress:
    """A row's progress: a started task's from its actuals, a reached milestone's, a stage's from its tasks."""
    if row.kind == "milestone":
        reached = problem.milestones[row.id].actual
        if reached is None:
            return NOT_STARTED
        stamp = _stamp(problem.date(reached), DAY_FINISH)
        return Progress(100, 0, stamp, stamp)
    if row.kind == "task":
        return _task_progress(problem, row.id)
    members = _stage_tasks(problem, row, rows)
    parts = [_task_progress(problem, member) for member in members]
    starts = [part.actual_start for part in parts if part.actual_start is not None]
    if not starts:  # only a started task has days worked
        return NOT_STARTED
    worked = sum(part.actual_days for part in parts)
    total = sum(problem.tasks[member].length for member in members)
    finished = all(part.actual_finish is not None for part in parts)
    finish = max(part.actual_finish for part in parts) if finished else None  # type: ignore[type-var]
    percent = 100 if finished else min(99, worked * 100 // max(total, 1))
    # MS Project's actual duration of a summary task: its duration (the stage's span) times its % complete.
    span = _working_days(problem, row, rows, times)
    return Progress(percent, span * percent // 100, min(starts), finish)


def _task_progress(problem: Problem, task_id: str) -> Progress:
    """A task's progress: done, all its days; running, its days before the status day; planned, none."""
    spec = problem.tasks[task_id]
    if spec.progress is None:
        return NOT_STARTED
    start = _stamp(problem.date(spec.progress.start), DAY_START)
    if spec.state == "done":
        return Progress(100, spec.length, start, _stamp(problem.date(spec.progress.end), DAY_FINISH))  # type: ignore[arg-type]
    assert problem.status_day is not None  # a running task needs the status date (actuals.py)
    worked = min(spec.length, max(0, problem.status_day - spec.progress.start))
    return Progress(min(99, worked * 100 // max(spec.length, 1)), worked, start)


def _notes(result: SolveResult, row: Row, dropped: list[Link]) -> str:
    """What MS Project has no field for: the duration's arithmetic, standard, samples, window, extra links."""
    plan = result.problem.plan
    lines = []
    if row.kind == "task":
        task = plan.task(row.id)
        arithmetic = task.arithmetic()
        if task.calendar:
            arithmetic += f" (working days of calendar {task.calendar})"
        lines.append(f"Duration: {arithmetic}")
        if task.standard:
            lines.append(f"Standard: {task.standard}")
        if task.samples is not None:
            lines.append(f"Samples: {task.samples}")
        if task.window:
            lines.append(f"Window: {task.window} (inside one occurrence; MS Project does not check it)")
        if task.not_before:
            lines.append(f"Not before: {task.not_before.isoformat()}")
    elif row.kind == "milestone":
        milestone = plan.milestone(row.id)
        if milestone.at is not None:
            lines.append(f"Fixed date: {milestone.at.isoformat()}")
        if milestone.due is not None:
            lines.append(f"Due: {milestone.due.isoformat()} (priority {milestone.priority})")
    for link in dropped:
        words = LINK_TYPE_WORDS[link.type] + (f" +{link.lag} d" if link.lag else "")
        lines.append(
            f"Also after {link.pred} ({words}): MS Project holds one link per pair of tasks, "
            "so this one is not a link in this file"
        )
    return xml_text("\n".join(lines))


# --- resources and assignments --------------------------------------------------------


def _resources(resources: ET.Element, problem: Problem, calendar_uids: dict[str, int]) -> None:
    for uid, name in enumerate(problem.plan.resources, start=1):
        steps = problem.capacity_steps[name]
        resource = ET.SubElement(resources, "Resource")
        _add(resource, "UID", uid)
        _add(resource, "ID", uid)
        _add(resource, "Name", _name(name))
        _add(resource, "Type", RESOURCE_TYPE_WORK)
        _add(resource, "IsNull", 0)
        _add(resource, "MaxUnits", problem.capacity_on(name, 0))  # 1 = 100 %: one unit of the resource
        _add(resource, "CalendarUID", calendar_uids[name])
        if len(steps) > 1:
            periods = ET.SubElement(resource, "AvailabilityPeriods")
            for index, (first, units) in enumerate(steps):
                last = steps[index + 1][0] - 1 if index + 1 < len(steps) else problem.days - 1
                period = ET.SubElement(periods, "AvailabilityPeriod")
                _add(period, "AvailableFrom", _stamp(problem.date(first), dt.time(0)))
                _add(period, "AvailableTo", _stamp(problem.date(last), dt.time(23, 59)))
                _add(period, "AvailableUnits", units)


def _assignments(assignments: ET.Element, problem: Problem, rows: list[Row], times: Times | None) -> None:
    resource_uid = {name: uid for uid, name in enumerate(problem.plan.resources, start=1)}
    uid = 0
    for row in rows:
        if row.kind != "task":
            continue
        span = _span(problem, row, rows, times)
        length = problem.tasks[row.id].length
        for resource, units in problem.tasks[row.id].uses:
            uid += 1
            assignment = ET.SubElement(assignments, "Assignment")
            _add(assignment, "UID", uid)
            _add(assignment, "TaskUID", row.uid)
            _add(assignment, "ResourceUID", resource_uid[resource])
            if span is not None:
                _add(assignment, "Finish", span[1])
                _add(assignment, "Start", span[0])
            _add(assignment, "Units", units)
            _add(assignment, "Work", _duration(length * units))


# --- small helpers -------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = str(value)
    return element


def _stamp(date: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(date, time).isoformat()


def _duration(days: int) -> str:
    """``days`` days of 480 minutes as the schema's xsd:duration (``PT80H0M0S`` for 10 days)."""
    return f"PT{days * MINUTES_PER_DAY // 60}H0M0S"


def _name(text: str) -> str:
    """A name MS Project accepts: XML-safe and at most 512 characters."""
    text = xml_text(text)
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"
