"""Small plans for tests, written as Python dicts so each test shows all it relies on."""

from __future__ import annotations

from typing import Any

from qualplan.model import Plan
from qualplan.problem import Problem, compile_plan


def make_plan(tasks: list[dict[str, Any]], **top: Any) -> Plan:
    """A format-1 plan starting 2026-01-05 (a Monday) with the given tasks and top-level keys."""
    document: dict[str, Any] = {"qualplan": 1, "id": "test-plan", "start": "2026-01-05", "tasks": tasks}
    document.update(top)
    return Plan.model_validate(document)


def make_problem(tasks: list[dict[str, Any]], **top: Any) -> Problem:
    """``make_plan`` compiled into day numbers."""
    return compile_plan(make_plan(tasks, **top))
