"""``qualplan check``: exit codes, the JSON document on stdout, determinism, and the verify gate.

Every solve here is real (OR-Tools) with a time limit of at most 1 s, on the
plans in ``tests/data/check``:

- ``met.yaml``: two tests share one chamber and still meet both due dates;
- ``missed.yaml``: the same plan with the cells due 2026-02-20, which even the
  resource-free critical path misses, so lateness is proved unavoidable;
- ``infeasible.yaml``: two drives that cannot both fit in one 10-day slot;
- ``invalid.yaml``: two errors (a bad duration, a misspelt id);
- ``undecided.yaml``: PSPLIB j12060_10, an open instance (best known makespan 89,
  best proved lower bound 85), due at makespan 86: nobody can answer that in
  0.1 s, so the honest verdict is ``unknown``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands import check
from qualplan.exitcodes import ExitCode
from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.report import json_doc
from qualplan.result import Schedule, Verdict
from qualplan.verify import verify
from spec_document import assert_spec_document

DATA = Path(__file__).parent / "data" / "check"
FAST = ["--time-limit", "1"]


def invoke(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def relative(name: str) -> str:
    """A data file as a path relative to the working directory when possible (paths appear in the output)."""
    return str(DATA / name)


def parsed_json(result) -> object:
    """stdout parsed as JSON, after checking it holds nothing but that JSON, as json_doc writes it."""
    document = json.loads(result.stdout)
    assert result.stdout == json_doc.dumps(document)
    return document


def assert_schedule_verifies(document: dict, plan_file: Path) -> None:
    """Rebuild the schedule from the printed dates and re-check it, independently of the command."""
    problem = compile_plan(load_plan(plan_file).plan)
    starts = {task["id"]: problem.day(_date(task["start"])) for task in document["tasks"] if task["start"]}
    if starts:
        assert verify(problem, Schedule(starts)) == []


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


# --- exit codes -----------------------------------------------------------------------


def test_met_plan_exits_0_with_its_table_and_verdict():
    result = invoke(relative("met.yaml"), *FAST)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"cells-met  60Ah cell qualification  ({relative('met.yaml')})"
    assert lines[1].split() == ["milestone", "name", "due", "date", "slack", "/", "late"]
    # Cell build ends 2026-01-22; the two chamber tests run one after the other and end 2026-03-03.
    assert lines[2].split() == [
        "cells-done",
        "Cells",
        "qualified",
        "2026-04-01",
        "2026-03-03",
        "29",
        "d",
        "slack",
        "met",
    ]
    assert lines[-1].startswith("verdict: met — every due date is met; schedule ")
    assert result.stderr == ""


def test_missed_plan_exits_1_and_reports_the_days_late():
    result = invoke(relative("missed.yaml"), *FAST, "--format", "json")
    assert result.exit_code == 1, result.stderr
    document = parsed_json(result)
    assert_spec_document(document)
    assert document["verdict"] == "missed"
    cells = document["milestones"][0]
    assert (cells["id"], cells["due"], cells["date"], cells["late_days"], cells["met"]) == (
        "cells-done", "2026-02-20", "2026-03-03", 11, False,
    )  # fmt: skip
    assert document["lateness_bound"] > 0  # what makes `missed` a proof
    assert_schedule_verifies(document, DATA / "missed.yaml")


def test_proved_infeasible_plan_exits_1_with_null_dates_and_the_conflict():
    result = invoke(relative("infeasible.yaml"), *FAST, "--format", "json")
    assert result.exit_code == 1, result.stderr
    document = parsed_json(result)
    assert_spec_document(document)
    assert (document["verdict"], document["status"]) == ("missed", "infeasible")
    assert document["milestones"][0]["date"] is None
    assert document["conflicts"] and "slot" in document["conflicts"][0]
    text = invoke(relative("infeasible.yaml"), *FAST)
    assert "verdict: missed — no schedule fits inside the horizon (proved); these rules cannot all hold:" in text.stdout


def test_invalid_plan_exits_2_with_every_error_on_stderr_and_nothing_on_stdout():
    for output_format in ("text", "json"):
        result = invoke(relative("invalid.yaml"), "--format", output_format)
        assert result.exit_code == 2
        assert result.stdout == ""
        errors = result.stderr.splitlines()
        assert len(errors) == 2
        assert errors[0].startswith(f"{relative('invalid.yaml')}:5:27: tasks.build.duration: '2x' is not a duration")
        assert errors[1].startswith(f"{relative('invalid.yaml')}:6:38: tasks.test.after.biuld: unknown task")


def test_missing_file_and_empty_folder_exit_2(tmp_path):
    missing = invoke(str(tmp_path / "nowhere.yaml"))
    assert missing.exit_code == 2
    assert missing.stderr == f"qualplan check: {(tmp_path / 'nowhere.yaml').as_posix()}: no such file or folder\n"
    others = invoke(str(tmp_path / "nowhere.yaml"), relative("met.yaml"), *FAST)
    assert others.exit_code == 2 and "cells-met" in others.stdout  # the plans that exist are still checked
    empty = invoke(str(tmp_path))
    assert empty.exit_code == 2
    assert empty.stderr == f"qualplan check: no plan files (*.yaml, *.yml) found in {tmp_path.as_posix()}\n"


@pytest.fixture(scope="module")
def undecided_runs():
    """The open PSPLIB instance checked twice, 0.1 s each (the determinism test reuses both runs).

    Without the wall-clock deadline: with 0.1 s it is 1.1 s away, and on a loaded machine (the
    suite runs on both cores) it ended one run and not the other. Repeatability is promised for
    runs that the work budget ends; the clock's own tests are in test_deadline.py."""
    from qualplan.deadline import Deadline

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Deadline, "for_command", classmethod(lambda cls, time_limit, started=None: cls.never()))
        return [invoke(relative("undecided.yaml"), "--time-limit", "0.1", "--format", "json") for _ in range(2)]


@pytest.mark.slow
def test_undecided_plan_exits_3_and_never_claims_missed(undecided_runs):
    result = undecided_runs[0]
    assert result.exit_code == 3, result.stderr
    document = parsed_json(result)
    assert_spec_document(document)
    assert (document["verdict"], document["proven"]) == ("unknown", False)
    end = document["milestones"][1]
    assert end["id"] == "project-end" and end["met"] is False  # late in the best schedule found, not proved
    assert document["lateness_bound"] == 0
    assert_schedule_verifies(document, DATA / "undecided.yaml")


def test_verdicts_map_to_exit_codes():
    assert check.VERDICT_EXIT == {Verdict.MET: ExitCode.OK, Verdict.MISSED: ExitCode.MISSED,
                                  Verdict.UNKNOWN: ExitCode.UNDECIDED}  # fmt: skip


# --- several plans -----------------------------------------------------------------------


def plans_folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in names:
        shutil.copy(DATA / name, folder / name)
    return folder


def test_several_plans_print_one_json_array_in_file_order_and_combine_exit_codes(tmp_path):
    folder = plans_folder(tmp_path, "met.yaml", "missed.yaml")
    result = invoke(str(folder), *FAST, "--format", "json")
    assert result.exit_code == 1  # one missed, one met
    documents = parsed_json(result)
    assert [document["plan"] for document in documents] == ["cells-met", "cells-missed"]
    assert [document["file"] for document in documents] == [
        f"{folder.as_posix()}/met.yaml",
        f"{folder.as_posix()}/missed.yaml",
    ]
    for document in documents:
        assert_spec_document(document)


def test_an_invalid_plan_among_others_wins_the_exit_code_but_the_others_are_still_checked(tmp_path):
    folder = plans_folder(tmp_path, "met.yaml", "missed.yaml", "invalid.yaml")
    result = invoke(str(folder), *FAST)
    assert result.exit_code == 2
    assert "cells-met" in result.stdout and "cells-missed" in result.stdout
    assert result.stdout.endswith("\n3 plans: 1 met, 1 missed, 1 invalid\n")
    assert "why cells-done is late: lab capacity costs 10 days, mostly chamber" in result.stdout
    assert "invalid.yaml:5:27:" in result.stderr


def test_default_path_is_the_plans_folder(tmp_path, monkeypatch):
    plans_folder(tmp_path, "met.yaml")
    monkeypatch.chdir(tmp_path)
    result = invoke(*FAST, "--format", "json")
    assert result.exit_code == 0
    assert parsed_json(result)["file"] == "plans/met.yaml"  # one file: a document, not an array


# --- stdout holds only the output ------------------------------------------------------------


def test_json_stdout_is_only_the_document_even_with_warnings(tmp_path):
    plan = tmp_path / "warned.yaml"
    plan.write_text((DATA / "met.yaml").read_text() + "\n", encoding="utf-8")
    text = plan.read_text().replace(
        "  chamber: {capacity: 1}\n", "  chamber: {capacity: 1}\n  spare-rig: {capacity: 2}\n"
    )
    plan.write_text(text, encoding="utf-8")
    result = invoke(str(plan), *FAST, "--format", "json")
    assert result.exit_code == 0
    assert parsed_json(result)["plan"] == "cells-met"
    assert "warning: resources.spare-rig: no task uses resource 'spare-rig'" in result.stderr


def test_csv_and_mermaid_print_one_plan_and_refuse_several(tmp_path):
    csv = invoke(relative("met.yaml"), *FAST, "--format", "csv")
    assert csv.exit_code == 0
    assert csv.stdout.splitlines()[0] == "id,name,stage,start,end,duration_days,resources,standard,state"
    mermaid = invoke(relative("met.yaml"), *FAST, "--format", "mermaid")
    assert mermaid.exit_code == 0 and "gantt" in mermaid.stdout
    folder = plans_folder(tmp_path, "met.yaml", "missed.yaml")
    several = invoke(str(folder), "--format", "csv")
    assert several.exit_code == 2 and several.stdout == ""
    assert "--format csv writes one plan, but 2 plan files were given" in several.stderr


# --- the verify gate -------------------------------------------------------------------------


def test_a_schedule_that_fails_verify_is_never_printed_exit_4(monkeypatch):
    import dataclasses

    import qualplan.solver

    real_solve = qualplan.solver.solve

    def broken_solve(problem, **options):
        result = real_solve(problem, **options)
        starts = dict(result.schedule.starts)
        starts["abuse"] = 0  # before the cell build ends, and into the chamber's other test
        return dataclasses.replace(result, schedule=Schedule(starts))

    monkeypatch.setattr(qualplan.solver, "solve", broken_solve)
    result = invoke(relative("met.yaml"), *FAST, "--format", "json")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(
        f"qualplan: internal error (a bug, please report it): {relative('met.yaml')}: "
        "the schedule of plan 'cells-met' breaks"
    )
    assert "dependency: 'abuse' start 2026-01-05 is before 2026-01-23" in result.stderr


# --- determinism ------------------------------------------------------------------------------


def test_same_plan_seed_and_workers_give_byte_identical_json_in_process(undecided_runs):
    first, second = undecided_runs
    assert first.exit_code == second.exit_code == 3
    assert parsed_json(first)["stopped_by"] == "work"  # what the promise of repeatability is about
    assert first.stdout.encode() == second.stdout.encode()


@pytest.mark.slow
def test_same_plan_seed_and_workers_give_byte_identical_json_across_processes(tmp_path):
    folder = plans_folder(tmp_path, "met.yaml", "missed.yaml", "infeasible.yaml")
    command = [sys.executable, "-m", "qualplan", "check", str(folder), "--format", "json", "--time-limit", "1",
               "--seed", "7", "--workers", "2"]  # fmt: skip
    runs = [subprocess.run(command, capture_output=True, check=False) for _ in range(2)]
    assert [run.returncode for run in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert [document["plan"] for document in json.loads(runs[0].stdout)] == [
        "no-slot",
        "cells-met",
        "cells-missed",
    ]  # sorted by file name


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_full_output_is_one_line_and_exit_2_not_a_bug(command: str) -> None:
    """`qualplan check PLAN > /dev/full` said "internal error (a bug)" with exit 4."""
    plan = Path(__file__).parent / "data" / "check" / "met.yaml"
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "qualplan",
                command,
                str(plan),
                *(["--time-limit", "1"] if command == "check" else []),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert (done.returncode, done.stderr) == (2, "qualplan: cannot write to standard output: No space left on device\n")
