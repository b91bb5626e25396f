"""``qualplan risk PLAN``: Monte Carlo schedule risk with failed tests, seasons and the lab.

The plan goes through the shared pipeline (load, ``--status-date`` and ``--set``, errors and
warnings to stderr, compile, solve, verify): its check schedule gives the ``priority`` policy its order.
Then ``qualplan.risk`` runs the iterations (in this process, local worker processes
or on a Dask cluster) and the summary is printed as text, JSON or CSV. Exit 0 once
printed, whatever the dates; 2 for a bad plan or command line (or a Dask backend that
cannot be used); 130 when interrupted (``qualplan.cancel``, polled between batches).

Nothing here imports numba, OR-Tools or Dask at module level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualplan.commands import pipeline
from qualplan.commands.pipeline import Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode

FORMATS = ("text", "json", "csv")


def run(
    plan: Path,
    *,
    iterations: int,
    seed: int,
    policy: str,
    workers: int,
    backend: str,
    scheduler: str | None,
    output_format: str,
    time_limit: float,
    iteration_time_limit: float,
    sets: Sequence[str] = (),
    status_date: dt.date | None = None,
    scheduler_timeout: float | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Run the risk analysis of ``plan`` and print its summary on stdout; ``scheduler_timeout``
    (seconds, default ``backends.SCHEDULER_TIMEOUT``) is how long the scheduler may take to answer."""
    streams = Streams.of(stdout, stderr)
    if scheduler is not None and backend != "dask":
        streams.error("qualplan risk: --scheduler names a Dask scheduler; give it with --backend dask")
        return ExitCode.BAD_INPUT
    if scheduler_timeout is not None and scheduler is None:
        streams.error(
            "qualplan risk: --scheduler-timeout waits for the scheduler at --scheduler; give it with --scheduler"
        )
        return ExitCode.BAD_INPUT
    if not Path(plan).exists():
        streams.error(f"qualplan risk: {Path(plan).as_posix()}: no such file")
        return ExitCode.BAD_INPUT
    changes = pipeline.plan_changes("risk", sets, streams, status_date)
    if changes is None:
        return ExitCode.BAD_INPUT
    outcome = pipeline.process(Request(Path(plan), SolveSettings(time_limit, workers, seed), changes), streams)
    if outcome.result is None or outcome.problem is None:
        return outcome.code

    from qualplan.progress import IterationProgress
    from qualplan.risk import DaskUnavailable, Execution, analyse
    from qualplan.risk.backends import SCHEDULER_TIMEOUT

    result = outcome.result
    if result.schedule is None:
        streams.error(
            f"qualplan risk: {outcome.path.as_posix()}: the check found no schedule; "
            "the priority order follows the earliest starts instead"
        )
    wait = SCHEDULER_TIMEOUT if scheduler_timeout is None else scheduler_timeout
    execution = Execution(workers=workers, backend=backend, scheduler=scheduler, scheduler_timeout=wait)
    try:
        with IterationProgress(outcome.problem.plan.id, iterations, stream=streams.err) as progress:
            summary = analyse(
                outcome.problem,
                result.schedule,
                iterations=iterations,
                seed=seed,
                policy=policy,
                time_limit=iteration_time_limit,
                execution=execution,
                progress=progress.report,
            )
    except DaskUnavailable as error:
        streams.error(f"qualplan risk: {error}")
        return ExitCode.BAD_INPUT
    streams.write(_render(summary, outcome, output_format))
    return ExitCode.OK


def _render(summary, outcome: pipeline.Outcome, output_format: str) -> str:
    from qualplan.report import risk as risk_report

    if output_format == "json":
        from qualplan.report import json_doc

        return json_doc.dumps(risk_report.document(summary, outcome.path))
    if output_format == "csv":
        return risk_report.render_csv(summary)
    return risk_report.render_text(summary, outcome.path, outcome.problem.plan.title)
