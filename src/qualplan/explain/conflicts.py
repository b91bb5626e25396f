"""A small set of rules that cannot all hold together, when the verdict is ``missed``.

The model is the solver's own (``solver.builder.ModelBuilder``) as a satisfaction
problem. The switchable rule groups are the solver's ``RuleKey`` kinds: a due
date, a resource's capacity, a task's window or ``not_before``, a milestone's
``at``. Physics (durations, calendars, dependencies, the horizon) always holds.
Every solve uses one worker and the given seed, so the set is reproducible.

0. A due date that physics alone misses (exact CPM with every switchable rule
   off) is a conflict on its own: named without a solve.
1. Due dates and ``at`` dates hard, every other group behind an assumption
   literal. Due dates go in as the builder's ``Cutoff`` dates, so the CPM domains
   shrink to them: proving a plan infeasible over an 8-year horizon with free
   domains takes seconds even for two tasks, with tight domains milliseconds.
   Proved infeasible, ``SufficientAssumptionsForInfeasibility`` names the other
   groups that take part; with the due and ``at`` dates they are the first
   candidate set.
2. Shrink by deletion: drop one rule and solve the rest (due and ``at`` dates
   hard again, the others as assumptions). Still infeasible: the rule stays dropped, and
   the new sufficient assumptions may drop more. A schedule: the rule is needed.
   A step that times out keeps its rule and the set is reported as possibly not
   minimal. A set whose due dates the solver's schedule meets is feasible with
   that schedule as the witness, and needs no solve.

The set is proved to conflict (its last infeasible solve is the proof) and,
when every step was decided, proved minimal: dropping any one rule leaves a
plan with a schedule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from qualplan.explain.records import Conflict, Rule
from qualplan.graph import earliest_times
from qualplan.problem import Problem
from qualplan.result import Schedule, schedule_times
from qualplan.solver.bounds import relaxed
from qualplan.solver.rules import RuleKey

if TYPE_CHECKING:
    from qualplan.deadline import Deadline
    from qualplan.sourcemap import SourceMap

#: Rule kinds that are on or off per solve, never behind an assumption literal. Due dates, so
#: that they tighten the domains; `at`, because the builder bounds a switchable milestone as if
#: it were fixed at day 0 (``solver.bounds.relaxed``), which makes the enforced `at` unsatisfiable.
_HARD = ("due", "at")
#: A shrinking step with less (deterministic) time than this is not started.
_SHORTEST_STEP = 0.05
#: Wall-clock backstop of a solve, as a multiple of its deterministic time limit (a command's
#: deadline, when given, cuts it shorter).
_WALL_FACTOR = 5
#: What the set says when the command's wall-clock deadline cut the search short (issue 12).
_CLOCK_BEFORE_ANY = (
    "the time limit ran out on the wall clock before a conflicting set was found (busy machine?); "
    "raise --time-limit to search longer"
)
_CLOCK_BEFORE_ALL = (
    "the time limit ran out on the wall clock before every rule was tried (busy machine?); "
    "some rule listed may not be needed"
)

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
    budget: float | None = None,
    known: Schedule | None = None,
    seed: int = 0,
    deadline: Deadline | None = None,
) -> Conflict | None:
    """The rules of ``problem`` that cannot all hold; None if all of them can hold together.

    An empty set with a note means the first solve ran out of time: nothing is claimed.

    ``source`` is the loader's ``SourceMap`` (for file:line), ``time_limit`` the
    solver (deterministic) seconds per shrinking step and ``first_time_limit`` those of the first
    solve (the one that proves the conflict; default ``time_limit``), ``budget``
    the solver seconds all shrinking steps may take together (default: no cap);
    once it is spent the rules not yet tried stay and the set may not be minimal.
    ``known`` is a schedule that keeps every rule but due dates (the solver's): a
    set whose due dates it meets needs no solve to be shown feasible.
    """
    alone = _due_beyond_physics(problem)
    if alone is not None:
        return Conflict(rules=(_rule(problem, alone, source, source_file),), minimal=True)
    met = _met_by(problem, known)

    def solve(rules: frozenset[RuleKey], limit: float) -> tuple[str, frozenset[RuleKey] | None, float]:
        if met is not None and all(key.subject in met for key in rules if key.kind == "due"):
            return "feasible", None, 0.0  # the known schedule is the witness
        return _solve(problem, rules, limit, seed, deadline)

    first_limit = time_limit if first_time_limit is None else first_time_limit
    status, core, _ = solve(switchable_rules(problem), first_limit)
    if status == "clock":
        return Conflict(rules=(), minimal=False, note=_CLOCK_BEFORE_ANY)
    if status == "unknown":
        note = f"no conflicting set was found within {first_limit:g} s (raise --time-limit to search longer)"
        return Conflict(rules=(), minimal=False, note=note)
    if status == "feasible":
        return None
    assert core is not None
    minimal = True
    kept: list[RuleKey] = []
    candidates = sorted(core)
    spent = 0.0
    cut = False  # the wall deadline ended the search before every rule was tried
    while candidates:
        remaining = time_limit if budget is None else min(time_limit, budget - spent)
        if remaining < _SHORTEST_STEP:
            kept.extend(candidates)
            minimal = False
            break
        key = candidates.pop(0)
        status, smaller, used = solve(frozenset([*kept, *candidates]), remaining)
        spent += used
        if status == "clock":
            kept.extend([key, *candidates])
            minimal, cut = False, True
            break
        if status == "infeasible":
            assert smaller is not None
            # The rest conflicts without `key`; its sufficient set may leave out more.
            kept = [item for item in kept if item in smaller]
            candidates = [item for item in candidates if item in smaller]
        else:
            kept.append(key)  # needed (a schedule without it), or undecided: keep it
            minimal = minimal and status == "feasible"
    note = None
    if not kept:
        note = "even with every due date, capacity, window, not_before and at switched off, nothing fits the horizon"
    elif cut:
        note = _CLOCK_BEFORE_ALL
    elif not minimal:
        note = "the search ran out of time before trying to drop every rule; some rule listed may not be needed"
    # In the order they are written in the file (by id when there is no source map).
    rules = tuple(
        sorted(
            (_rule(problem, key, source, source_file) for key in kept),
            key=lambda rule: (rule.line is None, rule.line or 0, rule.column or 0, rule.kind, rule.subject),
        )
    )
    if not kept:
        rules = (_horizon_rule(problem, source, source_file),)
    return Conflict(rules=rules, minimal=minimal, note=note)


def _due_beyond_physics(problem: Problem) -> RuleKey | None:
    """A due date that physics alone misses: its milestone's earliest date with every switchable
    rule off (exact CPM) is after it. Such a due date conflicts on its own, and no solve is
    needed to show it; the latest-missed one (first in plan order among equals) is named.

    Only when physics alone has a schedule, which makes the one-rule set minimal.
    """
    free = relaxed(
        problem,
        windows=set(problem.tasks),
        not_before=set(problem.tasks),
        at={m for m, spec in problem.milestones.items() if spec.at is not None},
    )
    times = earliest_times(free, windows=False)
    if any(times.start[task] is None for task in problem.tasks):
        return None
    late = [
        (times.start[m] - spec.due, m)
        for m, spec in problem.milestones.items()
        if spec.due is not None and times.start[m] is not None and times.start[m] > spec.due
    ]
    if not late:
        return None
    worst = max(days for days, _ in late)
    return RuleKey("due", next(m for days, m in late if days == worst))


def _met_by(problem: Problem, known: Schedule | None) -> frozenset[str] | None:
    """Milestones whose due date ``known`` meets (None without a schedule)."""
    if known is None:
        return None
    times = schedule_times(problem, known)
    return frozenset(
        m
        for m, spec in problem.milestones.items()
        if spec.due is not None and times.start[m] is not None and times.start[m] <= spec.due
    )


def switchable_rules(problem: Problem) -> frozenset[RuleKey]:
    """Every switchable rule group the plan has (capacity only for resources some task uses)."""
    keys = {RuleKey("due", m) for m, spec in problem.milestones.items() if spec.due is not None}
    keys |= {RuleKey("at", m) for m, spec in problem.milestones.items() if spec.at is not None}
    keys |= {RuleKey("window", t) for t, spec in problem.tasks.items() if spec.window is not None}
    keys |= {RuleKey("not_before", task.id) for task in problem.plan.tasks if task.not_before is not None}
    keys |= {RuleKey("capacity", r) for spec in problem.tasks.values() for r, units in spec.uses if units > 0}
    return frozenset(keys)


def _solve(
    problem: Problem, rules: frozenset[RuleKey], time_limit: float, seed: int, deadline: Deadline | None = None
) -> tuple[str, frozenset[RuleKey] | None, float]:
    """Is there a schedule that keeps ``rules`` (and physics), with every other group off?

    Returns ("infeasible", a sufficient subset of ``rules``), ("feasible", None), ("unknown", None)
    or ("clock", None), and the deterministic time the solve used. The limit is CP-SAT's
    deterministic time, not wall time, so the same plan and seed give the same set on any
    machine at any load; wall time backs it up, and ``deadline`` (the command's) caps it:
    "clock" means the deadline ended the solve before its deterministic limit. Raises
    ``cancel.Interrupted`` on a stop request.
    """
    if deadline is not None and deadline.expired():
        return "clock", None, 0.0
    from ortools.sat.python import cp_model

    from qualplan.solver import interruptible
    from qualplan.solver.bounds import Cutoff
    from qualplan.solver.builder import ModelBuilder

    model = cp_model.CpModel()
    assumed: dict[RuleKey, cp_model.IntVar] = {}
    off = model.NewConstant(0)

    def enforce(key: RuleKey) -> object | None:
        if key not in rules:
            return off
        if key.kind in _HARD:
            return None  # hard: a due date through the cutoff, an `at` in its date's domain
        assumed[key] = model.NewBoolVar(str(key))
        return assumed[key]

    dues = {key.subject: problem.milestones[key.subject].due for key in rules if key.kind == "due"}
    builder = ModelBuilder(problem, model=model, enforce=enforce, cutoff=Cutoff(dates=dues))
    builder.add_constraints()
    builder.add_due_dates()
    keys = sorted(assumed)
    model.AddAssumptions([assumed[key] for key in keys])

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumption cores need a single worker
    solver.parameters.max_deterministic_time = time_limit
    wall = _WALL_FACTOR * time_limit + 1.0
    by_deadline = deadline is not None and deadline.left() < wall
    solver.parameters.max_time_in_seconds = max(0.01, deadline.left()) if by_deadline else wall
    solver.parameters.random_seed = seed
    status = interruptible.solve(solver, model)
    used = solver.ResponseProto().deterministic_time
    if status == cp_model.INFEASIBLE:
        by_index = {assumed[key].Index(): key for key in keys}
        named = {by_index[index] for index in solver.SufficientAssumptionsForInfeasibility()}
        return "infeasible", frozenset(named | {key for key in rules if key.kind in _HARD}), used
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return "feasible", None, used
    if status == cp_model.UNKNOWN:
        return ("clock" if by_deadline and used < time_limit else "unknown"), None, used
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
    file, line, column = source.locate(path)  # an included file or a programme names itself
    return Rule(rule.kind, rule.subject, rule.text, file or source_file, line, column)


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
