"""``export --to xlsx``: the DVP&R (design verification plan and report) workbook.

Three sheets:

- **DVP&R**: one row per test (task) in plan order: ID, Name, Stage, Standard,
  Samples, Resources, Planned start, Planned end, Duration (days), State,
  Predecessors;
- **Milestones**: ID, Name, Due, Date, Slack (days; negative = late), Met;
- **Plan**: the plan's id, title, start, verdict and whether the schedule is
  proved optimal.

Dates are Excel dates (a date number format on a date serial), never text, so
they sort, filter and feed formulas. Each sheet has a frozen bold header row
and an auto-filter over its table. Plan text is always a text cell: a name
such as ``=HYPERLINK(...)`` shows as written and never runs as a formula.

Same plan and seed, same bytes: the zip entries carry a fixed time stamp
(1980-01-01, the earliest a zip file can hold) and the document properties
(created, modified) are midnight UTC on the plan's start date, not the time of
the export.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualplan.report.export_fields import predecessors_text, resources_text, slack_days, stable_timestamp, task_state
from qualplan.report.rows import milestone_rows, stage_label, task_rows
from qualplan.result import SolveResult

if TYPE_CHECKING:
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.worksheet.worksheet import Worksheet

TESTS_SHEET = "DVP&R"
MILESTONES_SHEET = "Milestones"
PLAN_SHEET = "Plan"
TEST_COLUMNS = (
    "ID",
    "Name",
    "Stage",
    "Standard",
    "Samples",
    "Resources",
    "Planned start",
    "Planned end",
    "Duration (days)",
    "State",
    "Predecessors",
)
MILESTONE_COLUMNS = ("ID", "Name", "Due", "Date", "Slack (days)", "Met")
DATE_FORMAT = "yyyy-mm-dd"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MIN_WIDTH, MAX_WIDTH, DATE_WIDTH = 8, 60, 12
# Characters a worksheet cannot hold at all (XML 1.0); openpyxl refuses them.
_ILLEGAL = {code: "\ufffd" for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]}

Cell = str | int | dt.date | None


def render(result: SolveResult) -> bytes:
    """The workbook of ``result`` as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    plan = result.problem.plan
    workbook = Workbook()
    tests = workbook.active
    tests.title = TESTS_SHEET
    _table(tests, TEST_COLUMNS, test_rows(result))
    _table(workbook.create_sheet(MILESTONES_SHEET), MILESTONE_COLUMNS, milestone_table(result))
    _about(workbook.create_sheet(PLAN_SHEET), result)

    stamp = stable_timestamp(result).replace(tzinfo=None)  # openpyxl writes naive times as UTC
    workbook.properties.creator = "qualplan"
    workbook.properties.title = _text(plan.title or plan.id)
    workbook.properties.subject = f"DVP&R of plan {plan.id}"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.properties.modified = stamp  # save() set it to the clock
    return _repack(buffer.getvalue(), workbook.properties)


def test_rows(result: SolveResult) -> list[tuple[Cell, ...]]:
    """The DVP&R rows: one per task, in plan order, in the order of ``TEST_COLUMNS``."""
    plan = result.problem.plan
    rows = []
    for row in task_rows(result):
        task = plan.task(row.id)
        rows.append(
            (
                row.id,
                row.name,
                stage_label(result, row.stage) if row.stage else None,
                row.standard,
                task.samples,
                resources_text(row.uses) or None,
                row.start,
                row.end,
                row.days,
                task_state(result, row.id),
                predecessors_text(task) or None,
            )
        )
    return rows


def milestone_table(result: SolveResult) -> list[tuple[Cell, ...]]:
    """The Milestones rows, in plan order, in the order of ``MILESTONE_COLUMNS``."""
    rows = []
    for row in milestone_rows(result):
        met = None if row.met is None else ("yes" if row.met else "no")
        rows.append((row.id, row.name, row.due, row.date, slack_days(row), met))
    return rows


def _table(sheet: Worksheet, columns: Sequence[str], rows: list[tuple[Cell, ...]]) -> None:
    """Header, rows, date formats, frozen header, auto-filter and column widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append([_text(value) if isinstance(value, str) else value for value in values])
    widths = [len(name) for name in columns]
    for line in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(line):
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
                widths[index] = max(widths[index], DATE_WIDTH)
            elif cell.value is not None:
                if cell.data_type == "f":
                    cell.data_type = "s"  # plan text that starts with '=' stays text
                widths[index] = max(widths[index], len(str(cell.value)))
    last = get_column_letter(len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))


def _about(sheet: Worksheet, result: SolveResult) -> None:
    """The plan's facts as label/value pairs."""
    from openpyxl.styles import Font

    plan = result.problem.plan
    facts: list[tuple[str, Cell]] = [
        ("Plan", plan.id),
        ("Title", _text(plan.title) if plan.title else None),
        ("Start", plan.start),
        ("Verdict", result.verdict.value),
        ("Schedule proved optimal", "yes" if result.proven else "no"),
        ("Exported by", "qualplan export --to xlsx"),
    ]
    for label, value in facts:
        sheet.append([label, value])
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    for cell in sheet["B"]:
        if isinstance(cell.value, dt.date):
            cell.number_format = DATE_FORMAT
        elif cell.data_type == "f":
            cell.data_type = "s"
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = min(MAX_WIDTH, max(MIN_WIDTH, *(len(str(v)) + 2 for _, v in facts)))


def _repack(data: bytes, properties: DocumentProperties) -> bytes:
    """The same zip with fixed entry times and the given document properties.

    ``Workbook.save`` stamps the zip entries with the clock and writes
    ``modified`` as now; both are replaced so that two exports are identical.
    """
    from openpyxl.xml.functions import tostring

    core = tostring(properties.to_tree())
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = core if info.filename == "docProps/core.xml" else source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return output.getvalue()


def _text(value: str) -> str:
    return value.translate(_ILLEGAL)
