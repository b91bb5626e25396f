"""YAML 1.2 text -> a tree of positioned nodes, and the map from key paths to positions.

We compose nodes ourselves from ruamel.yaml's parser *events* instead of letting
ruamel construct Python objects, for four reasons:

- positions: every key and value keeps its 1-based line and column;
- YAML 1.2 core schema, always: ``no``/``on``/``yes`` stay text and
  ``2026-02-30`` stays text too, so the model's date validator reports it instead
  of a constructor traceback;
- duplicate keys are reported with both positions instead of one silently winning;
- aliases are kept as references, never expanded here, so an alias bomb costs
  nothing until ``to_data`` expands it under a budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# --- nodes ---------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class Node:
    """A composed YAML node at a 1-based ``line``/``column``."""

    line: int
    column: int


@dataclass(eq=False, slots=True)
class Scalar(Node):
    value: object  # str, int, float, bool or None (YAML 1.2 core schema)
    text: str  # as written (without quotes)
    plain: bool  # unquoted and untagged: the value was resolved from the text


@dataclass(eq=False, slots=True)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Mapping(Node):
    entries: list[tuple[Scalar, Node]] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)  # key text -> first entry with that key

    def get(self, key: str) -> tuple[Scalar, Node] | None:
        position = self.index.get(key)
        return None if position is None else self.entries[position]


class ComposeError(Exception):
    """The text is not a plan-shaped YAML document; carries a 1-based position."""

    def __init__(self, line: int, column: int, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message
        self.path = ".".join(f"#{part + 1}" if isinstance(part, int) else part for part in path)


@dataclass(frozen=True)
class ComposeProblem:
    """A problem found while composing that does not stop composing (e.g. a duplicate key)."""

    line: int
    column: int
    path: tuple[str | int, ...]
    message: str


# --- YAML 1.2 core schema ------------------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
#: Digits Python converts without its int-string limit; longer numbers are nonsense in a plan anyway.
_MAX_DIGITS = 100

_SPECIAL_STARTS = frozenset("0123456789+-.~nNtTfF")
_CORE = "tag:yaml.org,2002:"
#: Deepest nesting accepted: plans are about six levels deep, and composing is recursive.
MAX_DEPTH = 40


def resolve_plain(text: str) -> object:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if text and text[0] not in _SPECIAL_STARTS:
        return text  # the common case, ids and names: no number, bool or null starts like this
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if len(text) <= _MAX_DIGITS:
        if _INT10.match(text):
            return int(text)
        if _INT8.match(text):
            return int(text[2:], 8)
        if _INT16.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _resolve_tagged(tag: str, text: str, line: int, column: int) -> object:
    """A scalar with an explicit tag: only the core schema's own tags are accepted."""
    if tag in ("!", _CORE + "str"):
        return text
    name = tag[len(_CORE) :] if tag.startswith(_CORE) else None
    if name in ("int", "float", "bool", "null"):
        value = resolve_plain(text)
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[name]
        if isinstance(value, wanted) and not (name != "bool" and isinstance(value, bool)):
            return float(value) if name == "float" else value
        raise ComposeError(line, column, f"'{text}' is not a valid !!{name}")
    shown = f"!!{name}" if name else tag
    raise ComposeError(line, column, f"the tag '{shown}' is not supported in plan files; remove it")


# --- composing -----------------------------------------------------------------------


def compose_with_problems(events: Iterable[object], max_events: int) -> tuple[Node | None, list[ComposeProblem]]:
    """Compose the single document of ``events`` into nodes (None when there is none), and the duplicate keys.

    Raises ``ComposeError`` for a second document, an undefined or self-containing
    alias, a non-scalar key, an unsupported tag, or more than ``max_events`` events.
    Duplicate keys do not stop composing: they come back as problems.
    """
    composer = _Composer(iter(events), max_events)
    return composer.document(), composer.problems


class _Composer:
    def __init__(self, events: Iterator[object], max_events: int) -> None:
        self.events = events
        self.max_events = max_events
        self.count = 0
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.problems: list[ComposeProblem] = []

    def next(self) -> object:
        self.count += 1
        event = next(self.events)
        if self.count > self.max_events:
            line, column = _mark(event)
            raise ComposeError(
                line, column, f"the file holds more than {self.max_events} YAML nodes; a plan file is far smaller"
            )
        return event

    def document(self) -> Node | None:
        root: Node | None = None
        documents = 0
        while True:
            event = self.next()
            kind = type(event).__name__
            if kind == "StreamEndEvent":
                return root
            if kind != "DocumentStartEvent":
                continue
            documents += 1
            if documents > 1:
                line, column = _mark(event)
                raise ComposeError(line, column, "a plan file holds one YAML document; a second one starts here")
            self.anchors.clear()
            root = self.node(self.next(), ())
            self.next()  # DocumentEndEvent

    def node(self, event: object, path: tuple[str | int, ...]) -> Node:
        kind = type(event).__name__
        line, column = _mark(event)
        if len(path) > MAX_DEPTH:
            raise ComposeError(
                line, column, f"the YAML nests deeper than {MAX_DEPTH} levels; a plan is a few levels deep"
            )
        if kind == "AliasEvent":
            anchor = event.anchor  # type: ignore[attr-defined]
            if anchor in self.open_anchors:
                raise ComposeError(line, column, f"the alias '*{anchor}' refers to a node that contains it", path)
            if anchor not in self.anchors:
                raise ComposeError(line, column, f"the alias '*{anchor}' has no anchor '&{anchor}' before it", path)
            return self.anchors[anchor]
        anchor = getattr(event, "anchor", None)
        tag = getattr(event, "tag", None)
        if anchor is not None:
            self.open_anchors.add(anchor)
        if kind == "ScalarEvent":
            try:
                node: Node = self._scalar(event, line, column)
            except ComposeError as error:
                raise ComposeError(error.line, error.column, error.message, path) from None
        elif kind == "SequenceStartEvent":
            self._check_collection_tag(tag, "seq", line, column, path)
            node = self._sequence(line, column, path)
        elif kind == "MappingStartEvent":
            self._check_collection_tag(tag, "map", line, column, path)
            node = self._mapping(line, column, path)
        else:  # pragma: no cover - the parser only yields the kinds above here
            raise ComposeError(line, column, f"unexpected YAML event {kind}")
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = node
        return node

    @staticmethod
    def _scalar(event: object, line: int, column: int) -> Scalar:
        text: str = event.value  # type: ignore[attr-defined]
        tag = event.tag  # type: ignore[attr-defined]
        if event.style == '"':  # type: ignore[attr-defined] # only double quotes have escapes
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                # "\ud800" escapes a lone UTF-16 surrogate: not a character, and not storable as text
                raise ComposeError(line, column, "an escape here gives a UTF-16 surrogate, not a character") from None
        unquoted = event.style in (None, "")  # type: ignore[attr-defined] # the C parser says ""
        plain = unquoted and tag is None
        if tag is not None:
            value = _resolve_tagged(str(tag), text, line, column)
        elif unquoted:
            value = resolve_plain(text)
        else:
            value = text
        return Scalar(line, column, value, text, plain)

    @staticmethod
    def _check_collection_tag(tag: object, kind: str, line: int, column: int, path: tuple[str | int, ...]) -> None:
        if tag is not None and str(tag) not in ("!", _CORE + kind):
            raise ComposeError(line, column, f"the tag '{tag}' is not supported in plan files; remove it", path)

    def _sequence(self, line: int, column: int, path: tuple[str | int, ...]) -> Sequence:
        node = Sequence(line, column)
        while True:
            event = self.next()
            if type(event).__name__ == "SequenceEndEvent":
                return node
            node.items.append(self.node(event, (*path, len(node.items))))

    def _mapping(self, line: int, column: int, path: tuple[str | int, ...]) -> Mapping:
        node = Mapping(line, column)
        while True:
            event = self.next()
            if type(event).__name__ == "MappingEndEvent":
                return node
            key = self.node(event, path)
            if not isinstance(key, Scalar):
                raise ComposeError(key.line, key.column, "a key must be a plain word, not a list or a mapping", path)
            name = key.text if key.value is not None else ""
            value = self.node(self.next(), (*path, name))
            if isinstance(value, Scalar) and value.plain and value.value is None and value.text == "":
                # An empty value has no text of its own; ruamel marks it at the next token, often the
                # next line. Point at its key instead, which is where a reader looks.
                value = Scalar(key.line, key.column, None, "", True)
            if name in node.index:
                first = node.entries[node.index[name]][0]
                self.problems.append(
                    ComposeProblem(
                        key.line,
                        key.column,
                        (*path, name),
                        f"duplicate key '{name}' (first given on line {first.line}); keep only one",
                    )
                )
            else:
                node.index[name] = len(node.entries)
            node.entries.append((key, value))


def _mark(event: object) -> tuple[int, int]:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


# --- nodes -> plain data ---------------------------------------------------------------


class ExpansionError(Exception):
    """Aliases expand to more values than a plan could need (an alias bomb)."""

    def __init__(self, line: int, column: int, message: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.path = line, column, message, ".".join(path)


def to_data(root: Node, budget: int) -> object:
    """Plain Python data (dict, list, scalars) of ``root``; duplicate keys keep the first value.

    A node reached through several aliases is built once per use, so the size
    of the result is counted first (in time linear in the composed nodes, however
    many times aliases multiply it): more than ``budget`` values stops "billion
    laughs" files before they cost time or memory, naming the top-level key
    whose aliases blow up.
    """
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, Sequence):
            total = 1 + sum(size(item) for item in node.items)
        elif isinstance(node, Mapping):
            total = 1 + sum(size(value) for _, value in node.entries)
        else:
            total = 1
        sizes[id(node)] = total
        return total

    if size(root) > budget:
        culprit = root
        if isinstance(root, Mapping) and root.entries:
            culprit = max((entry for entry in root.entries), key=lambda entry: size(entry[1]))[0]
        raise ExpansionError(
            culprit.line,
            culprit.column,
            f"aliases expand this to more than {budget} values; a plan file never needs that many",
            (culprit.text,) if culprit is not root else (),
        )

    def build(node: Node) -> object:
        if isinstance(node, Scalar):
            return node.value
        if isinstance(node, Sequence):
            return [build(item) for item in node.items]
        assert isinstance(node, Mapping)
        return {key: build(node.entries[index][1]) for key, index in node.index.items()}

    return build(root)


# --- key paths -> positions ------------------------------------------------------------

PathPart = str | int


class SourceMap:
    """Positions of keys and values by key path.

    A path addresses list items either by index (``("tasks", 3, "duration")``) or
    by the item's id (``("tasks", "c60-cycle-life", "duration")``); items of an
    ``after`` list are also found by the id they name. ``position`` falls back to
    the closest existing ancestor when the exact path does not exist.
    """

    def __init__(self, root: Node | None) -> None:
        self.root = root

    def _walk(self, path: Iterable[PathPart]) -> list[tuple[Node, Scalar | None, PathPart]]:
        """The chain of (node, key node or None, part) reached along ``path``, as far as it exists."""
        chain: list[tuple[Node, Scalar | None, PathPart]] = []
        node = self.root
        if node is None:
            return chain
        for part in path:
            if isinstance(node, Mapping) and isinstance(part, str) and part in node.index:
                key, node = node.entries[node.index[part]]
                chain.append((node, key, part))
            elif isinstance(node, Sequence):
                index = self._item_index(node, part)
                if index is None:
                    break
                node = node.items[index]
                chain.append((node, None, index))
            else:
                break
        return chain

    @staticmethod
    def _item_index(node: Sequence, part: PathPart) -> int | None:
        if isinstance(part, int):
            return part if 0 <= part < len(node.items) else None
        for index, item in enumerate(node.items):
            if item_name(item) == part:
                return index
        return None

    def position(self, path: Iterable[PathPart]) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path`` (or of its closest existing ancestor)."""
        chain = self._walk(path)
        if not chain:
            return (1, 1) if self.root is None else (self.root.line, self.root.column)
        node = chain[-1][0]
        return node.line, node.column

    def locate(self, path: Iterable[PathPart]) -> tuple[str | None, int, int]:
        """(file, line, column) of the value at ``path``. The file is None for the plan's own file,
        always here; a plan assembled from several files (``assembly.PlanSources``) names the others."""
        return (None, *self.position(path))

    def key_position(self, path: Iterable[PathPart]) -> tuple[int, int]:
        """1-based (line, column) of the key at the end of ``path``; the value's position for list items."""
        chain = self._walk(path)
        if not chain:
            return self.position(())
        node, key, _ = chain[-1]
        return (key.line, key.column) if key is not None else (node.line, node.column)

    def display(self, path: Iterable[PathPart]) -> str:
        """``tasks.c60-cycle-life.duration``: list items named by id, never by index.

        Items without an id are shown as ``#N`` counted from 1. Parts beyond the
        existing nodes are kept as given (e.g. a missing key's name).
        """
        path = tuple(path)
        chain = self._walk(path)
        parts: list[str] = []
        parent: Node | None = self.root
        for node, _, part in chain:
            if isinstance(part, int):
                name = item_name(node, bare=parts[-1:] == ["after"])
                parts.append(name if name is not None else f"#{part + 1}")
            else:
                parts.append(part)
            parent = node
        for part in path[len(chain) :]:
            if isinstance(parent, Scalar):
                break  # e.g. ("after", 0, "on") where the entry was written as a bare id
            parts.append(f"#{part + 1}" if isinstance(part, int) else str(part))
        return ".".join(parts)


def item_name(node: Node, bare: bool = True) -> str | None:
    """The name a list item goes by: its ``id``, the ``on`` of a dependency, or (when ``bare``) a bare id."""
    if isinstance(node, Mapping):
        for key in ("id", "on"):
            entry = node.get(key)
            if entry is not None and isinstance(entry[1], Scalar) and isinstance(entry[1].value, str):
                return entry[1].value
        return None
    if bare and isinstance(node, Scalar) and isinstance(node.value, str) and node.value:
        return node.value
    return None
