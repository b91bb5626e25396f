"""``export --to mspdi``: MS Project XML, read back by MPXJ (an independent reader) field by field.

MPXJ also re-implements MS Project's scheduling (``MicrosoftScheduler``): the
tests ask it what MS Project would compute from the file, with the exported
constraints (qualplan's dates must come back) and without them (the links and
calendars alone must enforce qualplan's rules).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundled_solves import BundledSolves, bundled_plan_ids, plan_path
from export_support import EXPORT_PLAN, HAVE_MPXJ, needs_mpxj, read_with_mpxj, solved
from plan_factory import make_problem
from qualplan.graph import earliest_times
from qualplan.problem import Link, Problem
from qualplan.report import mspdi
from qualplan.result import SolveResult, schedule_times
from qualplan.verify import ensure_verified
from report_support import earliest_result

NS = {"p": mspdi.NAMESPACE}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SolveResult, dict]:
    """The demo plan exported, and what MPXJ reads from it (one Java process for the module)."""
    result = solved()
    path = tmp_path_factory.mktemp("mspdi") / "plan.xml"
    path.write_bytes(mspdi.render(result))
    if not HAVE_MPXJ:
        return path, result, {}
    (project,) = read_with_mpxj([path], result.problem.days)
    return path, result, project


# --- the arithmetic, without Java ---------------------------------------------------------


def test_lags_are_elapsed_days_in_tenths_of_a_minute_with_nine_hours_between_milestone_and_start() -> None:
    problem = make_problem(
        [{"id": "a", "duration": "3d"}, {"id": "b", "duration": "3d"}],
        milestones=[{"id": "m", "after": ["a"]}],
    )

    def lag(pred: str, succ: str, kind: str, days: int) -> tuple[int, int]:
        return mspdi.link_lag(Link(pred, succ, kind, days), problem)

    # Task to task, any type: L elapsed days (LagFormat 8), 14,400 tenths of a minute per day.
    assert lag("a", "b", "finish", 14) == (14 * 24 * 60 * 10, 8)
    assert lag("a", "b", "start", 2) == (28_800, 8)
    assert lag("a", "b", "end", 0) == (0, 8)
    # Into or out of a milestone (at 17:00) by its start (at 08:00): 9 elapsed hours (LagFormat 6).
    assert lag("a", "m", "start", 4) == ((4 * 24 + 9) * 600, 6)
    assert lag("m", "b", "start", 2) == ((2 * 24 - 9) * 600, 6)
    assert lag("m", "b", "start", 0) == (-9 * 600, 6)
    # Milestone finish links and milestone to milestone need no offset.
    assert lag("a", "m", "finish", 3) == (3 * 14_400, 8)
    assert lag("m", "b", "finish", 0) == (0, 8)
    assert lag("m", "b", "end", 1) == (14_400, 8)


def test_calendar_exceptions_are_runs_of_holidays_not_weekends() -> None:
    problem = make_problem(
        [{"id": "a", "duration": "1d"}],
        calendars={"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-08..2026-01-13", "2026-01-20"]}},
        horizon="30d",
    )
    d = dt.date
    # 01-10 and 01-11 are a weekend inside the holiday: still one run, as a planner wrote it.
    assert mspdi.calendar_exceptions(problem, "workdays") == [
        (d(2026, 1, 8), d(2026, 1, 13), False),
        (d(2026, 1, 20), d(2026, 1, 20), False),
    ]


def test_a_weekend_day_made_working_is_a_working_exception() -> None:
    """Read from the compiled calendar: a make-up working day (a later plan key) needs no code here."""
    problem = make_problem(
        [{"id": "a", "duration": "1d"}],
        calendars={"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-12"]}},
        horizon="14d",
    )
    mask = list(problem.calendars["workdays"].mask)
    mask[problem.day(dt.date(2026, 1, 10))] = True  # Saturday 01-10 works
    working = tuple(day for day, works in enumerate(mask) if works)
    calendars = {"workdays": dataclasses.replace(problem.calendars["workdays"], mask=tuple(mask), days=working)}
    changed = dataclasses.replace(problem, calendars=calendars)
    assert mspdi.calendar_exceptions(changed, "workdays") == [
        (dt.date(2026, 1, 10), dt.date(2026, 1, 10), True),
        (dt.date(2026, 1, 12), dt.date(2026, 1, 12), False),
    ]
    root = ET.fromstring(mspdi.render(earliest_result(changed)))
    exceptions = root.findall("p:Calendars/p:Calendar/p:Exceptions/p:Exception", NS)
    assert [(e.findtext("p:Name", namespaces=NS), e.findtext("p:DayWorking", namespaces=NS)) for e in exceptions] == [
        ("working day", "1"),
        ("holiday", "0"),
    ]
    assert len(exceptions[0].findall("p:WorkingTimes/p:WorkingTime", NS)) == 2


def test_of_two_links_between_the_same_tasks_the_binding_one_is_kept_and_the_other_named() -> None:
    result = solved()
    times = schedule_times(result.problem, result.schedule)
    kept, dropped = mspdi.kept_links(result.problem, times)
    # life starts 2 days after soak starts (binding); its finish-to-finish +3 d has 14 days of slack.
    assert Link("soak", "life", "start", 2) in kept
    assert dropped == {"life": [Link("soak", "life", "end", 3)]}
    assert len(kept) == len(result.problem.links) - 1


def test_the_file_is_well_formed_in_the_ms_project_namespace_and_the_same_every_time() -> None:
    result = solved()
    data = mspdi.render(result)
    assert data == mspdi.render(result)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Project xmlns=')
    root = ET.fromstring(data)
    assert root.tag == f"{{{mspdi.NAMESPACE}}}Project"
    names = [task.findtext("p:Name", namespaces=NS) for task in root.iterfind("p:Tasks/p:Task", NS)]
    # Stages with tasks as summaries over their tasks, then loose tasks, then milestones; no empty stage.
    assert names == [
        "Cell",
        "Build cells",
        "Thermal soak",
        "Abuse",
        "Pack",
        "Pack life",
        "DV report",
        "Design gate",
        "Line ready",
        "DV done",
    ]


def test_plan_text_that_xml_cannot_hold_is_replaced_and_markup_is_escaped() -> None:
    text = EXPORT_PLAN.replace("name: Build cells", 'name: "</Name><Task>\\x07 & co"')
    root = ET.fromstring(mspdi.render(solved(text)))
    names = [task.findtext("p:Name", namespaces=NS) for task in root.iterfind("p:Tasks/p:Task", NS)]
    assert names[1] == "</Name><Task>\ufffd & co"


def test_without_a_schedule_tasks_have_no_dates_and_no_constraints() -> None:
    result = earliest_result(make_problem([{"id": "a", "duration": "2d"}]))
    unscheduled = dataclasses.replace(result, schedule=None)
    task = ET.fromstring(mspdi.render(unscheduled)).find("p:Tasks/p:Task", NS)
    assert task is not None
    assert task.find("p:Start", NS) is None and task.find("p:ConstraintType", NS) is None
    assert task.findtext("p:Duration", namespaces=NS) == "PT16H0M0S"


PROGRESS_PLAN = Path(__file__).parent / "data" / "progress" / "c60-requal.yaml"


@pytest.fixture(scope="module")
def progress_result() -> SolveResult:
    """tests/data/progress/c60-requal.yaml solved: a done task, two running (one on a working-day
    calendar), two planned, a reached milestone and a planned one, as of 2026-03-02."""
    return solved(PROGRESS_PLAN.read_text(encoding="utf-8"))


def _fields(root: ET.Element, name: str) -> dict[str, str | None]:
    """The progress fields of the task sheet's row called ``name``."""
    (task,) = [task for task in root.iterfind("p:Tasks/p:Task", NS) if task.findtext("p:Name", namespaces=NS) == name]
    tags = ("PercentComplete", "ActualStart", "ActualFinish", "ActualDuration", "RemainingDuration", "Duration")
    return {tag: task.findtext(f"p:{tag}", namespaces=NS) for tag in tags}


def test_progress_goes_to_ms_project_as_status_date_actual_dates_and_percent_complete(progress_result) -> None:
    """Done work is 100 % with its actual dates, running work the share of its span before the status
    date, with its actual start; nothing of a planned task or milestone is marked done."""
    root = ET.fromstring(mspdi.render(progress_result))
    assert root.findtext("p:StatusDate", namespaces=NS) == "2026-03-02T08:00:00"
    # Done: 2025-09-01..2025-10-20, 50 days.
    assert _fields(root, "B-sample build") == {
        "PercentComplete": "100",
        "ActualStart": "2025-09-01T08:00:00",
        "ActualFinish": "2025-10-20T17:00:00",
        "ActualDuration": "PT400H0M0S",
        "RemainingDuration": "PT0H0M0S",
        "Duration": "PT400H0M0S",
    }
    # Running since 2025-11-03: its 119 days before 2026-03-02, of a span that runs to the end its
    # 400 remaining cycles give, counted in calendar days.
    times = schedule_times(progress_result.problem, progress_result.schedule)
    life_end = progress_result.problem.date(times.end["c60-b-life"])
    span = (life_end - dt.date(2025, 11, 3)).days + 1
    life = _fields(root, "Cycle life, 1000 cycles at C/3")
    assert life["ActualStart"] == "2025-11-03T08:00:00" and life["ActualFinish"] is None
    assert life["PercentComplete"] == str(119 * 100 // span)
    assert (life["ActualDuration"], life["RemainingDuration"]) == (f"PT{119 * 8}H0M0S", f"PT{(span - 119) * 8}H0M0S")
    # Running on the lab calendar since 2026-01-12: 49 calendar days done; 12 working days left from
    # 2026-03-02 end on 2026-03-17, so the span is 65 days.
    abuse = _fields(root, "Abuse tests")
    assert (abuse["PercentComplete"], abuse["ActualStart"]) == ("75", "2026-01-12T08:00:00")
    assert abuse["ActualFinish"] is None
    assert (abuse["Duration"], abuse["ActualDuration"]) == (f"PT{65 * 8}H0M0S", f"PT{49 * 8}H0M0S")
    for planned in ("Calendar ageing", "Qualification report"):
        fields = _fields(root, planned)
        assert (fields["PercentComplete"], fields["ActualStart"], fields["ActualDuration"]) == ("0", None, "PT0H0M0S")
    freeze = _fields(root, "design-freeze")
    assert (freeze["PercentComplete"], freeze["ActualStart"], freeze["ActualFinish"]) == (
        "100",
        "2025-10-24T17:00:00",
        "2025-10-24T17:00:00",
    )
    assert _fields(root, "c60-qualified")["PercentComplete"] == "0"


def test_without_a_status_date_nothing_is_started() -> None:
    root = ET.fromstring(mspdi.render(solved()))
    assert root.find("p:StatusDate", NS) is None
    for task in root.iterfind("p:Tasks/p:Task", NS):
        assert task.findtext("p:PercentComplete", namespaces=NS) == "0"
        assert task.find("p:ActualStart", NS) is None and task.find("p:ActualFinish", NS) is None


def test_a_stage_is_as_complete_as_the_days_of_its_tasks() -> None:
    """A stage of a done 10-day test and a planned 30-day one is 25 % complete: MS Project's roll-up of
    its tasks' days; its actual start is the done test's, and it has no actual finish."""
    problem = make_problem(
        [
            {"id": "done", "duration": "10d", "stage": "cell", "actual": {"start": "2026-01-05", "end": "2026-01-14"}},
            {"id": "next", "duration": "30d", "stage": "cell", "after": ["done"]},
        ],
        stages=[{"id": "cell", "name": "Cell"}],
        status_date="2026-01-20",
    )
    fields = _fields(ET.fromstring(mspdi.render(earliest_result(problem))), "Cell")
    assert (fields["PercentComplete"], fields["ActualStart"], fields["ActualFinish"]) == (
        "25",
        "2026-01-05T08:00:00",
        None,
    )


# --- read back by MPXJ ------------------------------------------------------------------


def _by_id(project: dict) -> dict[str, dict]:
    return {task["qualplan_id"] or task["name"]: task for task in project["tasks"]}


@needs_mpxj
def test_mpxj_reads_every_task_milestone_and_stage_with_qualplan_dates(exported) -> None:
    _, result, project = exported
    problem = result.problem
    times = schedule_times(problem, result.schedule)
    tasks = _by_id(project)
    assert project["start"] == "2026-01-05T08:00"

    for task_id, spec in problem.tasks.items():
        task = tasks[task_id]
        start, end = problem.date(times.start[task_id]), problem.date(times.end[task_id])
        assert task["start"] == f"{start}T08:00" and task["finish"] == f"{end}T17:00", task_id
        assert task["duration"] == [float(spec.length), "DAYS"], task_id
        assert task["constraint"] == "START_NO_EARLIER_THAN" and task["constraint_date"] == f"{start}T08:00"
        assert task["milestone"] is False and task["summary"] is False
        assert task["calendar"] == spec.calendar  # None: the project calendar, every day
        assert task["ignore_resource_calendar"] is True
    assert tasks["build"]["parent"] == "Cell" and tasks["build"]["outline_level"] == 2
    assert tasks["report"]["parent"] is None and tasks["report"]["outline_level"] == 1
    # The holiday week 02-16..02-20 lies inside the DV report: 10 working days from 02-03 end on 02-23.
    assert (tasks["report"]["start"], tasks["report"]["finish"]) == ("2026-02-03T08:00", "2026-02-23T17:00")
    assert "Standard: GB/T 31484-2015 6.4" in tasks["build"]["notes"]
    assert "Samples: 12" in tasks["build"]["notes"]
    assert "Also after soak (finish-to-finish +3 d)" in tasks["life"]["notes"]

    for milestone_id in problem.milestones:
        milestone = tasks[milestone_id]
        date = problem.date(times.start[milestone_id])
        assert milestone["milestone"] is True, milestone_id
        assert milestone["start"] == milestone["finish"] == f"{date}T17:00", milestone_id
        assert milestone["duration"] == [0.0, "DAYS"]
    assert tasks["line"]["constraint"] == "MUST_START_ON"
    assert tasks["line"]["start"] == "2026-03-02T17:00"
    assert tasks["done"]["deadline"] == "2026-03-31T17:00" and tasks["done"]["constraint"] == "START_NO_EARLIER_THAN"

    stage = tasks["Cell"]
    assert stage["summary"] is True and stage["qualplan_id"] is None
    cell_tasks = [tasks[task_id] for task_id in ("build", "soak", "abuse")]
    assert stage["start"] == min(task["start"] for task in cell_tasks)
    assert stage["finish"] == max(task["finish"] for task in cell_tasks)
    assert "Nothing yet" not in tasks


@needs_mpxj
def test_mpxj_reads_every_link_with_its_type_and_lag(exported) -> None:
    tasks = _by_id(exported[2])
    by_uid = {task["uid"]: task["qualplan_id"] for task in tasks.values()}

    def links(task_id: str) -> list[tuple[str, str, list]]:
        return sorted((by_uid[link["uid"]], link["type"], link["lag"]) for link in tasks[task_id]["predecessors"])

    assert links("soak") == [("build", "FINISH_START", [0.0, "ELAPSED_DAYS"])]
    assert links("life") == [("soak", "START_START", [2.0, "ELAPSED_DAYS"])]
    # The stage in `after` is one link per task of the stage; the milestone link carries -9 h + 2 d.
    assert links("report") == [
        ("abuse", "FINISH_START", [7.0, "ELAPSED_DAYS"]),
        ("build", "FINISH_START", [7.0, "ELAPSED_DAYS"]),
        ("gate", "START_START", [39.0, "ELAPSED_HOURS"]),
        ("soak", "FINISH_START", [7.0, "ELAPSED_DAYS"]),
    ]
    assert links("gate") == [("build", "START_START", [105.0, "ELAPSED_HOURS"])]
    assert links("done") == [
        ("life", "FINISH_START", [0.0, "ELAPSED_DAYS"]),
        ("report", "FINISH_START", [0.0, "ELAPSED_DAYS"]),
    ]
    assert links("line") == [] and links("build") == []


@needs_mpxj
def test_mpxj_reads_calendars_with_weekends_and_holidays_as_non_working(exported) -> None:
    _, result, project = exported
    problem = result.problem
    calendars = project["calendars"]
    every_day = calendars[mspdi.EVERY_DAY_CALENDAR]
    assert every_day["default"] is True and all(every_day["working"])
    workdays = calendars["workdays"]["working"]
    assert workdays == list(problem.calendars["workdays"].mask)
    day = problem.day
    assert workdays[day(dt.date(2026, 2, 18))] is False  # a holiday (Wednesday)
    assert workdays[day(dt.date(2026, 4, 3))] is False  # a one-day holiday (Friday)
    assert workdays[day(dt.date(2026, 1, 10))] is False  # a Saturday
    assert workdays[day(dt.date(2026, 1, 11))] is False  # a Sunday
    assert workdays[day(dt.date(2026, 2, 23))] is True  # the Monday after the holiday


@needs_mpxj
def test_mpxj_reads_resources_capacity_steps_and_assignment_units(exported) -> None:
    path, _, project = exported
    (chamber,) = project["resources"]
    assert chamber["name"] == "chamber" and chamber["type"] == "WORK"
    # MPXJ derives Max Units from the period that holds today's date; the file says one unit at the start.
    resource = ET.fromstring(path.read_bytes()).find("p:Resources/p:Resource", NS)
    assert resource is not None and resource.findtext("p:MaxUnits", namespaces=NS) == "1"
    assert chamber["availability"] == [
        ["2026-01-05T00:00", "2026-03-01T23:59", 100.0],
        ["2026-03-02T00:00", "2027-01-04T23:59", 200.0],
    ]
    assert sorted((a["task"], a["resource"], a["units"]) for a in project["assignments"]) == [
        ("abuse", "chamber", 100.0),
        ("soak", "chamber", 100.0),
    ]


@needs_mpxj
def test_ms_project_scheduling_the_file_keeps_qualplan_dates(exported) -> None:
    project = exported[2]
    as_read = {task["qualplan_id"]: [task["start"], task["finish"]] for task in project["tasks"] if not task["summary"]}
    assert project["scheduled"] == as_read


@needs_mpxj
def test_mpxj_reads_the_progress_and_ms_project_keeps_the_actual_dates(progress_result, tmp_path: Path) -> None:
    path = tmp_path / "c60-requal.xml"
    path.write_bytes(mspdi.render(progress_result))
    (project,) = read_with_mpxj([path], progress_result.problem.days)
    assert project["status_date"] == "2026-03-02T08:00"
    tasks = _by_id(project)
    assert tasks["c60-b-build"]["percent_complete"] == 100.0
    assert (tasks["c60-b-build"]["actual_start"], tasks["c60-b-build"]["actual_finish"]) == (
        "2025-09-01T08:00",
        "2025-10-20T17:00",
    )
    assert tasks["c60-b-abuse"]["percent_complete"] == 75.0
    assert tasks["c60-b-abuse"]["actual_start"] == "2026-01-12T08:00" and tasks["c60-b-abuse"]["actual_finish"] is None
    assert tasks["c60-b-abuse"]["remaining_duration"] == [16.0, "DAYS"]  # 65 days, 49 of them done
    assert tasks["c60-b-calendar"]["percent_complete"] == 0.0 and tasks["c60-b-calendar"]["actual_start"] is None
    assert tasks["design-freeze"]["percent_complete"] == 100.0
    assert tasks["design-freeze"]["actual_finish"] == "2025-10-24T17:00"
    # Rescheduled by MS Project's rules, the actual dates stay and the rest keeps qualplan's dates.
    as_read = {task["qualplan_id"]: [task["start"], task["finish"]] for task in project["tasks"] if not task["summary"]}
    assert project["scheduled"] == as_read


# --- the links alone enforce qualplan's rules (property) ----------------------------------


@st.composite
def linked_plans(draw: st.DrawFn) -> dict[str, Any]:
    """Resource-free plans whose dates come from links and calendars alone.

    A finish-to-finish link never enters a calendar task: MS Project steps the
    duration back over the task's calendar and applies the lag after (docs/reports.md).
    """
    count = draw(st.integers(2, 6))
    tasks: list[dict[str, Any]] = []
    nodes: list[str] = []
    milestones: list[dict[str, Any]] = []
    for index in range(count):
        calendar = draw(st.booleans())
        after = []
        for pred in draw(st.lists(st.sampled_from(nodes), unique=True, max_size=3)) if nodes else []:
            kinds = ["finish", "start"] if calendar else ["finish", "start", "end"]
            after.append({"on": pred, "type": draw(st.sampled_from(kinds)), "lag": f"{draw(st.integers(0, 9))}d"})
        task: dict[str, Any] = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 12))}d", "after": after}
        if calendar:
            task["calendar"] = "workdays"
        tasks.append(task)
        nodes.append(task["id"])
        if draw(st.booleans()):
            pred = draw(st.sampled_from(nodes))
            kind = draw(st.sampled_from(["finish", "start", "end"]))
            lag = f"{draw(st.integers(0, 5))}d"
            milestones.append({"id": f"m{index}", "after": [{"on": pred, "type": kind, "lag": lag}]})
            nodes.append(f"m{index}")
    return {
        "tasks": tasks,
        "milestones": milestones,
        "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-14..2026-01-16", "2026-01-26"]}},
        "horizon": "200d",
    }


@needs_mpxj
@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(linked_plans(), min_size=8, max_size=8))
def test_without_constraints_ms_project_computes_qualplan_earliest_dates(tmp_path: Path, documents: list) -> None:
    """Drop every constraint: MS Project's scheduler, fed only links and calendars, lands on qualplan's dates."""
    problems, paths = [], []
    for index, document in enumerate(documents):
        problem = make_problem(**document)
        path = tmp_path / f"plan-{index}.xml"
        path.write_bytes(mspdi.render(earliest_result(problem)))
        problems.append(problem)
        paths.append(path)
    projects = read_with_mpxj(paths, 1, drop_constraints=True)
    for document, problem, project in zip(documents, problems, projects, strict=True):
        scheduled = project["scheduled"]
        times = earliest_times(problem)
        for node in [*problem.tasks, *problem.milestones]:
            start, end = problem.date(times.start[node]), problem.date(times.end[node])
            if node in problem.milestones:
                expected = [f"{start}T17:00", f"{end}T17:00"]
            else:
                expected = [f"{start}T08:00", f"{end}T17:00"]
            assert scheduled[node] == expected, (node, document)


# --- the bundled plans ----------------------------------------------------------------------


def _mpxj_finish_to_finish_start(problem: Problem, link: Link, pred_end: int) -> int:
    """The start MPXJ's emulation demands of a calendar task after a finish-to-finish link with a lag.

    It steps the successor's duration back over its calendar from the
    predecessor's finish (17:00 of ``pred_end``), adds the elapsed lag, and
    takes the next working start (docs/reports.md, "What is lost in translation").
    """
    spec = problem.tasks[link.succ]
    days = problem.calendars[spec.calendar].days
    last = bisect.bisect_right(days, pred_end) - 1  # the last working day on or before the finish
    first = days[max(0, last - spec.length + 1)]
    return problem.calendars[spec.calendar].next_working(first + link.lag)


@pytest.mark.slow
@needs_mpxj
def test_ms_project_keeps_every_bundled_plan_except_after_a_finish_to_finish_lag_over_holidays(
    tmp_path: Path, bundled_solves: BundledSolves
) -> None:
    """MPXJ's MS Project scheduler moves exactly the tasks its finish-to-finish reading pushes, and their successors."""
    plans = [plan_path(plan_id) for plan_id in bundled_plan_ids()]
    results, paths = [], []
    for plan in plans:
        result = ensure_verified(bundled_solves.result(plan.stem))  # the session's solve, as qualplan check's
        assert result.schedule is not None, plan
        path = tmp_path / f"{plan.stem}.xml"
        path.write_bytes(mspdi.render(result))
        results.append(result)
        paths.append(path)
    for plan, result, project in zip(plans, results, read_with_mpxj(paths, 1), strict=True):
        problem = result.problem
        times = schedule_times(problem, result.schedule)
        pushed = {
            link.succ
            for link in problem.links
            if link.type == "end"
            and link.lag > 0
            and link.succ in problem.tasks
            and problem.tasks[link.succ].calendar is not None
            and _mpxj_finish_to_finish_start(problem, link, times.end[link.pred]) > times.start[link.succ]
        }
        downstream, frontier = set(pushed), list(pushed)
        while frontier:
            for link in problem.succs[frontier.pop()]:
                if link.succ not in downstream:
                    downstream.add(link.succ)
                    frontier.append(link.succ)
        moved = set()
        for node in [*problem.tasks, *problem.milestones]:
            start = problem.date(times.start[node])
            expected = f"{start}T17:00" if node in problem.milestones else f"{start}T08:00"
            if project["scheduled"][node][0] != expected:
                moved.add(node)
        assert moved <= downstream, (plan.name, sorted(moved - downstream))
        assert pushed <= moved, (plan.name, sorted(pushed - moved))
        if plan.name == "byd.yaml":
            assert moved == set()
