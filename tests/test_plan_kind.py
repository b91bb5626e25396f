"""plan_kind: a folder scan tells plans from fragments (and from other YAML) by the top-level keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualplan.loader import find_plan_files
from qualplan.plan_kind import FRAGMENT_KEYS, PLAN_KEYS, kind_of_keys, meant_as_fragment, plan_kind
from qualplan.sourcemap import Mapping, compose_with_problems


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("qualplan: 1\nid: a\nstart: 2026-01-05\ntasks: []\n", "plan"),
        ("# a comment\nid: a\n'qualplan': 1\n", "plan"),
        ("\ufeffqualplan: 1\n", "plan"),
        ("resources:\n  oven: {capacity: 1}\n", "fragment"),
        ("include: [a.yaml]\ntasks:\n  - {id: a, duration: 3d}\n", "fragment"),
        ('"tasks":\n  - id: a\n---\n', "fragment"),
        ("resources: {}\nstart: 2026-01-05\n", None),  # a plan without its version, not a fragment
        ("stages: [build]\nvariables: {}\n", None),  # e.g. a CI configuration
        ("- a\n- b\n", None),
        ("{tasks: []}\n", None),  # flow style at the top: not recognised (documented)
        ("", None),
        ("# only a comment\n", None),
    ],
)
def test_plan_kind(text: str, kind: str | None) -> None:
    assert plan_kind(text) == kind


def test_a_fragment_with_a_misspelt_key_is_meant_as_one_but_a_folder_scan_does_not_take_it() -> None:
    assert meant_as_fragment({"resources", "taks"})
    assert kind_of_keys({"resources", "taks"}) is None
    assert not meant_as_fragment({"resources", "start"})
    assert not meant_as_fragment({"variables"})


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(FRAGMENT_KEYS | PLAN_KEYS | {"other", "name"})), min_size=1, unique=True))
def test_plan_kind_reads_block_mappings_as_the_parser_does(keys: list[str]) -> None:
    """The cheap text scan and the parsed file agree on every block mapping of these keys."""
    text = "".join(f"{key}:\n  - 1\n" if index % 2 else f"{key}: 1  # note\n" for index, key in enumerate(keys))
    from ruamel.yaml import YAML

    root, _ = compose_with_problems(YAML(typ="safe", pure=True).parse(text), 1000)
    assert isinstance(root, Mapping)
    assert plan_kind(text) == kind_of_keys(root.index)


def test_a_folder_scan_takes_fragments_for_validate_and_skips_them_for_check(tmp_path: Path) -> None:
    (tmp_path / "labs").mkdir()
    (tmp_path / "plan.yaml").write_text("qualplan: 1\n", encoding="utf-8")
    (tmp_path / "labs" / "lab.yaml").write_text("resources: {}\n", encoding="utf-8")
    assert find_plan_files([tmp_path]) == [tmp_path / "plan.yaml"]
    assert find_plan_files([tmp_path], fragments=True) == [tmp_path / "labs" / "lab.yaml", tmp_path / "plan.yaml"]
    # a file named on the command line is always taken
    assert find_plan_files([tmp_path / "labs" / "lab.yaml"]) == [tmp_path / "labs" / "lab.yaml"]
