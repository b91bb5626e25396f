"""Fields the exports (MS Project XML, iCalendar, DVP&R workbook) share, computed once.

Each export shows a task's state, its resources, its predecessors and a
milestone's slack; these functions say what those are, so the three files
agree with each other and with ``check``.
"""

from __future__ import annotations

import datetime as dt
import re

from qualplan.model import After, Task
from qualplan.report.rows import MilestoneRow
from qualplan.result import SolveResult

#: How the three dependency types read in a sentence (finish-to-start is the default and goes unsaid).
LINK_TYPE_WORDS = {"finish": "finish-to-start", "start": "start-to-start", "end": "finish-to-finish"}

# XML 1.0 (and so xlsx and MS Project XML) cannot hold these characters at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def task_state(result: SolveResult, task_id: str) -> str:
    """A task's progress state: ``done``, ``running`` or ``planned`` (plan-format.md, "Progress";
    the compiled ``TaskSpec.state``). The exports read the state only through this function."""
    return result.problem.tasks[task_id].state


def resources_text(uses: tuple[tuple[str, int], ...] | dict[str, int]) -> str:
    """``cycler-channel=3; climate-chamber=1``, as the CSV writes it; empty without resources."""
    pairs = uses.items() if isinstance(uses, dict) else uses
    return "; ".join(f"{resource}={units}" for resource, units in pairs)


def after_text(entry: After) -> str:
    """One ``after`` entry as written in the plan: ``build``, ``cycle-life (start-to-start +60 d)``."""
    details = []
    if entry.type != "finish":
        details.append(LINK_TYPE_WORDS[entry.type])
    if entry.lag.days:
        details.append(f"+{entry.lag.days} d")
    return f"{entry.on} ({' '.join(details)})" if details else entry.on


def predecessors_text(task: Task) -> str:
    """Every ``after`` entry of ``task`` in plan order, ``; ``-separated; empty when it has none."""
    return "; ".join(after_text(entry) for entry in task.after)


def slack_days(row: MilestoneRow) -> int | None:
    """Days from a milestone's date to its due date: positive is slack, negative is late.

    None without a due date or without a date in the schedule.
    """
    if row.due is None or row.date is None:
        return None
    return (row.due - row.date).days


def stable_timestamp(result: SolveResult) -> dt.datetime:
    """The one time stamp an export carries: midnight UTC at the start of the plan.

    iCalendar requires a DTSTAMP and a workbook records when it was created and
    modified. Using the clock would make every export differ from the last; the
    plan's start date is stable and says which plan the file came from.
    """
    start = result.problem.plan.start
    return dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _NOT_XML.sub("\ufffd", text)
