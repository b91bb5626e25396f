"""The GitHub Actions workflow, run locally (issue 16 item 4).

``examples/github-actions/qualplan.yml`` runs every qualplan command through
``examples/github-actions/ci-steps.sh``; here that script runs on a temporary git
repository with two commits (``test_diff``'s BEFORE and AFTER of ``plans/lab.yaml``,
an unchanged plan, and a plan added in the second commit), so the test exercises
the same commands the workflow does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from test_diff import AFTER, BEFORE, MARKDOWN, git

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "github-actions" / "ci-steps.sh"
WORKFLOW = ROOT / "examples" / "github-actions" / "qualplan.yml"
BIN = Path(sys.executable).parent
MET = (Path(__file__).parent / "data" / "check" / "met.yaml").read_text(encoding="utf-8")

pytestmark = [
    pytest.mark.slow,  # every test runs the workflow's script, which starts qualplan processes
    pytest.mark.skipif(
        shutil.which("git") is None or shutil.which("bash") is None or shutil.which("qualplan", path=str(BIN)) is None,
        reason="needs git, bash and the qualplan command installed next to this Python",
    ),
]


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository, made once (five git commands): each test works on a copy of it."""
    root = tmp_path_factory.mktemp("committed")
    plans = root / "plans"
    plans.mkdir()
    git(root, "init", "-q")
    (plans / "lab.yaml").write_text(BEFORE, encoding="utf-8")
    (plans / "met.yaml").write_text(MET, encoding="utf-8")
    (root / "README.md").write_text("plans\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "before")
    (plans / "lab.yaml").write_text(AFTER, encoding="utf-8")
    (plans / "new.yaml").write_text(MET.replace("id: cells-met", "id: cells-new"), encoding="utf-8")
    (root / "README.md").write_text("plans, changed\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "after")
    return root


@pytest.fixture
def repo(committed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(committed, tmp_path / "repo"))


def steps(repo: Path, *arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        # Each run ends at its proof (1.5 s after it starts); with 2 s, counted from the process's
        # start, a loaded machine's 3 s start-up left no time for it and the dates pinned here moved.
        "QUALPLAN_TIME_LIMIT": "10",
        **settings,
    }
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        ["bash", str(SCRIPT), *arguments], cwd=repo, env=environment, capture_output=True, text=True, check=False
    )


def test_validate_annotates_and_passes_valid_plans(repo):
    done = steps(repo, "validate")
    assert (done.returncode, done.stdout) == (0, "3 files: 3 valid, 0 invalid (0 errors, 0 warnings)\n")


def test_validate_fails_an_invalid_plan_with_an_annotation(repo):
    (repo / "plans" / "lab.yaml").write_text(AFTER.replace("duration: 7d", "duration: 7x"), encoding="utf-8")
    done = steps(repo, "validate")
    assert done.returncode == 2
    assert done.stdout.startswith("::error file=plans/lab.yaml,line=11,col=27::tasks.audit.duration: '7x' is not a")


def test_check_annotates_the_missed_date_and_passes_unless_asked_to_fail(repo):
    done = steps(repo, "check")
    assert done.returncode == 0
    assert "::error file=plans/lab.yaml,line=13,col=56::cells-done missed (proved): 2026-02-15 is 5 days after " in (
        done.stdout
    )
    assert done.stdout.endswith("\n3 plans: 2 met, 1 missed\n")
    assert steps(repo, "check", QUALPLAN_FAIL_ON_MISSED="1").returncode == 1


def test_diff_writes_the_comment_for_each_changed_plan(repo):
    done = steps(repo, "diff", "HEAD~1", "comment.md")
    assert (done.returncode, done.stderr) == (0, "")
    comment = (repo / "comment.md").read_text(encoding="utf-8")
    assert comment == (
        MARKDOWN + "\n### qualplan diff: `plans/new.yaml`\n\nA new plan: nothing to compare with in `HEAD~1`.\n\n"
    )


def test_a_slip_past_the_limit_fails_the_step_but_the_comment_is_written(repo):
    done = steps(repo, "diff", "HEAD~1", "comment.md", QUALPLAN_FAIL_ON_SLIP="3")
    assert done.returncode == 1
    assert (repo / "comment.md").read_text(encoding="utf-8").startswith(MARKDOWN)
    assert steps(repo, "diff", "HEAD~1", "comment.md", QUALPLAN_FAIL_ON_SLIP="7").returncode == 0


def test_a_bad_call_is_exit_2(repo):
    assert steps(repo, "deploy").returncode == 2
    assert steps(repo, "diff").returncode == 2


def test_the_workflow_runs_every_step_through_the_script():
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    runs = [step["run"] for step in workflow["jobs"]["plans"]["steps"] if "run" in step]
    assert "bash .github/qualplan/ci-steps.sh validate" in runs
    assert "bash .github/qualplan/ci-steps.sh check" in runs
    (comment,) = [run for run in runs if "ci-steps.sh diff" in run]
    assert 'bash .github/qualplan/ci-steps.sh diff "$BASE" qualplan-diff.md' in comment
    assert 'gh pr comment "$PR"' in comment
    # Every qualplan command of the workflow is in the script, so the tests above run them all.
    assert not [run for run in runs if "qualplan " in run.replace("qualplan-diff.md", "")]
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
