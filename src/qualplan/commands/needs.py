"""``qualplan needs PLAN --add RESOURCE[=COST] ...``: the cheapest lab expansion that meets every due date.

The steps, each of which can end the command:

1. load the plan (and its ``--set`` changes) through the shared pipeline; check
   the ``--add`` names, costs and ``--from``: a bad one is exit 2;
2. the resource-free bounds (``explain.bounds``): a milestone that the tests
   alone, or the tests and their windows, already put past its due date cannot
   be saved by any equipment. That is a proof without a solver: exit 1, naming
   what binds instead;
3. the needs model (``solver.needs``): the least total cost of extra units, with
   every due date a hard rule. Proved impossible: exit 1, with a second solve
   that tells "--max is too small" from "other resources bind". No answer in time:
   exit 3, never a claim of proof;
4. the answer is re-checked: the plan with the units added (the same ``--set``
   changes the answer prints) goes through the normal ``check`` solve and
   ``verify``; its schedule must meet every due date, else that is a bug (exit 4).

Exit 0 with an answer (0 units and cost 0 when the dates are already met).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from qualplan import cancel
from qualplan.commands import pipeline
from qualplan.commands.pipeline import Outcome, Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode
from qualplan.validation_messages import closest

#: Units of each resource the search may add when ``--max`` is not given (plan-format.md).
DEFAULT_MAX = 10


class BadRequest(ValueError):
    """An ``--add``, ``--from`` or ``--max`` the plan cannot take; the message says why."""


@dataclass(frozen=True)
class Question:
    """What ``needs`` was asked: resource -> cost per unit (in the order given), from when, how many at most."""

    costs: dict[str, int]
    first: dt.date
    max_units: int
    start: dt.date  # the plan's start (day 0)


def run(
    plan: Path,
    adds: Sequence[str],
    *,
    from_date: str | None = None,
    max_units: int = DEFAULT_MAX,
    output_format: str = "text",
    time_limit: float,
    workers: int,
    seed: int,
    sets: Sequence[str] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Answer ``needs`` for one plan; print the answer on stdout; return 0, 1, 2, 3 or 4 (module docstring)."""
    streams = Streams.of(stdout, stderr)
    changes = pipeline.plan_changes("needs", sets, streams)
    if changes is None:
        return ExitCode.BAD_INPUT
    try:
        costs = parse_adds(adds)
    except BadRequest as bad:
        streams.error(f"qualplan needs: {bad}")
        return ExitCode.BAD_INPUT
    settings = SolveSettings(time_limit=time_limit, workers=workers, seed=seed)
    loaded = pipeline.load(Request(Path(plan), settings, changes), streams)
    if loaded.plan is None:
        return loaded.code
    try:
        question = make_question(loaded, costs, from_date, max_units)
    except BadRequest as bad:
        streams.error(f"qualplan needs: {plan}: {bad}")
        return ExitCode.BAD_INPUT
    try:
        return _answer(loaded, question, sets, output_format, streams)
    except cancel.Interrupted:
        raise
    except Exception as error:  # a bug: one line, exit 4
        return pipeline.failed(loaded, error, streams).code


def parse_adds(adds: Sequence[str]) -> dict[str, int]:
    """``RESOURCE`` or ``RESOURCE=COST`` arguments as resource -> cost (default 1 a unit)."""
    if not adds:
        raise BadRequest("name at least one resource that may grow: --add RESOURCE[=COST]")
    costs: dict[str, int] = {}
    for argument in adds:
        name, equals, cost_text = argument.partition("=")
        name = name.strip()
        if not name:
            raise BadRequest(f"--add {argument}: expected RESOURCE or RESOURCE=COST, e.g. --add climate-chamber=3")
        if equals:
            cost_text = cost_text.strip()
            if not cost_text.isdigit() or not cost_text.isascii():
                raise BadRequest(f"--add {argument}: the cost must be a non-negative whole number, got '{cost_text}'")
            cost = int(cost_text)
        else:
            cost = 1
        if name in costs:
            raise BadRequest(f"--add {argument}: '{name}' is named twice; give each resource once")
        costs[name] = cost
    return costs


def make_question(loaded: Outcome, costs: dict[str, int], from_date: str | None, max_units: int) -> Question:
    """The question checked against the plan: known resources, ``--from`` inside the horizon."""
    plan = loaded.plan
    assert plan is not None
    known = list(plan.resources)
    for name in costs:
        if name not in known:
            suggestion = closest(name, known)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            listed = f" (resources: {', '.join(known)})" if known else " (it defines no resources)"
            raise BadRequest(f"--add {name}: no resource '{name}' in the plan{hint}{listed}")
    if max_units < 0:
        raise BadRequest(f"--max {max_units}: give a number of units, 0 or more")
    if from_date is None:
        # The status date, when the plan has one (plan-format.md, "Progress"), else the start.
        first = getattr(plan, "status_date", None) or plan.start
    else:
        try:
            first = dt.date.fromisoformat(from_date)
        except ValueError:
            raise BadRequest(f"--from {from_date}: expected a date YYYY-MM-DD") from None
        if first > plan.last_day:
            raise BadRequest(f"--from {from_date}: after the plan's horizon (last day {plan.last_day})")
    return Question(costs, max(first, plan.start), max_units, plan.start)


# --- the answer ---------------------------------------------------------------------------------


def _answer(loaded: Outcome, question: Question, sets: Sequence[str], output_format: str, streams: Streams) -> ExitCode:
    from qualplan import overrides
    from qualplan.problem import compile_plan
    from qualplan.report import needs_report
    from qualplan.solver.needs import Expansion, NeedsStatus, solve_needs

    plan = loaded.plan
    assert plan is not None
    problem = compile_plan(plan)
    blocked = needs_report.resource_free_blocks(problem)
    if blocked:
        report = needs_report.NeedsReport(plan.id, loaded.path, question, tuple(sets), "missed", blocked=blocked)
        streams.write(needs_report.render(report, output_format))
        return ExitCode.MISSED

    settings = loaded.request.settings
    expansion = Expansion(question.costs, problem.day(question.first), question.max_units)
    cancel.check()
    answer = solve_needs(
        problem,
        expansion,
        time_limit=settings.time_limit,
        workers=settings.workers,
        seed=settings.seed,
        deadline=loaded.deadline,
    )
    cancel.check()

    if answer.status is NeedsStatus.NONE:
        beyond = _beyond_max(problem, expansion, settings)
        report = needs_report.NeedsReport(plan.id, loaded.path, question, tuple(sets), "missed", beyond=beyond)
        streams.write(needs_report.render(report, output_format))
        return ExitCode.MISSED
    if answer.status is NeedsStatus.UNKNOWN:
        report = needs_report.NeedsReport(
            plan.id, loaded.path, question, tuple(sets), "unknown", cost_bound=answer.cost_bound
        )
        streams.write(needs_report.render(report, output_format))
        return ExitCode.UNDECIDED

    assert answer.added is not None and answer.cost is not None
    arguments = overrides.added_units(plan, answer.added, question.first)
    checked = _recheck(loaded, arguments, answer, streams)
    if checked.result is None:
        return checked.code
    report = needs_report.NeedsReport(
        plan.id,
        loaded.path,
        question,
        tuple(sets),
        "met",
        added=answer.added,
        cost=answer.cost,
        cost_bound=answer.cost_bound,
        least=answer.status is NeedsStatus.LEAST,
        dates_proved=answer.dates_proved or (answer.only and _dates_proved(checked.result)),
        arguments=tuple(arguments),
        check_options=_check_options(settings),
        result=checked.result,
    )
    streams.write(needs_report.render(report, output_format))
    return ExitCode.OK


def _dates_proved(result) -> bool:
    """The re-check proved its sum of milestone dates the least (the objective's second term)."""
    return result.objective is not None and result.objective_bound[1] == result.objective[1]


def _check_options(settings: SolveSettings) -> tuple[str, ...]:
    """The solver options that make ``check`` repeat the re-check exactly (those that are not the defaults)."""
    defaults = SolveSettings()
    options: list[str] = []
    for flag, value, default in (
        ("--time-limit", settings.time_limit, defaults.time_limit),
        ("--workers", settings.workers, defaults.workers),
        ("--seed", settings.seed, defaults.seed),
    ):
        if value != default:
            options += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    return tuple(options)


def _recheck(loaded: Outcome, arguments: list[str], answer, streams: Streams) -> Outcome:
    """The plan with the units added, through the normal ``check`` solve and ``verify``.

    Its schedule must meet every due date. Should that solve not find such a schedule in
    its time (the needs model did), the needs model's own schedule is verified instead:
    it is the witness that the expansion works.
    """
    from qualplan.result import SolveResult, Verdict
    from qualplan.solver.objective import term_values
    from qualplan.verify import ensure_verified

    request = loaded.request
    changes = (*request.changes, *pipeline.set_values(arguments))
    outcome = pipeline.process(replace(request, changes=changes), streams)
    if outcome.result is None or outcome.result.verdict is Verdict.MET:
        return outcome
    problem = outcome.result.problem
    witness = SolveResult.of(
        problem, answer.schedule, term_values(problem, answer.schedule), (0, None, None), wall_time=answer.wall_time
    )
    try:
        witness = ensure_verified(witness)
    except Exception as error:
        return pipeline.failed(outcome, error, streams)
    if witness.verdict is not Verdict.MET:
        return pipeline.failed(outcome, RuntimeError("the expansion found does not meet every due date"), streams)
    return replace(outcome, code=ExitCode.OK, result=witness)


def _beyond_max(problem, expansion, settings: SolveSettings):
    """Proved: nothing within ``--max`` helps. Would more units of the same resources?

    The same search with a limit so high that the resources asked about can never
    bind (all their users at once): an answer there says "raise --max" and how far;
    proved impossible says other resources, or the days before ``--from``, bind.
    """
    from qualplan.report.needs_report import Beyond
    from qualplan.solver.needs import Expansion, NeedsStatus, solve_needs

    unlimited = max(
        (sum(units for spec in problem.tasks.values() for name, units in spec.uses if name == resource))
        for resource in expansion.costs
    )
    wide = Expansion(expansion.costs, expansion.first_day, max(unlimited, expansion.max_units + 1))
    cancel.check()
    # A second question with its own wall-clock promise: the command may take two time limits.
    answer = solve_needs(problem, wide, time_limit=settings.time_limit, workers=settings.workers, seed=settings.seed)
    cancel.check()
    others = sorted(
        {name for spec in problem.tasks.values() for name, units in spec.uses if units > 0} - set(expansion.costs)
    )
    if answer.status in (NeedsStatus.LEAST, NeedsStatus.FOUND):
        return Beyond("more", answer.added, answer.cost, answer.status is NeedsStatus.LEAST, tuple(others))
    if answer.status is NeedsStatus.NONE:
        return Beyond("none", None, None, True, tuple(others))
    return Beyond("unknown", None, None, False, tuple(others))
