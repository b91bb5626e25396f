"""A small set of rules that cannot all hold together, when the verdict is ``missed``.

The model is the solver's own (``solver.builder.ModelBuilder``) as a satisfaction
problem: every rule of the plan, due dates as hard rules, and one enforcement
literal per switchable group (a due date, a resource's capacity, a task's window
or ``not_before``, a milestone's ``at``). Physics (durations, calendars,
dependencies, the horizon) is never switched off.

1. Solve under the assumption that every literal holds, one worker, fixed seed.
   Proved infeasible, CP-SAT's ``SufficientAssumptionsForInfeasibility`` names a
   subset of the literals that is infeasible on its own.
2. Shrink it by deletion: drop one rule; if the rest is still proved infeasible,
   it stays dropped (and the new, possibly smaller, core replaces the set);
   if the rest has a schedule, the rule is needed. A step that times out keeps
   its rule and the set is reported as possibly not minimal.

The result is proved to conflict (step 1 is a proof) and, when every step was
decided, proved minimal: dropping any one rule leaves a plan with a schedule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from qualplan.explain.records import Conflict, Rule
from qualplan.problem import Problem
from qualplan.solver.rules import RuleKey

if TYPE_CHECKING:
    from qualplan.sourcemap import SourceMap

#: Where each kind of rule is written in the plan file (a key path for ``SourceMap.position``).
_PATHS = {
    "due": ("milestones", "{subject}", "due"),
    "at": ("milestones", "{subject}", "at"),
    "capacity": ("resources", "{subject}", "capacity"),
    "window": ("tasks", "{subject}", "window"),
    "not_before": ("tasks", "{subject}", "not_before"),
}


def find_conflict(
    problem: Problem,
    *,
    source: SourceMap | None = None,
    source_file: str | None = None,
    time_limit: float = 2.0,
    first_time_limit: float | None = None,
    seed: int = 0,
) -> Conflict | None:
    """The rules of ``problem`` that cannot all hold; None if all of them can hold together.

    An empty set with a note means the first solve ran out of time: nothing is claimed.

    ``source`` is the loader's ``SourceMap`` (for file:line), ``time_limit`` the
    solver seconds per shrinking step and ``first_time_limit`` those of the first
    solve (the one that proves the conflict; default ``time_limit``).
    """
    first_limit = time_limit if first_time_limit is None else first_time_limit
    status, core = _solve(problem, None, first_limit, seed)
    if status == "unknown":
        note = f"no conflicting set was found within {first_limit:g} s (raise --time-limit to search longer)"
        return Conflict(rules=(), minimal=False, note=note)
    if status != "infeasible":
        return None
    assert core is not None
    minimal = True
    kept: list[RuleKey] = []
    candidates = sorted(core)
    while candidates:
        key = candidates.pop(0)
        trial = [*kept, *candidates]
        status, smaller = _solve(problem, set(trial), time_limit, seed)
        if status == "infeasible":
            assert smaller is not None
            # The smaller core is infeasible on its own: keep only its members from here on.
            kept = [item for item in kept if item in smaller]
            candidates = [item for item in candidates if item in smaller]
        elif status == "feasible":
            kept.append(key)
        else:
            kept.append(key)
            minimal = False
    note = None
    if not kept:
        note = "even with every due date, capacity, window, not_before and at switched off, nothing fits the horizon"
    elif not minimal:
        note = f"a shrinking step ran out of its {time_limit:g} s; some rule listed may not be needed"
    rules = tuple(_rule(problem, key, source, source_file) for key in sorted(kept))
    if not kept:
        rules = (_horizon_rule(problem, source, source_file),)
    return Conflict(rules=rules, minimal=minimal, note=note)


def _solve(
    problem: Problem, only: set[RuleKey] | None, time_limit: float, seed: int
) -> tuple[str, frozenset[RuleKey] | None]:
    """Solve the satisfaction model with the rule groups in ``only`` on (all when None) and the rest off.

    Returns ("infeasible", the sufficient subset of ``only``), ("feasible", None) or ("unknown", None).
    """
    from ortools.sat.python import cp_model

    from qualplan.solver.builder import ModelBuilder

    model = cp_model.CpModel()
    literals: dict[RuleKey, cp_model.IntVar] = {}

    def enforce(key: RuleKey) -> cp_model.IntVar:
        literals[key] = model.NewBoolVar(str(key))
        return literals[key]

    builder = ModelBuilder(problem, model=model, enforce=enforce)
    builder.add_constraints()
    builder.add_due_dates()
    keys = sorted(literals)
    for key in keys:
        if only is not None and key not in only:
            model.Add(literals[key] == 0)
    assumed = [key for key in keys if only is None or key in only]
    model.AddAssumptions([literals[key] for key in assumed])

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumptions cores need a single worker
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        by_index = {literals[key].Index(): key for key in assumed}
        return "infeasible", frozenset(by_index[index] for index in solver.SufficientAssumptionsForInfeasibility())
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return "feasible", None
    if status == cp_model.UNKNOWN:
        return "unknown", None
    raise RuntimeError(f"unexpected CP-SAT status {solver.StatusName(status)} in the conflict search")


def _rule(problem: Problem, key: RuleKey, source: SourceMap | None, source_file: str | None) -> Rule:
    kind, subject = key.kind, key.subject
    path = tuple(part.format(subject=subject) for part in _PATHS[kind])
    return _positioned(Rule(kind=kind, subject=subject, text=_text(problem, kind, subject)), path, source, source_file)


def _horizon_rule(problem: Problem, source: SourceMap | None, source_file: str | None) -> Rule:
    plan = problem.plan
    text = f"horizon {plan.horizon.text}: every task ends by {plan.last_day.isoformat()}"
    return _positioned(Rule(kind="horizon", subject=plan.id, text=text), ("horizon",), source, source_file)


def _positioned(rule: Rule, path: tuple, source: SourceMap | None, source_file: str | None) -> Rule:
    if source is None:
        return rule
    line, column = source.position(path)
    return Rule(rule.kind, rule.subject, rule.text, source_file, line, column)


def _text(problem: Problem, kind: str, subject: str) -> str:
    """The rule in a planner's words."""
    plan = problem.plan
    if kind == "due":
        return f"milestone {subject} due {_iso(plan.milestone(subject).due)}"
    if kind == "at":
        return f"milestone {subject} fixed at {_iso(plan.milestone(subject).at)}"
    if kind == "capacity":
        resource = plan.resources[subject]
        steps = "".join(f", {change.capacity} from {_iso(change.from_)}" for change in resource.changes)
        return f"resource {subject} capacity {resource.capacity}{steps}"
    task = plan.task(subject)
    if kind == "window":
        return f"task {subject} inside window {task.window}"
    return f"task {subject} not_before {_iso(task.not_before)}"


def _iso(date: dt.date | None) -> str:
    return "-" if date is None else date.isoformat()
