"""Set and remove keys of YAML mappings by editing the text, so everything else stays byte for byte.

``qualplan status`` writes progress into a copy of a plan file. A YAML library's
round trip re-emits the whole document (indentation, quoting, flow spacing and
line width come out its way), so a planner's diff would show lines nobody
changed. Here the document is only *composed* (ruamel.yaml, pure Python, which
gives every node's character range) and the text is edited where a key changes:

- in a block mapping, an existing key's line(s) are replaced, a new key goes on
  its own line after the mapping's last entry (same indentation as its first key),
  and a removed key's lines go;
- a flow mapping (``{id: a, duration: 5d}``) is written again as one flow mapping
  with the entries it keeps, as written, and the new ones: only that entry's line
  changes, and it stays valid YAML whatever it held.

Values are given as YAML text (``{start: 2026-01-05}``, ``120d``); comments,
blank lines, quoting and the line endings of the file (LF or CRLF) are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: A new value for a key, as YAML flow text; None removes the key.
Change = str | None


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


class Document:
    """A YAML text and its composed nodes; ``apply`` returns the edited text."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self.bom = "\ufeff" if text.startswith("\ufeff") else ""
        self.text = text[len(self.bom) :]
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self.root = YAML(typ="safe", pure=True).compose(self.text)
        self._edits: list[_Edit] = []

    # --- finding nodes ----------------------------------------------------------------

    @staticmethod
    def entry(mapping: Any, key: str) -> tuple[Any, Any] | None:
        """The (key node, value node) of ``key`` in a mapping node, or None."""
        for key_node, value_node in mapping.value:
            if getattr(key_node, "value", None) == key:
                return key_node, value_node
        return None

    def list_item(self, kind: str, item_id: str) -> Any | None:
        """The mapping node of the item with ``id: item_id`` in the top-level list ``kind``."""
        found = self.entry(self.root, kind)
        if found is None or not hasattr(found[1], "value") or not isinstance(found[1].value, list):
            return None
        for item in found[1].value:
            if isinstance(item.value, list) and item.value and isinstance(item.value[0], tuple):
                id_entry = self.entry(item, "id")
                if id_entry is not None and id_entry[1].value == item_id:
                    return item
        return None

    # --- editing ----------------------------------------------------------------------

    def change(self, mapping: Any, changes: Mapping[str, Change], *, after: str | None = None) -> None:
        """Set (or with None remove) keys of ``mapping``; a new key of a block mapping goes after
        the entry ``after`` when it exists, else after the last entry."""
        if not changes:
            return
        if mapping.flow_style:
            self._change_flow(mapping, changes)
        else:
            self._change_block(mapping, changes, after)

    def apply(self) -> str:
        """The text with every change made (edits never overlap: one per mapping and key)."""
        text = self.text
        for edit in sorted(self._edits, key=lambda edit: (edit.start, edit.end), reverse=True):
            text = text[: edit.start] + edit.text + text[edit.end :]
        return self.bom + text

    def _change_flow(self, mapping: Any, changes: Mapping[str, Change]) -> None:
        entries = []
        for key_node, value_node in mapping.value:
            key = key_node.value
            if key in changes:
                if changes[key] is not None:
                    entries.append(f"{key}: {changes[key]}")
            else:
                entries.append(self.text[key_node.start_mark.index : _content_end(self.text, value_node)])
        present = {key_node.value for key_node, _ in mapping.value}
        entries += [f"{key}: {value}" for key, value in changes.items() if key not in present and value is not None]
        self._edits.append(_Edit(mapping.start_mark.index, mapping.end_mark.index, "{" + ", ".join(entries) + "}"))

    def _change_block(self, mapping: Any, changes: Mapping[str, Change], after: str | None) -> None:
        text = self.text
        present = {key_node.value: (key_node, value_node) for key_node, value_node in mapping.value}
        for key, value in changes.items():
            if key not in present:
                continue
            key_node, value_node = present[key]
            end = _content_end(text, value_node)
            if value is not None:
                self._edits.append(_Edit(key_node.start_mark.index, end, f"{key}: {value}"))
            else:
                self._edits.append(self._removal(mapping, key_node, end))
        new = [(key, value) for key, value in changes.items() if key not in present and value is not None]
        if not new:
            return
        kept = [(k, v) for k, v in mapping.value if k.value not in changes or changes[k.value] is not None]
        anchor = next((pair for pair in kept if pair[0].value == after), kept[-1] if kept else None)
        assert anchor is not None  # every mapping changed here keeps its `id` (or the plan's keys)
        indent = " " * mapping.value[0][0].start_mark.column
        at = _line_end(text, _content_end(text, anchor[1]))
        lines = "".join(f"{self.newline}{indent}{key}: {value}" for key, value in new)
        self._edits.append(_Edit(at, at, lines))

    def _removal(self, mapping: Any, key_node: Any, end: int) -> _Edit:
        """The edit that removes one entry of a block mapping: its whole lines, or when it shares
        its first line with a list dash (``- remaining: 5d``), up to the next entry."""
        text = self.text
        line_start = text.rfind("\n", 0, key_node.start_mark.index) + 1
        if text[line_start : key_node.start_mark.index].strip() == "":
            stop = _line_end(text, end)
            stop = stop + len(self.newline) if text.startswith(self.newline, stop) else stop
            return _Edit(line_start, stop, "")
        keys = [k for k, _ in mapping.value]
        following = keys[keys.index(key_node) + 1]
        return _Edit(key_node.start_mark.index, following.start_mark.index, "")


def _content_end(text: str, node: Any) -> int:
    """Where a node's own text ends: a block collection's last value (its end mark runs on to the
    next token, past comments), a block scalar without its trailing line breaks."""
    value = node.value
    if isinstance(value, list) and value and not getattr(node, "flow_style", False):
        last = value[-1]
        return _content_end(text, last[1] if isinstance(last, tuple) else last)
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in "\r\n":
        end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    """The index of the line break that ends the line holding ``index`` (before a CR of CRLF)."""
    stop = text.find("\n", index)
    if stop < 0:
        return len(text)
    return stop - 1 if stop > 0 and text[stop - 1] == "\r" else stop
