"""``qualplan explain`` through the command line: output, formats, exit codes, and
the messages for a bad plan or an unknown ``--milestone``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app

PLAN = """\
qualplan: 1
id: two-rigs
start: 2026-01-05
resources:
  bunker: {capacity: 1}
tasks:
  - {id: nail-test, duration: 20d, uses: {bunker: 1}}
  - {id: crush-test, duration: 20d, uses: {bunker: 1}}
milestones:
  - {id: abuse-done, after: [nail-test, crush-test], due: 2026-01-24}
  - {id: abuse-report, after: [abuse-done]}
"""


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "two-rigs.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, ["explain", *args])


def test_unknown_milestone_exits_2_and_suggests_the_closest_id(plan: Path):
    outcome = run(str(plan), "--milestone", "abuse-dne")
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr == (
        f"{plan}: no milestone 'abuse-dne' in this plan; did you mean 'abuse-done'? "
        "(milestones: abuse-done, abuse-report)\n"
    )


def test_invalid_plan_exits_2_with_file_line_column(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace("duration: 20d, uses", "duration: -3d, uses", 1), encoding="utf-8")
    outcome = run(str(path))
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"{path}:7:")
    assert "negative durations are not allowed" in outcome.stderr


def test_text_names_the_bottleneck_and_the_conflicting_rules(plan: Path):
    outcome = run(str(plan), "--time-limit", "2", "--workers", "1")
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert "abuse-done: 2026-02-13 (due 2026-01-24, 20 days late)." in text
    assert "Physics allow 2026-01-24; windows cost 0 days; lab capacity costs 20 days, mostly bunker." in text
    assert "Bottleneck: bunker." in text
    assert f"  {plan}:5: resource bunker capacity 1\n" in text
    assert f"  {plan}:10: milestone abuse-done due 2026-01-24\n" in text


def test_json_one_milestone_is_deterministic(plan: Path):
    args = (str(plan), "--milestone", "abuse-done", "--format", "json", "--time-limit", "2", "--workers", "1")
    first, second = run(*args), run(*args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert [item["id"] for item in data["milestones"]] == ["abuse-done"]
    bounds = data["milestones"][0]["bounds"]
    assert (bounds["physics"], bounds["seasons"], bounds["lab"], bounds["lab_cost_days"]) == (
        "2026-01-24",
        "2026-01-24",
        "2026-02-13",
        20,
    )
    assert data["bottleneck"] == "bunker"
    assert [(rule["kind"], rule["subject"], rule["line"]) for rule in data["conflict"]["rules"]] == [
        ("capacity", "bunker", 5),
        ("due", "abuse-done", 10),
    ]


def test_milestone_option_on_a_plan_without_milestones(tmp_path: Path):
    path = tmp_path / "bare.yaml"
    path.write_text("qualplan: 1\nid: bare\nstart: 2026-01-05\ntasks:\n  - {id: a, duration: 3d}\n", encoding="utf-8")
    outcome = run(str(path), "--milestone", "sop")
    assert outcome.exit_code == 2
    assert outcome.stderr == f"{path}: no milestone 'sop' in this plan (it has no milestones)\n"


def test_warnings_go_to_stderr_and_the_explanation_to_stdout(tmp_path: Path):
    path = tmp_path / "unused.yaml"
    path.write_text(PLAN.replace("  bunker: {capacity: 1}\n", "  bunker: {capacity: 1}\n  spare: {capacity: 2}\n"))
    outcome = run(str(path), "--time-limit", "2", "--workers", "1")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stderr == f"{path}:6:3: warning: resources.spare: no task uses resource 'spare'\n"
    assert outcome.stdout.startswith("two-rigs: verdict missed")


def test_one_milestone_gets_its_own_resource_picture_and_a_conflict_heading_that_says_whose_it_is(plan: Path):
    outcome = run(str(plan), "--milestone", "abuse-report", "--time-limit", "2", "--workers", "1")
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert "Resources that the 2 tasks before abuse-report hold (" in text
    assert "  Bottleneck for abuse-report: bunker.\n" in text
    # The conflict search is over the whole plan: abuse-report has no due date, and the heading says so.
    assert (
        "The plan misses a due date because these rules cannot all hold together "
        "(no due date of abuse-report is among them):\n"
        f"  {plan}:5: resource bunker capacity 1\n"
        f"  {plan}:10: milestone abuse-done due 2026-01-24\n"
    ) in text

    outcome = run(str(plan), "--milestone", "abuse-done", "--time-limit", "2", "--workers", "1")
    assert "\nThese rules cannot all hold together:\n" in outcome.stdout
