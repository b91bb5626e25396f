"""The console examples of docs/whatif.md and docs/ci.md are real output: each command runs here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app

ROOT = Path(__file__).resolve().parents[1]


def examples(page: str) -> list[tuple[str, list[str]]]:
    """(command line, the lines shown after it) for every ``$ qualplan`` line of the page's console blocks."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^ *```console\n(.*?)^ *```$", text, re.S | re.M):
        lines = block.splitlines()
        indent = len(lines[0]) - len(lines[0].lstrip())
        for line in (line[indent:] for line in lines):
            if line.startswith("$ qualplan "):
                found.append((line.removeprefix("$ qualplan "), []))
            else:
                found[-1][1].append(line)
    return found


CASES = [(page, command, shown) for page in ("whatif.md", "ci.md") for command, shown in examples(page)]


def test_the_pages_have_examples():
    assert len([case for case in CASES if case[0] == "whatif.md"]) >= 8
    assert len([case for case in CASES if case[0] == "ci.md"]) >= 1


@pytest.mark.parametrize(("page", "command", "shown"), CASES, ids=[f"{page}: {command}" for page, command, _ in CASES])
def test_the_example_is_what_the_command_prints(monkeypatch, page, command, shown):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, command.split())
    assert result.output.splitlines() == shown, result.output
