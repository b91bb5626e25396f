"""``qualplan check [PATH ...]``: schedule each plan and say whether its due dates are met.

Per plan file: load (errors to stderr, exit 2), compile, solve, re-check the
schedule with ``verify`` (a rule broken is a bug: one line, exit 4), then print
it in the chosen format. Several plans combine their exit codes with
``exitcodes.combine``. stdout carries only the output format's text, so
``--format json`` can be piped straight into ``jq``; everything else (plan
errors, the progress line, internal errors) goes to stderr.

Nothing here imports OR-Tools at module level: ``qualplan --help`` must stay fast.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualplan.exitcodes import ExitCode, combine
from qualplan.result import SolveResult, Verdict

#: The exit code of each verdict (plan-format.md, "Exit codes").
VERDICT_EXIT = {Verdict.MET: ExitCode.OK, Verdict.MISSED: ExitCode.MISSED, Verdict.UNKNOWN: ExitCode.UNDECIDED}
#: Formats that hold one plan: several plans would make several CSV headers or gantt blocks in one stream.
SINGLE_PLAN_FORMATS = ("csv", "mermaid")
#: Width of the text table when stdout is not a terminal (a file or a CI log).
PIPE_WIDTH = 120


@dataclass(frozen=True)
class Checked:
    """One plan file's outcome: its exit code, and its result when it was solved and verified."""

    path: Path
    code: ExitCode
    result: SolveResult | None = None


def run(paths: list[Path], output_format: str, *, time_limit: float, workers: int, seed: int) -> ExitCode:
    """Check every plan file under ``paths``; print results on stdout; return the combined exit code."""
    from qualplan.loader import find_plan_files

    files = find_plan_files(paths)
    if not files:
        shown = ", ".join(path.as_posix() for path in paths)
        _error(f"qualplan check: no plan files (*.yaml, *.yml) found in {shown}")
        return ExitCode.BAD_INPUT
    if output_format in SINGLE_PLAN_FORMATS and len(files) > 1:
        _error(
            f"qualplan check: --format {output_format} writes one plan, but {len(files)} plan files were given; "
            "name one plan file"
        )
        return ExitCode.BAD_INPUT

    checked: list[Checked] = []
    for path in files:
        outcome = check_file(path, time_limit=time_limit, workers=workers, seed=seed)
        checked.append(outcome)
        if output_format == "text" and outcome.result is not None:
            _write(("\n" if any(item.result for item in checked[:-1]) else "") + _text(outcome))
        elif output_format in SINGLE_PLAN_FORMATS and outcome.result is not None:
            _write(_single_plan_format(output_format, outcome.result))

    if output_format == "json":
        documents = [_document(item) for item in checked if item.result is not None]
        if documents:
            from qualplan.report import json_doc

            _write(json_doc.render_many(documents) if len(files) > 1 else json_doc.dumps(documents[0]))
    elif output_format == "text" and len(files) > 1:
        _write(f"\n{_summary(checked)}\n")
    return combine(item.code for item in checked)


def check_file(path: Path, *, time_limit: float, workers: int, seed: int) -> Checked:
    """Load, solve and verify one plan file; its problems go to stderr."""
    from qualplan.deadline import Deadline

    deadline = Deadline.for_command(time_limit)  # before the plan is loaded: the promise counts that too
    from qualplan.loader import load_plan

    loaded = load_plan(path)
    for warning in loaded.warnings:
        _error(f"{warning.file}:{warning.line}:{warning.column}: warning: {_after_position(warning)}")
    if not loaded.ok or loaded.plan is None:
        for error in loaded.errors:
            _error(str(error))
        return Checked(path, ExitCode.BAD_INPUT)

    from qualplan.problem import compile_plan
    from qualplan.progress import SolveProgress
    from qualplan.solver import solve
    from qualplan.verify import ScheduleRejected, ensure_verified

    problem = compile_plan(loaded.plan)
    with SolveProgress(loaded.plan.id) as progress:
        result = solve(
            problem, time_limit=time_limit, workers=workers, seed=seed, progress=progress.report, deadline=deadline
        )
    try:
        ensure_verified(result)
    except ScheduleRejected as rejected:
        _error(f"qualplan: internal error (a bug, please report it): {path.as_posix()}: {rejected}")
        return Checked(path, ExitCode.INTERNAL)
    return Checked(path, exit_code(result), result)


def exit_code(result: SolveResult) -> ExitCode:
    """0 met, 1 missed, 3 unknown: the verdict decides, never the solver status alone."""
    return VERDICT_EXIT[result.verdict]


# --- output ------------------------------------------------------------------------


def _text(outcome: Checked) -> str:
    from qualplan.explain import why_lines
    from qualplan.report import text

    assert outcome.result is not None
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else PIPE_WIDTH
    # One line per late milestone on what sets its date (no solver runs: milliseconds).
    why = why_lines(outcome.result)
    return text.render(outcome.result, outcome.path, why=why, color=terminal, width=width)


def _summary(checked: list[Checked]) -> str:
    from qualplan.report import text

    verdicts = [item.result.verdict for item in checked if item.result is not None]
    invalid = sum(item.code is ExitCode.BAD_INPUT for item in checked)
    failed = sum(item.code is ExitCode.INTERNAL for item in checked)
    return text.summary(verdicts, invalid=invalid, failed=failed)


def _document(outcome: Checked) -> dict[str, Any]:
    from qualplan.report import json_doc

    assert outcome.result is not None
    return json_doc.document(outcome.result, outcome.path)


def _single_plan_format(output_format: str, result: SolveResult) -> str:
    if output_format == "csv":
        from qualplan.report import csv_export

        return csv_export.render(result)
    from qualplan.report import mermaid

    return mermaid.render(result)


def _after_position(problem: Any) -> str:
    return f"{problem.path}: {problem.message}" if problem.path else problem.message


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _error(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
