"""Progress rows from a CSV file, as a lab's test management system exports them.

The file has a header row and the columns ``id,start,end,remaining`` (any order;
``id`` and ``start`` required, ``end`` and ``remaining`` optional; cells may be
empty; UTF-8, a byte order mark allowed). One row per task or milestone:

- a task with ``start`` only is **running**; with ``start`` and ``end`` it is **done**;
- ``remaining`` (running tasks only) is a duration such as ``120d`` or ``6w``
  (working days on the task's calendar, as in plan files), or for a task given in
  ``cycles``, a bare number: the cycles left (``400``), with the task's own C-rates,
  rests and check-ups; on a task given in ``duration`` a bare number is days;
- a milestone's ``start`` is the day it was reached (``end`` empty or the same day,
  no ``remaining``).

A row states a task's progress completely: its ``actual`` and ``remaining`` in the
plan become the row's. Dates are ISO ``YYYY-MM-DD``, between the plan start and
the status date. ``read`` checks every row and returns all problems at once, each
as ``FROM.csv:LINE: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from qualplan.durations import DurationError, parse_duration
from qualplan.model import Cycles, Plan, parse_date
from qualplan.validation_messages import closest

COLUMNS = ("id", "start", "end", "remaining")
REQUIRED = ("id", "start")


@dataclass(frozen=True)
class ProgressRow:
    """One row that checked out: the YAML text to write for its task or milestone."""

    line: int
    id: str
    kind: Literal["task", "milestone"]
    start: dt.date
    end: dt.date | None = None
    remaining: str | None = None  # YAML flow text of the task's `remaining`; None: no remaining

    @property
    def actual(self) -> str:
        """The ``actual`` value as YAML text: ``{start: ..}``, ``{start: .., end: ..}`` or a milestone's date."""
        if self.kind == "milestone":
            return self.start.isoformat()
        if self.end is None:
            return f"{{start: {self.start.isoformat()}}}"
        return f"{{start: {self.start.isoformat()}, end: {self.end.isoformat()}}}"


@dataclass(frozen=True)
class CsvError:
    """A problem in the CSV file; ``str()`` is ``FILE:LINE: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def read(path: Path, plan: Plan, status_date: dt.date) -> tuple[list[ProgressRow], list[CsvError]]:
    """The rows of ``path`` for ``plan`` as of ``status_date``, and every problem found (all at once)."""
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        return [], [CsvError(name, 1, f"cannot read the file: {error.strerror or error}")]
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        return [], [CsvError(name, line, "the file is not UTF-8; export it as UTF-8 CSV")]
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[CsvError] = []
    header: list[str] | None = None
    rows: list[ProgressRow] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header, problems = _header(cells)
                errors += [CsvError(name, line, problem) for problem in problems]
                if problems:
                    return [], errors
                continue
            row, problems = _row(dict(zip(header, cells, strict=False)), len(cells) - len(header), line, plan,
                                 status_date, seen)  # fmt: skip
            errors += [CsvError(name, line, problem) for problem in problems]
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        errors.append(CsvError(name, reader.line_num, f"not valid CSV: {error}"))
    if header is None and not errors:
        errors.append(CsvError(name, 1, f"the file is empty; it needs a header row: {','.join(COLUMNS)}"))
    return rows, errors


def _header(cells: list[str]) -> tuple[list[str], list[str]]:
    names = [cell.strip().lower() for cell in cells]
    problems = []
    if len(names) == 1 and ";" in names[0]:
        return names, [f"the header '{cells[0]}' is one column: separate the columns with commas, not semicolons"]
    for position, column in enumerate(names):
        if column not in COLUMNS:
            suggestion = closest(column, COLUMNS)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            problems.append(f"unknown column '{cells[position].strip()}'{hint} (the columns: {', '.join(COLUMNS)})")
        elif column in names[:position]:
            problems.append(f"column '{column}' is given twice")
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        problems.append(f"the header row has no column {' or '.join(repr(c) for c in missing)}; it needs "
                        f"{','.join(COLUMNS)} (end and remaining may be left out)")  # fmt: skip
    return names, problems


def _row(
    cells: dict[str, str], extra: int, line: int, plan: Plan, status_date: dt.date, seen: dict[str, int]
) -> tuple[ProgressRow | None, list[str]]:
    """One data row: the row when it checks out, and its problems."""
    value = {column: cells.get(column, "").strip() for column in COLUMNS}
    if extra > 0:
        return None, [f"{extra} more cell{'' if extra == 1 else 's'} than the header has columns"]
    item_id = value["id"]
    tasks = {task.id: task for task in plan.tasks}
    milestones = {milestone.id for milestone in plan.milestones}
    if not item_id:
        return None, ["no id: give the id of a task or milestone of the plan"]
    if item_id not in tasks and item_id not in milestones:
        suggestion = closest(item_id, [*tasks, *milestones])
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        return None, [f"unknown task or milestone '{item_id}'{hint}"]
    if item_id in seen:
        return None, [f"'{item_id}' is given again (first on line {seen[item_id]})"]
    seen[item_id] = line
    kind: Literal["task", "milestone"] = "task" if item_id in tasks else "milestone"
    problems: list[str] = []
    start = _date(value["start"], "start", plan, status_date, problems)
    end = _date(value["end"], "end", plan, status_date, problems) if value["end"] else None
    if not value["start"]:
        what = "the day it started (with an end when it is done)" if kind == "task" else "the day it was reached"
        problems.append(f"no start: give {what}")
    if start is not None and end is not None and end < start:
        problems.append(f"end {end} is before start {start}")
    remaining = None
    if kind == "milestone":
        if end is not None and start is not None and end != start:
            problems.append(f"milestone '{item_id}' is reached on one day, its start; leave end empty")
        if value["remaining"]:
            problems.append(f"milestone '{item_id}' has no remaining work; leave remaining empty")
    elif value["remaining"]:
        if value["end"]:
            problems.append("a done task (with an end) has no remaining work; leave remaining empty")
        else:
            remaining = _remaining(value["remaining"], tasks[item_id].cycles, problems)
    if problems or start is None:
        return None, problems
    return ProgressRow(line, item_id, kind, start, end, remaining), []


def _date(text: str, column: str, plan: Plan, status_date: dt.date, problems: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError as error:
        problems.append(f"{column}: {error}")
        return None
    if day > status_date:
        problems.append(f"{column} {day} is after the status date {status_date}")
    if day < plan.start:
        problems.append(f"{column} {day} is before the plan start {plan.start}")
    return day


def _remaining(text: str, cycles: Cycles | None, problems: list[str]) -> str | None:
    """The YAML text of ``remaining``: the task's cycles with the count left, or a duration."""
    if cycles is not None and text.isascii() and text.isdigit():
        count = int(text)
        if count < 1:
            problems.append("remaining: 0 cycles left; give the end date if the task is done")
            return None
        fields = cycles.model_dump(by_alias=True, exclude_defaults=True) | {"count": count}
        return "{" + ", ".join(f"{key}: {fields[key]}" for key in _cycle_keys(fields)) + "}"
    try:
        duration = parse_duration(text)
    except DurationError as error:
        hint = " (a bare number is cycles only for a task given in cycles)" if not text[:1].isdigit() else ""
        problems.append(f"remaining: {error}{hint}")
        return None
    if duration.days < 1:
        problems.append(f"remaining: '{text}' comes to 0 days; give the end date if the task is done")
        return None
    return f"{duration.days}d" if text.isdigit() else duration.text


def _cycle_keys(fields: dict[str, object]) -> list[str]:
    order = ("count", "charge_c", "discharge_c", "cv_h", "rest_h", "checkup_every", "checkup_h")
    return [key for key in order if key in fields]
