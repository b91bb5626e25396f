"""Progress in day numbers: what a task's actual dates and the status date fix
(plan-format.md, "Progress: status date and actuals").

With a status date S (day ``status_day``):

- a **done** task (actual start and end) keeps both;
- a **running** task (actual start only) keeps its start; its end is the last day of
  its ``remaining`` work counted from S, S being its first remaining day (working
  days of its calendar when it has one); without ``remaining`` it is the end its
  planned duration gives from the actual start, but never before S;
- every other task is **planned**.

``task_progress`` is the one place these rules are written for the scheduler
(``problem.compile_plan``) and the static checks (``checks.py``); ``verify.py``
restates them on purpose. ``running_end`` is the rule a re-draw of a running
task's remaining work uses too (the risk analysis): the remaining days, counted
from the status day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from qualplan.calendar import WorkingDays
from qualplan.model import Task

TaskState = Literal["planned", "running", "done"]


@dataclass(frozen=True)
class TaskProgress:
    """A started task in day numbers (day 0 = the plan's start).

    ``end`` is the actual end of a done task, the end a running task's remaining work
    gives, or None when that falls past the horizon (the checks report it).
    ``remaining`` and ``remaining_calendar`` (running tasks only) are its work left
    from the status day and the calendar that counts it, such that
    ``running_end(calendars.get(remaining_calendar), status_day, remaining) == end``:
    ``remaining`` as the plan gives it (working days of the task's calendar), or,
    without it, the elapsed days from the status day to the end.
    """

    state: TaskState
    start: int
    end: int | None
    remaining: int | None = None
    remaining_calendar: str | None = None


def running_end(calendar: WorkingDays | None, status_day: int, remaining: int) -> int | None:
    """The last day of ``remaining`` days of work (working days of ``calendar`` when given)
    counted from ``status_day``, its first remaining day; None past the horizon."""
    if calendar is None:
        return status_day + remaining - 1
    index = bisect.bisect_left(calendar.days, status_day) + remaining - 1
    return calendar.days[index] if index < len(calendar.days) else None


def planned_end(calendar: WorkingDays | None, start: int, length: int) -> int | None:
    """The end a task of ``length`` days (working days of ``calendar``) gives from ``start``,
    counting from the first working day on or after it (an actual start need not be one)."""
    if calendar is None:
        return start + length - 1
    return running_end(calendar, start, length)


def task_progress(
    task: Task, plan_start: dt.date, status_day: int, calendars: Mapping[str, WorkingDays]
) -> TaskProgress | None:
    """The progress of ``task`` as of ``status_day``; None for a task without ``actual``.

    ``calendars`` holds the plan's compiled calendars (a task whose calendar is missing
    from it counts every day, which only the checks of an invalid plan ever see).
    """
    if task.actual is None:
        return None
    start = (task.actual.start - plan_start).days
    if task.actual.end is not None:
        return TaskProgress("done", start, (task.actual.end - plan_start).days)
    calendar = calendars.get(task.calendar) if task.calendar is not None else None
    remaining = task.remaining_days
    if remaining is not None:
        end = running_end(calendar, status_day, remaining)
        return TaskProgress("running", start, end, remaining, task.calendar if calendar is not None else None)
    planned = planned_end(calendar, start, task.days)
    end = None if planned is None else max(planned, status_day)
    return TaskProgress("running", start, end, None if end is None else end - status_day + 1, None)
