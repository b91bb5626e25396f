"""Definitions from several files -> one node tree, as if the plan were written in one file.

The rule for names (plan-format.md, "Includes and portfolios"): a definition
that reaches the plan twice from the same place in the same file (the lab
fragment that two programmes include) is one definition; the same name defined
in two places is an error at the later one, naming the earlier one. A name
defined twice *within one file* is left to the usual checks (the YAML duplicate
key, the unique-id rule), which say so already.
"""

from __future__ import annotations

from collections.abc import Collection

from qualplan.assembly.files import Located, SourceFile
from qualplan.assembly.includes import KINDS, LISTED_KINDS, MAPPED_KINDS, SINGULAR, Definitions, Entry
from qualplan.sourcemap import Mapping, Node, Scalar, Sequence, item_name


class _Merged:
    """The merged containers being built, the file each node came from, and the problems found."""

    def __init__(self, top: SourceFile) -> None:
        self.top = top
        self.origins: dict[int, SourceFile] = {}
        self.problems: list[Located] = []
        self.containers: dict[str, Node] = {}
        self.ids: dict[str, tuple[Node, SourceFile, str]] = {}

    def where(self, node: Node, file: SourceFile) -> str:
        return f"{file.name}:{node.line}:{node.column}{file.context()}"

    def report(self, file: SourceFile, node: Node, path: str, message: str) -> None:
        self.problems.append(Located(file.name, node.line, node.column, path, message + file.context()))

    def add(self, entry: Entry) -> None:
        container = self.containers.get(entry.kind)
        if isinstance(container, Mapping) and entry.key is not None:
            self._add_named(container, entry)
        elif isinstance(container, Sequence):
            self._add_listed(container, entry)

    def _add_named(self, container: Mapping, entry: Entry) -> None:
        assert entry.key is not None
        name = entry.key.text if entry.key.value is not None else ""
        if name in container.index:
            first_key, first = container.entries[container.index[name]]
            if first is not entry.node:
                other = self.origins.get(id(first), self.top)
                self.report(
                    entry.file,
                    entry.key,
                    f"{entry.kind}.{name}",
                    f"{SINGULAR[entry.kind]} '{name}' is also defined at {self.where(first_key, other)}; "
                    "define it once, in a fragment that every plan using it includes",
                )
            return
        container.index[name] = len(container.entries)
        container.entries.append((entry.key, entry.node))
        self.origins[id(entry.node)] = entry.file

    def _add_listed(self, container: Sequence, entry: Entry) -> None:
        node_id = item_name(entry.node, bare=False)
        if node_id is not None and isinstance(entry.node, Mapping):
            id_node = entry.node.get("id")
            first = self.ids.get(node_id)
            if first is not None and first[1] is not entry.file and id_node is not None:
                self.report(
                    entry.file,
                    id_node[1],
                    f"{entry.kind}.{node_id}.id",
                    f"the id '{node_id}' is also used by a {SINGULAR[first[2]]} at {self.where(first[0], first[1])}; "
                    "stage, task and milestone ids must all differ",
                )
                return
            if first is None and id_node is not None:
                self.ids[node_id] = (id_node[1], entry.file, entry.kind)
        container.items.append(entry.node)
        self.origins[id(entry.node)] = entry.file


def merge(
    top: SourceFile,
    parts: list[Definitions],
    derived: dict[str, str],
    keys: Collection[str] | None = None,
) -> tuple[Mapping, dict[int, SourceFile], list[Located]]:
    """The plan as one tree: ``top``'s keys in order, each kind holding every part's definitions in order.

    ``derived`` holds top-level values the plan leaves out and its files imply
    (a portfolio's ``start`` and ``horizon``), placed where the top plan lists
    its programmes. ``keys`` limits the top-level keys kept (a fragment's).
    Returns the root, the file of each node that entered from another file,
    and the problems of names defined twice.
    """
    merged = _Merged(top)
    everything = Definitions()
    for part in parts:
        everything.extend(part)

    root = Mapping(top.root.line, top.root.column)
    for name, index in top.root.index.items():
        if keys is not None and name not in keys:
            continue
        key, value = top.root.entries[index]
        if name in KINDS and _holds(name, value):
            value = _container(name, value)
            merged.containers[name] = value
        root.index[name] = len(root.entries)
        root.entries.append((key, value))
    for name in KINDS:
        if name in top.root.index or name not in everything.containers:
            continue
        # a kind the top plan does not write: its list as a whole (if ever at fault) is the top plan's
        container = _container(name, top.root)
        merged.containers[name] = container
        root.index[name] = len(root.entries)
        root.entries.append((Scalar(top.root.line, top.root.column, name, name, True), container))

    at = top.root.get("programmes")
    where = at[0] if at is not None else top.root
    for name, text in derived.items():
        root.index[name] = len(root.entries)
        key = Scalar(where.line, where.column, name, name, True)
        root.entries.append((key, Scalar(where.line, where.column, text, text, True)))

    for entry in everything.entries:
        merged.add(entry)
    return root, merged.origins, merged.problems


def _holds(kind: str, value: Node) -> bool:
    """Whether the top plan's container of ``kind`` has the right type (else it stays as written, for the model)."""
    return isinstance(value, Mapping) if kind in MAPPED_KINDS else isinstance(value, Sequence)


def _container(kind: str, at: Node) -> Node:
    """An empty container of ``kind`` at the position of ``at``."""
    if kind in LISTED_KINDS:
        return Sequence(at.line, at.column)
    return Mapping(at.line, at.column)


__all__ = ["merge"]
