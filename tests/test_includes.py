"""``include``: fragments join a plan as if written there; every problem names the file and line where it is
written, and the chain of includes that led there (plan-format.md, "Includes and portfolios")."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualplan.assembly.files import MAX_FILES
from qualplan.commands import check, validate
from qualplan.exitcodes import ExitCode
from qualplan.loader import load_file, load_plan

PLAN = """\
qualplan: 1
id: a
start: 2026-01-05
include: [labs/lab.yaml]
tasks:
  - {id: build, duration: 10d, calendar: workdays}
  - {id: life, duration: 30d, uses: {cycler: 2}, after: [build]}
milestones:
  - {id: done, after: [life], due: 2026-03-31}
"""

LAB = """\
calendars:
  workdays: {weekends: [sat, sun]}
resources:
  cycler: {capacity: 2}
  oven: {capacity: 1}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (a folder holding .git) with plans/, as the working folder."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "plans" / "labs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path / "repo"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def validated(*paths: str) -> tuple[ExitCode, str]:
    out = io.StringIO()
    code = validate.run([Path(path) for path in paths], "text", stdout=out)
    return code, out.getvalue()


# --- what joins ---------------------------------------------------------------------------------


def test_a_fragment_joins_the_plan_before_its_own_definitions(repo: Path) -> None:
    write(repo, {"plans/a.yaml": PLAN, "plans/labs/lab.yaml": LAB + "tasks:\n  - {id: lab-setup, duration: 2d}\n"})
    loaded = load_plan(Path("plans/a.yaml"))
    assert loaded.ok, [str(error) for error in loaded.errors]
    assert loaded.warnings == ()  # 'oven', unused, is the lab's: no warning in a plan that includes it
    plan = loaded.plan
    assert list(plan.resources) == ["cycler", "oven"]
    assert [task.id for task in plan.tasks] == ["lab-setup", "build", "life"]
    assert plan.include == ["labs/lab.yaml"]


def test_a_fragment_included_through_two_others_joins_once(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("[labs/lab.yaml]", "[labs/cells.yaml, labs/packs.yaml]"),
            "plans/labs/cells.yaml": "include: [lab.yaml]\n",
            "plans/labs/packs.yaml": "include: [lab.yaml]\n",
            "plans/labs/lab.yaml": LAB,
        },
    )
    loaded = load_plan(Path("plans/a.yaml"))
    assert loaded.ok, [str(error) for error in loaded.errors]
    assert list(loaded.plan.resources) == ["cycler", "oven"]


def test_an_unused_resource_of_the_plan_itself_is_still_a_warning(repo: Path) -> None:
    write(repo, {"plans/a.yaml": PLAN + "resources:\n  rig: {capacity: 1}\n", "plans/labs/lab.yaml": LAB})
    assert [str(warning) for warning in load_plan(Path("plans/a.yaml")).warnings] == [
        "plans/a.yaml:11:3: resources.rig: no task uses resource 'rig'"
    ]


# --- errors: each names the file and line where it is written ----------------------------------


def test_a_cycle_of_three_files(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("labs/lab.yaml", "labs/b.yaml"),
            "plans/labs/b.yaml": "include: [c.yaml]\n" + LAB,
            "plans/labs/c.yaml": "include: [../a.yaml]\n",
        },
    )
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        "plans/labs/c.yaml:1:11: include: include cycle: plans/a.yaml -> plans/labs/b.yaml -> plans/labs/c.yaml "
        "-> plans/a.yaml; remove one of these includes (included from plans/a.yaml:4 -> plans/labs/b.yaml:1)\n"
        "1 file: 0 valid, 1 invalid (1 error, 0 warnings)\n",
    )


def test_a_path_out_of_the_repository_is_refused_before_it_is_read(repo: Path) -> None:
    write(repo, {"plans/a.yaml": PLAN.replace("[labs/lab.yaml]", "[labs/lab.yaml, ../../etc/passwd]")})
    write(repo, {"plans/labs/lab.yaml": LAB})
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        f"plans/a.yaml:4:26: include: '../../etc/passwd' is outside the plan's repository {repo.resolve()}; "
        "an included file must lie inside it\n"
        "1 file: 0 valid, 1 invalid (1 error, 0 warnings)\n",
    )


def test_a_symbolic_link_out_of_the_repository_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(LAB, encoding="utf-8")
    write(repo, {"plans/a.yaml": PLAN})
    os.symlink(outside, repo / "plans" / "labs" / "lab.yaml")
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        f"plans/a.yaml:4:11: include: 'labs/lab.yaml' is a symbolic link to {outside.resolve()}, outside the plan's "
        f"repository {repo.resolve()}; an included file must lie inside it\n"
        "plans/a.yaml:6:42: tasks.build.calendar: unknown calendar 'workdays'; the plan defines no calendars\n"
        "plans/a.yaml:7:38: tasks.life.uses.cycler: unknown resource 'cycler'; the plan defines no resources\n"
        "1 file: 0 valid, 1 invalid (3 errors, 0 warnings)\n",
    )


def test_a_symbolic_link_inside_the_repository_is_followed(repo: Path) -> None:
    write(repo, {"plans/a.yaml": PLAN, "plans/labs/lab-2026.yaml": LAB})
    os.symlink("lab-2026.yaml", repo / "plans" / "labs" / "lab.yaml")
    assert load_plan(Path("plans/a.yaml")).ok


def test_without_a_repository_the_plans_folder_is_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"plans/a.yaml": PLAN.replace("labs/lab.yaml", "../lab.yaml"), "lab.yaml": LAB})
    if any((folder / ".git").exists() for folder in tmp_path.resolve().parents):
        pytest.skip("the temporary folder lies inside a repository")
    assert next(str(error) for error in load_plan(Path("plans/a.yaml")).errors) == (
        f"plans/a.yaml:4:11: include: '../lab.yaml' is outside the plan's repository {(tmp_path / 'plans').resolve()}"
        "; an included file must lie inside it"
    )


def test_a_missing_file(repo: Path) -> None:
    write(repo, {"plans/a.yaml": PLAN.replace("labs/lab.yaml", "labs/lab-2027.yaml")})
    code, out = validated("plans/a.yaml")
    assert code == ExitCode.BAD_INPUT
    assert out.splitlines()[0] == (
        "plans/a.yaml:4:11: include: 'labs/lab-2027.yaml' does not exist (no file plans/labs/lab-2027.yaml)"
    )


def test_an_id_defined_in_two_files_names_both_places(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN,
            "plans/labs/lab.yaml": LAB + "tasks:\n  - {id: build, duration: 5d}\n",
        },
    )
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        "plans/a.yaml:6:10: tasks.build.id: the id 'build' is also used by a task at plans/labs/lab.yaml:7:10 "
        "(included from plans/a.yaml:4); stage, task and milestone ids must all differ\n"
        "1 file: 0 valid, 1 invalid (1 error, 0 warnings)\n",
    )


def test_a_resource_defined_in_two_fragments_names_both_places_and_both_chains(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("[labs/lab.yaml]", "[labs/lab.yaml, labs/extra.yaml]"),
            "plans/labs/lab.yaml": LAB,
            "plans/labs/extra.yaml": "resources:\n  oven: {capacity: 2}\n",
        },
    )
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        "plans/labs/extra.yaml:2:3: resources.oven: resource 'oven' is also defined at plans/labs/lab.yaml:5:3 "
        "(included from plans/a.yaml:4); define it once, in a fragment that every plan using it includes "
        "(included from plans/a.yaml:4)\n"
        "1 file: 0 valid, 1 invalid (1 error, 0 warnings)\n",
    )


def test_a_bad_key_inside_an_included_file_names_that_files_line(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("labs/lab.yaml", "labs/b.yaml"),
            "plans/labs/b.yaml": "include: [lab.yaml]\n",
            "plans/labs/lab.yaml": LAB.replace("capacity: 2", "capcity: 2"),
        },
    )
    assert validated("plans/a.yaml") == (
        ExitCode.BAD_INPUT,
        "plans/labs/lab.yaml:4:11: resources.cycler.capacity: required key missing (included from plans/a.yaml:4 "
        "-> plans/labs/b.yaml:1)\n"
        "plans/labs/lab.yaml:4:12: resources.cycler.capcity: unknown key 'capcity'; did you mean 'capacity'? "
        "(included from plans/a.yaml:4 -> plans/labs/b.yaml:1)\n"
        "1 file: 0 valid, 1 invalid (2 errors, 0 warnings)\n",
    )


def test_every_problem_of_every_file_at_once_and_no_traceback(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("[labs/lab.yaml]", "[labs/lab.yaml, labs/broken.yaml, labs/gone.yaml, b.yaml]")
            + "  - {id: late, after: [nothing]}\n",
            "plans/labs/lab.yaml": LAB + "start: 2026-01-05\n",
            "plans/labs/broken.yaml": "tasks: [\n",
            "plans/b.yaml": "qualplan: 1\nid: b\nstart: 2026-01-05\ntasks: [{id: x, duration: 1d}]\n",
        },
    )
    code, out = validated("plans/a.yaml")
    assert code == ExitCode.BAD_INPUT
    assert out == (
        "plans/a.yaml:4:44: include: 'labs/gone.yaml' does not exist (no file plans/labs/gone.yaml)\n"
        "plans/a.yaml:4:60: include: 'b.yaml' is a whole plan (it has 'qualplan: 1'), not a fragment; combine "
        "whole plans under 'programmes', and include only fragments (files of calendars, windows, resources, "
        "stages, tasks or milestones)\n"
        "plans/a.yaml:10:24: milestones.late.after.nothing: unknown task, stage or milestone 'nothing'\n"
        "plans/labs/broken.yaml:2:1: YAML syntax error: expected the node content, but found '<stream end>' "
        "(included from plans/a.yaml:4)\n"
        "plans/labs/lab.yaml:6:1: start: 'start' belongs to a plan, not to an included fragment; a fragment holds "
        "only calendars, windows, resources, stages, tasks, milestones and include (included from plans/a.yaml:4)\n"
        "1 file: 0 valid, 1 invalid (5 errors, 0 warnings)\n"
    )


def test_an_included_file_that_is_empty_or_not_a_mapping_says_what_a_fragment_holds(repo: Path) -> None:
    write(
        repo,
        {
            "plans/a.yaml": PLAN.replace("[labs/lab.yaml]", "[labs/lab.yaml, labs/empty.yaml, labs/list.yaml]"),
            "plans/labs/lab.yaml": LAB,
            "plans/labs/empty.yaml": "",
            "plans/labs/list.yaml": "- oven\n",
        },
    )
    assert [str(error) for error in load_plan(Path("plans/a.yaml")).errors] == [
        "plans/labs/empty.yaml:1:1: the file is empty; an included file holds calendars, windows, resources, stages, "
        "tasks or milestones (included from plans/a.yaml:4)",
        "plans/labs/list.yaml:1:1: an included file is a mapping of keys ('resources: ...', 'tasks: ...', ...) "
        "(included from plans/a.yaml:4)",
    ]


def test_an_alias_bomb_in_an_included_file_is_stopped_there(repo: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(6)
    )
    write(repo, {"plans/a.yaml": PLAN, "plans/labs/lab.yaml": bomb})
    errors = [str(error) for error in load_plan(Path("plans/a.yaml")).errors]
    assert errors[-1].startswith("plans/labs/lab.yaml:7:1: g: aliases expand this to more than 200000 values")
    assert errors[-1].endswith("(included from plans/a.yaml:4)")


def test_a_plan_reads_at_most_max_files(repo: Path) -> None:
    chain = {f"plans/labs/f{i}.yaml": f"include: [f{i + 1}.yaml]\n" for i in range(MAX_FILES)}
    write(repo, {"plans/a.yaml": PLAN.replace("labs/lab.yaml", "labs/f0.yaml"), **chain})
    errors = [str(error) for error in load_plan(Path("plans/a.yaml")).errors]
    assert any(
        error.startswith(f"plans/labs/f{MAX_FILES - 2}.yaml:1:11: include: a plan reads at most {MAX_FILES} files")
        for error in errors
    ), errors


# --- a fragment on its own ---------------------------------------------------------------------


LADDER = """\
stages:
  - {id: cell}
tasks:
  - {id: t1, duration: 3d, stage: cell, uses: {cycler: 5}, after: [design-freeze]}
  - {id: t2, duration: 3w, calendar: workdays, after: [t3]}
  - {id: t3, duration: 3d, after: [t2]}
"""


def test_a_fragment_alone_checks_what_it_can_resolve_and_leaves_the_rest_to_its_plans(repo: Path) -> None:
    write(repo, {"plans/labs/ladder.yaml": LADDER, "plans/labs/cells.yaml": "include: [lab.yaml]\n" + LADDER})
    write(repo, {"plans/labs/lab.yaml": LAB})
    assert validated("plans/labs/ladder.yaml", "plans/labs/cells.yaml", "plans/labs/lab.yaml") == (
        ExitCode.BAD_INPUT,
        # ladder.yaml alone: `after: [design-freeze]` and `uses: {cycler: 5}` may name the plan's; the cycle is its own
        "plans/labs/ladder.yaml:5:24: warning: tasks.t2.duration: '3w' on calendar 'workdays' means 21 working days; "
        "write working days (e.g. '15d' for five-day weeks) if that is what you mean\n"
        "plans/labs/ladder.yaml:5:56: tasks.t2.after.t3: dependency cycle: t2 -> t3 -> t2; no schedule can satisfy "
        "it, remove one of these dependencies\n"
        # with the lab it includes, the use of 5 cyclers can be judged
        "plans/labs/cells.yaml:5:56: tasks.t1.uses.cycler: uses 5 units of 'cycler', but it never has more than 2\n"
        "plans/labs/cells.yaml:6:24: warning: tasks.t2.duration: '3w' on calendar 'workdays' means 21 working days; "
        "write working days (e.g. '15d' for five-day weeks) if that is what you mean\n"
        "plans/labs/cells.yaml:6:56: tasks.t2.after.t3: dependency cycle: t2 -> t3 -> t2; no schedule can satisfy "
        "it, remove one of these dependencies\n"
        "3 files: 1 valid, 2 invalid (3 errors, 2 warnings)\n",
    )


def test_a_fragment_with_a_misspelt_key_is_checked_as_a_fragment(repo: Path) -> None:
    write(repo, {"plans/labs/lab.yaml": LAB + "taks: []\n"})
    assert [str(error) for error in load_file(Path("plans/labs/lab.yaml")).errors] == [
        "plans/labs/lab.yaml:6:1: taks: unknown key 'taks'; did you mean 'tasks'?"
    ]


def test_check_refuses_a_fragment_with_a_message_that_says_what_it_is(repo: Path) -> None:
    write(repo, {"plans/labs/lab.yaml": LAB})
    assert [str(error) for error in load_plan(Path("plans/labs/lab.yaml")).errors] == [
        "plans/labs/lab.yaml:1:1: this file is a fragment (it holds only calendars, windows, resources, stages, "
        "tasks, milestones or include, and no 'qualplan: 1'): name it in a plan's 'include' and check that plan; "
        "a plan of its own needs 'qualplan: 1', 'id' and 'start'"
    ]
    assert check.run([Path("plans/labs/lab.yaml")], "json", time_limit=1.0, workers=1, seed=0) == ExitCode.BAD_INPUT


def test_validate_and_check_on_a_folder_with_fragments(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, {"plans/a.yaml": PLAN, "plans/labs/lab.yaml": LAB})
    assert validated("plans") == (ExitCode.OK, "2 files: 2 valid, 0 invalid (0 errors, 0 warnings)\n")
    assert check.run([Path("plans")], "text", time_limit=2.0, workers=1, seed=0) == ExitCode.OK
    assert "a  (plans/a.yaml)" in capsys.readouterr().out


# --- hostile and odd input: problems, never a crash ---------------------------------------------

_ODD_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.sampled_from(["", " ", "labs/lab.yaml", "a.yaml", "labs", "../../x.yaml", "/etc/passwd", "labs/odd.yaml"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["file", "prefix", "x"]), inner)
    ),
    max_leaves=6,
)
_ODD_FILES = st.sampled_from(
    [
        b"",
        b"# nothing\n",
        b"- a\n",
        b"\xff\xfe not utf-8\n",
        b"tasks: [\n",
        b"resources: {oven: {capacity: 1}}\nresources: {}\n",
        b"include: [odd.yaml]\n",
        b"include: [../a.yaml]\n",
        b"qualplan: 1\nid: x\nstart: 2026-01-05\ntasks: [{id: t, duration: 1d}]\n",
        b"tasks: [{id: build, duration: 1d}]\nstart: 1\n",
        b"a: &a [1, 1]\nb: &b [*a, *a]\n",
    ]
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ODD_VALUES, _ODD_VALUES, _ODD_FILES)
def test_odd_includes_and_programmes_give_problems_never_a_crash(
    include: object, programmes: object, odd: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        write(root, {"plans/labs/lab.yaml": LAB, "plans/a.yaml": PLAN.replace("include: [labs/lab.yaml]\n", "")})
        (root / "plans/labs/odd.yaml").write_bytes(odd)
        (root / "plans/a.yaml").write_text(
            PLAN.replace(
                "include: [labs/lab.yaml]", f"include: {json.dumps(include)}\nprogrammes: {json.dumps(programmes)}"
            ),
            encoding="utf-8",
        )
        plan, fragment = load_plan(root / "plans/a.yaml"), load_file(root / "plans/labs/odd.yaml")
        assert (plan.plan is not None) == plan.ok
        assert fragment.plan is None or fragment.ok  # odd.yaml may be a whole plan
        for loaded in (plan, fragment):
            assert all(problem.line >= 1 and problem.column >= 1 for problem in (*loaded.errors, *loaded.warnings))
            assert all(str(problem).startswith(problem.file + ":") for problem in loaded.errors)
