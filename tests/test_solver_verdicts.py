"""Verdict rules of plan-format.md, and the enforce hook that ``explain`` builds on."""

from __future__ import annotations

from ortools.sat.python import cp_model

from plan_factory import make_problem
from qualplan.deadline import Deadline
from qualplan.result import Schedule, SolveStatus, Verdict
from qualplan.solver import ModelBuilder, RuleKey
from qualplan.solver.clock import SolveClock
from qualplan.solver.phases import _result

LATE = dict(
    tasks=[{"id": "a", "duration": "10d"}],
    milestones=[{"id": "gate", "after": ["a"], "due": "2026-01-10", "priority": 2}],
)


def late_problem():
    return make_problem(LATE["tasks"], milestones=LATE["milestones"])


def test_a_late_schedule_with_a_zero_bound_is_unknown_never_missed() -> None:
    problem = late_problem()
    result = _result(problem, SolveClock(1.0, Deadline.never()), Schedule({"a": 0}), (0, None, None))
    assert result.lateness == 8  # ends 01-14, 4 days late, priority 2
    assert result.verdict is Verdict.UNKNOWN
    assert result.status is SolveStatus.FEASIBLE and not result.proven


def test_a_bound_above_zero_makes_lateness_unavoidable() -> None:
    problem = late_problem()
    result = _result(problem, SolveClock(1.0, Deadline.never()), Schedule({"a": 0}), (2, None, None))
    assert result.verdict is Verdict.MISSED and not result.proven


def test_no_schedule_and_no_proof_is_unknown() -> None:
    result = _result(late_problem(), SolveClock(1.0, Deadline.never()), None, (0, None, None))
    assert (result.status, result.verdict, result.schedule) == (SolveStatus.UNKNOWN, Verdict.UNKNOWN, None)


def test_proven_needs_every_term_proved() -> None:
    problem = late_problem()
    assert _result(problem, SolveClock(1.0, Deadline.never()), Schedule({"a": 0}), (8, 9, 9)).proven
    assert not _result(problem, SolveClock(1.0, Deadline.never()), Schedule({"a": 0}), (8, 9, None)).proven
    assert not _result(problem, SolveClock(1.0, Deadline.never()), Schedule({"a": 0}), (8, 8, 9)).proven


def test_switched_off_rules_find_the_conflict_between_a_due_date_and_a_not_before() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "5d", "not_before": "2026-01-20", "uses": {"rig": 1}},
            {"id": "b", "duration": "5d", "uses": {"rig": 1}},
        ],
        resources={"rig": {"capacity": 1}},
        milestones=[{"id": "gate", "after": ["a"], "due": "2026-01-15"}],
    )
    model = cp_model.CpModel()
    literals: dict[RuleKey, cp_model.IntVar] = {}

    def enforce(key: RuleKey):
        literals[key] = model.new_bool_var(str(key))
        return literals[key]

    builder = ModelBuilder(problem, model=model, enforce=enforce)
    builder.add_constraints()
    builder.add_due_dates()
    assert set(literals) == {RuleKey("not_before", "a"), RuleKey("capacity", "rig"), RuleKey("due", "gate")}
    model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.INFEASIBLE
    core = {
        key for key, literal in literals.items() if literal.index in solver.sufficient_assumptions_for_infeasibility()
    }
    assert core == {RuleKey("not_before", "a"), RuleKey("due", "gate")}

    # With not_before switched off the same model has a schedule, ending a by the due date.
    model.clear_assumptions()
    model.add(literals[RuleKey("not_before", "a")] == 0)
    model.add(literals[RuleKey("due", "gate")] == 1)
    model.add(literals[RuleKey("capacity", "rig")] == 1)
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert solver.value(builder.tasks["a"].end) <= problem.milestones["gate"].due
