"""The README's tour plan is a real plan: it validates and checks to the dates the README implies."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def tour_plan(tmp_path: Path) -> Path:
    block = re.search(r"^```yaml\n(.*?)^```$", README.read_text(encoding="utf-8"), re.S | re.M)
    assert block is not None, "the README has no yaml block"
    path = tmp_path / "tour.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def test_the_tour_plan_validates_without_errors_or_warnings(tmp_path):
    result = CliRunner().invoke(app, ["validate", str(tour_plan(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 invalid (0 errors, 0 warnings)" in result.output


def test_the_tour_plan_meets_its_due_date_with_the_cycle_arithmetic_the_readme_states(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tour_plan(tmp_path)), "--format", "json", "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    tasks = {task["id"]: task for task in document["tasks"]}
    assert tasks["c60-cycle-life"]["duration_days"] == 177  # "1000 × 4 h + 10 × 24 h = 4240 h = 177 d"
    assert document["verdict"] == "met"
    # The winter campaign waits for the first winter after the cell stage (+2 weeks): 2026-12-01.
    assert tasks["vehicle-winter"]["start"] == "2026-12-01"


def what_it_prints() -> list[tuple[list[str], list[str]]]:
    """The console examples of the README's "What it prints": (command arguments, the lines shown)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## What it prints", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in re.findall(r"^```console\n(.*?)^```$", section, re.S | re.M):
        command, *lines = block.splitlines()
        assert command.startswith("$ qualplan "), command
        examples.append((command.removeprefix("$ qualplan ").split(), lines))
    return examples


@pytest.mark.slow
def test_what_it_prints_is_what_the_commands_print(monkeypatch):
    """Every line of the README's examples is real output; a line with "…" stands for the text it leaves out."""
    monkeypatch.chdir(README.parent)
    examples = what_it_prints()
    assert [args[0] for args, _ in examples] == ["check", "explain"]
    for args, shown in examples:
        output = CliRunner().invoke(app, args).stdout.splitlines()
        position = 0
        for line in shown:
            if line == "…" or line.strip() == "…":
                continue
            pattern = re.compile(".*?".join(re.escape(part) for part in line.split("…")) + ("" if "…" in line else "$"))
            found = next((index for index in range(position, len(output)) if pattern.match(output[index])), None)
            assert found is not None, f"{' '.join(args)}: README line not in the output (in order): {line!r}"
            position = found + 1
