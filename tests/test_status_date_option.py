"""``--status-date DATE`` on ``check``, ``explain`` and ``report``: the plan's status date
replaced in memory (a ``PlanChange`` of the shared pipeline), checked again like a file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands import check, explain, report
from qualplan.exitcodes import ExitCode

EXAMPLE = Path(__file__).parent / "data" / "progress" / "c60-requal.yaml"
FAST = {"time_limit": 2.0, "workers": 1, "seed": 0}


def check_json(*arguments: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(app, ["check", str(EXAMPLE), "--format", "json", "--time-limit", "2", *arguments])
    document = json.loads(result.stdout) if result.stdout else {}
    return result.exit_code, document, result.stderr


def test_the_file_status_date_and_the_states_are_in_the_json() -> None:
    code, document, _ = check_json()
    assert code == ExitCode.MISSED  # design-freeze was reached 9 days late
    assert document["status_date"] == "2026-03-02"
    assert {task["id"]: task["state"] for task in document["tasks"]} == {
        "c60-b-build": "done",
        "c60-b-life": "running",
        "c60-b-abuse": "running",
        "c60-b-calendar": "planned",
        "c60-report": "planned",
    }
    assert {m["id"]: m["state"] for m in document["milestones"]} == {
        "design-freeze": "reached",
        "c60-qualified": "planned",
    }


def test_a_later_status_date_replans_from_it() -> None:
    code, document, stderr = check_json("--status-date", "2026-04-01")
    assert (code, stderr) == (ExitCode.MISSED, "")
    assert document["status_date"] == "2026-04-01"
    tasks = {task["id"]: (task["start"], task["end"]) for task in document["tasks"]}
    # 400 cycles at C/3 take 102 days from the status date; 12 working days of abuse from
    # Wednesday 2026-04-01 skip the weekend and the Easter holidays 04-03..04-06: Apr 1, 2, 7-10, 13-17, 20.
    assert tasks["c60-b-life"] == ("2025-11-03", "2026-07-11")
    assert tasks["c60-b-abuse"] == ("2026-01-12", "2026-04-20")
    assert tasks["c60-b-calendar"] == ("2026-04-21", "2026-07-19")


def test_an_actual_after_the_new_status_date_is_an_error_that_names_the_option_at_the_actual() -> None:
    out, err = io.StringIO(), io.StringIO()
    import datetime as dt

    code = check.run([EXAMPLE], "text", status_date=dt.date(2026, 1, 5), stdout=out, stderr=err, **FAST)
    assert code == ExitCode.BAD_INPUT and out.getvalue() == ""
    path = EXAMPLE.as_posix()
    assert err.getvalue().splitlines() == [
        f"{path}:36:21: tasks.c60-b-abuse.actual.start: actual start 2026-01-12 is after the status date "
        "2026-01-05; progress is recorded only up to the status date (with --status-date 2026-01-05)",
    ]


def test_a_status_date_on_a_plan_without_one_moves_the_unstarted_work(tmp_path: Path) -> None:
    plan = tmp_path / "plain.yaml"
    plan.write_text(
        "qualplan: 1\nid: plain\nstart: 2026-01-05\ntasks:\n  - {id: a, duration: 5d}\n"
        "milestones:\n  - {id: m, after: [a], due: 2026-01-31}\n"
    )
    result = CliRunner().invoke(app, ["check", str(plan), "--format", "json", "--status-date", "2026-02-02"])
    document = json.loads(result.stdout)
    assert result.exit_code == ExitCode.MISSED
    assert (document["tasks"][0]["start"], document["milestones"][0]["date"]) == ("2026-02-02", "2026-02-06")


def test_a_bad_status_date_is_a_command_line_error() -> None:
    result = CliRunner().invoke(app, ["check", str(EXAMPLE), "--status-date", "2026-02-30"])
    assert result.exit_code == 2
    assert "'2026-02-30' is not a calendar date" in result.stderr


@pytest.mark.slow
def test_explain_and_report_take_the_option_too(tmp_path: Path) -> None:
    import datetime as dt

    out, err = io.StringIO(), io.StringIO()
    code = explain.run(
        EXAMPLE, "c60-qualified", "json", status_date=dt.date(2026, 4, 1), stdout=out, stderr=err, **FAST
    )
    assert code == ExitCode.OK, err.getvalue()
    explanation = json.loads(out.getvalue())
    assert explanation["status_date"] == "2026-04-01"
    abuse = next(link for link in explanation["milestones"][0]["chain"] if link["id"] == "c60-b-abuse")
    assert abuse["reasons"] == [{"kind": "running", "date": "2026-04-20", "remaining": "12 working days"}]

    page = tmp_path / "report.html"
    code = report.run(EXAMPLE, page, status_date=dt.date(2026, 4, 1), stdout=io.StringIO(), stderr=err, **FAST)
    assert code == ExitCode.OK
    assert "progress as of 2026-04-01: 1 task done, 2 running, 2 planned; 1 of 2 milestones reached" in (
        page.read_text()
    )
