"""``check --format csv``: one row per task, for spreadsheets and slides.

Columns: ``id, name, stage, start, end, duration_days, resources, standard, state``.
``duration_days`` is the task's duration as the plan gives it (working days
when the task has a calendar, so ``end - start + 1`` can be larger);
``resources`` reads ``cycler-channel=3; climate-chamber=1``. Start and end are
empty when the solver found no schedule. ``state`` is the task's progress as of
the plan's status date: ``done``, ``running`` or ``planned`` (every task of a
plan without progress is ``planned``). It is the last column, so spreadsheets
that read the columns before it by position still find them where they were.

Cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
prefixed with ``'``: spreadsheets would otherwise run a task named
``=HYPERLINK(...)`` as a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io

from qualplan.report.export_fields import task_state
from qualplan.report.rows import task_rows
from qualplan.result import SolveResult

COLUMNS = ("id", "name", "stage", "start", "end", "duration_days", "resources", "standard", "state")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(result: SolveResult) -> str:
    """The schedule of ``result`` as CSV text (a header, then tasks in plan order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in task_rows(result):
        writer.writerow(
            (
                row.id,
                _cell(row.name),
                row.stage or "",
                row.start.isoformat() if row.start else "",
                row.end.isoformat() if row.end else "",
                row.days,
                "; ".join(f"{resource}={units}" for resource, units in row.uses),
                _cell(row.standard or ""),
                task_state(result, row.id),
            )
        )
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Plan text made inert for spreadsheets (see the module docstring)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
