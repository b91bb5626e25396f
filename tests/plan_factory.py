"""The suite's one plan factory: small plans written as Python dicts, so each test shows all it relies on.

A plan made here is validated exactly as the loader validates a file (``loader.validate_document``:
the strict model, then the cross-reference checks), so a test can never pass on a plan that
``qualplan check`` would reject. A plan the loader rejects raises ``InvalidTestPlan`` with the
loader's own messages.

``unchecked_plan`` stops after the model (the loader's step 4, strict as there): it is only for
tests of the layers the cross-reference checks themselves rely on (finding a cycle, a task that
fits no window), whose input the checks reject.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualplan.loader import validate_document
from qualplan.model import Plan
from qualplan.problem import Problem, compile_plan
from qualplan.sourcemap import SourceMap

#: A Monday, so day 5 is a Saturday.
START = "2026-01-05"
_NAME = "test-plan.yaml"


class InvalidTestPlan(ValueError):
    """A test wrote a plan the loader rejects."""


def validated_plan(document: dict[str, Any]) -> Plan:
    """A whole plan document (as a YAML file would hold it) validated as the loader validates it."""
    loaded = validate_document(document, SourceMap(None), Path(_NAME), _NAME)
    if loaded.plan is None:
        raise InvalidTestPlan("\n".join(str(error) for error in loaded.errors))
    return loaded.plan


def _document(tasks: list[dict[str, Any]] | None, id: str, start: str, top: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {"qualplan": 1, "id": id, "start": start, **top}
    if tasks is not None:
        document["tasks"] = tasks
    return document


def make_plan(
    tasks: list[dict[str, Any]] | None = None, *, id: str = "test-plan", start: str = START, **top: Any
) -> Plan:
    """A format-1 plan (by default starting 2026-01-05) with the given tasks and top-level keys."""
    return validated_plan(_document(tasks, id, start, top))


def make_problem(tasks: list[dict[str, Any]] | None = None, **top: Any) -> Problem:
    """``make_plan`` compiled into day numbers."""
    return compile_plan(make_plan(tasks, **top))


def problem_of_document(document: dict[str, Any]) -> Problem:
    """``validated_plan`` compiled into day numbers."""
    return compile_plan(validated_plan(document))


def unchecked_plan(
    tasks: list[dict[str, Any]] | None = None, *, id: str = "test-plan", start: str = START, **top: Any
) -> Plan:
    """``make_plan`` without the cross-reference checks: a plan the loader would reject (a cycle, a
    task that fits nowhere), for the tests of the code those checks are built on."""
    return Plan.model_validate(_document(tasks, id, start, top))
