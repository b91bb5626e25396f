"""The ``risk`` keys as the risk run reads them: defaults, resolution into days, the slots of
each chain, and risk keys in portfolios (prefixed redo ids, a programme's own default)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from qualplan.loader import load_plan
from qualplan.model import Risk
from qualplan.problem import compile_plan
from qualplan.risk.spec import SlotKind, layout, task_risks
from risk_plans import checked_problem


def problem_with(tasks, risk=None, **top):
    document = {"qualplan": 1, "id": "keys", "start": "2026-01-05", "tasks": tasks, **top}
    if risk is not None:
        document["risk"] = risk
    problem = checked_problem(document)
    assert problem is not None
    return problem


def test_a_task_takes_each_key_it_does_not_give_from_the_plan_default() -> None:
    problem = problem_with(
        [
            {"id": "build", "duration": "50d"},
            {"id": "life", "duration": "300d", "risk": {"fail": 0.2, "attempts": 2}},
            {"id": "cold", "duration": "20d", "risk": {"duration": {"low": "18d", "likely": "20d", "high": "30d"}}},
        ],
        risk={"duration": {"low": "-10%", "high": "+20%"}, "fail": 0.05, "retest": {"fix": "2w"}},
    )
    risks = task_risks(problem)
    assert (risks["build"].low, risks["build"].likely, risks["build"].high) == (45, 50, 60)
    assert (risks["build"].fail, risks["build"].attempts, risks["build"].fix) == (0.05, 3, 14)
    assert (risks["life"].low, risks["life"].high, risks["life"].fail, risks["life"].attempts) == (270, 360, 0.2, 2)
    assert (risks["cold"].low, risks["cold"].likely, risks["cold"].high) == (18, 20, 30)


def test_without_risk_a_task_keeps_its_planned_duration_and_never_fails() -> None:
    risks = task_risks(problem_with([{"id": "t", "duration": "8w"}]))
    assert (risks["t"].low, risks["t"].high, risks["t"].fail, risks["t"].attempts) == (56, 56, 0.0, 1)
    assert not risks["t"].varies


def test_a_calendar_task_spreads_its_working_days() -> None:
    problem = problem_with(
        [{"id": "t", "duration": "20d", "calendar": "work", "risk": {"duration": {"low": "-25%", "high": "+50%"}}}],
        calendars={"work": {"weekends": ["sat", "sun"]}},
    )
    risk = task_risks(problem)["t"]
    assert (risk.low, risk.likely, risk.high) == (15, 20, 30)


def test_spreads_are_exact_fractions() -> None:
    spread = Risk.model_validate({"duration": {"low": "-12.5%", "high": "+33.3%"}}).duration
    assert spread is not None
    assert spread.days(3) == (Fraction(21, 8), Fraction(3), Fraction(3999, 1000))


def test_the_slots_of_a_chain_in_the_order_they_run() -> None:
    problem = problem_with(
        [
            {"id": "build", "duration": "10d"},
            {"id": "form", "duration": "5d"},
            {
                "id": "life",
                "duration": "30d",
                "after": ["build", "form"],
                "risk": {"fail": 0.3, "attempts": 3, "retest": {"fix": "1w", "redo": ["build", "form"]}},
            },
            {"id": "quick", "duration": "3d", "risk": {"fail": 0.3, "attempts": 2}},
        ]
    )
    slots = layout(task_risks(problem))
    chain = [(slot.kind, slot.id) for slot in slots.of("life")]
    assert chain == [
        (SlotKind.RUN, "life"),
        (SlotKind.FIX, "life#fix1"),
        (SlotKind.REDO, "life#redo1:build"),
        (SlotKind.REDO, "life#redo1:form"),
        (SlotKind.RUN, "life#run2"),
        (SlotKind.FIX, "life#fix2"),
        (SlotKind.REDO, "life#redo2:build"),
        (SlotKind.REDO, "life#redo2:form"),
        (SlotKind.RUN, "life#run3"),
    ]
    assert [slot.id for slot in slots.of("quick")] == ["quick", "quick#run2"]  # no fix slot for a fix of 0 days


PROGRAMME = """\
qualplan: 1
id: {id}
start: 2026-01-05
{risk}tasks:
  - {{id: build, duration: 10d}}
  - id: life
    duration: 30d
    after: [build]
    risk: {{fail: 0.3, retest: {{fix: 2w, redo: [build]}}}}
milestones:
  - {{id: done, after: [life], due: 2026-03-01}}
"""


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text(PROGRAMME.format(id="a", risk="risk:\n  duration: {low: -5%, high: +10%}\n"))
    (tmp_path / "b.yaml").write_text(PROGRAMME.format(id="b", risk=""))
    (tmp_path / "both.yaml").write_text(
        "qualplan: 1\nid: both\nprogrammes:\n  - {file: a.yaml, prefix: a-}\n  - {file: b.yaml, prefix: b-}\n"
    )
    return tmp_path / "both.yaml"


def test_a_portfolio_prefixes_redo_ids(portfolio: Path) -> None:
    loaded = load_plan(portfolio)
    assert loaded.ok, [str(error) for error in loaded.errors]
    life = loaded.plan.task("a-life")
    assert life.risk is not None and life.risk.retest is not None
    assert life.risk.retest.redo == ["a-build"]
    assert loaded.plan.task("b-life").risk.retest.redo == ["b-build"]


def test_a_programmes_plan_level_risk_is_the_default_of_its_own_tasks_only(portfolio: Path) -> None:
    loaded = load_plan(portfolio)
    assert loaded.ok, [str(error) for error in loaded.errors]
    risks = task_risks(compile_plan(loaded.plan))
    assert (risks["a-build"].low, risks["a-build"].high) == (Fraction(19, 2), 11)
    assert (risks["a-life"].low, risks["a-life"].high, risks["a-life"].fail) == (Fraction(57, 2), 33, 0.3)
    assert (risks["b-build"].low, risks["b-build"].high) == (10, 10)


def test_a_programmes_plan_level_risk_follows_the_plan_level_rules(portfolio: Path) -> None:
    folder = portfolio.parent
    (folder / "a.yaml").write_text(PROGRAMME.format(id="a", risk="risk:\n  duration: {low: 5d, high: 10d}\n"))
    errors = [str(error) for error in load_plan(portfolio).errors]
    assert any(
        "a.yaml:5:19: risk.duration.low: the plan-level duration is a default for tasks of every length" in error
        and "as programme a-" in error
        for error in errors
    ), errors


def test_risk_keys_that_can_have_no_effect_are_warnings() -> None:
    from qualplan.loader import load_plan_text

    text = """qualplan: 1
id: w
start: 2026-01-05
tasks:
  - id: a
    duration: 5d
    risk: {fail: 0.3, attempts: 1}
  - id: b
    duration: 5d
    risk: {retest: {fix: 2w}}
"""
    loaded = load_plan_text(text, "w.yaml")
    assert loaded.ok
    assert [str(warning) for warning in loaded.warnings] == [
        "w.yaml:7:18: tasks.a.risk.fail: with attempts 1 the only run always passes, so this chance of failure "
        "never applies",
        "w.yaml:10:12: tasks.b.risk.retest: this task never fails (no 'fail' here or in the plan's risk), so its "
        "retest never happens",
    ]
