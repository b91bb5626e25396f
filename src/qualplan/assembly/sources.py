"""Positions in a plan assembled from several files: every key path knows the file it is written in."""

from __future__ import annotations

from collections.abc import Iterable

from qualplan.assembly.files import SourceFile
from qualplan.sourcemap import Node, PathPart, SourceMap
from qualplan.validation_messages import Finding


class PlanSources(SourceMap):
    """A ``SourceMap`` over the assembled tree, whose nodes come from several files.

    ``origins`` maps the nodes that entered from another file (a fragment's
    resource, a programme's task) to that file; any node below them is in the
    same file, and anything not below one is in the top plan.
    """

    def __init__(self, root: Node | None, top: SourceFile, origins: dict[int, SourceFile]) -> None:
        super().__init__(root)
        self.top = top
        self.origins = origins

    def file_at(self, path: Iterable[PathPart]) -> SourceFile:
        """The file in which the value at ``path`` (or its closest existing ancestor) is written."""
        found = self.top
        for node, key, _ in self._walk(path):
            found = self.origins.get(id(node), found)
            if key is not None:
                found = self.origins.get(id(key), found)
        return found

    def locate(self, path: Iterable[PathPart]) -> tuple[str | None, int, int]:
        """(file, line, column) of the value at ``path``; the file is None in the top plan."""
        path = tuple(path)
        file = self.file_at(path)
        line, column = self.position(path)
        return (None if file is self.top else file.name), line, column


def place(finding: Finding, source: SourceMap) -> tuple[int, int]:
    """A finding's position: the key it names, the value it is about, or the mapping that lacks a key."""
    if finding.at_parent:
        return source.position(finding.path[:-1])
    if finding.at_key:
        return source.key_position(finding.path)
    return source.position(finding.path)


__all__ = ["PlanSources", "place"]
