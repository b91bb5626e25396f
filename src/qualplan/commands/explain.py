"""``qualplan explain PLAN [--milestone ID] [--format text|json]``: why each milestone lands where it does."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from qualplan.exitcodes import ExitCode

#: Solver seconds per shrinking step of the conflict search (it runs only when the verdict is
#: `missed`); its first solve, which proves the conflict, gets the full --time-limit, and the
#: shrinking steps together get --time-limit again (deterministic seconds), so explain takes about
#: 3 × --time-limit at worst.
CONFLICT_STEP_LIMIT = 2.0


def run(
    plan: Path,
    milestone: str | None,
    output_format: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
) -> ExitCode:
    """Load, solve, verify and explain one plan; print the explanation on stdout.

    Exit 0 once explained (whatever the verdict: ``check`` is the command whose
    exit code says met/missed), 2 on an invalid plan or an unknown ``--milestone``.
    """
    from qualplan.deadline import Deadline

    deadline = Deadline.for_command(time_limit)  # one wall-clock promise for the solve and the conflict search
    from qualplan.loader import load_plan

    loaded = load_plan(Path(plan))
    for warning in loaded.warnings:
        where = f"{warning.file}:{warning.line}:{warning.column}"
        sys.stderr.write(f"{where}: warning: {warning.path + ': ' if warning.path else ''}{warning.message}\n")
    if not loaded.ok or loaded.plan is None:
        for error in loaded.errors:
            sys.stderr.write(f"{error}\n")
        return ExitCode.BAD_INPUT
    if milestone is not None and all(item.id != milestone for item in loaded.plan.milestones):
        sys.stderr.write(unknown_milestone_message(plan, milestone, [item.id for item in loaded.plan.milestones]))
        return ExitCode.BAD_INPUT

    from qualplan.explain import explain, render_json, render_text
    from qualplan.problem import compile_plan
    from qualplan.solver import solve
    from qualplan.verify import ensure_verified

    result = ensure_verified(
        solve(compile_plan(loaded.plan), time_limit=time_limit, workers=workers, seed=seed, deadline=deadline)
    )
    explanation = explain(
        result,
        milestone=milestone,
        source=loaded.source,
        source_file=str(plan),
        conflict_time_limit=min(CONFLICT_STEP_LIMIT, time_limit),
        conflict_first_limit=time_limit,
        conflict_budget=time_limit,
        seed=seed,
        deadline=deadline,
    )
    sys.stdout.write(render_json(explanation) if output_format == "json" else render_text(explanation))
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
