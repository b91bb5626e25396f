"""``qualplan import psplib FILE.sm [-o PLAN.yaml]``: a PSPLIB instance as a plan file."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from qualplan.atomic import TargetRefused, check_target, write_atomic
from qualplan.commands.streams import Streams
from qualplan.exitcodes import ExitCode
from qualplan.psplib_import import PsplibError, plan_from_psplib, plan_yaml


def run(source: Path, output: Path | None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> ExitCode:
    """Convert ``source``; print the plan, or write it to ``output`` (nothing is written on bad input)."""
    streams = Streams.of(stdout, stderr)
    if output is not None:
        try:
            check_target(output)
        except TargetRefused as refused:
            streams.error(f"qualplan import psplib: cannot write {output}: {refused}")
            return ExitCode.BAD_INPUT
    try:
        plan = plan_from_psplib(source)
    except PsplibError as error:
        streams.error(str(error))
        return ExitCode.BAD_INPUT
    text = plan_yaml(plan, source=Path(source))
    if output is None:
        streams.write(text)
        return ExitCode.OK
    try:
        write_atomic(output, text)
    except OSError as error:
        streams.error(f"qualplan import psplib: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    streams.error(f"wrote {output}: {len(plan.tasks)} tasks, {len(plan.milestones)} milestones")
    return ExitCode.OK
