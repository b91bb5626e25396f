"""``qualplan export PLAN --to mspdi|ics|xlsx -o FILE``: the scheduled plan for other tools.

The output path is checked first (``atomic.check_target``: its folder must
exist, and only a regular file is ever replaced), so a bad ``-o`` costs no
solve. Then the shared pipeline (load, errors and warnings to stderr, compile,
solve, verify: a schedule that breaks a rule is a bug, exit 4), render, and
the file is written atomically (``qualplan.atomic``): a failure or a Ctrl-C
leaves any previous file as it was. Exit 0 once written, whatever the verdict:
``check`` is the command whose exit code says met or missed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qualplan.commands import pipeline
from qualplan.commands.pipeline import Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode

if TYPE_CHECKING:
    from qualplan.result import SolveResult

FORMATS = ("mspdi", "ics", "xlsx")


def run(
    plan: Path,
    output: Path,
    export_format: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Export ``plan`` as ``export_format`` to ``output``; print the path written on stdout."""
    from qualplan.atomic import TargetRefused, check_target, write_atomic

    streams = Streams.of(stdout, stderr)
    if export_format not in FORMATS:
        streams.error(f"qualplan export: unknown format '{export_format}'; use one of {', '.join(FORMATS)}")
        return ExitCode.BAD_INPUT
    try:
        output = check_target(output)
    except TargetRefused as refused:
        streams.error(f"qualplan export: cannot write {output}: {refused}")
        return ExitCode.BAD_INPUT

    request = Request(Path(plan), SolveSettings(time_limit=time_limit, workers=workers, seed=seed))
    outcome = pipeline.process(request, streams)
    if outcome.result is None:
        return outcome.code
    result = outcome.result
    if result.schedule is None:
        streams.error(
            f"qualplan export: plan '{result.problem.plan.id}' has no schedule (verdict {result.verdict.value}); "
            "the file has no dates"
        )

    content = _renderer(export_format)(result)
    try:
        write_atomic(output, content)
    except OSError as error:
        streams.error(f"qualplan export: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    streams.write(f"{output}\n")
    return ExitCode.OK


def _renderer(export_format: str) -> Callable[[SolveResult], bytes]:
    """The renderer of a format, imported only when it is used."""
    if export_format == "mspdi":
        from qualplan.report import mspdi

        return mspdi.render
    if export_format == "ics":
        from qualplan.report import ics

        return ics.render
    from qualplan.report import dvpr

    return dvpr.render
