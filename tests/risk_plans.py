"""Random small plans with risk keys, for the risk tests (hypothesis strategies)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from qualplan.checks import check
from qualplan.model import Plan
from qualplan.problem import Problem, compile_plan

START = "2026-01-05"  # a Monday


def checked_problem(document: dict[str, Any]) -> Problem | None:
    """The compiled plan, or None when the static checks reject it."""
    plan = Plan.model_validate(document)
    if any(not finding.warning for finding in check(document, plan)):
        return None
    return compile_plan(plan)


@st.composite
def risk_documents(draw, max_tasks: int = 6, horizon: int | None = None) -> dict[str, Any]:
    """A plan of 1..max_tasks tasks using every kind of rule and every risk key.

    Links only go to earlier tasks, so a task's ``redo`` may name any earlier one (it
    can never depend on the test). Without ``horizon``, it is 160 days or a short 50,
    so that some iterations run past it.
    """
    if horizon is None:
        horizon = draw(st.sampled_from([50, 160]))
    count = draw(st.integers(1, max_tasks))
    tasks: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    for index in range(count):
        task: dict[str, Any] = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 12))}d"}
        uses = {}
        if draw(st.booleans()):
            uses["rig"] = draw(st.integers(1, 2))
        if draw(st.integers(0, 2)) == 0:
            uses["bench"] = 1
        if uses:
            task["uses"] = uses
        if draw(st.integers(0, 2)) == 0:
            task["calendar"] = "workdays"
        if draw(st.integers(0, 3)) == 0:
            task["window"] = "slot"
        if draw(st.integers(0, 4)) == 0:
            task["not_before"] = f"2026-01-{5 + draw(st.integers(0, 20)):02d}"
        after: list[Any] = []
        for pred in [f"t{i}" for i in range(index)] + [m["id"] for m in milestones]:
            if draw(st.integers(0, 2)) == 0:
                kind = draw(st.sampled_from(["finish", "start", "end"]))
                after.append({"on": pred, "type": kind, "lag": f"{draw(st.integers(0, 3))}d"})
        if after:
            task["after"] = after
        risk: dict[str, Any] = {}
        if draw(st.booleans()):
            if draw(st.booleans()):
                risk["duration"] = {"low": f"-{draw(st.integers(0, 50))}%", "high": f"+{draw(st.integers(0, 80))}%"}
            else:
                low = draw(st.integers(1, 10))
                likely = low + draw(st.integers(0, 5))
                risk["duration"] = {
                    "low": f"{low}d",
                    "likely": f"{likely}d",
                    "high": f"{likely + draw(st.integers(0, 8))}d",
                }
        if draw(st.booleans()):
            risk["fail"] = draw(st.sampled_from([0.1, 0.3, 0.5, 0.8]))
            risk["attempts"] = draw(st.integers(1, 3))
            retest: dict[str, Any] = {"found_after": f"{draw(st.integers(1, 100))}%"}
            if draw(st.booleans()):
                retest["fix"] = f"{draw(st.integers(0, 6))}d"
            if index and draw(st.booleans()):
                retest["redo"] = draw(
                    st.lists(st.sampled_from([f"t{i}" for i in range(index)]), max_size=2, unique=True)
                )
            risk["retest"] = retest
        if risk:
            task["risk"] = risk
        tasks.append(task)
        if draw(st.integers(0, 3)) == 0:
            milestone: dict[str, Any] = {"id": f"m{len(milestones)}"}
            if draw(st.integers(0, 3)) == 0:
                milestone["at"] = f"2026-02-{draw(st.integers(1, 20)):02d}"
            else:
                milestone["after"] = [
                    {"on": f"t{index}", "type": draw(st.sampled_from(["finish", "start", "end"])), "lag": "1d"}
                ]
                milestone["due"] = f"2026-02-{draw(st.integers(1, 28)):02d}"
            milestones.append(milestone)
    milestones.append({"id": "done", "after": [task["id"] for task in tasks], "due": "2026-03-01"})
    document: dict[str, Any] = {
        "qualplan": 1,
        "id": "risk-test",
        "start": START,
        "horizon": f"{horizon}d",
        "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07", "2026-02-02..2026-02-04"]}},
        "windows": {"slot": {"dates": ["2026-01-05..2026-01-30", "2026-02-16..2026-03-20", "2026-04-01..2026-05-15"]}},
        "resources": {
            "rig": {"capacity": draw(st.integers(1, 2)), "changes": [{"from": "2026-02-01", "capacity": 2}]},
            "bench": {"capacity": 1},
        },
        "tasks": tasks,
        "milestones": milestones,
    }
    if draw(st.integers(0, 2)) == 0:
        document["risk"] = {"duration": {"low": "-10%", "high": "+30%"}}
    return document
