"""The conflict set, checked through the scheduler's ordinary path rather than the
conflict search's satisfaction model: on random missed plans, a plan that keeps
only the named rules (every other due date, capacity, window, ``not_before`` and
``at`` removed) still cannot meet its due dates, and removing any one named rule
as well gives a plan whose due dates are all met."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from plan_factory import problem_of_document, validated_plan
from qualplan import solver
from qualplan.explain.conflicts import find_conflict
from qualplan.model import Plan
from qualplan.problem import compile_plan
from qualplan.result import Verdict

START = dt.date(2026, 1, 5)


def day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


@st.composite
def documents(draw: st.DrawFn) -> dict:
    count = draw(st.integers(2, 5))
    tasks, milestones = [], []
    gate = draw(st.booleans())
    if gate:
        milestones.append({"id": "gate", "at": day(draw(st.integers(2, 10)))})
    for index in range(count):
        task: dict = {"id": f"t{index}", "duration": f"{draw(st.integers(2, 10))}d", "uses": {"rig": 1}}
        if index and draw(st.integers(0, 3)) == 0:
            task["after"] = [f"t{draw(st.integers(0, index - 1))}"]
        elif gate and draw(st.booleans()):
            task["after"] = ["gate"]
        if draw(st.integers(0, 3)) == 0:
            task["window"] = "slot"
        if draw(st.integers(0, 3)) == 0:
            task["not_before"] = day(draw(st.integers(1, 8)))
        tasks.append(task)
        milestones.append({"id": f"m{index}", "after": [task["id"]], "due": day(draw(st.integers(9, 30)))})
    return {
        "qualplan": 1,
        "id": "p",
        "start": START.isoformat(),
        "horizon": "90d",
        "windows": {"slot": {"dates": [f"{day(0)}..{day(20)}", f"{day(30)}..{day(60)}"]}},
        "resources": {"rig": {"capacity": draw(st.sampled_from([1, 1, 2]))}},
        "tasks": tasks,
        "milestones": milestones,
    }


def keeping(document: dict, rules: set[tuple[str, str]]) -> Plan:
    """The plan with every switchable rule outside ``rules`` removed (an `at` moves to day 0)."""
    tasks = []
    for task in document["tasks"]:
        task = dict(task)
        if ("window", task["id"]) not in rules:
            task.pop("window", None)
        if ("not_before", task["id"]) not in rules:
            task.pop("not_before", None)
        tasks.append(task)
    milestones = []
    for milestone in document["milestones"]:
        milestone = dict(milestone)
        if "due" in milestone and ("due", milestone["id"]) not in rules:
            milestone.pop("due")
        if "at" in milestone and ("at", milestone["id"]) not in rules:
            milestone["at"] = day(0)
        milestones.append(milestone)
    capacity = document["resources"]["rig"]["capacity"] if ("capacity", "rig") in rules else len(tasks)
    changed = {**document, "tasks": tasks, "milestones": milestones, "resources": {"rig": {"capacity": capacity}}}
    return validated_plan(changed)


def verdict(plan: Plan) -> Verdict:
    return solver.solve(compile_plan(plan), time_limit=2.0, workers=1, seed=0).verdict


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_named_rules_conflict_and_each_one_is_needed(document: dict):
    problem = problem_of_document(document)
    result = solver.solve(problem, time_limit=2.0, workers=1, seed=0)
    assume(result.verdict is Verdict.MISSED)
    conflict = find_conflict(problem, known=result.schedule, time_limit=2.0)
    assert conflict is not None and conflict.rules
    assume(conflict.minimal and conflict.rules[0].kind != "horizon")
    named = {(rule.kind, rule.subject) for rule in conflict.rules}
    for kind in sorted({kind for kind, _ in named}):
        event(f"names a {kind} rule")

    together = verdict(keeping(document, named))
    assume(together is not Verdict.UNKNOWN)
    assert together is Verdict.MISSED
    for rule in named:
        alone = verdict(keeping(document, named - {rule}))
        assume(alone is not Verdict.UNKNOWN)
        assert alone is Verdict.MET, f"{rule} is not needed"
