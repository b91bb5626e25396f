"""The benchmark plan generator writes valid plans that other developers can reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_generator import generate_plan, main
from qualplan.loader import load_plan


@pytest.mark.slow
def test_the_cli_writes_a_plan_that_loads_without_errors_or_warnings(tmp_path: Path) -> None:
    path = tmp_path / "plan-120.yaml"
    assert main(["120", "--seed", "2", "-o", str(path)]) == 0
    loaded = load_plan(path)
    assert loaded.ok, [str(error) for error in loaded.errors]
    assert loaded.warnings == ()
    assert loaded.plan == generate_plan(120, 2)


def test_a_generated_plan_uses_every_kind_of_rule() -> None:
    plan = generate_plan(150, 1)
    tasks = plan.tasks
    assert any(task.calendar for task in tasks) and any(task.cycles for task in tasks)
    assert {task.window for task in tasks if task.window} == {"winter", "summer", "proving-ground"}
    kinds = {entry.type for task in tasks for entry in task.after}
    assert kinds == {"finish", "start", "end"}
    assert any(entry.on in {stage.id for stage in plan.stages} for task in tasks for entry in task.after)
    assert any(milestone.at for milestone in plan.milestones)
    assert any(resource.changes for resource in plan.resources.values())
