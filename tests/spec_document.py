"""Shared by the JSON tests: the fields plan-format.md promises in ``check --format json``, and their types."""

from __future__ import annotations

import datetime as dt
from typing import Any

SPEC_KEYS = ("format", "plan", "verdict", "proven", "milestones", "tasks")
MILESTONE_KEYS = ("id", "due", "date", "late_days", "met")
TASK_KEYS = ("id", "start", "end", "duration_days", "uses")


def _date_or_null(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value


def assert_spec_document(document: dict[str, Any]) -> None:
    """Fail unless ``document`` has every field of the spec's JSON, with the spec's types and rules."""
    assert tuple(document)[: len(SPEC_KEYS)] == SPEC_KEYS
    assert document["format"] == 1
    assert isinstance(document["plan"], str) and document["plan"]
    assert document["verdict"] in ("met", "missed", "unknown")
    assert isinstance(document["proven"], bool)
    for milestone in document["milestones"]:
        assert tuple(milestone)[: len(MILESTONE_KEYS)] == MILESTONE_KEYS
        assert isinstance(milestone["id"], str)
        assert _date_or_null(milestone["due"]) and _date_or_null(milestone["date"])
        if milestone["due"] is None or milestone["date"] is None:
            assert milestone["late_days"] is None and milestone["met"] is None
        else:
            late = (dt.date.fromisoformat(milestone["date"]) - dt.date.fromisoformat(milestone["due"])).days
            assert milestone["late_days"] == max(0, late)
            assert milestone["met"] is (late <= 0)
    for task in document["tasks"]:
        assert tuple(task)[: len(TASK_KEYS)] == TASK_KEYS
        assert isinstance(task["id"], str)
        assert _date_or_null(task["start"]) and _date_or_null(task["end"])
        if task["start"] is None:
            assert task["end"] is None and task["duration_days"] is None
        else:
            span = (dt.date.fromisoformat(task["end"]) - dt.date.fromisoformat(task["start"])).days + 1
            assert task["duration_days"] == span >= 1
        assert isinstance(task["uses"], dict)
        assert all(isinstance(units, int) and units >= 0 for units in task["uses"].values())
    if document["verdict"] == "met":
        assert all(milestone["met"] is not False for milestone in document["milestones"])
