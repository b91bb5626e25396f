"""``qualplan report PLAN -o report.html``: write the plan's self-contained HTML report.

The output path is checked first (``atomic.check_target``: its folder must
exist, and only a regular file is ever replaced), so a bad ``-o`` costs no
solve. Then the shared pipeline (load, errors and warnings to stderr, compile,
solve, verify: a schedule that breaks a rule is a bug, exit 4), explain,
render, and the file is written atomically (``qualplan.atomic``): a failure or
a Ctrl-C leaves any previous report as it was. Exit 0 once written, whatever
the verdict: ``check`` is the command whose exit code says met or missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualplan.commands import pipeline
from qualplan.commands.pipeline import Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode


def run(
    plan: Path,
    output: Path,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    sets: Sequence[str] = (),
    status_date: dt.date | None = None,
    risk_iterations: int = 0,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Write the report of ``plan`` to ``output``; print the path written on stdout."""
    from qualplan.atomic import TargetRefused, check_target, write_atomic

    streams = Streams.of(stdout, stderr)
    changes = pipeline.plan_changes("report", sets, streams, status_date)
    if changes is None:
        return ExitCode.BAD_INPUT
    try:
        output = check_target(output)
    except TargetRefused as refused:
        streams.error(f"qualplan report: cannot write {output}: {refused}")
        return ExitCode.BAD_INPUT

    request = Request(Path(plan), SolveSettings(time_limit=time_limit, workers=workers, seed=seed), changes)
    outcome = pipeline.process(request, streams)
    if outcome.result is None:
        return outcome.code

    from qualplan.report import html

    risk = None
    if risk_iterations > 0:  # off by default, so that the report stays fast
        from qualplan.progress import IterationProgress
        from qualplan.risk import Execution, analyse

        assert outcome.problem is not None
        with IterationProgress(outcome.problem.plan.id, risk_iterations, stream=streams.err) as progress:
            risk = analyse(
                outcome.problem,
                outcome.result.schedule,
                iterations=risk_iterations,
                seed=seed,
                execution=Execution(workers=workers),
                progress=progress.report,
            )
    page = html.render(outcome.result, pipeline.explain_outcome(outcome), risk)
    try:
        write_atomic(output, page)
    except OSError as error:
        streams.error(f"qualplan report: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    streams.write(f"{output}\n")
    return ExitCode.OK
