"""``yaml_edit``: keys set and removed by editing the text. Oracle: the edited text parses to the
original data with exactly those keys changed, and no line outside the changed entries moves."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from qualplan.yaml_edit import Document

KEYS = ("actual", "remaining")
VALUES = {"actual": ["{start: 2026-01-05}", "{start: 2026-01-05, end: 2026-01-09}"], "remaining": ["5d", "{count: 3}"]}


def parse(text: str) -> object:
    return YAML(typ="safe", pure=True).load(text)


@st.composite
def entries(draw):
    """Task entries as (id, {key: value text}, style, comment) with their own text."""
    count = draw(st.integers(1, 5))
    items = []
    for index in range(count):
        keys = {"duration": "5d"}
        for key in KEYS:
            if draw(st.booleans()):
                keys[key] = draw(st.sampled_from(VALUES[key]))
        style = draw(st.sampled_from(["flow", "block", "block-nested"]))
        comment = draw(st.sampled_from(["", "  # note", "  # a: {b}"]))
        items.append((f"t{index}", keys, style, comment))
    return items


def render(items) -> str:
    lines = ["# head", "qualplan: 1", "tasks:"]
    for item_id, keys, style, comment in items:
        if style == "flow":
            body = ", ".join(f"{key}: {value}" for key, value in keys.items())
            lines.append(f"  - {{id: {item_id}, {body}}}{comment}")
            continue
        lines.append(f"  - id: {item_id}{comment}")
        for key, value in keys.items():
            if style == "block-nested" and value.startswith("{"):
                lines.append(f"    {key}:")
                lines += [f"      {part.strip()}" for part in value.strip("{}").replace(": ", ": ").split(", ")]
            else:
                lines.append(f"    {key}: {value}")
        lines.append("    # trailing comment of " + item_id)
    lines.append("end: 1")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries(), st.data())
def test_edits_change_exactly_the_keys_asked_and_only_their_entries_lines(items, data) -> None:
    text = render(items)
    document = Document(text)
    expected = parse(text)
    touched: set[str] = set()
    for item_id, _, _, _ in items:
        if not data.draw(st.booleans()):
            continue
        changes = {key: data.draw(st.sampled_from([None, *VALUES[key]])) for key in KEYS if data.draw(st.booleans())}
        if not changes:
            continue
        touched.add(item_id)
        document.change(document.list_item("tasks", item_id), changes)
        entry = next(task for task in expected["tasks"] if task["id"] == item_id)
        for key, value in changes.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = parse(f"v: {value}")["v"]
    edited = document.apply()
    assert parse(edited) == expected
    # Every line the edit removed belongs to a changed entry.
    changed_entries = {item_id: render([item]).splitlines()[3:-1] for item in items if (item_id := item[0]) in touched}
    allowed = {line for lines in changed_entries.values() for line in lines}
    removed = [
        line[1:]
        for line in difflib.unified_diff(text.splitlines(), edited.splitlines(), lineterm="", n=0)
        if line.startswith("-") and not line.startswith("---")
    ]
    assert set(removed) <= allowed


def test_a_new_key_of_a_block_mapping_goes_after_a_named_entry() -> None:
    document = Document("qualplan: 1\nid: p\nstart: 2026-01-05  # day 0\nhorizon: 2y\ntasks: []\n")
    document.change(document.root, {"status_date": "2026-03-02"}, after="start")
    assert document.apply() == (
        "qualplan: 1\nid: p\nstart: 2026-01-05  # day 0\nstatus_date: 2026-03-02\nhorizon: 2y\ntasks: []\n"
    )
