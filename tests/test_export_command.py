"""``qualplan export PLAN --to mspdi|ics|xlsx -o FILE``: exit codes, atomic writes, refusals, lazy imports."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from export_support import EXPORT_PLAN, write_plan
from qualplan.cli import app
from qualplan.commands import export as export_command
from qualplan.exitcodes import ExitCode

FAST = {"time_limit": 5.0, "workers": 1, "seed": 0}


@pytest.mark.parametrize("export_format", ["mspdi", "ics", "xlsx"])
def test_each_format_is_written_and_its_path_printed(tmp_path: Path, capsys, export_format: str) -> None:
    output = tmp_path / f"plan.{export_format}"
    code = export_command.run(write_plan(tmp_path), output, export_format, **FAST)
    assert code is ExitCode.OK
    assert capsys.readouterr().out == f"{output}\n"
    data = output.read_bytes()
    if export_format == "mspdi":
        assert b"<Name>DV report</Name>" in data
    elif export_format == "ics":
        assert len(Calendar.from_ical(data).walk("VEVENT")) == 8
    else:
        assert openpyxl.load_workbook(io.BytesIO(data))["DVP&R"]["A6"].value == "report"


def test_a_missed_plan_is_still_written_with_exit_0(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, EXPORT_PLAN.replace("due: 2026-03-31", "due: 2026-02-13"))
    output = tmp_path / "late.ics"
    assert export_command.run(plan, output, "ics", **FAST) is ExitCode.OK
    assert b"late by 10 days" in output.read_bytes().replace(b"\r\n ", b"")


def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    for export_format in ("mspdi", "ics", "xlsx"):
        first, second = tmp_path / f"a.{export_format}", tmp_path / f"b.{export_format}"
        export_command.run(plan, first, export_format, **FAST)
        export_command.run(plan, second, export_format, **FAST)
        assert first.read_bytes() == second.read_bytes(), export_format


def test_an_invalid_plan_writes_nothing_and_keeps_the_previous_file(tmp_path: Path, capsys) -> None:
    output = tmp_path / "plan.xml"
    output.write_text("previous export")
    plan = write_plan(tmp_path, EXPORT_PLAN.replace("duration: 20d", "duration: 20x"))
    assert export_command.run(plan, output, "mspdi", **FAST) is ExitCode.BAD_INPUT
    assert "tasks.life.duration: '20x' is not a duration" in capsys.readouterr().err
    assert output.read_text() == "previous export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export-demo.yaml", "plan.xml"]


def test_targets_that_are_not_regular_files_are_refused_before_solving(tmp_path: Path, capsys) -> None:
    plan = write_plan(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    replaced = "which writing would replace; give the path of a regular file or a new one"
    cases = {
        tmp_path: "it is a folder; give a file name",
        fifo: f"it is a named pipe (FIFO), {replaced}",
        Path(os.devnull): f"it is a device, {replaced}",
        tmp_path / "nowhere" / "plan.ics": f"folder {tmp_path / 'nowhere'} does not exist",
    }
    for target, reason in cases.items():
        assert export_command.run(plan, target, "ics", **FAST) is ExitCode.BAD_INPUT
        assert capsys.readouterr().err == f"qualplan export: cannot write {target}: {reason}\n"


def test_the_cli_requires_a_known_format_and_an_output(tmp_path: Path) -> None:
    plan = str(write_plan(tmp_path))
    runner = CliRunner()
    bad_format = runner.invoke(app, ["export", plan, "--to", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert bad_format.exit_code == 2 and "'pdf' is not one of 'mspdi', 'ics', 'xlsx'" in _words(bad_format.output)
    no_output = runner.invoke(app, ["export", plan, "--to", "ics"])
    assert no_output.exit_code == 2 and "Missing option '-o' / '--output'" in _words(no_output.output)
    written = runner.invoke(app, ["export", plan, "--to", "ics", "-o", str(tmp_path / "x.ics"), "--time-limit", "5"])
    assert written.exit_code == 0 and (tmp_path / "x.ics").is_file()
    assert not (tmp_path / "x.pdf").exists()


def _words(output: str) -> str:
    """The CLI's message without rich's box drawing and line wrapping."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())


@pytest.mark.slow
def test_help_and_validate_import_neither_the_solver_nor_the_export_libraries(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    for args in (["--help"], ["export", "--help"], ["validate", str(plan)]):
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "qualplan", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
        heavy = ("ortools", "numba", "openpyxl", "icalendar")
        assert not [name for name in imported if name.startswith(heavy)], args
