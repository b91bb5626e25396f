"""``qualplan diff OLD NEW`` (issue 16 item 3) on two commits of a temporary git repository.

The second commit of ``plans/lab.yaml`` moves a due date (cells-done 2026-02-28 -> 2026-02-10),
adds a task (``audit``, 7 days on the one chamber) and gives ``life`` a 10-day lag after ``build``.
By hand: before, build runs days 0-9 and the chamber holds life and abuse for 25 days in a row,
days 10-34, so cells-done is 2026-02-08. After, the chamber holds abuse (10-14), audit (15-21)
and life (22-41, its lag allows day 20): cells-done is 2026-02-15, 7 days later, and late.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualplan.commands import diff
from qualplan.exitcodes import ExitCode
from qualplan.model import Task
from qualplan.plan_diff import items_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FAST = {"time_limit": 2.0, "workers": 1, "seed": 0}

BEFORE = """\
qualplan: 1
id: lab
start: 2026-01-05
horizon: 1y
resources:
  chamber: {capacity: 1}
tasks:
  - {id: build, duration: 10d}
  - {id: life, duration: 20d, after: [build], uses: {chamber: 1}}
  - {id: abuse, duration: 5d, after: [build], uses: {chamber: 1}}
milestones:
  - {id: cells-done, after: [life, abuse], due: 2026-02-28}
  - {id: pack-start, after: [cells-done], due: 2026-03-31}
"""

AFTER = """\
qualplan: 1
id: lab
start: 2026-01-05
horizon: 1y
resources:
  chamber: {capacity: 1}
tasks:
  - {id: build, duration: 10d}
  - {id: life, duration: 20d, after: [{on: build, lag: 10d}], uses: {chamber: 1}}
  - {id: abuse, duration: 5d, after: [build], uses: {chamber: 1}}
  - {id: audit, duration: 7d, after: [abuse], uses: {chamber: 1}}
milestones:
  - {id: cells-done, after: [life, abuse, audit], due: 2026-02-10}
  - {id: pack-start, after: [cells-done], due: 2026-03-31}
"""


def git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=qualplan", "-c", "user.email=qualplan@example.com", *arguments],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two commits of plans/lab.yaml (BEFORE, then AFTER); the current directory."""
    (tmp_path / "plans").mkdir()
    git(tmp_path, "init", "-q")
    for text, message in ((BEFORE, "before"), (AFTER, "after")):
        (tmp_path / "plans" / "lab.yaml").write_text(text, encoding="utf-8")
        git(tmp_path, "add", "plans/lab.yaml")
        git(tmp_path, "commit", "-q", "-m", message)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(old: str, new: str, output_format: str = "text", **options) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = diff.run(old, new, output_format=output_format, stdout=out, stderr=err, **{**FAST, **options})
    return code, out.getvalue(), err.getvalue()


MARKDOWN = """\
### qualplan diff: `plans/lab.yaml`

**Status: worse** — verdict met → missed; `HEAD~1:plans/lab.yaml` → `plans/lab.yaml`

| milestone | due | old | new | delta |
| --- | --- | --- | --- | ---: |
| `cells-done` | 2026-02-28 → 2026-02-10 | 2026-02-08 | 2026-02-15 | +7 d |
| `pack-start` | 2026-03-31 | 2026-02-08 | 2026-02-15 | +7 d |

<details><summary>Tasks: 1 added, 0 removed, 1 changed</summary>

- added `audit`
- changed `life`: after `[build]` → `[{on: build, lag: 10d}]`

</details>

<details><summary>Milestone definitions: 0 added, 0 removed, 1 changed</summary>

- changed `cells-done`: after `[life, abuse]` → `[life, abuse, audit]`; due `2026-02-28` → `2026-02-10`

</details>

<details><summary>Critical chains of late milestones</summary>

- `cells-done`: joined `audit`

</details>
"""


def test_the_markdown_comment_of_two_commits(repo):
    code, out, err = run("HEAD~1:plans/lab.yaml", "plans/lab.yaml", "markdown")
    assert (code, err) == (ExitCode.OK, "")
    assert out == MARKDOWN


def test_the_json_document_has_the_spec_keys(repo):
    code, out, _ = run("HEAD~1:plans/lab.yaml", "HEAD:plans/lab.yaml", "json")
    document = json.loads(out)
    assert code == ExitCode.OK
    assert list(document)[:5] == ["format", "old", "new", "milestones", "tasks"]
    assert (document["old"]["verdict"], document["new"]["verdict"]) == ("met", "missed")
    assert [{key: m[key] for key in ("id", "old", "new", "delta_days")} for m in document["milestones"]] == [
        {"id": "cells-done", "old": "2026-02-08", "new": "2026-02-15", "delta_days": 7},
        {"id": "pack-start", "old": "2026-02-08", "new": "2026-02-15", "delta_days": 7},
    ]
    tasks = document["tasks"]
    assert (tasks["added"], tasks["removed"]) == (["audit"], [])
    assert [{"id": c["id"], "keys": c["keys"]} for c in tasks["changed"]] == [{"id": "life", "keys": ["after"]}]


def test_the_text_names_the_changes(repo):
    code, out, _ = run("HEAD~1:plans/lab.yaml", "plans/lab.yaml")
    assert code == ExitCode.OK
    assert out.splitlines()[:4] == [
        "qualplan diff  HEAD~1:plans/lab.yaml -> plans/lab.yaml",
        "verdict: met -> missed (worse)",
        "milestone   due                       old         new         delta",
        "cells-done  2026-02-28 -> 2026-02-10  2026-02-08  2026-02-15   +7 d",
    ]
    assert "  + audit\n  ~ life: after [build] -> [{on: build, lag: 10d}]\n" in out
    assert out.endswith("critical chain of cells-done: joined audit\n")


@pytest.mark.parametrize(("days", "code"), [(7, ExitCode.OK), (6, ExitCode.MISSED), (0, ExitCode.MISSED)])
def test_fail_on_slip_exits_1_only_past_the_days_given(repo, days, code):
    assert run("HEAD~1:plans/lab.yaml", "plans/lab.yaml", fail_on_slip=days)[0] == code


def test_earlier_milestones_never_fail_on_slip(repo):
    """The change read backwards: every milestone 7 days earlier."""
    code, out, _ = run("plans/lab.yaml", "HEAD~1:plans/lab.yaml", fail_on_slip=0)
    assert code == ExitCode.OK
    assert "verdict: missed -> met (better)" in out and "-7 d" in out


def test_a_plan_against_itself_is_unchanged(repo):
    code, out, _ = run("HEAD:plans/lab.yaml", "plans/lab.yaml", "json", fail_on_slip=0)
    document = json.loads(out)
    assert code == ExitCode.OK and document["status"] == "unchanged"
    assert {m["delta_days"] for m in document["milestones"]} == {0}
    assert document["tasks"] == {"added": [], "removed": [], "changed": []}


# --- sides that cannot be read: exit 2 ----------------------------------------------------------


def test_outside_a_git_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "new.yaml").write_text(AFTER, encoding="utf-8")
    code, out, err = run("origin/main:plans/lab.yaml", "new.yaml")
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert err == (
        "qualplan diff: OLD origin/main:plans/lab.yaml: no such file, and the current directory is not in a git "
        "repository, where GITREF:PATH would be read\n"
    )


def test_a_missing_ref(repo):
    code, _, err = run("origin/main:plans/lab.yaml", "plans/lab.yaml")
    assert code == ExitCode.BAD_INPUT
    assert err == (
        "qualplan diff: OLD origin/main:plans/lab.yaml: no commit 'origin/main' in this git repository "
        "(a branch, tag or commit, e.g. origin/main)\n"
    )


def test_a_missing_path_at_a_ref(repo):
    code, _, err = run("HEAD~1:plans/gac.yaml", "plans/lab.yaml")
    assert code == ExitCode.BAD_INPUT
    assert err.startswith("qualplan diff: OLD HEAD~1:plans/gac.yaml: cannot read 'plans/gac.yaml' at HEAD~1: ")
    assert "plans/gac.yaml" in err.removeprefix("qualplan diff: OLD HEAD~1:plans/gac.yaml: cannot read")


def test_a_missing_file(repo):
    code, _, err = run("plans/lab.yaml", "plans/nope.yaml")
    assert code == ExitCode.BAD_INPUT
    assert err == (
        "qualplan diff: NEW plans/nope.yaml: no such file (for a file in git, write GITREF:PATH, e.g. "
        "origin/main:plans/x.yaml)\n"
    )


def test_an_invalid_side_is_reported_with_the_git_name(repo):
    (repo / "plans" / "lab.yaml").write_text(AFTER.replace("duration: 7d", "duration: 7x"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    code, out, err = run("HEAD~1:plans/lab.yaml", "HEAD:plans/lab.yaml")
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert err.startswith("HEAD:plans/lab.yaml:11:27: tasks.audit.duration: '7x' is not a duration")


# --- the comparison of definitions -------------------------------------------------------------

TASKS = st.builds(
    lambda index, days, lag, uses: Task.model_validate(
        {
            "id": f"t{index}",
            "duration": f"{days}d",
            "after": [{"on": "x", "lag": f"{lag}d"}] if lag else [],
            "uses": {"r": uses} if uses else {},
        }
    ),
    index=st.integers(0, 4),
    days=st.integers(1, 3),
    lag=st.integers(0, 2),
    uses=st.integers(0, 2),
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    old=st.lists(TASKS, max_size=5, unique_by=lambda t: t.id), new=st.lists(TASKS, max_size=5, unique_by=lambda t: t.id)
)
def test_definitions_compare_symmetrically_and_exactly(old, new):
    before, after = {t.id: t for t in old}, {t.id: t for t in new}
    forward, backward = items_diff(before, after, {"id"}), items_diff(after, before, {"id"})
    assert (forward.added, forward.removed) == (backward.removed, backward.added)
    assert {c.id: c.keys for c in forward.changed} == {c.id: c.keys for c in backward.changed}
    for change in forward.changed:  # a key is listed exactly when its value differs
        keys = [
            name
            for name in ("duration", "uses", "after")
            if getattr(before[change.id], name) != getattr(after[change.id], name)
        ]
        assert list(change.keys) == keys
    assert items_diff(before, before, {"id"}).empty
