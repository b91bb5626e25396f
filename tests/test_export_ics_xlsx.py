"""``export --to ics`` and ``--to xlsx``: read back with icalendar and openpyxl, field by field."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
from icalendar import Calendar

from export_support import EXPORT_PLAN, solved
from qualplan.report import dvpr, ics
from qualplan.result import schedule_times

d = dt.date


# --- iCalendar ----------------------------------------------------------------------------


def _events() -> dict[str, object]:
    calendar = Calendar.from_ical(ics.render(solved()))
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_one_all_day_event_per_task_and_milestone_with_exclusive_end() -> None:
    events = _events()
    result = solved()
    plan = result.problem.plan
    assert sorted(events) == sorted(
        ics.uid(plan.id, node) for node in [*result.problem.tasks, *result.problem.milestones]
    )
    report = events["report@export-demo.qualplan"]
    # The DV report runs 2026-02-03 .. 2026-02-23 inclusive: DTEND is the day after, as a DATE.
    assert report.decoded("dtstart") == d(2026, 2, 3) and report.decoded("dtend") == d(2026, 2, 24)
    assert report["dtstart"].params["VALUE"] == "DATE"
    assert str(report["summary"]) == "DV report"
    assert str(report["transp"]) == "TRANSPARENT"
    done = events["done@export-demo.qualplan"]
    assert done.decoded("dtstart") == d(2026, 2, 23) and done.decoded("dtend") == d(2026, 2, 24)
    assert str(done["summary"]) == "Milestone: DV done"
    times = schedule_times(result.problem, result.schedule)
    for task_id in result.problem.tasks:
        event = events[ics.uid(plan.id, task_id)]
        assert event.decoded("dtstart") == result.problem.date(times.start[task_id])
        assert event.decoded("dtend") == result.problem.date(times.end[task_id]) + dt.timedelta(days=1)


def test_descriptions_give_stage_resources_and_for_milestones_due_and_slack() -> None:
    events = _events()
    soak = str(events["soak@export-demo.qualplan"]["description"])
    assert soak.splitlines() == [
        "Task: soak",
        "Stage: Cell (cell)",
        "Dates: 2026-01-15 to 2026-01-19 (inclusive)",
        "Duration: 5 days (5d = 5 d)",
        "Resources: chamber=1",
        "State: planned",
    ]
    assert [str(c) for c in events["soak@export-demo.qualplan"]["categories"].cats] == ["Cell"]
    assert str(events["done@export-demo.qualplan"]["description"]).splitlines() == [
        "Milestone: done",
        "Date: 2026-02-23",
        "Due: 2026-03-31",
        "Slack: 36 days (met, 36 days to spare)",
    ]
    assert str(events["line@export-demo.qualplan"]["description"]).splitlines() == [
        "Milestone: line",
        "Date: 2026-03-02",
        "Due: none",
        "Fixed date (at)",
    ]


def test_a_late_milestone_shows_negative_slack() -> None:
    late = EXPORT_PLAN.replace("due: 2026-03-31", "due: 2026-02-13")
    calendar = Calendar.from_ical(ics.render(solved(late)))
    (done,) = [event for event in calendar.walk("VEVENT") if str(event["uid"]).startswith("done@")]
    assert "Slack: -10 days (late by 10 days)" in str(done["description"])


def test_the_same_plan_gives_the_same_calendar_with_a_stamp_from_the_plan_start() -> None:
    data = ics.render(solved())
    assert data == ics.render(solved())
    assert b"\r\n" in data and b"DTSTAMP:20260105T000000Z\r\n" in data
    assert data.count(b"DTSTAMP:") == data.count(b"BEGIN:VEVENT") == 8


# --- DVP&R workbook -------------------------------------------------------------------------


def _workbook(text: str = EXPORT_PLAN) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(dvpr.render(solved(text))))


def test_dvpr_sheet_has_one_row_per_test_field_by_field() -> None:
    sheet = _workbook()["DVP&R"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(dvpr.TEST_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["build", "soak", "abuse", "life", "report"]
    build, soak, abuse, life, report = rows[1:]
    day = dt.datetime
    assert build == [
        "build",
        "Build cells",
        "Cell",
        "GB/T 31484-2015 6.4",
        12,
        None,
        day(2026, 1, 5),
        day(2026, 1, 14),
        10,
        "planned",
        None,
    ]
    assert soak[5:11] == ["chamber=1", day(2026, 1, 15), day(2026, 1, 19), 5, "planned", "build"]
    assert abuse[6:9] == [day(2026, 1, 20), day(2026, 1, 26), 5]
    assert life[10] == "soak (start-to-start +2 d); soak (finish-to-finish +3 d)"
    # A calendar task: 10 working days, across the holiday week.
    assert report[2] is None and report[6:9] == [day(2026, 2, 3), day(2026, 2, 23), 10]
    assert report[10] == "cell (+7 d); gate (start-to-start +2 d)"


def test_dates_are_excel_dates_the_header_is_frozen_and_filtered() -> None:
    workbook = _workbook()
    for name, columns in (("DVP&R", "ABCDEFGHIJK"), ("Milestones", "ABCDEF")):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{columns[-1]}{sheet.max_row}"
        assert all(cell.font.bold for cell in sheet[1])
        for column in columns:
            assert 8 <= sheet.column_dimensions[column].width <= 62
    start = workbook["DVP&R"]["G2"]
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert workbook["Milestones"]["D2"].is_date
    # In the file itself the cell is a date serial (days since 1899-12-30), not text.
    sheet_xml = zipfile.ZipFile(io.BytesIO(dvpr.render(solved()))).read("xl/worksheets/sheet1.xml").decode()
    serial = (dt.date(2026, 1, 5) - dt.date(1899, 12, 30)).days
    assert re.search(rf'<c r="G2" s="\d+" t="n"><v>{serial}</v></c>', sheet_xml)


def test_milestones_sheet_gives_due_date_slack_and_met() -> None:
    sheet = _workbook(EXPORT_PLAN.replace("due: 2026-03-31", "due: 2026-02-13"))["Milestones"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    day = dt.datetime
    assert rows == [
        list(dvpr.MILESTONE_COLUMNS),
        ["gate", "Design gate", None, day(2026, 1, 9), None, None],
        ["line", "Line ready", None, day(2026, 3, 2), None, None],
        ["done", "DV done", day(2026, 2, 13), day(2026, 2, 23), -10, "no"],
    ]


def test_plan_text_never_becomes_a_formula() -> None:
    text = EXPORT_PLAN.replace("name: Build cells", 'name: \'=HYPERLINK("http://x","y")\'')
    cell = _workbook(text)["DVP&R"]["B2"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"


def test_the_same_plan_gives_the_same_bytes_with_fixed_zip_times_and_properties() -> None:
    result = solved()
    first = dvpr.render(result)
    assert first == dvpr.render(result)
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {dvpr.ZIP_TIME}
    properties = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert properties.created == properties.modified == dt.datetime(2026, 1, 5)
    assert properties.creator == "qualplan" and properties.title == "Export demo"
