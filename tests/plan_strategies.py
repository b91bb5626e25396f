"""Hypothesis building blocks for tiny random plans over a 12-day horizon (from 2026-01-05).

The property tests of the solver and of progress draw the same tasks and milestones; each
adds its own resources and top-level keys around them.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def draw_tasks_and_milestones(draw, count: int, max_use: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` tasks using every kind of rule (a ``rig`` of at most ``max_use`` units, the
    ``workdays`` calendar, the ``slot`` window, ``not_before``, links of all three types with
    lags) and up to two milestones with priorities and maybe due dates."""
    tasks = []
    for index in range(count):
        task: dict[str, Any] = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 4))}d"}
        if draw(st.booleans()):
            task["uses"] = {"rig": draw(st.integers(1, max_use))}
        if draw(st.integers(0, 3)) == 0:
            task["calendar"] = "workdays"
        if draw(st.integers(0, 4)) == 0:
            task["window"] = "slot"
        if draw(st.integers(0, 4)) == 0:
            task["not_before"] = f"2026-01-{5 + draw(st.integers(0, 6)):02d}"
        after = []
        for pred in range(index):
            if draw(st.booleans()):
                kind = draw(st.sampled_from(["finish", "start", "end"]))
                after.append({"on": f"t{pred}", "type": kind, "lag": f"{draw(st.integers(0, 2))}d"})
        if after:
            task["after"] = after
        tasks.append(task)
    milestones = []
    for index in range(draw(st.integers(0, 2))):
        preds = draw(st.lists(st.sampled_from([task["id"] for task in tasks]), min_size=1, max_size=2, unique=True))
        milestone: dict[str, Any] = {"id": f"m{index}", "after": preds, "priority": draw(st.integers(1, 3))}
        if draw(st.booleans()):
            milestone["due"] = f"2026-01-{5 + draw(st.integers(0, 8)):02d}"
        milestones.append(milestone)
    return tasks, milestones
