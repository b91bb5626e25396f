"""The README's "Where we stand today" example is real: each command, run from a copy of the
repository's progress data, prints exactly the lines shown."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from typer.testing import CliRunner

from qualplan.cli import app

ROOT = Path(__file__).resolve().parents[1]


def steps() -> list[tuple[list[str], str | None, list[str]]]:
    """(arguments, file stdout is redirected to, lines shown) for each ``$ qualplan`` line."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Where we stand today", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```console\n(.*?)^```$", section, re.S | re.M)
    assert block is not None
    found: list[tuple[list[str], str | None, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ qualplan "):
            words = shlex.split(line.removeprefix("$ qualplan "))
            target = None
            if ">" in words:
                target = words[words.index(">") + 1]
                words = words[: words.index(">")]
            found.append((words, target, []))
        else:
            found[-1][2].append(line)
    return found


def test_where_we_stand_today_is_what_the_commands_print(tmp_path, monkeypatch) -> None:
    shutil.copytree(ROOT / "tests" / "data" / "progress", tmp_path / "tests" / "data" / "progress")
    monkeypatch.chdir(tmp_path)
    shown = steps()
    assert [words[0] for words, _, _ in shown] == ["check", "status", "check"]
    for words, target, lines in shown:
        result = CliRunner().invoke(app, [*words, "--time-limit", "2"] if words[0] == "check" else words)
        assert result.exit_code in (0, 1), result.stderr
        if target is not None:
            Path(target).write_text(result.stdout, encoding="utf-8")
            assert lines == []
            continue
        assert result.stdout.splitlines() == lines


def test_the_worked_example_of_the_plan_format_is_what_check_prints(monkeypatch) -> None:
    text = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    section = text.split("## Progress: status date and actuals", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```console\n(.*?)^```$", section, re.S | re.M)
    assert block is not None
    command, *lines = block.group(1).splitlines()
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, [*shlex.split(command.removeprefix("$ qualplan ")), "--time-limit", "2"])
    assert result.exit_code == 1  # design-freeze was reached late: missed, for good
    assert result.stdout.splitlines() == lines
