"""``qualplan explain PLAN [--milestone ID] [--format text|json]``: why each milestone lands where it does."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualplan.commands import pipeline
from qualplan.commands.pipeline import Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode


def run(
    plan: Path,
    milestone: str | None,
    output_format: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    sets: Sequence[str] = (),
    status_date: dt.date | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Load, solve, verify and explain one plan; print the explanation on stdout.

    Exit 0 once explained (whatever the verdict: ``check`` is the command whose
    exit code says met/missed), 2 on an invalid plan or an unknown ``--milestone``,
    4 on a bug (one line on stderr).
    """
    streams = Streams.of(stdout, stderr)
    changes = pipeline.plan_changes("explain", sets, streams, status_date)
    if changes is None:
        return ExitCode.BAD_INPUT
    request = Request(Path(plan), SolveSettings(time_limit=time_limit, workers=workers, seed=seed), changes)
    loaded = pipeline.load(request, streams)
    if loaded.plan is None:
        return loaded.code
    known = [item.id for item in loaded.plan.milestones]
    if milestone is not None and milestone not in known:
        streams.err.write(unknown_milestone_message(plan, milestone, known))
        return ExitCode.BAD_INPUT

    from qualplan.explain import render_json, render_text

    solved = pipeline.solve_loaded(loaded, streams)
    if solved.result is None:
        return solved.code
    explanation = pipeline.explain_outcome(solved, milestone=milestone)
    if output_format == "json":
        streams.write(render_json(explanation))
    else:
        from qualplan.commands.check import what_if_line

        streams.write(what_if_line(sets) + render_text(explanation))
    return ExitCode.OK


def unknown_milestone_message(plan: Path, milestone: str, known: list[str]) -> str:
    """``--milestone`` names no milestone: say so, suggest the closest id, list the ids."""
    message = f"{plan}: no milestone '{milestone}' in this plan"
    close = difflib.get_close_matches(milestone, known, n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    if known:
        message += f" (milestones: {', '.join(known)})"
    else:
        message += " (it has no milestones)"
    return message + "\n"
