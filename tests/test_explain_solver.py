"""``explain`` on solved plans whose answer is known by construction: one bound by
a chain of tests, one by a winter window, one by a resource, one by a holiday
calendar, and one with two due dates that cannot both hold (its conflict set,
with file:line). Each solve is small and limited to 2 s."""

from __future__ import annotations

import textwrap

from qualplan.explain import explain, render_text, why_line
from qualplan.loader import load_plan_text
from qualplan.problem import compile_plan
from qualplan.result import Verdict
from qualplan.solver import solve

HEAD = """\
qualplan: 1
id: t
start: 2026-01-05
"""


def solved(body: str, name: str = "plan.yaml"):
    loaded = load_plan_text(HEAD + textwrap.dedent(body), name)
    assert loaded.ok, [str(error) for error in loaded.errors]
    result = solve(compile_plan(loaded.plan), time_limit=2.0, workers=1, seed=0)
    return result, explain(result, source=loaded.source, source_file=name, conflict_time_limit=2.0)


def nodes(item) -> list[str]:
    return [link.node for link in item.chain]


def kinds(link) -> list[str]:
    return [reason.kind for reason in link.reasons]


def test_chain_of_tests():
    result, explanation = solved(
        """\
        tasks:
          - {id: build, duration: 2w}
          - id: cycle-life
            after: [build]
            cycles: {count: 1000, charge_c: 0.5, discharge_c: 1.0, rest_h: 0.5, checkup_every: 100, checkup_h: 24}
          - {id: abuse, duration: 10d, after: [{on: cycle-life, lag: 1w}]}
        milestones:
          - {id: sop, after: [abuse], due: 2026-07-01}
        """
    )
    assert result.verdict is Verdict.MISSED
    item = explanation.milestone("sop")
    assert nodes(item) == ["sop", "abuse", "cycle-life", "build"]
    assert [kinds(link) for link in item.chain] == [["dependency"], ["dependency"], ["dependency"], ["plan_start"]]
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (207, 207, 207)
    # Physics alone is late: the conflict is the due date against the tests' own length (nothing to switch off).
    assert [(rule.kind, rule.subject, rule.line) for rule in explanation.conflict.rules] == [("due", "sop", 11)]
    assert explanation.conflict.minimal
    assert "more equipment won't help" in why_line(explanation, "sop")


def test_winter_window():
    result, explanation = solved(
        """\
        windows:
          winter: {yearly: {from: 12-15, to: 03-10}}
        tasks:
          - {id: build, duration: 30d}
          - {id: cold-start, duration: 60d, after: [build], window: winter}
        milestones:
          - {id: winter-done, after: [cold-start], due: 2026-06-30}
        """
    )
    assert result.verdict is Verdict.MISSED
    item = explanation.milestone("winter-done")
    assert nodes(item) == ["winter-done", "cold-start", "build"]
    assert kinds(item.chain[1]) == ["dependency", "window"]
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (89, 403, 403)
    assert item.bounds.window_costs == (("winter", 314),)
    rules = {(rule.kind, rule.subject): rule.line for rule in explanation.conflict.rules}
    assert rules == {("due", "winter-done"): 10, ("window", "cold-start"): 8}
    text = render_text(explanation)
    assert "These rules cannot all hold together:" in text
    assert "plan.yaml:8: task cold-start inside window winter" in text
    assert "plan.yaml:10: milestone winter-done due 2026-06-30" in text


def test_resource():
    result, explanation = solved(
        """\
        resources:
          cycler: {capacity: 1}
        tasks:
          - {id: a, duration: 20d, uses: {cycler: 1}}
          - {id: b, duration: 20d, uses: {cycler: 1}}
        milestones:
          - {id: both, after: [a, b], due: 2026-01-24}
        """
    )
    assert result.verdict is Verdict.MISSED
    item = explanation.milestone("both")
    assert len(item.chain) == 3
    second, first = item.chain[1], item.chain[2]
    assert kinds(second) == ["resource"]
    assert (second.reasons[0].on, second.reasons[0].holders) == ("cycler", (first.node,))
    assert kinds(first) == ["plan_start"]
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (19, 19, 39)
    assert explanation.bottleneck == "cycler"
    rules = sorted((rule.kind, rule.subject, rule.line) for rule in explanation.conflict.rules)
    assert rules == [("capacity", "cycler", 5), ("due", "both", 10)]


def test_holiday_calendar():
    result, explanation = solved(
        """\
        calendars:
          works: {weekends: [sat, sun], holidays: [2026-02-16..2026-02-22]}
        tasks:
          - {id: build, duration: 40d}
          - {id: teardown, duration: 5d, after: [build], calendar: works}
        milestones:
          - {id: report, after: [teardown], due: 2026-02-20}
        """
    )
    assert result.verdict is Verdict.MISSED
    item = explanation.milestone("report")
    teardown = item.chain[1]
    assert kinds(teardown) == ["dependency", "non_working"]
    assert teardown.reasons[1].holiday == "2026-02-16..2026-02-22"
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (53, 53, 53)
    assert item.late_days == 7
    assert [(rule.kind, rule.subject) for rule in explanation.conflict.rules] == [("due", "report")]


def test_two_due_dates_that_cannot_both_hold():
    result, explanation = solved(
        """\
        resources:
          bunker: {capacity: 1}
          spare: {capacity: 5}
        tasks:
          - {id: a, duration: 20d, uses: {bunker: 1, spare: 1}}
          - {id: b, duration: 20d, uses: {bunker: 1, spare: 1}}
          - {id: c, duration: 5d, not_before: 2026-01-10}
        milestones:
          - {id: a-done, after: [a], due: 2026-01-24}
          - {id: b-done, after: [b], due: 2026-01-24}
          - {id: c-done, after: [c], due: 2026-03-01}
        """
    )
    assert result.verdict is Verdict.MISSED
    conflict = explanation.conflict
    assert conflict.minimal
    assert [(rule.kind, rule.subject, rule.file, rule.line) for rule in conflict.rules] == [
        ("capacity", "bunker", "plan.yaml", 5),
        ("due", "a-done", "plan.yaml", 12),
        ("due", "b-done", "plan.yaml", 13),
    ]
    text = render_text(explanation)
    assert (
        "These rules cannot all hold together:\n"
        "  plan.yaml:5: resource bunker capacity 1\n"
        "  plan.yaml:12: milestone a-done due 2026-01-24\n"
        "  plan.yaml:13: milestone b-done due 2026-01-24\n"
    ) in text
    late = next(item for item in explanation.milestones if item.late_days)
    assert late.bounds.lab_cost == 20
    assert why_line(explanation, late.id) == "why: lab capacity costs 20 days, mostly bunker"


def test_a_met_plan_has_no_conflict_and_no_search():
    result, explanation = solved(
        """\
        tasks:
          - {id: a, duration: 5d}
        milestones:
          - {id: m, after: [a], due: 2026-02-01}
        """
    )
    assert result.verdict is Verdict.MET
    assert explanation.conflict is None
    assert "m: 2026-01-09 (due 2026-02-01, met with 23 days to spare)." in render_text(explanation)


def test_a_fixed_date_takes_part_in_a_conflict():
    result, explanation = solved(
        """\
        tasks:
          - {id: drive, duration: 10d, after: [line-ready]}
          - {id: spare, duration: 5d}
        milestones:
          - {id: line-ready, at: 2026-03-01}
          - {id: drive-done, after: [drive], due: 2026-03-05}
          - {id: spare-done, after: [spare], due: 2026-03-02}
        """
    )
    assert result.verdict is Verdict.MISSED
    assert explanation.conflict.minimal
    assert [(rule.kind, rule.subject, rule.line) for rule in explanation.conflict.rules] == [
        ("at", "line-ready", 8),
        ("due", "drive-done", 9),
    ]
    assert "plan.yaml:8: milestone line-ready fixed at 2026-03-01" in render_text(explanation)


def test_a_not_before_takes_part_in_a_conflict():
    result, explanation = solved(
        """\
        tasks:
          - {id: soak, duration: 5d, not_before: 2026-03-01}
          - {id: spare, duration: 5d}
        milestones:
          - {id: soak-done, after: [soak], due: 2026-03-02}
          - {id: spare-done, after: [spare], due: 2026-03-02}
        """
    )
    assert result.verdict is Verdict.MISSED
    assert explanation.conflict.minimal
    assert [(rule.kind, rule.subject, rule.line) for rule in explanation.conflict.rules] == [
        ("not_before", "soak", 5),
        ("due", "soak-done", 8),
    ]
    assert "plan.yaml:5: task soak not_before 2026-03-01" in render_text(explanation)
