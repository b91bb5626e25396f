"""``qualplan import psplib FILE.sm [-o PLAN.yaml]``: a PSPLIB instance as a plan file."""

from __future__ import annotations

import sys
from pathlib import Path

from qualplan.atomic import write_atomic
from qualplan.exitcodes import ExitCode
from qualplan.psplib_import import PsplibError, plan_from_psplib, plan_yaml


def run(source: Path, output: Path | None) -> ExitCode:
    """Convert ``source``; print the plan, or write it to ``output`` (nothing is written on bad input)."""
    try:
        plan = plan_from_psplib(source)
    except PsplibError as error:
        sys.stderr.write(f"{error}\n")
        return ExitCode.BAD_INPUT
    text = plan_yaml(plan, source=Path(source))
    if output is None:
        sys.stdout.write(text)
        return ExitCode.OK
    try:
        write_atomic(output, text)
    except OSError as error:
        sys.stderr.write(f"{output}: cannot write the plan ({error.strerror or error})\n")
        return ExitCode.BAD_INPUT
    sys.stderr.write(f"wrote {output}: {len(plan.tasks)} tasks, {len(plan.milestones)} milestones\n")
    return ExitCode.OK
