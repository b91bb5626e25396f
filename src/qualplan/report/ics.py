"""``export --to ics``: the schedule as an iCalendar file (RFC 5545) for calendar apps.

One all-day event per task and per milestone, in plan order (tasks, then
milestones). A task's event runs from its first day to its last: ``DTSTART``
and ``DTEND`` are DATE values and ``DTEND`` is exclusive, so it is the day
after the task's end. A milestone is a one-day event on its date.

Stable by construction, so re-importing an updated export updates events
instead of duplicating them:

- ``UID`` is ``NODE@PLAN.qualplan`` (task or milestone id, plan id); ids are
  slugs, which never contain ``@``, so no two nodes or plans share a UID;
- ``DTSTAMP`` (required by RFC 5545) is midnight UTC on the plan's start date,
  not the time of the export, so the same plan and seed give the same bytes.

Events are ``TRANSP:TRANSPARENT``: a four-month test on a shared calendar does
not mark anyone busy.
"""

from __future__ import annotations

import datetime as dt

from qualplan.report.export_fields import resources_text, slack_days, stable_timestamp, task_state
from qualplan.report.rows import MilestoneRow, TaskRow, milestone_rows, stage_label, task_rows
from qualplan.result import SolveResult

PRODUCT_ID = "-//qualplan//qualplan export//EN"


def uid(plan_id: str, node_id: str) -> str:
    """The event UID of a task or milestone: ``NODE@PLAN.qualplan``."""
    return f"{node_id}@{plan_id}.qualplan"


def render(result: SolveResult) -> bytes:
    """The iCalendar document of ``result`` (CRLF line ends, folded lines, UTF-8)."""
    from icalendar import Calendar, Event

    plan = result.problem.plan
    stamp = stable_timestamp(result)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plan.title or plan.id)
    calendar.add("x-wr-caldesc", f"qualplan plan {plan.id}: verdict {result.verdict.value}")

    for row in task_rows(result):
        if row.start is None or row.end is None:
            continue
        event = Event()
        event.add("uid", uid(plan.id, row.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.start)
        event.add("dtend", row.end + dt.timedelta(days=1))
        event.add("summary", row.name)
        event.add("description", task_description(result, row))
        if row.stage is not None:
            event.add("categories", [stage_label(result, row.stage)])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

    for row in milestone_rows(result):
        if row.date is None:
            continue
        event = Event()
        event.add("uid", uid(plan.id, row.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.date)
        event.add("dtend", row.date + dt.timedelta(days=1))
        event.add("summary", f"Milestone: {row.name}")
        event.add("description", milestone_description(row))
        event.add("categories", ["Milestone"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def task_description(result: SolveResult, row: TaskRow) -> str:
    """Task id, stage, dates, duration, resources, standard and state, one per line."""
    stage = f"{stage_label(result, row.stage)} ({row.stage})" if row.stage else "none"
    assert row.start is not None and row.end is not None
    duration = f"{row.days} working days of calendar {row.calendar}" if row.calendar else f"{row.days} days"
    lines = [
        f"Task: {row.id}",
        f"Stage: {stage}",
        f"Dates: {row.start.isoformat()} to {row.end.isoformat()} (inclusive)",
        f"Duration: {duration} ({row.arithmetic})",
        f"Resources: {resources_text(row.uses) or 'none'}",
    ]
    if row.standard:
        lines.append(f"Standard: {row.standard}")
    if row.window:
        lines.append(f"Window: {row.window}")
    lines.append(f"State: {task_state(result, row.id)}")
    return "\n".join(lines)


def milestone_description(row: MilestoneRow) -> str:
    """Milestone id, due date and slack (or days late), one per line."""
    assert row.date is not None
    lines = [f"Milestone: {row.id}", f"Date: {row.date.isoformat()}"]
    slack = slack_days(row)
    if row.due is None or slack is None:
        lines.append("Due: none")
    else:
        verdict = f"met, {slack} days to spare" if slack >= 0 else f"late by {-slack} days"
        lines += [f"Due: {row.due.isoformat()}", f"Slack: {slack} days ({verdict})"]
    if row.fixed:
        lines.append("Fixed date (at)")
    return "\n".join(lines)
