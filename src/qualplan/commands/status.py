"""``qualplan status PLAN --set-actuals FROM.csv -o NEW.yaml [--status-date DATE]``: record progress.

Reads the rows a lab's test management system exported (``progress_csv``: one
row per task or milestone, ``id,start,end,remaining``), writes them into a copy
of the plan as ``actual`` and ``remaining`` (and ``--status-date`` as
``status_date``), and keeps everything else of the file as it was: only the
changed entries' lines change (``yaml_edit``). Then the new plan is validated
like any plan file.

Nothing is written unless every row checks out and the new plan is valid (exit
2 otherwise, with every problem at once); the input plan is never touched, and
the output goes through ``atomic.write_atomic`` (never onto the input, nor onto
anything but a regular file). stdout gets one line on what was recorded.

Nothing here imports OR-Tools: recording progress does not solve the plan.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TextIO

from qualplan.commands.pipeline import warning_line
from qualplan.commands.streams import Streams
from qualplan.exitcodes import ExitCode


def run(
    plan: Path,
    actuals: Path,
    output: Path,
    *,
    status_date: dt.date | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Write ``plan`` with the progress of ``actuals`` (a CSV file) to ``output``; see the module docstring."""
    from qualplan.atomic import TargetRefused, check_target, write_atomic
    from qualplan.loader import load_plan, load_plan_text
    from qualplan.progress_csv import read
    from qualplan.yaml_edit import Document

    streams = Streams.of(stdout, stderr)
    plan, output = Path(plan), Path(output)
    try:
        output = check_target(output)
    except TargetRefused as refused:
        streams.error(f"qualplan status: cannot write {output}: {refused}")
        return ExitCode.BAD_INPUT
    if _same_file(plan, output):
        streams.error(f"qualplan status: -o {output} is the input plan; the input is never modified, name a new file")
        return ExitCode.BAD_INPUT

    loaded = load_plan(plan)
    if not loaded.ok or loaded.plan is None:
        for error in loaded.errors:
            streams.error(str(error))
        return ExitCode.BAD_INPUT
    as_of = status_date or loaded.plan.status_date
    if as_of is None:
        streams.error(
            f"qualplan status: {plan.as_posix()} has no status_date; give --status-date DATE (the day the "
            "progress is recorded as of)"
        )
        return ExitCode.BAD_INPUT

    rows, problems = read(actuals, loaded.plan, as_of)
    # Bytes, not read_text: newline translation would turn a CRLF file's every line into a change.
    text = plan.read_bytes().decode("utf-8") if not problems else ""
    document = Document(text) if not problems else None
    unwritten: list[str] = [str(problem) for problem in problems]
    for row in rows if document is not None else []:
        node = document.list_item("tasks" if row.kind == "task" else "milestones", row.id)
        if node is None:
            unwritten.append(
                f"{actuals}:{row.line}: {row.kind} '{row.id}' is not written in {plan.as_posix()} itself "
                "(an included file?); record its progress where it is defined"
            )
        elif row.kind == "task":
            document.change(node, {"actual": row.actual, "remaining": row.remaining})
        else:
            document.change(node, {"actual": row.actual})
    if unwritten or document is None:
        for line in unwritten:
            streams.error(line)
        streams.error(f"qualplan status: {output} not written: {len(unwritten)} problem(s) in {actuals}")
        return ExitCode.BAD_INPUT
    if status_date is not None:
        document.change(document.root, {"status_date": status_date.isoformat()}, after="start")
    changed = document.apply()

    checked = load_plan_text(changed, str(output))
    for warning in checked.warnings:
        streams.error(warning_line(warning))
    if not checked.ok:
        for error in checked.errors:
            streams.error(str(error))
        streams.error(f"qualplan status: {output} not written: the updated plan has {len(checked.errors)} error(s)")
        return ExitCode.BAD_INPUT
    try:
        write_atomic(output, changed)
    except TargetRefused as refused:
        streams.error(f"qualplan status: cannot write {output}: {refused}")
        return ExitCode.BAD_INPUT
    except OSError as error:
        streams.error(f"qualplan status: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    streams.write(_summary(output, rows, as_of) + "\n")
    return ExitCode.OK


def _same_file(plan: Path, output: Path) -> bool:
    """Whether ``output`` names the input plan (the same path, or the same file through a link)."""
    if output.exists() and plan.exists():
        return os.path.samefile(plan, output)
    return plan.resolve() == output.resolve()


def _summary(output: Path, rows, as_of: dt.date) -> str:
    """``qualplan status: wrote new.yaml: 3 tasks updated (1 done, 2 running), 1 milestone reached, as of ...``."""
    tasks = [row for row in rows if row.kind == "task"]
    done = sum(row.end is not None for row in tasks)
    milestones = len(rows) - len(tasks)
    return (
        f"qualplan status: wrote {output}: {len(tasks)} task{'' if len(tasks) == 1 else 's'} updated "
        f"({done} done, {len(tasks) - done} running), {milestones} milestone{'' if milestones == 1 else 's'} "
        f"reached, as of {as_of.isoformat()}"
    )
