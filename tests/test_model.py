"""The pydantic models of format 1: field rules and the derived task lengths."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from qualplan.model import MAX_PRIORITY, MAX_UNITS, Cycles, Milestone, Plan, Task, parse_date, parse_month_day

BASE = {"qualplan": 1, "id": "p", "start": "2026-01-05", "tasks": [{"id": "a", "duration": "2w"}]}


def test_the_worked_example_task_is_177_days_and_says_how() -> None:
    task = Task.model_validate(
        {
            "id": "c60-cycle-life",
            "cycles": {
                "count": 1000,
                "charge_c": 0.5,
                "discharge_c": 1.0,
                "cv_h": 0.5,
                "rest_h": 0.25,
                "checkup_every": 100,
                "checkup_h": 24,
            },
        }
    )
    assert task.days == 177
    assert task.arithmetic() == "1000 cycles × 4 h + 10 check-ups × 24 h = 4240 h = 177 d"


def test_a_plain_duration_task() -> None:
    task = Task.model_validate({"id": "a", "duration": "30h"})
    assert task.days == 2
    assert task.arithmetic() == "30h = 2 d"


def test_plan_defaults_and_last_day() -> None:
    plan = Plan.model_validate(BASE)
    assert plan.horizon.days == 2920
    assert plan.last_day == dt.date(2034, 1, 2)  # 2026-01-05 + 2920 - 1 days


@pytest.mark.parametrize("version", [True, 1.0, 2, "1"])
def test_the_format_version_is_exactly_the_integer_1(version: object) -> None:
    with pytest.raises(ValidationError, match="qualplan"):
        Plan.model_validate({**BASE, "qualplan": version})


@pytest.mark.parametrize("rate", [float("inf"), float("nan"), 0, -1])
def test_c_rates_are_finite_and_positive(rate: float) -> None:
    with pytest.raises(ValidationError, match="charge_c"):
        Cycles.model_validate({"count": 1, "charge_c": rate, "discharge_c": 1})


def test_checkups_come_in_pairs() -> None:
    with pytest.raises(ValidationError, match="give both 'checkup_every'"):
        Cycles.model_validate({"count": 10, "charge_c": 1, "discharge_c": 1, "checkup_h": 2})


def test_a_milestone_has_after_or_at() -> None:
    with pytest.raises(ValidationError, match="either 'after' or 'at', not both"):
        Milestone.model_validate({"id": "m", "after": ["a"], "at": "2026-09-01"})
    with pytest.raises(ValidationError, match="needs 'after'"):
        Milestone.model_validate({"id": "m", "after": []})
    assert Milestone.model_validate({"id": "m", "after": ["a", {"on": "b", "lag": "2w"}]}).after[1].lag.days == 14


def test_dates() -> None:
    assert parse_date("2028-02-29") == dt.date(2028, 2, 29)
    with pytest.raises(ValueError, match="'2026-02-30' is not a calendar date"):
        parse_date("2026-02-30")
    with pytest.raises(ValueError, match="02-29 does not exist in every year"):
        parse_month_day("02-29")


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="duraton"):
        Task.model_validate({"id": "a", "duraton": "2w"})


# --- numbers past any sense (issue 12) ------------------------------------------------------------


def _valid(document: dict) -> bool:
    try:
        Plan.model_validate(document)
    except ValidationError:
        return False
    return True


@given(st.integers(-(2**70), 2**70) | st.integers(MAX_UNITS - 3, MAX_UNITS + 3))
def test_capacities_changes_and_uses_are_accepted_exactly_from_0_to_the_limit(units: int) -> None:
    """2**63 crashed (OverflowError), 2**63 - 1 with two users overflowed the solver's sums."""
    expected = 0 <= units <= MAX_UNITS
    tasks = [{"id": "a", "duration": "2w", "uses": {"r": units}}]
    assert _valid({**BASE, "resources": {"r": {"capacity": units}}}) is expected
    assert (
        _valid({**BASE, "resources": {"r": {"capacity": 1, "changes": [{"from": "2026-02-01", "capacity": units}]}}})
        is expected
    )
    assert _valid({**BASE, "resources": {"r": {"capacity": MAX_UNITS}}, "tasks": tasks}) is expected


@given(st.integers(-(2**70), 2**70) | st.integers(MAX_PRIORITY - 3, MAX_PRIORITY + 3))
def test_priorities_are_accepted_exactly_from_1_to_the_limit(priority: int) -> None:
    """2**62 crashed with a five-line TypeError."""
    milestones = [{"id": "m", "after": ["a"], "priority": priority}]
    assert _valid({**BASE, "milestones": milestones}) is (1 <= priority <= MAX_PRIORITY)


def test_the_limits_are_in_the_json_schema() -> None:
    from qualplan.commands.schema import build_schema

    definitions = build_schema()["$defs"]
    assert definitions["Resource"]["properties"]["capacity"]["maximum"] == MAX_UNITS
    assert definitions["CapacityChange"]["properties"]["capacity"]["maximum"] == MAX_UNITS
    (units,) = definitions["Task"]["properties"]["uses"]["patternProperties"].values()
    assert units["maximum"] == MAX_UNITS
    assert definitions["Milestone"]["properties"]["priority"]["maximum"] == MAX_PRIORITY


@pytest.mark.parametrize("text", ["٢٠٢٦-٠١-٠٥", "2026-01-0٥", "２０２６-01-05"])
def test_dates_take_only_ascii_digits(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date YYYY-MM-DD"):
        parse_date(text)


def test_yearly_days_take_only_ascii_digits() -> None:
    """'٠٣-١٠' was read as 03-10."""
    with pytest.raises(ValueError, match="expected a yearly day MM-DD"):
        parse_month_day("٠٣-١٠")
