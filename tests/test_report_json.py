"""The JSON document of ``check --format json``: the spec's fields, dates, nulls and stable bytes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hand_results import earliest_result, problem_of, result_without_schedule, unproved_result
from qualplan.report import json_doc
from qualplan.result import Schedule, SolveStatus, StoppedBy
from spec_document import assert_spec_document

TASKS = [
    {"id": "c60-build", "name": "60Ah cell build", "stage": "cell", "duration": "2w", "uses": {"line": 1}},
    {
        "id": "c60-cycle-life",
        "name": "60Ah cycle life, 25 °C",
        "stage": "cell",
        "cycles": {
            "count": 1000,
            "charge_c": 0.5,
            "discharge_c": 1.0,
            "cv_h": 0.5,
            "rest_h": 0.25,
            "checkup_every": 100,
            "checkup_h": 24,
        },  # the spec's example: 4240 h = 177 d
        "uses": {"cycler-channel": 3, "climate-chamber": 1},
        "after": ["c60-build"],
    },
    {"id": "audit", "duration": "5d", "calendar": "office", "after": [{"on": "c60-build", "type": "start"}]},
]
MILESTONES = [
    {"id": "cells-done", "name": "Cells qualified", "after": ["cell"], "due": "2026-07-01", "priority": 2},
    {"id": "audit-done", "after": ["audit"]},
]
TOP = {
    "id": "hongqi-demo",
    "stages": [{"id": "cell"}],
    # Unlimited enough that the earliest schedule respects them; the renderer only reads `uses`.
    "resources": {"line": {"capacity": 1}, "cycler-channel": {"capacity": 3}, "climate-chamber": {"capacity": 1}},
    "calendars": {"office": {"weekends": ["sat", "sun"]}},
}


def demo_result():
    return earliest_result(problem_of(TASKS, milestones=MILESTONES, **TOP))


def test_document_has_the_spec_fields_with_the_schedules_dates():
    document = json_doc.document(demo_result(), Path("plans/demo.yaml"))
    assert_spec_document(document)
    assert document["format"] == 1
    assert document["plan"] == "hongqi-demo"
    # c60-build 2026-01-05..01-18, cycle life 177 d from 01-19 ends 07-14: 13 days after the due date.
    assert document["verdict"] == "missed"
    assert document["proven"] is True
    assert document["milestones"] == [
        {
            "id": "cells-done",
            "due": "2026-07-01",
            "date": "2026-07-14",
            "late_days": 13,
            "met": False,
            "name": "Cells qualified",
            "priority": 2,
            "state": "planned",
        },
        {
            "id": "audit-done",
            "due": None,
            "date": "2026-01-09",
            "late_days": None,
            "met": None,
            "name": None,
            "priority": 1,
            "state": "planned",
        },
    ]
    assert document["tasks"][1] == {
        "id": "c60-cycle-life",
        "start": "2026-01-19",
        "end": "2026-07-14",
        "duration_days": 177,
        "uses": {"cycler-channel": 3, "climate-chamber": 1},
        "name": "60Ah cycle life, 25 °C",
        "stage": "cell",
        "state": "planned",
    }


def test_added_fields_follow_the_spec_fields_in_a_fixed_order():
    document = json_doc.document(demo_result(), Path("plans/demo.yaml"))
    assert list(document) == [
        "format", "plan", "verdict", "proven", "milestones", "tasks",
        "file", "status", "stopped_by", "lateness", "lateness_bound", "conflicts", "status_date",
    ]  # fmt: skip
    assert document["file"] == "plans/demo.yaml"
    assert (document["status"], document["lateness"], document["lateness_bound"]) == ("optimal", 26, 26)
    assert document["stopped_by"] == "proof"
    assert document["conflicts"] == []


def test_duration_days_is_elapsed_days_weekends_included():
    audit = json_doc.document(demo_result())["tasks"][2]
    # 5 working days from Monday 2026-01-05 end on Friday 01-09; from Thursday 01-08 they would span a weekend.
    assert (audit["start"], audit["end"], audit["duration_days"]) == ("2026-01-05", "2026-01-09", 5)
    problem = problem_of(
        [{"id": "audit", "duration": "5d", "calendar": "office", "not_before": "2026-01-08"}], **TOP | {"stages": []}
    )
    task = json_doc.document(earliest_result(problem))["tasks"][0]
    assert (task["start"], task["end"], task["duration_days"]) == ("2026-01-08", "2026-01-14", 7)


def test_an_unknown_verdict_keeps_the_best_schedule_and_says_it_is_not_proven():
    problem = problem_of(TASKS, milestones=MILESTONES, **TOP)
    result = unproved_result(problem, Schedule({"c60-build": 0, "c60-cycle-life": 20, "audit": 1}))
    document = json_doc.document(result)
    assert_spec_document(document)
    assert (document["verdict"], document["proven"], document["status"]) == ("unknown", False, "feasible")
    assert document["milestones"][0]["date"] == "2026-07-20"
    assert document["milestones"][0]["met"] is False
    assert (document["lateness"], document["lateness_bound"]) == (38, 0)
    assert document["stopped_by"] == "work"  # a rerun gives the same
    clock = json_doc.document(dataclasses.replace(result, stopped_by=StoppedBy.CLOCK))
    assert clock["stopped_by"] == "clock"  # the wall clock cut it: a rerun may differ


def test_no_schedule_gives_null_dates_and_the_conflicts():
    problem = problem_of(TASKS, milestones=MILESTONES, **TOP)
    conflicts = ("task 'audit' must start by 2026-01-02 but the plan starts 2026-01-05",)
    document = json_doc.document(result_without_schedule(problem, SolveStatus.INFEASIBLE, conflicts))
    assert_spec_document(document)
    assert document["verdict"] == "missed"
    assert [milestone["date"] for milestone in document["milestones"]] == [None, None]
    assert all(milestone["late_days"] is None and milestone["met"] is None for milestone in document["milestones"])
    assert [(task["start"], task["end"], task["duration_days"]) for task in document["tasks"]] == [
        (None, None, None)
    ] * 3
    assert document["tasks"][1]["uses"] == {"cycler-channel": 3, "climate-chamber": 1}
    assert document["lateness"] is None
    assert document["conflicts"] == list(conflicts)


def test_text_is_indented_utf8_with_a_trailing_newline():
    text = json_doc.render(demo_result(), Path("plans/demo.yaml"))
    assert text.startswith('{\n  "format": 1,\n  "plan": "hongqi-demo",\n  "verdict": "missed",\n')
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"name": "60Ah cycle life, 25 °C"' in text  # not \u00b0
    assert json.loads(text) == json_doc.document(demo_result(), Path("plans/demo.yaml"))


def test_the_bytes_do_not_depend_on_the_wall_time():
    result = demo_result()
    slower = dataclasses.replace(result, wall_time=9.75)
    assert json_doc.render(result).encode() == json_doc.render(slower).encode()


def test_several_plans_make_one_array():
    first = json_doc.document(demo_result(), Path("a.yaml"))
    second = json_doc.document(earliest_result(problem_of([{"id": "x", "duration": "1d"}], id="tiny")), Path("b.yml"))
    text = json_doc.render_many([first, second])
    parsed = json.loads(text)
    assert [document["plan"] for document in parsed] == ["hongqi-demo", "tiny"]
    assert parsed[1]["verdict"] == "met"
    assert text.startswith("[\n  {\n") and text.endswith("]\n")
