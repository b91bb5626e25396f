"""``qualplan report PLAN -o report.html``: write the plan's self-contained HTML report.

Load (plan errors to stderr, exit 2, nothing written), compile, solve, verify
(a schedule that breaks a rule is a bug: exit 4 through ``cli.main``), explain,
render, then write the file atomically (``qualplan.atomic``): a failure leaves
any previous report as it was. Exit 0 once written, whatever the verdict:
``check`` is the command whose exit code says met or missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qualplan.exitcodes import ExitCode

#: Solver seconds per shrinking step of the conflict search, as ``qualplan explain`` uses.
CONFLICT_STEP_LIMIT = 2.0


def run(plan: Path, output: Path, *, time_limit: float, workers: int, seed: int) -> ExitCode:
    """Write the report of ``plan`` to ``output``; print the path written on stdout."""
    from qualplan.deadline import Deadline

    deadline = Deadline.for_command(time_limit)  # one wall-clock promise for the solve and the conflict search
    from qualplan.loader import load_plan

    output = Path(output)
    if not output.parent.is_dir():
        _error(f"qualplan report: cannot write {output}: folder {output.parent} does not exist")
        return ExitCode.BAD_INPUT
    if output.is_dir():
        _error(f"qualplan report: cannot write {output}: it is a folder; give a file name such as report.html")
        return ExitCode.BAD_INPUT

    loaded = load_plan(Path(plan))
    for warning in loaded.warnings:
        _error(str(warning))
    if not loaded.ok or loaded.plan is None:
        for error in loaded.errors:
            _error(str(error))
        return ExitCode.BAD_INPUT

    from qualplan.atomic import write_atomic
    from qualplan.explain import explain
    from qualplan.problem import compile_plan
    from qualplan.progress import SolveProgress
    from qualplan.report import html
    from qualplan.solver import solve
    from qualplan.verify import ensure_verified

    problem = compile_plan(loaded.plan)
    with SolveProgress(loaded.plan.id) as progress:
        result = solve(
            problem, time_limit=time_limit, workers=workers, seed=seed, progress=progress.report, deadline=deadline
        )
    result = ensure_verified(result)
    explanation = explain(
        result,
        source=loaded.source,
        source_file=str(plan),
        conflict_time_limit=min(CONFLICT_STEP_LIMIT, time_limit),
        conflict_first_limit=time_limit,
        seed=seed,
        deadline=deadline,
    )
    page = html.render(result, explanation)
    try:
        write_atomic(output, page)
    except OSError as error:
        _error(f"qualplan report: cannot write {output}: {error.strerror or error}")
        return ExitCode.BAD_INPUT
    sys.stdout.write(f"{output}\n")
    return ExitCode.OK


def _error(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
