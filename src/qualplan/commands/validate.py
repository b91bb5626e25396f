"""``qualplan validate``: check plan files without solving them.

Diagnostics go to stdout, one per line, like other linters (ruff, mypy), so they
can be piped and captured; only a bad command line is reported on stderr. The
output depends only on the files, so the same files always print the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualplan import cancel
from qualplan.commands.streams import Streams
from qualplan.exitcodes import ExitCode
from qualplan.loader import FoundFiles, LoadedPlan, PlanError, load_file, scan_plan_files
from qualplan.report.github import escape_data as _escape_data
from qualplan.report.github import escape_property as _escape_property

FORMATS = ("text", "json", "github")


def run(
    paths: Sequence[Path],
    output_format: str | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Validate every plan file in ``paths``; 0 when all are valid, 2 when any is not (or none is found).

    ``output_format`` None means ``github`` under GitHub Actions, else ``text``.
    A path that does not exist is a bad command line: it is reported on stderr
    (exit 2) and the other paths are still validated.
    """
    streams = Streams.of(stdout, stderr)
    chosen = output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if chosen not in FORMATS:
        streams.error(f"qualplan validate: unknown format '{chosen}'; use one of {', '.join(FORMATS)}")
        return ExitCode.BAD_INPUT
    found = scan_plan_files(paths, fragments=True)
    for path in found.missing:
        streams.error(f"qualplan validate: {path}: no such file or folder")
    if not found.files:
        if not found.missing:
            shown = ", ".join(str(path) for path in paths)
            streams.error(f"qualplan validate: no plan files (*.yaml, *.yml) found in {shown}{_skipped(found)}")
        return ExitCode.BAD_INPUT
    results = []
    for path in found.files:
        cancel.check()  # Ctrl-C between files stops at once, not after the whole folder
        results.append(load_file(path))
    render = {"text": render_text, "json": render_json, "github": render_github}[chosen]
    streams.write(render(results, found.not_plans))
    valid = all(result.ok for result in results) and not found.missing
    return ExitCode.OK if valid else ExitCode.BAD_INPUT


# --- renderers (pure: results in, text out) ----------------------------------------------------


def summary(results: Sequence[LoadedPlan], not_plans: Sequence[Path] = ()) -> str:
    """``3 files: 2 valid, 1 invalid (3 errors, 1 warning)``, and the YAML files a folder scan skipped."""
    invalid = sum(not result.ok for result in results)
    errors = sum(len(result.errors) for result in results)
    warnings = sum(len(result.warnings) for result in results)
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    skipped = f"; {_plural(len(not_plans), 'YAML file')} skipped: not a plan" if not_plans else ""
    return f"{_plural(len(results), 'file')}: {len(results) - invalid} valid, {invalid} invalid ({counts}{skipped})"


def render_text(results: Sequence[LoadedPlan], not_plans: Sequence[Path] = ()) -> str:
    """``FILE:LINE:COLUMN: key.path: message`` per error; warnings say ``warning:``; then the summary."""
    lines = []
    for result in results:
        for problem in _in_order(result):
            if problem in result.warnings:
                where = f"{problem.file}:{problem.line}:{problem.column}"
                lines.append(f"{where}: warning: {str(problem)[len(where) + 2 :]}")
            else:
                lines.append(str(problem))
    lines.append(summary(results, not_plans))
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[LoadedPlan], not_plans: Sequence[Path] = ()) -> str:
    """One JSON document: every file with its errors and warnings, the YAML files skipped, and the totals."""
    document = {
        "format": 1,
        "valid": all(result.ok for result in results),
        "files": [
            {
                "file": str(result.path),
                "valid": result.ok,
                "errors": [_problem_json(problem) for problem in result.errors],
                "warnings": [_problem_json(problem) for problem in result.warnings],
            }
            for result in results
        ],
        "skipped": [{"file": str(path), "reason": "not a plan"} for path in not_plans],
        "summary": summary(results, not_plans),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_github(results: Sequence[LoadedPlan], not_plans: Sequence[Path] = ()) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…::message``, then the summary."""
    lines = []
    for result in results:
        for problem in _in_order(result):
            level = "warning" if problem in result.warnings else "error"
            properties = ",".join(
                f"{name}={_escape_property(str(value))}"
                for name, value in (("file", problem.file), ("line", problem.line), ("col", problem.column))
            )
            message = f"{problem.path}: {problem.message}" if problem.path else problem.message
            lines.append(f"::{level} {properties}::{_escape_data(message)}")
    lines.append(summary(results, not_plans))
    return "\n".join(lines) + "\n"


def _skipped(found: FoundFiles) -> str:
    return f" ({_plural(len(found.not_plans), 'YAML file')} skipped: not a plan)" if found.not_plans else ""


def _in_order(result: LoadedPlan) -> list[PlanError]:
    top = str(result.path)
    return sorted(
        [*result.errors, *result.warnings], key=lambda p: (p.file != top, p.file, p.line, p.column, p.path, p.message)
    )


def _problem_json(problem: PlanError) -> dict[str, object]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "message": problem.message,
    }


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
