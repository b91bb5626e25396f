"""``qualplan validate``: output formats, GitHub annotations, exit codes, and no solver import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands.validate import _escape_data, _escape_property

DATA = Path(__file__).parent / "data"
VALID = "qualplan: 1\nid: ok\nstart: 2026-01-05\ntasks:\n  - {id: a, duration: 1w}\n"
INVALID = (
    "qualplan: 1\nid: bad\nstart: 2026-01-05\ntasks:\n"
    "  - {id: a, duration: 1x}\n"
    "  - {id: b, duration: 1w, uses: {oven: 1}}\n"
)


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with plans/ok.yaml, plans/sub/bad.yml and a non-plan file; cwd is the folder."""
    (tmp_path / "plans" / "sub").mkdir(parents=True)
    (tmp_path / "plans" / "ok.yaml").write_text(VALID)
    (tmp_path / "plans" / "sub" / "bad.yml").write_text(INVALID)
    (tmp_path / "plans" / "notes.md").write_text("# not a plan")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_text_lists_each_error_then_a_summary_and_exits_2(plans: Path) -> None:
    code, out, _ = invoke("validate")
    assert out == (
        "plans/sub/bad.yml:5:23: tasks.a.duration: '1x' is not a duration; write <number><unit> with unit h, d, "
        "w, mo or y (e.g. '12w', '30h', '1.5mo')\n"
        "plans/sub/bad.yml:6:34: tasks.b.uses.oven: unknown resource 'oven'; the plan defines no resources\n"
        "2 files: 1 valid, 1 invalid (2 errors, 0 warnings)\n"
    )
    assert code == 2


def test_valid_files_exit_0(plans: Path) -> None:
    code, out, _ = invoke("validate", "plans/ok.yaml")
    assert (code, out) == (0, "1 file: 1 valid, 0 invalid (0 errors, 0 warnings)\n")


def test_warnings_are_marked_and_keep_exit_0() -> None:
    code, out, _ = invoke("validate", str(DATA / "valid" / "warnings.yaml"))
    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith(":7:3: warning: resources.oven: no task uses resource 'oven'")
    assert lines[-1] == "1 file: 1 valid, 0 invalid (0 errors, 2 warnings)"


def test_json_document(plans: Path) -> None:
    code, out, _ = invoke("validate", "--format", "json")
    document = json.loads(out)
    assert code == 2
    assert document["valid"] is False
    assert [(f["file"], f["valid"]) for f in document["files"]] == [
        ("plans/ok.yaml", True),
        ("plans/sub/bad.yml", False),
    ]
    assert document["files"][1]["errors"][1] == {
        "file": "plans/sub/bad.yml",  # an error may sit in a file the plan includes
        "line": 6,
        "column": 34,
        "path": "tasks.b.uses.oven",
        "message": "unknown resource 'oven'; the plan defines no resources",
    }


def test_github_annotations(plans: Path) -> None:
    code, out, _ = invoke("validate", "--format", "github", "plans/sub/bad.yml")
    assert code == 2
    assert out.splitlines()[1] == (
        "::error file=plans/sub/bad.yml,line=6,col=34::tasks.b.uses.oven: unknown resource 'oven'; "
        "the plan defines no resources"
    )


def test_github_is_the_default_under_github_actions(plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = invoke("validate", "plans/sub/bad.yml")
    assert out.startswith("::error file=plans/sub/bad.yml,line=5,col=23::")
    _, out, _ = invoke("validate", "--format", "text", "plans/sub/bad.yml")
    assert out.startswith("plans/sub/bad.yml:5:23: ")


def test_github_escaping() -> None:
    assert _escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert _escape_property("C:\\plans,a%.yaml") == "C%3A\\plans%2Ca%25.yaml"


def test_a_file_name_with_a_comma_is_escaped_in_the_annotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a,b.yaml").write_text(INVALID)
    _, out, _ = invoke("validate", "--format", "github", "a,b.yaml")
    assert out.startswith("::error file=a%2Cb.yaml,line=5,col=23::")


def test_a_missing_path_is_a_command_line_error_on_stderr_and_the_others_are_still_validated(plans: Path) -> None:
    code, out, err = invoke("validate", "plans/nope.yaml", "plans/ok.yaml")
    assert code == 2
    assert err == "qualplan validate: plans/nope.yaml: no such file or folder\n"
    assert out == "1 file: 1 valid, 0 invalid (0 errors, 0 warnings)\n"


def test_without_a_plans_folder_the_error_goes_to_stderr_not_stdout(tmp_path: Path, monkeypatch) -> None:
    """Issue 12: `qualplan validate` in a folder without plans/ printed its error on stdout."""
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("validate")
    assert (code, out) == (2, "")
    assert err == "qualplan validate: plans: no such file or folder\n"


def test_a_folder_scan_skips_other_yaml_and_hidden_folders_and_says_so(plans: Path) -> None:
    (plans / ".pre-commit-config.yaml").write_text("repos:\n  - repo: local\n")
    (plans / ".github" / "workflows").mkdir(parents=True)
    (plans / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    (plans / ".venv").mkdir()
    (plans / ".venv" / "broken.yaml").write_text("qualplan: 1\nnot: valid\n")
    code, out, _ = invoke("validate", ".", "--format", "text")
    assert out.splitlines()[-1] == (
        "2 files: 1 valid, 1 invalid (2 errors, 0 warnings; 1 YAML file skipped: not a plan)"
    )
    assert ".pre-commit-config" not in out.replace("skipped", "") and ".venv" not in out
    assert code == 2
    code, out, _ = invoke("validate", ".", "--format", "json")
    assert json.loads(out)["skipped"] == [{"file": ".pre-commit-config.yaml", "reason": "not a plan"}]
    # a file named on the command line is always checked
    code, out, _ = invoke("validate", ".pre-commit-config.yaml")
    assert (code, out.splitlines()[-1]) == (2, "1 file: 0 valid, 1 invalid (5 errors, 0 warnings)")


def test_a_folder_with_only_other_yaml_says_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: docs\n")
    code, _, err = invoke("validate", str(tmp_path))
    assert code == 2
    assert (
        err
        == f"qualplan validate: no plan files (*.yaml, *.yml) found in {tmp_path} (1 YAML file skipped: not a plan)\n"
    )


def test_a_dangling_link_in_a_scanned_folder_is_an_error_not_silence(plans: Path) -> None:
    (plans / "plans" / "moved.yaml").symlink_to("gone.yaml")
    code, out, _ = invoke("validate")
    assert code == 2
    assert out.splitlines()[0] == (
        "plans/moved.yaml:1:1: cannot read the file: it is a symbolic link to 'gone.yaml', which does not exist"
    )


@pytest.mark.slow
def test_version_prints_the_package_version_without_importing_the_solver(plans: Path) -> None:
    code, out, _ = invoke("--version")
    assert (code, out) == (0, "qualplan 0.1.0\n")
    completed = run_cli("--version", cwd=plans)
    assert completed.stdout == "qualplan 0.1.0\n" and completed.returncode == 0
    imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
    assert not any(name.startswith(("ortools", "numba")) for name in imported)


def test_a_folder_without_plans_is_bad_input(tmp_path: Path) -> None:
    code, _, err = invoke("validate", str(tmp_path))
    assert code == 2
    assert err == f"qualplan validate: no plan files (*.yaml, *.yml) found in {tmp_path}\n"


def test_a_bad_option_is_bad_usage(plans: Path) -> None:
    code, _, _ = invoke("validate", "--format", "xml")
    assert code == 2


def test_output_is_byte_identical_across_runs(plans: Path) -> None:
    assert invoke("validate", "--format", "json")[1] == invoke("validate", "--format", "json")[1]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qualplan", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_validate_and_help_never_import_ortools_or_numba(plans: Path) -> None:
    for args in (["validate"], ["--help"]):
        completed = run_cli(*args, cwd=plans)
        imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
        assert "qualplan.checks" in imported or args == ["--help"]
        assert not any(name.startswith(("ortools", "numba")) for name in imported), args


@pytest.mark.slow
def test_the_real_process_exits_2_without_a_traceback(plans: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "qualplan", "validate", "plans"],
        cwd=plans,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"},
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr + completed.stdout
    assert completed.stdout.endswith("2 files: 1 valid, 1 invalid (2 errors, 0 warnings)\n")


@pytest.mark.slow
def test_an_unexpected_exception_is_exit_4_in_one_line_never_1(plans: Path) -> None:
    script = (
        "import sys, qualplan.loader as loader\n"
        "def boom(path):\n"
        "    raise RuntimeError('simulated bug')\n"
        "loader.load_file = boom\n"
        "sys.argv = ['qualplan', 'validate', 'plans']\n"
        "from qualplan.cli import main\n"
        "main()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=plans, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 4
    assert completed.stderr == "qualplan: internal error (a bug, please report it): RuntimeError: simulated bug\n"


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("check", "for the whole command: it ends within 1.2 x this + 3 s"),
        ("report", "for the whole command: it ends within 1.2 x this + 3 s"),
        ("risk", "the iterations come on top"),
        ("needs", "take up to as long again each"),
        ("diff", "Seconds per side"),
    ],
)
def test_each_command_says_what_its_time_limit_bounds(command: str, says: str) -> None:
    """`risk --help` promised the whole command in 1.2 x L + 3 s; its iterations are not bounded by it."""
    from typer.testing import CliRunner

    from qualplan.cli import app

    done = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "400", "TERM": "dumb"})
    assert done.exit_code == 0
    assert says in " ".join(done.output.split())
    if command in ("risk", "needs", "diff"):
        assert "for the whole command" not in done.output
