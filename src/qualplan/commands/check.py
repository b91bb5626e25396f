"""``qualplan check [PATH ...]``: schedule each plan and say whether its due dates are met.

Each plan file goes through the shared pipeline (``commands.pipeline``: load,
errors and warnings to stderr, compile, solve, verify) and is then printed in
the chosen format. Several plans combine their exit codes with
``exitcodes.combine``; a plan that is invalid, or that meets a bug (one line on
stderr, exit code 4), never stops the others from being checked and printed.
stdout carries only the output format's text, so ``--format json`` can be
piped straight into ``jq``; everything else (plan errors, the progress line,
internal errors) goes to stderr.

Nothing here imports OR-Tools at module level: ``qualplan --help`` must stay fast.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from qualplan import cancel
from qualplan.commands import pipeline
from qualplan.commands.pipeline import VERDICT_EXIT, Outcome, Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode, combine
from qualplan.result import SolveResult

__all__ = ["PIPE_WIDTH", "SINGLE_PLAN_FORMATS", "VERDICT_EXIT", "exit_code", "run"]

#: Formats that hold one plan: several plans would make several CSV headers or gantt blocks in one stream.
SINGLE_PLAN_FORMATS = ("csv", "mermaid")
#: Width of the text table when stdout is not a terminal (a file or a CI log).
PIPE_WIDTH = 120


def run(
    paths: list[Path],
    output_format: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    sets: Sequence[str] = (),
    status_date: dt.date | None = None,
    baseline: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Check every plan file under ``paths``; print results on stdout; return the combined exit code.

    ``sets`` are ``--set PATH=VALUE`` changes, made to every plan before it is solved.

    ``baseline`` (``--baseline OLD.json``): an earlier ``check --format json`` output; each
    plan's milestones get their slip and its tasks their variance against it. A file that
    cannot be used is a command-line error (exit 2, nothing checked); a plan it does not
    hold is an error of that plan (exit 2 for it, the others still checked).
    """
    from qualplan.loader import scan_plan_files

    streams = Streams.of(stdout, stderr)
    changes = pipeline.plan_changes("check", sets, streams, status_date)
    if changes is None:
        return ExitCode.BAD_INPUT
    old = None
    if baseline is not None:
        if output_format not in ("text", "json"):
            streams.error(f"qualplan check: --baseline compares dates in the text or json format, not {output_format}")
            return ExitCode.BAD_INPUT
        from qualplan.report.baseline import BaselineError, load

        try:
            old = load(baseline)
        except BaselineError as error:
            streams.error(f"qualplan check: {error}")
            return ExitCode.BAD_INPUT
    found = scan_plan_files(paths)
    for path in found.missing:
        streams.error(f"qualplan check: {path.as_posix()}: no such file or folder")
    files = found.files
    if not files and found.missing:
        return ExitCode.BAD_INPUT
    if not files:
        shown = ", ".join(path.as_posix() for path in paths)
        skipped = len(found.not_plans)
        note = f" ({skipped} YAML file{'s' if skipped > 1 else ''} skipped: not a plan)" if skipped else ""
        streams.error(f"qualplan check: no plan files (*.yaml, *.yml) found in {shown}{note}")
        return ExitCode.BAD_INPUT
    if output_format in SINGLE_PLAN_FORMATS and len(files) > 1:
        streams.error(
            f"qualplan check: --format {output_format} writes one plan, but {len(files)} plan files were given; "
            "name one plan file"
        )
        return ExitCode.BAD_INPUT

    settings = SolveSettings(time_limit=time_limit, workers=workers, seed=seed)
    outcomes: list[Outcome] = []
    documents: list[dict[str, Any]] = []
    printed = 0
    for path in files:
        outcome = pipeline.process(Request(path, settings, changes), streams)
        compared = None
        if outcome.result is not None and old is not None:
            from qualplan.report.baseline import BaselineError

            try:
                compared = old.for_plan(outcome.result.problem.plan.id)
            except BaselineError as error:
                streams.error(f"qualplan check: {path.as_posix()}: {error}")
                outcome = replace(outcome, code=ExitCode.BAD_INPUT, result=None)
        if outcome.result is not None:
            try:
                rendered = _render(outcome, output_format, streams, compared, baseline, sets)
            except cancel.Interrupted:
                raise
            except Exception as error:  # a bug while rendering one plan must not hide the others
                outcome = pipeline.failed(outcome, error, streams)
            else:
                if output_format == "json":
                    documents.append(rendered)
                else:
                    streams.write(("\n" if printed and output_format == "text" else "") + rendered)
                    printed += 1
        outcomes.append(outcome)

    if output_format == "json" and documents:
        from qualplan.report import json_doc

        streams.write(json_doc.render_many(documents) if len(files) > 1 else json_doc.dumps(documents[0]))
    elif output_format in ("text", "github") and len(files) > 1:
        streams.write(f"\n{_summary(outcomes)}\n")
    missing = [ExitCode.BAD_INPUT] if found.missing else []
    return combine([*(outcome.code for outcome in outcomes), *missing])


def exit_code(result: SolveResult) -> ExitCode:
    """0 met, 1 missed, 3 unknown: the verdict decides, never the solver status alone."""
    return VERDICT_EXIT[result.verdict]


# --- output ------------------------------------------------------------------------


def _render(
    outcome: Outcome,
    output_format: str,
    streams: Streams,
    compared: dict[str, Any] | None = None,
    baseline: Path | None = None,
    sets: Sequence[str] = (),
) -> Any:
    """One solved plan in ``output_format``: text, or for JSON the document as a dict;
    ``compared`` is its baseline document (``--baseline``, from the file ``baseline``).

    A plan changed by ``--set`` says so (text: a first line; JSON: ``"set"``), so that
    output passed on is never taken for the plan as written.
    """
    assert outcome.result is not None
    if output_format == "json":
        from qualplan.report import json_doc

        document = json_doc.document(outcome.result, outcome.path)
        if compared is not None and baseline is not None:
            from qualplan.report.baseline import annotate

            document = annotate(document, compared, baseline)
        return {**document, "set": list(sets)} if sets else document
    if output_format == "text":
        return what_if_line(sets) + _text(outcome, streams, compared, baseline)
    if output_format == "github":
        return github_annotations(outcome)
    return _single_plan_format(output_format, outcome.result)


def github_annotations(outcome: Outcome) -> str:
    """``--format github``: an ``::error`` at the ``due:`` of each missed due date (``::warning`` when the
    verdict is undecided: late in the best schedule, not proved), then one plain line for the log."""
    from qualplan.explain import why_lines
    from qualplan.report.github import annotation
    from qualplan.result import Verdict

    result, loaded = outcome.result, outcome.loaded
    assert result is not None and loaded is not None
    plan = result.problem.plan
    level = "error" if result.verdict is Verdict.MISSED else "warning"
    lines = []
    if result.schedule is None:
        where = _located(outcome, ("id",))
        if result.verdict is Verdict.MISSED:
            message = f"plan {plan.id}: no schedule fits inside the horizon (proved): " + "; ".join(result.conflicts)
        else:
            message = f"plan {plan.id}: no schedule found in the time limit, and none proved impossible"
        lines.append(annotation(level, *where, message))
    else:
        why = why_lines(result)
        state = "missed (proved)" if result.verdict is Verdict.MISSED else "late in the best schedule found (undecided)"
        for milestone in result.milestone_outcomes():
            if not milestone.late_days:
                continue
            days = f"{milestone.late_days} day{'s' if milestone.late_days != 1 else ''}"
            message = f"{milestone.id} {state}: {milestone.date} is {days} after its due date {milestone.due}"
            if milestone.id in why:
                message += f"; why: {why[milestone.id].removeprefix('why: ')}"
            lines.append(annotation(level, *_located(outcome, ("milestones", milestone.id, "due")), message))
    late = sum(bool(milestone.late_days) for milestone in result.milestone_outcomes())
    detail = f", {late} milestone{'s' if late != 1 else ''} late" if late else ""
    lines.append(f"{plan.id}: {result.verdict.value}{detail} ({outcome.path.as_posix()})")
    return "\n".join(lines) + "\n"


def _located(outcome: Outcome, path: tuple[str, ...]) -> tuple[str, int, int]:
    """(file, line, column) of the value at ``path``: in the plan's file, or the file it comes from
    when the plan is assembled from several (a source map with ``locate``)."""
    assert outcome.loaded is not None
    source = outcome.loaded.source
    locate = getattr(source, "locate", None)
    if locate is not None:
        file, line, column = locate(path)
        return file or outcome.path.as_posix(), line, column
    line, column = source.position(path)
    return outcome.path.as_posix(), line, column


def what_if_line(sets: Sequence[str]) -> str:
    """``what if: --set A, --set B`` and a newline, or nothing without ``--set``."""
    return "what if: " + ", ".join(f"--set {argument}" for argument in sets) + "\n" if sets else ""


def _text(
    outcome: Outcome, streams: Streams, compared: dict[str, Any] | None = None, baseline: Path | None = None
) -> str:
    from qualplan.explain import why_lines
    from qualplan.report import text

    assert outcome.result is not None
    terminal = streams.out.isatty()
    width = shutil.get_terminal_size().columns if terminal else PIPE_WIDTH
    # One line per late milestone on what sets its date (no solver runs: milliseconds).
    why = why_lines(outcome.result)
    slips = line = None
    if compared is not None and baseline is not None:
        from qualplan.report import json_doc
        from qualplan.report.baseline import milestone_slips, slip_text, summary_line

        document = json_doc.document(outcome.result)
        slips = {milestone: slip_text(variance) for milestone, variance in milestone_slips(document, compared).items()}
        line = summary_line(document, compared, baseline)
    return text.render(
        outcome.result, outcome.path, why=why, color=terminal, width=width, slips=slips, baseline_line=line
    )


def _summary(outcomes: list[Outcome]) -> str:
    from qualplan.report import text

    verdicts = [outcome.result.verdict for outcome in outcomes if outcome.result is not None]
    invalid = sum(outcome.code is ExitCode.BAD_INPUT for outcome in outcomes)
    failed = sum(outcome.code is ExitCode.INTERNAL for outcome in outcomes)
    return text.summary(verdicts, invalid=invalid, failed=failed)


def _single_plan_format(output_format: str, result: SolveResult) -> str:
    if output_format == "csv":
        from qualplan.report import csv_export

        return csv_export.render(result)
    from qualplan.report import mermaid

    return mermaid.render(result)
