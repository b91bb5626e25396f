"""``check --format csv`` and ``--format mermaid``: the exports planners paste elsewhere."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from plan_factory import make_problem
from qualplan.problem import Problem
from qualplan.report import csv_export, mermaid
from qualplan.report.mermaid import mermaid_ids, safe_text
from qualplan.result import SolveResult, SolveStatus, Verdict
from report_support import INJECTED, earliest_result, ladder_problem


def progress_problem() -> Problem:
    """A programme under way on its status date 2026-02-02 (a Monday), one task of each state.

    Earliest times (no resources, so they are optimal):
      build  2026-01-05 .. 2026-01-14 done (its actual dates)
      cycle  2026-01-15 .. 2026-02-21 running: 20 days remaining from the status date
      abuse  2026-02-02 .. 2026-02-06 planned: starts on the status date at the earliest
      built      reached 2026-01-16 (actual), due 2026-01-13: 3 d late
      qualified  2026-02-21, due 2026-03-31: met, through cycle (its critical chain)
    """
    return make_problem(
        [
            {
                "id": "build",
                "name": "Build cells",
                "stage": "cell",
                "duration": "10d",
                "actual": {"start": "2026-01-05", "end": "2026-01-14"},
            },
            {
                "id": "cycle",
                "name": "Cycle life",
                "stage": "cell",
                "duration": "30d",
                "after": ["build"],
                "actual": {"start": "2026-01-15"},
                "remaining": "20d",
            },
            {"id": "abuse", "name": "Abuse tests", "stage": "cell", "duration": "5d", "after": ["build"]},
        ],
        title="Progress plan",
        status_date="2026-02-02",
        stages=[{"id": "cell", "name": "Cell"}],
        milestones=[
            {"id": "built", "name": "Cells built", "after": ["build"], "due": "2026-01-13", "actual": "2026-01-16"},
            {"id": "qualified", "name": "Qualified", "after": ["cycle", "abuse"], "due": "2026-03-31"},
        ],
    )


# --- CSV -------------------------------------------------------------------------


def _csv(result: SolveResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_export.render(result))))


def test_csv_has_one_row_per_task_with_dates_duration_and_standard() -> None:
    rows = _csv(earliest_result(ladder_problem()))
    assert [row["id"] for row in rows] == ["cell-build", "cell-cycle", "module-abuse", "pack-winter"]
    assert rows[1] == {
        "id": "cell-cycle",
        "name": "Cycle life: 1000 cycles; 25 °C #1",
        "stage": "cell",
        "start": "2026-01-15",
        "end": "2026-02-13",
        "duration_days": "30",
        "resources": "",
        "standard": "GB/T 31484-2015 6.4",
        "state": "planned",
    }
    # A calendar task: 60 working days, so its span is longer than its duration.
    assert (rows[2]["start"], rows[2]["end"], rows[2]["duration_days"]) == ("2026-01-15", "2026-04-08", "60")
    assert (rows[3]["start"], rows[3]["end"]) == ("2026-12-15", "2027-01-13")


def test_csv_header_and_line_endings() -> None:
    text = csv_export.render(earliest_result(ladder_problem()))
    # `state` comes last, so the columns before it keep their positions.
    assert text.splitlines()[0] == "id,name,stage,start,end,duration_days,resources,standard,state"
    assert "\r" not in text
    assert text.endswith("\n")


def test_csv_lists_resource_units() -> None:
    problem = ladder_problem(
        top={"resources": {"cycler": {"capacity": 8}, "chamber": {"capacity": 2}}},
        **{"cell-cycle": {"uses": {"cycler": 3, "chamber": 1}}},
    )
    rows = _csv(earliest_result(problem))
    assert rows[1]["resources"] == "cycler=3; chamber=1"


def test_csv_quotes_commas_quotes_and_newlines_so_each_task_stays_one_record() -> None:
    problem = ladder_problem(**{"cell-build": {"name": 'Build "A", then\nB'}})
    rows = _csv(earliest_result(problem))
    assert len(rows) == 4
    assert rows[0]["name"] == 'Build "A", then\nB'


def test_csv_neutralises_spreadsheet_formulas_in_plan_text() -> None:
    problem = ladder_problem(
        **{
            "cell-build": {"name": '=HYPERLINK("http://evil","x")'},
            "cell-cycle": {"standard": "@SUM(1+1)"},
            "module-abuse": {"name": INJECTED},
        }
    )
    rows = _csv(earliest_result(problem))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil","x")'
    assert rows[1]["standard"] == "'@SUM(1+1)"
    assert rows[2]["name"] == INJECTED  # CSV is not HTML: the text is kept as written


def test_csv_without_a_schedule_keeps_the_tasks_and_leaves_dates_empty() -> None:
    problem = ladder_problem()
    result = SolveResult(problem, SolveStatus.UNKNOWN, Verdict.UNKNOWN, False, None, None, 0, 1.0)
    rows = _csv(result)
    assert (rows[0]["id"], rows[0]["start"], rows[0]["end"], rows[0]["duration_days"]) == ("cell-build", "", "", "10")
    assert len(rows) == 4


def test_csv_state_column_says_which_tasks_are_done_running_or_planned() -> None:
    assert csv_export.render(earliest_result(progress_problem())).splitlines() == [
        "id,name,stage,start,end,duration_days,resources,standard,state",
        "build,Build cells,cell,2026-01-05,2026-01-14,10,,,done",
        "cycle,Cycle life,cell,2026-01-15,2026-02-21,30,,,running",
        "abuse,Abuse tests,cell,2026-02-02,2026-02-06,5,,,planned",
    ]


def test_csv_of_a_plan_without_progress_has_every_task_planned() -> None:
    rows = _csv(earliest_result(ladder_problem()))
    assert [(row["id"], row["state"]) for row in rows] == [
        ("cell-build", "planned"),
        ("cell-cycle", "planned"),
        ("module-abuse", "planned"),
        ("pack-winter", "planned"),
    ]


# --- Mermaid: a model of the gantt lexer ------------------------------------------------
#
# The rules of Mermaid's gantt.jison (mermaid-js/mermaid, packages/mermaid/src/diagrams/
# gantt/parser/gantt.jison) that can match at the start of a token in the initial state,
# in their order: jison takes the FIRST rule that matches, not the longest. Rules that
# open another lexer state (directives, accTitle, click/call/href) must never match our
# output, so they are tokens the parser below refuses.

_JS_SPACE = r"[ \f\n\r\t\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_LEXER = [
    (r"%%\{", "open_directive"),
    (rf"accTitle{_JS_SPACE}*:{_JS_SPACE}*", "acc_title"),
    (rf"accDescr{_JS_SPACE}*:{_JS_SPACE}*", "acc_descr"),
    (rf"accDescr{_JS_SPACE}*\{{{_JS_SPACE}*", "acc_descr_multiline"),
    (r"%%(?!\{)*[^\n]*", None),
    (r"[^}]%%*[^\n]*", None),
    (r"%%*[^\n]*[\n]*", None),
    (r"[\n]+", "NL"),
    (rf"{_JS_SPACE}+", None),
    (r"#[^\n]*", None),
    (r"%%[^\n]*", None),
    (rf'href{_JS_SPACE}+["]', "href"),
    (rf"call{_JS_SPACE}+", "call"),
    (rf"click{_JS_SPACE}+", "click"),
    (r"gantt", "gantt"),
    (rf"dateFormat{_JS_SPACE}[^#\n;]+", "dateFormat"),
    (r"inclusiveEndDates", "inclusiveEndDates"),
    (r"topAxis", "topAxis"),
    (rf"axisFormat{_JS_SPACE}[^#\n;]+", "axisFormat"),
    (rf"tickInterval{_JS_SPACE}[^#\n;]+", "tickInterval"),
    (rf"includes{_JS_SPACE}[^#\n;]+", "includes"),
    (rf"excludes{_JS_SPACE}[^#\n;]+", "excludes"),
    (rf"todayMarker{_JS_SPACE}[^\n;]+", "todayMarker"),
    (rf"weekday{_JS_SPACE}[^#\n;]+", "weekday"),
    (rf"weekend{_JS_SPACE}[^#\n;]+", "weekend"),  # Mermaid 11
    (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "date"),
    (rf"title{_JS_SPACE}[^#\n;]+", "title"),
    (rf"accDescription{_JS_SPACE}[^#\n;]+", "accDescription"),
    (rf"section{_JS_SPACE}[^#:\n;]+", "section"),
    (r"[^#:\n;]+", "taskTxt"),
    (r":[^#\n;]+", "taskData"),
    (r":", ":"),
    (r".", "INVALID"),
]
# re.ASCII: JavaScript regexes without the `u` flag fold case for ASCII letters only.
_RULES = [(re.compile(pattern, re.IGNORECASE | re.ASCII), kind) for pattern, kind in _LEXER]


def lex(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        for pattern, kind in _RULES:
            match = pattern.match(text, position)
            if match and match.end() > position:
                if kind is not None:
                    tokens.append((kind, match.group()))
                position = match.end()
                break
    return tokens


@dataclass
class GanttTask:
    section: str | None
    name: str
    tags: list[str]
    id: str
    start: str
    end: str


def parse_gantt(text: str) -> tuple[dict[str, str], list[GanttTask]]:
    """The statements of a gantt block, or AssertionError where Mermaid would fail or misread."""
    tokens = [token for token in lex(text) if token[0] != "NL"]
    assert tokens[0] == ("gantt", "gantt"), tokens[:1]
    settings: dict[str, str] = {}
    tasks: list[GanttTask] = []
    section = None
    index = 1
    while index < len(tokens):
        kind, value = tokens[index]
        if kind in {"dateFormat", "axisFormat", "title"}:
            settings[kind] = value.split(None, 1)[1]
        elif kind == "inclusiveEndDates":
            settings[kind] = "yes"
        elif kind == "section":
            section = value[len("section ") :]
        elif kind == "taskTxt":
            assert index + 1 < len(tokens) and tokens[index + 1][0] == "taskData", f"task without data: {value!r}"
            data = [part.strip() for part in tokens[index + 1][1][1:].split(",")]
            tags = []
            while data and data[0] in {"active", "done", "crit", "milestone", "vert"}:
                tags.append(data.pop(0))
            assert len(data) == 3, f"expected id, start, end in {tokens[index + 1][1]!r}"
            tasks.append(GanttTask(section, value.strip(), tags, *data))
            index += 1
        else:
            raise AssertionError(f"Mermaid would read {value!r} as {kind}")
        index += 1
    return settings, tasks


def _reads_as_one_task(line: str, name: str) -> bool:
    try:
        _, tasks = parse_gantt(f"gantt\n    {line}\n")
    except AssertionError:
        return False
    return [(task.name, task.id) for task in tasks] == [(name, "t1")]


def test_the_lexer_model_catches_what_breaks_mermaid() -> None:
    """The model must reject the very inputs safe_text guards against, or it proves nothing."""
    assert _reads_as_one_task("Cycle life :t1, 2026-01-05, 2026-01-06", "Cycle life")
    for bad in (
        "Cycle: 1000",
        "Build #2",
        "a; b",
        "5% SOC",
        "Section 4 abuse",
        "2026-01-05 build",
        "click me",
        "Title check",
        "gantt review",
    ):
        assert not _reads_as_one_task(f"{bad} :t1, 2026-01-05, 2026-01-06", bad), bad
        assert _reads_as_one_task(f"{safe_text(bad)} :t1, 2026-01-05, 2026-01-06", safe_text(bad)), bad


# --- Mermaid output ----------------------------------------------------------------------


def test_mermaid_block_has_explicit_inclusive_dates_and_sections_per_stage() -> None:
    settings, tasks = parse_gantt(mermaid.render(earliest_result(ladder_problem())))
    assert settings == {
        "title": "Ladder plan - verdict missed",
        "dateFormat": "YYYY-MM-DD",
        "axisFormat": "%Y-%m",
        "inclusiveEndDates": "yes",
    }
    by_id = {task.id: task for task in tasks}
    assert [(t.section, t.id, t.start, t.end) for t in tasks if "milestone" not in t.tags] == [
        ("10Ah cell", "cell-build", "2026-01-05", "2026-01-14"),
        ("10Ah cell", "cell-cycle", "2026-01-15", "2026-02-13"),
        ("Module", "module-abuse", "2026-01-15", "2026-04-08"),
        ("Pack", "pack-winter", "2026-12-15", "2027-01-13"),
    ]
    assert by_id["cell-cycle"].name == "Cycle life： 1000 cycles； 25 °C ＃1"
    assert by_id["module-abuse"].name == "\u200bSection 5 abuse tests"


def test_mermaid_milestones_are_zero_day_markers_and_late_ones_are_crit() -> None:
    _, tasks = parse_gantt(mermaid.render(earliest_result(ladder_problem())))
    milestones = [task for task in tasks if "milestone" in task.tags]
    assert [(m.section, m.id, m.start, m.end, m.tags) for m in milestones] == [
        ("Milestones", "cells-done", "2026-02-13", "0d", ["milestone"]),
        ("Milestones", "sop", "2027-01-13", "0d", ["crit", "milestone"]),
    ]
    assert milestones[1].name == "Start of production (due 2026-12-31, 13 d late)"
    assert milestones[0].name == "Cells qualified (due 2026-03-01, met)"


def test_mermaid_tags_done_and_running_tasks_and_reached_milestones_and_nothing_without_progress() -> None:
    text = mermaid.render(earliest_result(progress_problem()))
    assert text.splitlines()[5:] == [
        "    section Cell",
        "    Build cells :done, build, 2026-01-05, 2026-01-14",
        "    Cycle life :crit, active, cycle, 2026-01-15, 2026-02-21",
        "    Abuse tests :abuse, 2026-02-02, 2026-02-06",
        "    section Milestones",
        "    Cells built (due 2026-01-13, 3 d late) :crit, done, milestone, built, 2026-01-16, 0d",
        "    Qualified (due 2026-03-31, met) :milestone, qualified, 2026-02-21, 0d",
    ]
    _, tasks = parse_gantt(text)  # Mermaid reads each tag as a tag, not as the task's id
    assert {task.id: task.tags for task in tasks} == {
        "build": ["done"],
        "cycle": ["crit", "active"],
        "abuse": [],
        "built": ["crit", "done", "milestone"],
        "qualified": ["milestone"],
    }
    # A plan without progress: every task is planned, so only crit and milestone appear.
    _, tasks = parse_gantt(mermaid.render(earliest_result(ladder_problem())))
    assert {tag for task in tasks for tag in task.tags} == {"crit", "milestone"}


def test_mermaid_marks_the_critical_chain_from_the_explanation() -> None:
    @dataclass
    class Link:
        node: str
        is_milestone: bool

    @dataclass
    class Item:
        id: str
        chain: tuple

    @dataclass
    class Explanation:
        milestones: tuple

    explanation = Explanation(
        (Item("sop", (Link("sop", True), Link("pack-winter", False), Link("module-abuse", False))),)
    )
    _, tasks = parse_gantt(mermaid.render(earliest_result(ladder_problem()), explanation))
    assert {task.id for task in tasks if "crit" in task.tags} == {"pack-winter", "module-abuse", "sop"}


def test_mermaid_without_explanation_walks_the_chains_from_the_schedule() -> None:
    """check --format mermaid has no explanation: the chains of both milestones still show.

    sop <- pack-winter <- module-abuse <- cell-build; cells-done <- cell-cycle <- cell-build.
    """
    _, tasks = parse_gantt(mermaid.render(earliest_result(ladder_problem())))
    assert [task.id for task in tasks if "crit" in task.tags] == [
        "cell-build",
        "cell-cycle",
        "module-abuse",
        "pack-winter",
        "sop",
    ]


def test_mermaid_leaves_a_task_off_the_chain_untagged() -> None:
    """A side task that sets no milestone's date is not crit."""
    problem = ladder_problem(
        **{"cell-cycle": {"after": [{"on": "cell-build", "type": "start"}], "stage": "module", "duration": "5d"}}
    )
    _, tasks = parse_gantt(mermaid.render(earliest_result(problem)))
    tags = {task.id: task.tags for task in tasks}
    assert tags["cell-cycle"] == []
    assert tags["module-abuse"] == ["crit"]


def test_mermaid_survives_hostile_names_stage_names_and_title() -> None:
    problem = ladder_problem(
        top={
            "title": "Plan #7; phase: 2 %% done",
            "stages": [
                {"id": "cell", "name": "Cells: 10Ah # 1"},
                {"id": "module", "name": "section"},
                {"id": "pack", "name": "click pack"},
            ],
        },
        **{
            "cell-build": {"name": INJECTED},
            "cell-cycle": {"name": "title\ncrash"},
            "module-abuse": {"name": "   "},
            "pack-winter": {"name": "5% SOC storage: 30 d"},
        },
    )
    settings, tasks = parse_gantt(mermaid.render(earliest_result(problem)))
    assert settings["title"] == "Plan ＃7； phase： 2 ％％ done - verdict missed"
    sections = ["Cells： 10Ah ＃ 1", "Cells： 10Ah ＃ 1", "\u200bsection", "\u200bclick pack"]
    assert [task.section for task in tasks][:4] == sections
    names = {task.id: task.name for task in tasks}
    assert names["cell-build"] == INJECTED.replace(";", "；")
    assert names["cell-cycle"] == "\u200btitle crash"
    assert names["module-abuse"] == "module-abuse"  # nothing visible left: the id stands in
    assert names["pack-winter"] == "5％ SOC storage： 30 d"


def test_mermaid_ids_never_collide_with_tag_words() -> None:
    assert mermaid_ids(["crit", "crit-1", "done", "sop"]) == {
        "crit": "crit-2",
        "crit-1": "crit-1",
        "done": "done-1",
        "sop": "sop",
    }


def test_mermaid_without_a_schedule_is_a_valid_block_that_says_why() -> None:
    problem = ladder_problem()
    result = SolveResult(
        problem, SolveStatus.INFEASIBLE, Verdict.MISSED, True, None, None, 0, 0.5, ("sop at: 2026-01-01",)
    )
    text = mermaid.render(result)
    _, tasks = parse_gantt(text)
    assert tasks == []
    assert "%% no schedule: no schedule fits the horizon - sop at： 2026-01-01" in text


_KEYWORDS = [
    "section ",
    "title ",
    "click ",
    "call ",
    'href "',
    "gantt",
    "dateFormat ",
    "accTitle: ",
    "accDescr{",
    "excludes ",
    "weekday ",
    "todayMarker ",
    "2026-01-05",
    "%%{",
    "x%",
    "#",
]


@given(
    prefix=st.sampled_from(["", *_KEYWORDS]),
    body=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
)
def test_any_name_stays_one_task_with_its_visible_text(prefix: str, body: str) -> None:
    name = prefix + body
    line = f"gantt\n    {safe_text(name, 't1')} :crit, t1, 2026-01-05, 2026-01-06\n"
    _, tasks = parse_gantt(line)
    assert len(tasks) == 1
    assert (tasks[0].id, tasks[0].tags, tasks[0].start, tasks[0].end) == ("t1", ["crit"], "2026-01-05", "2026-01-06")
    assert tasks[0].name == safe_text(name, "t1").strip()
