"""The one way from a plan file to a verified schedule, shared by every command that solves.

    load -> plan changes -> warnings and errors -> compile -> solve -> verify

``check``, ``explain`` and ``report`` (and the commands to come: ``risk``,
``needs``, ``diff``, ``export``, ``status``) each describe what they want in a
``Request`` and get an ``Outcome`` back; this module does the steps in between,
the same way for all of them (issue 13): warnings print as
``FILE:LINE:COL: warning: key.path: message`` everywhere, the conflict search
of ``explain`` has one budget, and a bug while one plan is processed is one
line on stderr and exit code 4 *for that plan*, so the other plans of a
``check`` are still checked and printed (issue 12).

Options that change the plan before it is compiled (``--status-date``,
``--set PATH=VALUE``) are ``PlanChange`` functions in ``Request.changes``:
each takes the loaded plan and returns it changed (or with the errors that the
change caused, which stop the plan with exit 2 like errors in the file).

Everything is written to the ``Streams`` a command was given (``sys.stdout``
and ``sys.stderr`` by default), so tests call a command's ``run`` with
``StringIO``. Solver work stops at safe points when the user asks
(``qualplan.cancel``): ``cancel.Interrupted`` always passes through, never
turned into an internal error, for the CLI to report.

Nothing here imports OR-Tools at module level: ``qualplan --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qualplan import cancel
from qualplan.commands.streams import Streams
from qualplan.deadline import Deadline, command_started
from qualplan.exitcodes import ExitCode
from qualplan.result import Verdict

if TYPE_CHECKING:
    from qualplan.explain import Explanation
    from qualplan.loader import LoadedPlan, PlanError
    from qualplan.model import Plan
    from qualplan.problem import Problem
    from qualplan.result import SolveResult

#: The exit code of each verdict (plan-format.md, "Exit codes").
VERDICT_EXIT = {Verdict.MET: ExitCode.OK, Verdict.MISSED: ExitCode.MISSED, Verdict.UNKNOWN: ExitCode.UNDECIDED}
#: Solver seconds per shrinking step of ``explain``'s conflict search (it runs only when the verdict
#: is `missed`). Its first solve, which proves the conflict, gets the full --time-limit, and the
#: shrinking steps together get --time-limit again, so explaining takes about 3 × --time-limit at worst.
CONFLICT_STEP_LIMIT = 2.0
#: How a bug is reported: one line, then exit code 4.
INTERNAL_ERROR = "qualplan: internal error (a bug, please report it)"

#: Changes one loaded plan in memory (``--status-date``, ``--set``); returns it with any new errors.
PlanChange = Callable[["LoadedPlan"], "LoadedPlan"]


def changes(status_date: dt.date | None = None) -> tuple[PlanChange, ...]:
    """The plan changes of the options every solving command shares (``--status-date``)."""
    return () if status_date is None else (status_date_change(status_date),)


def status_date_change(status_date: dt.date) -> PlanChange:
    """``--status-date DATE``: the plan's ``status_date`` replaced by ``status_date`` (or set).

    The changed plan is checked again like a file: an error the new date causes (an actual
    date now after it) names the option and points at the actual's FILE:LINE:COLUMN.
    """

    def change(loaded: LoadedPlan) -> LoadedPlan:
        from qualplan.loader import revalidate

        return revalidate(loaded, {"status_date": status_date}, cause=f"--status-date {status_date.isoformat()}")

    return change


@dataclass(frozen=True)
class SolveSettings:
    """The solver options every solving command takes (``--time-limit``, ``--workers``, ``--seed``)."""

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class Request:
    """One plan to process: its file, how to solve it, and the changes to make before compiling.

    ``text``: the plan's content when it does not come from ``path`` on disk (``diff`` reads
    ``GITREF:PATH`` with ``git show``); ``path`` then only names it in messages.
    """

    path: Path
    settings: SolveSettings = SolveSettings()
    changes: tuple[PlanChange, ...] = ()
    text: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """How far one plan got, and what it left behind.

    ``code`` is 2 (the plan or a change is invalid) or 4 (a bug) when it
    stopped early; once solved and verified it is the verdict's exit code
    (0 met, 1 missed, 3 unknown), which ``check`` reports and the other
    commands may ignore. ``messages`` are the lines written to stderr for it.
    """

    request: Request
    code: ExitCode
    deadline: Deadline
    loaded: LoadedPlan | None = None
    problem: Problem | None = None
    result: SolveResult | None = None
    messages: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return self.request.path

    @property
    def plan(self) -> Plan | None:
        """The plan as loaded and changed, when it is valid and no bug stopped it."""
        if self.loaded is None or self.code in (ExitCode.BAD_INPUT, ExitCode.INTERNAL):
            return None
        return self.loaded.plan


def process(request: Request, streams: Streams) -> Outcome:
    """Load, change, compile, solve and verify one plan: ``load`` then ``solve_loaded``."""
    loaded = load(request, streams)
    return solve_loaded(loaded, streams) if loaded.plan is not None else loaded


def load(request: Request, streams: Streams) -> Outcome:
    """Load the plan and apply its changes; warnings and errors go to ``streams.err``.

    The plan's wall-clock deadline starts here, when its processing starts; the first plan's
    when the process started (``deadline.command_started``).
    """
    deadline = Deadline.for_command(request.settings.time_limit, started=command_started())
    outcome = Outcome(request, ExitCode.OK, deadline)
    return _guarded(outcome, streams, _load)


def solve_loaded(outcome: Outcome, streams: Streams) -> Outcome:
    """Compile, solve and verify a loaded plan; a schedule that breaks a rule is a bug (code 4)."""
    if outcome.plan is None:
        raise ValueError("solve_loaded needs an outcome whose plan loaded without errors")
    return _guarded(outcome, streams, _solve)


def _load(outcome: Outcome, streams: Streams) -> Outcome:
    from qualplan.loader import load_plan, load_plan_text

    text = outcome.request.text
    loaded = load_plan(outcome.path) if text is None else load_plan_text(text, str(outcome.path))
    for change in outcome.request.changes:
        if not loaded.ok:
            break
        loaded = change(loaded)
    lines = [warning_line(warning) for warning in loaded.warnings]
    if not loaded.ok or loaded.plan is None:
        lines += [str(error) for error in loaded.errors]
    for line in lines:
        streams.error(line)
    code = ExitCode.OK if loaded.ok and loaded.plan is not None else ExitCode.BAD_INPUT
    return replace(outcome, code=code, loaded=loaded, messages=tuple(lines))


def _solve(outcome: Outcome, streams: Streams) -> Outcome:
    from qualplan.problem import compile_plan
    from qualplan.progress import SolveProgress
    from qualplan.solver import solve
    from qualplan.verify import ensure_verified

    plan = outcome.plan
    assert plan is not None  # solve_loaded checked it
    settings = outcome.request.settings
    problem = compile_plan(plan)
    cancel.check()
    with SolveProgress(plan.id, stream=streams.err) as progress:
        result = solve(
            problem,
            time_limit=settings.time_limit,
            workers=settings.workers,
            seed=settings.seed,
            progress=progress.report,
            deadline=outcome.deadline,
        )
    cancel.check()  # a stop asked for during the solve: nothing of this plan is printed
    result = ensure_verified(result)
    return replace(outcome, code=VERDICT_EXIT[result.verdict], problem=problem, result=result)


def set_values(arguments: Sequence[str]) -> tuple[PlanChange, ...]:
    """``--set PATH=VALUE`` arguments as one plan change: all applied at once, then validated
    like a file (``overrides.apply``), so changes that only make sense together are accepted.

    Raises ``overrides.BadAssignment`` for an argument that is not ``PATH=VALUE`` (a bad command
    line); a path that leads nowhere in a plan is an error of that plan (exit 2).
    """
    if not arguments:
        return ()
    from qualplan import overrides

    assignments = overrides.parse_all(arguments)
    return (lambda loaded: overrides.apply(loaded, assignments),)


def plan_changes(
    command: str, sets: Sequence[str], streams: Streams, status_date: dt.date | None = None
) -> tuple[PlanChange, ...] | None:
    """The plan changes of a command's options, ``--status-date`` then ``--set``; None after
    printing why a ``--set`` argument is bad."""
    from qualplan.overrides import BadAssignment

    try:
        return (*changes(status_date), *set_values(sets))
    except BadAssignment as bad:
        streams.error(f"qualplan {command}: {bad}")
        return None


def explain_outcome(outcome: Outcome, *, milestone: str | None = None) -> Explanation:
    """``explain`` a solved plan with the one conflict-search budget every command uses.

    Rules in a conflict set are named by their file and line.
    """
    from qualplan.explain import explain

    assert outcome.result is not None and outcome.loaded is not None, "explain only a solved plan"
    settings = outcome.request.settings
    cancel.check()
    explanation = explain(
        outcome.result,
        milestone=milestone,
        source=outcome.loaded.source,
        source_file=str(outcome.path),
        conflict_time_limit=min(CONFLICT_STEP_LIMIT, settings.time_limit),
        conflict_first_limit=settings.time_limit,
        conflict_budget=settings.time_limit,
        seed=settings.seed,
        deadline=outcome.deadline,
    )
    cancel.check()
    return explanation


def warning_line(warning: PlanError) -> str:
    """``FILE:LINE:COL: warning: key.path: message``, the same for every command."""
    what = f"{warning.path}: {warning.message}" if warning.path else warning.message
    return f"{warning.file}:{warning.line}:{warning.column}: warning: {what}"


def internal_error_line(path: Path, error: BaseException) -> str:
    """The one line that reports a bug met while processing ``path``."""
    from qualplan.verify import ScheduleRejected

    what = str(error) if isinstance(error, ScheduleRejected) else f"{type(error).__name__}: {error}"
    return f"{INTERNAL_ERROR}: {path.as_posix()}: {what}"


def failed(outcome: Outcome, error: Exception, streams: Streams) -> Outcome:
    """``outcome`` turned into an internal error (code 4), reported in one line on ``streams.err``."""
    line = internal_error_line(outcome.path, error)
    streams.error(line)
    return replace(outcome, code=ExitCode.INTERNAL, result=None, messages=(*outcome.messages, line))


def _guarded(outcome: Outcome, streams: Streams, step: Callable[[Outcome, Streams], Outcome]) -> Outcome:
    """``step(outcome, streams)``, or a failed outcome when it meets a bug; a stop request passes through."""
    try:
        return step(outcome, streams)
    except cancel.Interrupted:
        raise
    except Exception as error:  # a bug in this plan's processing must not hide the other plans
        return failed(outcome, error, streams)
