"""``check --baseline OLD.json``: slip per milestone and variance per task against an earlier
``check --format json`` output, with hand-computed numbers; and every way a baseline file can be bad."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qualplan.commands import check
from qualplan.exitcodes import ExitCode

FAST = {"time_limit": 2.0, "workers": 1, "seed": 0}

# Day 0 is Monday 2026-01-05. No resources, so the earliest times are the schedule:
#   build 2026-01-05..2026-01-14 (10 d), life 2026-01-15..2026-02-13 (30 d), report after life.
PLAN = """\
qualplan: 1
id: slip-demo
start: 2026-01-05
tasks:
  - {{id: build, duration: 10d}}
  - {{id: life, duration: {life}, after: [build]}}
  - {{id: report, duration: 5d, after: [life]}}
{extra}milestones:
  - {{id: life-done, after: [life], due: 2026-02-28}}
  - {{id: qualified, after: [report], due: 2026-03-31}}
{extra_milestone}"""


def write_plan(folder: Path, *, life: str = "30d", extra: str = "", extra_milestone: str = "") -> Path:
    path = folder / "plan.yaml"
    path.write_text(PLAN.format(life=life, extra=extra, extra_milestone=extra_milestone))
    return path


def run_check(paths: list[Path], output_format: str, **options) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check.run(paths, output_format, stdout=out, stderr=err, **FAST, **options)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    code, out, _ = run_check([write_plan(tmp_path)], "json")
    assert code == ExitCode.OK
    path = tmp_path / "old.json"
    path.write_text(out)
    return path


def test_a_longer_test_slips_its_milestones_and_moves_its_tasks(tmp_path: Path, baseline: Path) -> None:
    # life 30d -> 42d: life ends 2026-02-25 instead of 02-13 (+12), report 02-26..03-02 instead of 02-14..02-18.
    plan = write_plan(tmp_path, life="42d")
    code, out, err = run_check([plan], "json", baseline=baseline)
    assert (code, err) == (ExitCode.OK, "")
    document = json.loads(out)
    assert [(m["id"], m["date"], m["baseline"], m["slip_days"], m["new"]) for m in document["milestones"]] == [
        ("life-done", "2026-02-25", "2026-02-13", 12, False),
        ("qualified", "2026-03-02", "2026-02-18", 12, False),
    ]
    assert [
        (t["id"], t["baseline_start"], t["baseline_end"], t["start_variance_days"], t["end_variance_days"])
        for t in document["tasks"]
    ] == [
        ("build", "2026-01-05", "2026-01-14", 0, 0),
        ("life", "2026-01-15", "2026-02-13", 0, 12),
        ("report", "2026-02-14", "2026-02-18", 12, 12),
    ]
    assert document["baseline"] == {
        "file": baseline.as_posix(),
        "status_date": None,
        "removed": {"tasks": [], "milestones": []},
    }

    code, out, err = run_check([plan], "text", baseline=baseline)
    assert out.splitlines()[1:4] == [
        "milestone  due         date        slack / late   slip",
        "life-done  2026-02-28  2026-02-25     3 d slack  +12 d  met",
        "qualified  2026-03-31  2026-03-02    29 d slack  +12 d  met",
    ]
    assert f"against the baseline {baseline.as_posix()}: 2 tasks end later (life +12 d, report +12 d)" in out


def test_an_earlier_date_is_a_negative_slip(tmp_path: Path, baseline: Path) -> None:
    code, out, _ = run_check([write_plan(tmp_path, life="27d")], "text", baseline=baseline)
    assert code == ExitCode.OK
    assert out.splitlines()[2] == "life-done  2026-02-28  2026-02-10    18 d slack  -3 d  met"


def test_tasks_and_milestones_missing_from_the_baseline_show_as_new(tmp_path: Path, baseline: Path) -> None:
    extra = "  - {id: soak, duration: 3d, after: [build]}\n"
    extra_milestone = "  - {id: soaked, after: [soak]}\n"
    plan = write_plan(tmp_path, extra=extra, extra_milestone=extra_milestone)
    code, out, _ = run_check([plan], "json", baseline=baseline)
    document = json.loads(out)
    soak = document["tasks"][3]
    assert (soak["id"], soak["new"], soak["baseline_start"], soak["start_variance_days"]) == ("soak", True, None, None)
    assert [(m["id"], m["new"], m["slip_days"]) for m in document["milestones"]][2] == ("soaked", True, None)
    code, out, _ = run_check([plan], "text", baseline=baseline)
    assert code == ExitCode.OK
    assert out.splitlines()[4] == "soaked     —           2026-01-17             —   new  no due date"
    assert "no task ends on another day; 1 new task" in out


def test_a_removed_task_is_listed(tmp_path: Path, baseline: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "qualplan: 1\nid: slip-demo\nstart: 2026-01-05\ntasks:\n  - {id: build, duration: 10d}\n"
        "  - {id: life, duration: 30d, after: [build]}\nmilestones:\n  - {id: life-done, after: [life]}\n"
    )
    code, out, _ = run_check([plan], "json", baseline=baseline)
    assert code == ExitCode.OK
    assert json.loads(out)["baseline"]["removed"] == {"tasks": ["report"], "milestones": ["qualified"]}


def test_a_multi_plan_baseline_is_matched_by_plan_id(tmp_path: Path, baseline: Path) -> None:
    other = json.loads(baseline.read_text()) | {"plan": "another-plan"}
    several = tmp_path / "several.json"
    several.write_text(json.dumps([other, json.loads(baseline.read_text())]))
    code, out, _ = run_check([write_plan(tmp_path, life="42d")], "json", baseline=several)
    assert code == ExitCode.OK
    assert [m["slip_days"] for m in json.loads(out)["milestones"]] == [12, 12]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("verdict: met\n", "not JSON (line 1 column 1: Expecting value); give the output of an earlier "
         "'qualplan check --format json'"),
        ('{"plan": "slip-demo", "milestones": [], "tasks": []}', "not a 'qualplan check --format json' "
         "document (no '\"format\": 1')"),
        ('[{"format": 1, "plan": "x", "milestones": [], "tasks": [{"start": "2026-01-05"}]}]', "item 1: not a "
         "'qualplan check --format json' document (an entry of 'tasks' without an 'id')"),
        ('{"format": 1, "plan": "slip-demo", "milestones": [{"id": "m", "date": "soon"}], "tasks": []}',
         "not a 'qualplan check --format json' document ('milestones' entry 'm' has date 'soon', not a date "
         "YYYY-MM-DD)"),
        ("[]", "an empty array holds no plan"),
    ],
)  # fmt: skip
def test_a_bad_baseline_file_is_exit_2_with_one_line_naming_it(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(content)
    code, out, err = run_check([write_plan(tmp_path)], "text", baseline=bad)
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert err == f"qualplan check: --baseline {bad}: {message}\n"


def test_a_baseline_of_another_plan_is_exit_2_naming_the_file(tmp_path: Path, baseline: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps(json.loads(baseline.read_text()) | {"plan": "another-plan"}))
    plan = write_plan(tmp_path)
    code, out, err = run_check([plan], "json", baseline=other)
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert err == (
        f"qualplan check: {plan.as_posix()}: --baseline {other}: no plan 'slip-demo' in it (it holds 'another-plan')\n"
    )


def test_a_missing_baseline_file_and_a_format_without_dates_are_command_line_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    code, _, err = run_check([write_plan(tmp_path)], "text", baseline=missing)
    assert code == ExitCode.BAD_INPUT
    assert err == f"qualplan check: --baseline {missing}: cannot read the file: No such file or directory\n"
    code, _, err = run_check([write_plan(tmp_path)], "csv", baseline=missing)
    assert (code, err) == (
        ExitCode.BAD_INPUT,
        "qualplan check: --baseline compares dates in the text or json format, not csv\n",
    )
