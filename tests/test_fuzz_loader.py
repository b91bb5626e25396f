"""Property-based tests: mutated plans only ever give the tool's own errors or success.

Mutations start from the valid plans of ``tests/data/valid``: keys deleted, values
swapped for other types, random bytes spliced in, the file truncated. Whatever
comes out, ``load_plan_text`` must return a ``LoadedPlan`` (no exception, so no
traceback), every error must be ``FILE:LINE:COLUMN: ...`` with a position inside
the file, and no input may cost a second of CPU.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualplan.commands.validate import render_github, render_json, render_text
from qualplan.loader import LoadedPlan, load_plan_text

VALID = sorted((Path(__file__).parent / "data" / "valid").glob("*.yaml"))
TEXTS = [path.read_bytes() for path in VALID]
ERROR = re.compile(r"^plan\.yaml:(\d+):(\d+): (.+)$", re.DOTALL)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _documents() -> list[dict[str, Any]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    return [json.loads(json.dumps(yaml.load(text), default=str)) for text in TEXTS]


DOCUMENTS = _documents()


def check_outcome(data: bytes | str) -> LoadedPlan:
    loaded = load_plan_text(data, "plan.yaml")
    lines = max(1, (data.count(b"\n") if isinstance(data, bytes) else data.count("\n")) + 1)
    for problem in (*loaded.errors, *loaded.warnings):
        match = ERROR.match(str(problem))
        assert match, str(problem)
        assert 1 <= int(match[1]) <= lines + 1 and int(match[2]) >= 1, str(problem)
        assert "Traceback" not in problem.message and problem.message
    assert loaded.ok == (loaded.plan is not None)
    for render in (render_text, render_json, render_github):
        assert render([loaded]).endswith("\n")
    return loaded


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(TEXTS), st.data())
def test_truncated_files(text: bytes, data: st.DataObject) -> None:
    check_outcome(text[: data.draw(st.integers(0, len(text)))])


@FUZZ
@given(st.sampled_from(TEXTS), st.data(), st.binary(min_size=1, max_size=8))
def test_random_bytes_spliced_in(text: bytes, data: st.DataObject, junk: bytes) -> None:
    at = data.draw(st.integers(0, len(text)))
    check_outcome(text[:at] + junk + text[at:])


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(TEXTS), st.data(), st.text(alphabet="{}[]:,-&*!|>'\"#%@` \t\n?", min_size=1, max_size=4))
def test_yaml_punctuation_spliced_in(text: bytes, data: st.DataObject, junk: str) -> None:
    decoded = text.decode()
    at = data.draw(st.integers(0, len(decoded)))
    check_outcome(decoded[:at] + junk + decoded[at:])


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(TEXTS), st.data())
def test_lines_deleted_or_duplicated(text: bytes, data: st.DataObject) -> None:
    lines = text.decode().splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    if data.draw(st.booleans()):
        del lines[index]
    else:
        lines.insert(index, lines[index])
    check_outcome("".join(lines))


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``node``."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


OTHER_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2026-02-30", "02-29", "-1d", "1e400", "0h", "yes", "", "zzz", "2w", "a..b"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(range(len(DOCUMENTS))), st.data())
def test_keys_deleted_or_values_swapped_for_other_types(which: int, data: st.DataObject) -> None:
    document = copy.deepcopy(DOCUMENTS[which])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(OTHER_VALUES)
    # JSON is YAML 1.2, so a mutated document is still a well-formed plan file
    text = json.dumps(document, indent=1, allow_nan=True)
    check_outcome(text)


def test_an_unmutated_json_dump_is_valid() -> None:
    for document in DOCUMENTS:
        assert check_outcome(json.dumps(document, indent=1)).ok
