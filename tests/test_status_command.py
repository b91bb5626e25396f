"""``qualplan status PLAN --set-actuals FROM.csv -o NEW.yaml``: progress from a CSV into a new plan
file that differs from the original only in the changed entries' lines."""

from __future__ import annotations

import difflib
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands import status
from qualplan.exitcodes import ExitCode
from qualplan.loader import load_plan

EXAMPLE = Path(__file__).parent / "data" / "progress" / "c60-requal.yaml"

PLAN = """\
# Lab plan: comments, flow and block entries, quoting and blank lines must survive.
qualplan: 1
id: status-demo
start: 2026-01-05   # Monday
status_date: 2026-02-02

resources:
  cycler: {capacity: 4}

tasks:
  - {id: build, duration: 10d}          # flow entry
  - id: life
    name: "Cycle life: 500 cycles"      # a quoted name
    cycles: {count: 500, charge_c: 0.5, discharge_c: 1.0, rest_h: 0.5}
    after: [build]
    uses: {cycler: 2}
    # a comment inside the entry

  - id: abuse
    duration: 20d
    after: [build]
    remaining: 5d                       # from last week, now outdated
    actual:
      start: 2026-01-19

milestones:
  - {id: built, after: [build]}
  - id: done
    after: [life, abuse]
    due: 2026-06-30
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def run(plan: Path, csv: Path, output: Path, **options) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = status.run(plan, csv, output, stdout=out, stderr=err, **options)
    return code, out.getvalue(), err.getvalue()


def changed_lines(before: str, after: str) -> list[str]:
    """The diff's removed (-) and added (+) lines, nothing else."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_progress_rows_change_only_their_entries_lines_and_the_output_checks(tmp_path: Path) -> None:
    import datetime as dt

    plan = write(tmp_path, "plan.yaml", PLAN)
    csv = write(
        tmp_path,
        "week.csv",
        "id,start,end,remaining\nbuild,2026-01-05,2026-01-14,\nlife,2026-01-15,,300\n"
        "abuse,2026-01-19,,\nbuilt,2026-01-14,,\n",
    )
    output = tmp_path / "new.yaml"
    code, out, err = run(plan, csv, output, status_date=dt.date(2026, 2, 9))
    assert (code, err) == (ExitCode.OK, "")
    assert out == (
        f"qualplan status: wrote {output}: 3 tasks updated (1 done, 2 running), 1 milestone reached, as of 2026-02-09\n"
    )
    assert plan.read_text() == PLAN  # the input is never modified
    assert changed_lines(PLAN, output.read_text()) == [
        "-status_date: 2026-02-02",
        "+status_date: 2026-02-09",
        "-  - {id: build, duration: 10d}          # flow entry",
        "+  - {id: build, duration: 10d, actual: {start: 2026-01-05, end: 2026-01-14}}          # flow entry",
        "+    actual: {start: 2026-01-15}",
        "+    remaining: {count: 300, charge_c: 0.5, discharge_c: 1.0, rest_h: 0.5}",
        "-    remaining: 5d                       # from last week, now outdated",
        "-    actual:",
        "-      start: 2026-01-19",
        "+    actual: {start: 2026-01-19}",
        "-  - {id: built, after: [build]}",
        "+  - {id: built, after: [build], actual: 2026-01-14}",
    ]
    loaded = load_plan(output)
    assert loaded.ok
    life = loaded.plan.task("life")
    assert (life.state, life.remaining.count, loaded.plan.milestone("built").actual.isoformat()) == (
        "running",
        300,
        "2026-01-14",
    )
    # The new plan checks: 300 cycles × (2 + 1 + 2 × 0.5) h = 1200 h = 50 days from 2026-02-09 end on 2026-03-30.
    result = CliRunner().invoke(app, ["check", str(output), "--format", "json", "--time-limit", "2"])
    assert result.exit_code == ExitCode.OK, result.stderr
    tasks = {task["id"]: (task["start"], task["end"], task["state"]) for task in json.loads(result.stdout)["tasks"]}
    assert tasks["life"] == ("2026-01-15", "2026-03-30", "running")


def test_bad_rows_are_all_reported_with_their_csv_line_and_nothing_is_written(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)
    csv = write(
        tmp_path,
        "week.csv",
        "id,start,end,remaining\n"
        "biuld,2026-01-05,2026-01-14,\n"  # 2: unknown id
        "life,2026-01-15,2026-01-10,\n"  # 3: end before start
        "abuse,,2026-01-20,\n"  # 4: no start
        "life,2026-01-15,,\n"  # 5: given again
        "built,2026-01-14,,3d\n"  # 6: a milestone has no remaining
        "done,2026-02-20,,\n"  # 7: after the status date
        "build,2026-01-05,2026-01-14,2d\n"  # 8: done and remaining
        "abuse,2026-01-19,,soon\n",  # 9: already given on line 4? no: line 4 was rejected before its id counted
    )
    output = tmp_path / "new.yaml"
    code, out, err = run(plan, csv, output)
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert not output.exists()
    name = str(csv)
    assert err.splitlines() == [
        f"{name}:2: unknown task or milestone 'biuld'; did you mean 'build'?",
        f"{name}:3: end 2026-01-10 is before start 2026-01-15",
        f"{name}:4: no start: give the day it started (with an end when it is done)",
        f"{name}:5: 'life' is given again (first on line 3)",
        f"{name}:6: milestone 'built' has no remaining work; leave remaining empty",
        f"{name}:7: start 2026-02-20 is after the status date 2026-02-02",
        f"{name}:8: a done task (with an end) has no remaining work; leave remaining empty",
        f"{name}:9: 'abuse' is given again (first on line 4)",
        f"qualplan status: {output} not written: 8 problem(s) in {csv}",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("task,start\nbuild,2026-01-05\n", "1: unknown column 'task' (the columns: id, start, end, remaining)"),
        ("id;start;end\nbuild;2026-01-05;\n", "1: the header 'id;start;end' is one column: separate the columns "
         "with commas, not semicolons"),
        ("id,end\nbuild,2026-01-14\n", "1: the header row has no column 'start'; it needs id,start,end,remaining "
         "(end and remaining may be left out)"),
        ("", "1: the file is empty; it needs a header row: id,start,end,remaining"),
        ("id,start\nabuse,2026-01-19,2026-01-20\n", "2: 1 more cell than the header has columns"),
        ("id,start,remaining\nabuse,2026-01-19,3 weeks\n", "2: remaining: '3 weeks' is not a duration; write "
         "<number><unit> with unit h, d, w, mo or y (e.g. '12w', '30h', '1.5mo')"),
        ("id,start\nabuse,19.01.2026\n", "2: start: expected a date YYYY-MM-DD, got '19.01.2026'"),
    ],
)  # fmt: skip
def test_a_bad_csv_file_names_its_line(tmp_path: Path, content: str, message: str) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)
    csv = write(tmp_path, "week.csv", content)
    code, _, err = run(plan, csv, tmp_path / "new.yaml")
    assert code == ExitCode.BAD_INPUT
    assert err.splitlines()[0] == f"{csv}:{message}"


def test_a_bare_number_on_a_duration_task_is_days_and_a_bom_and_crlf_survive(tmp_path: Path) -> None:
    crlf = ("\ufeff" + PLAN).replace("\n", "\r\n")
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(crlf.encode("utf-8"))
    csv = write(tmp_path, "week.csv", "\ufeffid,start,remaining\r\nabuse,2026-01-19,4\r\n")
    output = tmp_path / "new.yaml"
    code, _, err = run(plan, csv, output)
    # The new plan's warnings are printed: 'abuse' started while 'build' had not.
    assert (code, err) == (
        ExitCode.OK,
        f"{output}:21:13: warning: tasks.abuse.after.build: out of sequence: 'abuse' started 2026-01-19, but "
        "'build', which it waits for (finish-to-start), has not started by the status date; the actual dates stand\n",
    )
    written = output.read_bytes().decode("utf-8")
    assert written.startswith("\ufeff# Lab plan") and "\n" not in written.replace("\r\n", "")
    assert changed_lines(crlf, written) == [
        "-    remaining: 5d                       # from last week, now outdated\r",
        "-    actual:\r",
        "-      start: 2026-01-19\r",
        "+    remaining: 4d                       # from last week, now outdated\r",
        "+    actual: {start: 2026-01-19}\r",
    ]


def test_a_new_plan_that_is_invalid_is_not_written(tmp_path: Path) -> None:
    # Two running tasks that together hold 5 of 4 cyclers from the status date on.
    plan = write(tmp_path, "plan.yaml", PLAN.replace("uses: {cycler: 2}", "uses: {cycler: 3}"))
    csv = write(tmp_path, "week.csv", "id,start\nlife,2026-01-15\nbuild,2026-01-05\n")
    text = plan.read_text().replace("    after: [build]\n    remaining", "    uses: {cycler: 2}\n    remaining", 1)
    plan.write_text(text)
    output = tmp_path / "new.yaml"
    code, out, err = run(plan, csv, output)
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert not output.exists()
    assert err.splitlines()[-2:] == [
        f"{output}:8:3: resources.cycler: the tasks under way alone hold 5 units of 'cycler' on 2026-02-02 "
        "('life' 3, 'abuse' 2), more than its capacity 4; record the tasks that are done, or raise the capacity",
        f"qualplan status: {output} not written: the updated plan has 1 error(s)",
    ]


def test_the_output_may_not_be_the_input_or_a_special_file(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)
    csv = write(tmp_path, "week.csv", "id,start\nabuse,2026-01-19\n")
    code, _, err = run(plan, csv, plan)
    assert code == ExitCode.BAD_INPUT
    assert err == f"qualplan status: -o {plan} is the input plan; the input is never modified, name a new file\n"
    link = tmp_path / "link.yaml"
    link.symlink_to(plan)
    code, _, err = run(plan, csv, link)
    assert code == ExitCode.BAD_INPUT and "cannot write" in err
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, _, err = run(plan, csv, fifo)
    assert code == ExitCode.BAD_INPUT and "cannot write" in err
    assert plan.read_text() == PLAN


def test_without_any_status_date_nothing_is_written(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN.replace("status_date: 2026-02-02\n", "").replace(
        "    remaining: 5d                       # from last week, now outdated\n    actual:\n"
        "      start: 2026-01-19\n", ""))  # fmt: skip
    csv = write(tmp_path, "week.csv", "id,start\nabuse,2026-01-19\n")
    code, _, err = run(plan, csv, tmp_path / "new.yaml")
    assert code == ExitCode.BAD_INPUT
    assert err == (
        f"qualplan status: {plan.as_posix()} has no status_date; give --status-date DATE (the day the progress "
        "is recorded as of)\n"
    )


def test_the_command_line(tmp_path: Path) -> None:
    csv = write(tmp_path, "week.csv", "id,start,end\nc60-b-abuse,2026-01-12,2026-03-13\n")
    output = tmp_path / "new.yaml"
    result = CliRunner().invoke(
        app, ["status", str(EXAMPLE), "--set-actuals", str(csv), "-o", str(output), "--status-date", "2026-03-16"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"qualplan status: wrote {output}: 1 task updated (1 done, 0 running), 0 milestones reached, as of 2026-03-16\n"
    )
    assert load_plan(output).plan.task("c60-b-abuse").state == "done"
