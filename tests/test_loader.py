"""The loader: the error corpus (exact messages), positions, YAML 1.2 semantics and hostile files.

What a hostile file costs (CPU time) is measured by ``benchmarks/validate_speed.py --largest``,
not here: a timed unit test fails on a loaded machine.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from largest_files import BODIES, COSTLY, largest_file
from qualplan.commands.validate import run
from qualplan.exitcodes import ExitCode
from qualplan.loader import (
    MAX_BYTES,
    MAX_ERRORS,
    LoadedPlan,
    PlanError,
    find_plan_files,
    load_plan,
    load_plan_text,
    looks_like_plan,
    scan_plan_files,
)
from qualplan.sourcemap import resolve_plain

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
VALID = sorted((DATA / "valid").glob("*.yaml"))

MINIMAL = """\
qualplan: 1
id: demo
start: 2026-01-05
tasks:
  - id: build
    duration: 2w
"""


def _has_c_parser() -> bool:
    try:
        import _ruamel_yaml  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(params=["c", "pure"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser (when installed) and with the pure-Python one."""
    if request.param == "pure":
        from qualplan import loader

        monkeypatch.setattr(loader, "_c_events", lambda text: None)
    elif not _has_c_parser():
        pytest.skip("ruamel.yaml.clib is not installed")
    return request.param


def errors_of(text: str | bytes) -> list[str]:
    return [str(error) for error in load_plan_text(text, "plan.yaml").errors]


# --- the corpus -----------------------------------------------------------------------------------


def test_the_corpus_is_large_enough_to_cover_every_rule() -> None:
    assert len(INVALID) >= 30
    assert all(path.with_suffix(".expected").exists() for path in INVALID)


@pytest.mark.parametrize("plan", INVALID, ids=lambda path: path.stem)
def test_invalid_plan_gives_its_exact_message_and_exit_2_and_stays_unchanged(
    plan: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    monkeypatch.chdir(plan.parent)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    out = io.StringIO()
    code = run([Path(plan.name)], None, stdout=out)
    assert out.getvalue() == plan.with_suffix(".expected").read_text(encoding="utf-8")
    assert code == ExitCode.BAD_INPUT
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("plan", VALID, ids=lambda path: path.stem)
def test_valid_plans_load(plan: Path) -> None:
    loaded = load_plan(plan)
    assert loaded.ok, loaded.errors
    assert loaded.plan is not None


def test_every_bundled_valid_plan_names_the_schema_for_editors() -> None:
    for plan in VALID:
        first = plan.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../../schema/qualplan-1.schema.json"


# --- API -----------------------------------------------------------------------------------------


def test_load_plan_returns_the_plan_and_no_errors() -> None:
    loaded = load_plan_text(MINIMAL, "plan.yaml")
    assert isinstance(loaded, LoadedPlan)
    assert loaded.ok and loaded.errors == () and loaded.warnings == ()
    assert loaded.plan is not None and loaded.plan.task("build").days == 14


def test_plan_error_renders_file_line_column_path_message() -> None:
    error = PlanError("plans/a.yaml", 12, 15, "tasks.c60.duration", "bad")
    assert str(error) == "plans/a.yaml:12:15: tasks.c60.duration: bad"
    assert str(PlanError("a.yaml", 1, 1, "", "the file is empty")) == "a.yaml:1:1: the file is empty"


def test_an_invalid_plan_has_no_plan_object() -> None:
    loaded = load_plan_text(MINIMAL.replace("2w", "2x"), "plan.yaml")
    assert not loaded.ok and loaded.plan is None


def test_source_map_addresses_list_items_by_id() -> None:
    source = load_plan_text(MINIMAL, "plan.yaml").source
    assert source.position(("tasks", "build", "duration")) == (6, 15)
    assert source.key_position(("tasks", "build", "duration")) == (6, 5)
    assert source.position(("tasks", 0, "duration")) == (6, 15)
    # a missing path falls back to its closest existing ancestor
    assert source.position(("tasks", "build", "uses", "oven")) == (5, 5)
    assert source.display(("tasks", 0, "duration")) == "tasks.build.duration"


def test_a_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    loaded = load_plan(tmp_path / "nope.yaml")
    assert [e.message for e in loaded.errors] == ["cannot read the file: No such file or directory"]


def test_find_plan_files_recurses_folders_sorted_and_keeps_files_as_given(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/z.yml", "a.yaml", "b/y.yaml", "notes.txt"):
        (tmp_path / name).write_text("qualplan: 1\n")
    given = tmp_path / "notes.txt"
    assert find_plan_files([tmp_path, given, tmp_path / "a.yaml"]) == [
        tmp_path / "a.yaml",
        tmp_path / "b" / "y.yaml",
        tmp_path / "b" / "z.yml",
        given,
    ]


def test_a_folder_scan_takes_only_files_that_look_like_plans_and_skips_hidden_folders(tmp_path: Path) -> None:
    """``qualplan validate .`` in a repository: not the pre-commit config, not .git or .venv (issue 12)."""
    (tmp_path / ".pre-commit-config.yaml").write_text("repos:\n  - repo: local\n")
    (tmp_path / "flow.yaml").write_text("# a plan in flow style\n{qualplan: 1, id: f}\n")
    (tmp_path / "quoted.yml").write_text('\ufeff"qualplan": 1\n')
    (tmp_path / "utf16.yaml").write_bytes("qualplan: 1\n".encode("utf-16-be"))
    (tmp_path / "nested.yaml").write_text("other:\n  qualplan: 1\n")
    for hidden in (".git", ".venv/lib"):
        (tmp_path / hidden).mkdir(parents=True)
        (tmp_path / hidden / "plan.yaml").write_text("qualplan: 1\n")
    found = scan_plan_files([tmp_path])
    assert found.files == [tmp_path / "flow.yaml", tmp_path / "quoted.yml", tmp_path / "utf16.yaml"]
    assert found.not_plans == [tmp_path / ".pre-commit-config.yaml", tmp_path / "nested.yaml"]
    assert found.missing == []
    # named on the command line, a file is always checked
    assert scan_plan_files([tmp_path / "nested.yaml"]).files == [tmp_path / "nested.yaml"]


def test_a_dangling_symbolic_link_in_a_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").symlink_to(tmp_path / "moved-away.yaml")
    assert scan_plan_files([tmp_path]).files == [tmp_path / "plan.yaml"]
    loaded = load_plan(tmp_path / "plan.yaml")
    assert [error.message for error in loaded.errors] == [
        f"cannot read the file: it is a symbolic link to '{tmp_path / 'moved-away.yaml'}', which does not exist"
    ]


def test_a_path_that_does_not_exist_is_reported_as_missing(tmp_path: Path) -> None:
    found = scan_plan_files([tmp_path / "plans", tmp_path / "a.yaml"])
    assert (found.files, found.missing) == ([], [tmp_path / "plans", tmp_path / "a.yaml"])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32-be", "utf-32"])
def test_utf16_and_utf32_are_named_with_or_without_a_byte_order_mark(encoding: str) -> None:
    name = "UTF-16" if "16" in encoding else "UTF-32"
    assert errors_of(MINIMAL.encode(encoding)) == [
        f"plan.yaml:1:1: the file is not UTF-8 (it looks like {name}); save it as UTF-8"
    ]


def test_utf16_text_of_mostly_chinese_names_is_still_recognised() -> None:
    text = MINIMAL.replace("id: demo", "id: demo\ntitle: " + "红旗天宫固态电池包验证" * 20)
    assert errors_of(text.encode("utf-16-le")) == [
        "plan.yaml:1:1: the file is not UTF-8 (it looks like UTF-16); save it as UTF-8"
    ]


def test_a_nul_in_utf8_text_is_still_the_yaml_character_error() -> None:
    assert errors_of(MINIMAL.encode() + b"\x00") == [
        "plan.yaml:7:1: the character U+0000 is not allowed in YAML; remove it"
    ]


# --- YAML 1.2 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("", None),
        ("12", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("2026-01-05", "2026-01-05"),
        ("12:30", "12:30"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_no_and_on_stay_text_so_they_can_be_ids() -> None:
    plan = MINIMAL.replace("tasks:", "windows:\n  on: {dates: [2026-02-01..2026-03-01]}\ntasks:")
    plan += "    window: on\n"
    loaded = load_plan_text(plan, "plan.yaml")
    assert loaded.ok, loaded.errors
    assert loaded.plan is not None and loaded.plan.task("build").window == "on"


def test_quoted_numbers_are_text_and_tagged_ones_are_checked() -> None:
    assert load_plan_text(MINIMAL.replace("2w", "'14'"), "p.yaml").ok
    assert errors_of(MINIMAL.replace("2w", "!!int 14d")) == [
        "plan.yaml:6:15: tasks.#1.duration: '14d' is not a valid !!int"
    ]
    assert load_plan_text(MINIMAL.replace("2w", "!!int 14"), "p.yaml").ok


def test_positions_count_characters_not_bytes(parser: str) -> None:
    text = MINIMAL.replace("    duration: 2w", "    name: 25 °C ü\n    duration: 2x")
    assert errors_of(text)[0].startswith("plan.yaml:7:15: tasks.build.duration:")
    # the same line: '2x' is the 42nd character but the 44th byte
    text = MINIMAL.replace("  - id: build\n    duration: 2w", "  - {name: 25 °C ü, id: build, duration: 2x}")
    assert errors_of(text)[0].startswith("plan.yaml:5:42: tasks.build.duration:")


def test_a_utf8_bom_is_accepted_and_positions_ignore_it() -> None:
    data = b"\xef\xbb\xbf" + MINIMAL.replace("2w", "2x").encode()
    assert errors_of(data)[0].startswith("plan.yaml:6:15: tasks.build.duration:")


@pytest.mark.skipif(not _has_c_parser(), reason="ruamel.yaml.clib is not installed")
def test_the_pure_and_the_c_parser_give_the_same_tree() -> None:
    from qualplan import loader
    from qualplan.sourcemap import SourceMap

    text = (DATA / "valid" / "full.yaml").read_text(encoding="utf-8")
    fast, _ = loader._parse(text)
    pure, _ = loader._pure_parse(text)

    def flat(node: object) -> object:
        return repr(node)

    assert flat(fast) == flat(pure)
    assert SourceMap(fast).position(("tasks", "c60-cycle-life", "cycles", "checkup_h")) == (49, 18)


# --- hostile files -------------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused() -> None:
    """How long it takes is measured by ``benchmarks/validate_speed.py --largest``, not here."""
    data = COSTLY["over-the-size-cap"].encode()
    assert len(data) > MAX_BYTES
    assert errors_of(data) == ["plan.yaml:1:1: the file is larger than 256 KiB; a plan file is far smaller"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BODIES))
def test_the_largest_accepted_files_load_with_positioned_capped_errors(name: str, parser: str) -> None:
    """How long they take is measured by ``benchmarks/validate_speed.py --largest``, not here."""
    text = largest_file(name)
    assert len(text.encode()) <= MAX_BYTES
    loaded = load_plan_text(text, "plan.yaml")
    assert all(error.line >= 1 and error.column >= 1 for error in loaded.errors)
    assert len(loaded.errors) <= MAX_ERRORS + 1
    expected = {
        "dense-list": "plan.yaml:5:74971: the file holds more than 25000 YAML nodes; a plan file is far smaller",
        "all-wrong": "plan.yaml:5:4: tasks.#1: expected a mapping of 'key: value' lines, got 'x'",
        "many-tasks": "plan.yaml:7:13: tasks.t1.after.t0: unknown task, stage or milestone 't0'; did you mean 't90'?",
    }
    assert str(loaded.errors[0]) == expected[name]
    assert len(loaded.errors) == (MAX_ERRORS + 1 if name == "all-wrong" else 1)


def test_a_garbled_file_lists_its_first_errors_and_says_there_are_more() -> None:
    text = "qualplan: 1\nid: big\nstart: 2026-01-05\ntasks:\n" + "".join(f"  - {{id: t{i}}}\n" for i in range(300))
    errors = errors_of(text)
    assert len(errors) == MAX_ERRORS + 1
    assert errors[0] == "plan.yaml:5:5: tasks.t0: a task gives exactly one of 'duration' and 'cycles'"
    assert errors[-1] == "plan.yaml:205:5: more than 200 errors; fix the ones above first"


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    """How long it takes is measured by ``benchmarks/validate_speed.py --largest``, not here."""
    errors = errors_of(COSTLY["alias-bomb"])
    assert errors == [
        "plan.yaml:16:1: tasks: aliases expand this to more than 200000 values; a plan file never needs that many"
    ]


def test_small_aliases_are_expanded() -> None:
    text = MINIMAL.replace("    duration: 2w", "    duration: &two 2w\n  - id: test\n    duration: *two")
    loaded = load_plan_text(text, "plan.yaml")
    assert loaded.ok, loaded.errors
    assert loaded.plan is not None and loaded.plan.task("test").days == 14


def test_deep_nesting_is_an_error_not_a_recursion_crash() -> None:
    text = "qualplan: 1\nid: deep\nstart: 2026-01-05\ntasks: " + "[" * 5000 + "]" * 5000 + "\n"
    assert errors_of(text) == ["plan.yaml:4:48: the YAML nests deeper than 40 levels; a plan is a few levels deep"]


def test_huge_numbers_do_not_hit_the_int_conversion_limit() -> None:
    errors = errors_of(MINIMAL.replace("2w", "9" * 5000))
    assert len(errors) == 1 and "tasks.build.duration" in errors[0]


def test_all_errors_of_a_file_at_once_sorted_by_position() -> None:
    text = MINIMAL.replace("2026-01-05", "2026-02-30").replace("2w", "2x") + "    after: [nothing]\n"
    errors = errors_of(text)
    assert [e.split(": ", 1)[0] for e in errors] == ["plan.yaml:3:8", "plan.yaml:6:15", "plan.yaml:7:13"]


def test_text_with_a_lone_surrogate_is_an_error_not_a_crash() -> None:
    assert errors_of(MINIMAL.replace("build", "bu\ud800ild", 1)) == [
        "plan.yaml:5:11: the text holds U+D800, a lone surrogate, not a character"
    ]


def test_the_byte_offset_of_a_bad_byte_counts_the_bom() -> None:
    data = b"\xef\xbb\xbf" + MINIMAL.encode().replace(b"build", b"bu\xffild")
    assert errors_of(data) == [
        "plan.yaml:5:11: the file is not UTF-8: byte 0xff at offset 59 cannot be decoded; save the file as UTF-8"
    ]


def test_warnings_are_capped_like_errors() -> None:
    resources = "".join(f"  r{i}: {{capacity: 1}}\n" for i in range(300))
    loaded = load_plan_text(MINIMAL.replace("tasks:", "resources:\n" + resources + "tasks:"), "plan.yaml")
    assert loaded.ok
    assert len(loaded.warnings) == MAX_ERRORS + 1
    assert str(loaded.warnings[-1]) == "plan.yaml:205:3: more than 200 warnings; fix the ones above first"


_KEYS = st.sampled_from(["qualplan", "id", "repos", "tasks", "name", "on", "jobs", "qualplan_x", "xqualplan"])
_VALUES = st.one_of(st.integers(0, 3), st.sampled_from(["1", "demo", "'qualplan: 1'", "[a, b]"]))


@st.composite
def _yaml_documents(draw: st.DrawFn) -> tuple[str, bool]:
    """A YAML mapping, block or one-line flow style, some values nested; and whether it is a plan."""
    keys = draw(st.lists(_KEYS, min_size=1, max_size=5, unique=True))
    nested = {key: draw(st.lists(_KEYS, max_size=2, unique=True)) for key in keys}
    comment = draw(st.sampled_from(["", "# yaml-language-server: $schema=x.json\n", "---\n"]))
    if draw(st.booleans()):
        lines = []
        for key in keys:
            if nested[key]:
                lines.append(f"{key}:")
                lines += [f"  {inner}: {draw(_VALUES)}" for inner in nested[key]]
            else:
                lines.append(f"{key}: {draw(_VALUES)}")
        text = "\n".join(lines) + "\n"
    else:
        parts = [
            f"{key}: " + ("{" + ", ".join(f"{inner}: 1" for inner in nested[key]) + "}" if nested[key] else "1")
            for key in keys
        ]
        text = "{" + ", ".join(parts) + "}\n"
    if text.startswith("{"):  # flow style: a nested `qualplan:` key also counts (never skip a plan)
        return comment + text, "qualplan" in keys or any("qualplan" in inner for inner in nested.values())
    return comment + text, "qualplan" in keys


@pytest.mark.slow
@given(_yaml_documents(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "utf-32"]))
def test_a_file_looks_like_a_plan_exactly_when_qualplan_is_a_top_level_key(
    document: tuple[str, bool], encoding: str
) -> None:
    """Oracle: the parsed document's keys; in flow style, a nested `qualplan:` key counts too."""
    from ruamel.yaml import YAML

    text, taken = document
    parsed = YAML(typ="safe", pure=True).load(text)
    if "qualplan" in parsed:
        assert taken
    assert looks_like_plan(text.encode(encoding)) is taken
