"""``qualplan export PLAN --to mspdi|ics|xlsx -o FILE``: the scheduled plan for other tools.

Check the target (its folder must exist; an existing target must be a regular
file), load (plan errors to stderr, exit 2, nothing written), solve, verify (a
schedule that breaks a rule is a bug: exit 4 through ``cli.main``), render,
then write the file atomically (``qualplan.atomic``): a failure leaves any
previous file as it was. Exit 0 once written, whatever the verdict; ``check``
is the command whose exit code says met or missed.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qualplan.exitcodes import ExitCode

if TYPE_CHECKING:
    from qualplan.result import SolveResult

FORMATS = ("mspdi", "ics", "xlsx")


def run(plan: Path, output: Path, export_format: str, *, time_limit: float, workers: int, seed: int) -> ExitCode:
    """Export ``plan`` as ``export_format`` to ``output``; print the path written on stdout."""
    output = Path(output)
    refusal = _target_refusal(output)
    if refusal is not None:
        _error(f"qualplan export: cannot write {output}: {refusal}")
        return ExitCode.BAD_INPUT
    if export_format not in FORMATS:
        _error(f"qualplan export: unknown format '{export_format}'; use one of {', '.join(FORMATS)}")
        return ExitCode.BAD_INPUT

    result = solve_plan(Path(plan), time_limit=time_limit, workers=workers, seed=seed)
    if result is None:
        return ExitCode.BAD_INPUT
    if result.schedule is None:
        _error(
            f"qualplan export: plan '{result.problem.plan.id}' has no schedule (verdict {result.verdict.value}); "
            "the file has no dates"
        )

    from qualplan.atomic import write_atomic

    content = _renderer(export_format)(result)
    try:
        write_atomic(output, content)
    except OSError as error:
        _error(f"qualplan export: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    sys.stdout.write(f"{output}\n")
    return ExitCode.OK


def solve_plan(plan: Path, *, time_limit: float, workers: int, seed: int) -> SolveResult | None:
    """Load, compile, solve and verify ``plan``; None (errors printed) when the file is invalid.

    The one place this command turns a path into a verified ``SolveResult``, so
    a shared load-solve pipeline can replace it whole.
    """
    from qualplan.loader import load_plan

    loaded = load_plan(plan)
    for warning in loaded.warnings:
        _error(str(warning))
    if not loaded.ok or loaded.plan is None:
        for error in loaded.errors:
            _error(str(error))
        return None

    from qualplan.problem import compile_plan
    from qualplan.progress import SolveProgress
    from qualplan.solver import solve
    from qualplan.verify import ensure_verified

    problem = compile_plan(loaded.plan)
    with SolveProgress(loaded.plan.id) as progress:
        result = solve(problem, time_limit=time_limit, workers=workers, seed=seed, progress=progress.report)
    return ensure_verified(result)


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


def _target_refusal(output: Path) -> str | None:
    """Why ``output`` cannot be written, or None.

    A missing folder is refused before the solve. So is an existing target that
    is not a regular file (a folder, a device such as /dev/null, a FIFO): the
    atomic rename would replace it with a file, or the write would go nowhere.
    """
    if not output.parent.is_dir():
        return f"folder {output.parent} does not exist"
    try:
        mode = os.stat(output).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return "it is a folder; give a file name"
    if not stat.S_ISREG(mode):
        return "it exists and is not a regular file"
    return None


def _error(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
