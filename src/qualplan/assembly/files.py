"""The files a plan is assembled from: where each was named, and where a named path may lead.

A plan names other files in ``include`` (fragments) and ``programmes`` (whole
plans). A path is relative to the file that names it; after symbolic links are
resolved it must lie inside the top plan's repository, so a plan checked out
from somewhere can never make qualplan read ``/etc/passwd`` or a file beside the
repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qualplan.sourcemap import Mapping

#: Most distinct files one plan may read, itself, its fragments and programmes together.
MAX_FILES = 100


@dataclass(frozen=True)
class Site:
    """Where a file was named: the naming file, the line of its entry, and the prefix when it is a programme."""

    file: str
    line: int
    prefix: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where} as programme {self.prefix}" if self.prefix is not None else where


@dataclass(eq=False)
class SourceFile:
    """One parsed file of an assembled plan; the same file read twice is the same object.

    ``name`` is the path as messages show it (built from the top plan's path as
    the user gave it), ``path`` the resolved path, and ``chain`` the sites that
    led to it from the top plan, outermost first (the first way it was reached).
    """

    name: str
    path: Path
    root: Mapping
    chain: tuple[Site, ...] = ()

    def context(self) -> str:
        """`` (included from plans/a.yaml:3 -> plans/labs/b.yaml:2)``, or nothing for the top plan."""
        return f" (included from {' -> '.join(map(str, self.chain))})" if self.chain else ""


@dataclass(frozen=True)
class Located:
    """A problem at a position of a named file, ready to print."""

    file: str
    line: int
    column: int
    path: str
    message: str


@dataclass(frozen=True)
class Target:
    """A named file that may be read: its name for messages and its resolved path."""

    name: str
    path: Path


def repository_root(top: Path) -> Path:
    """The nearest folder above the top plan holding ``.git`` (a folder, or a file in a worktree), else its folder."""
    folder = top.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def resolve(naming: SourceFile, written: str, repository: Path) -> Target | str:
    """The file ``written`` in ``naming`` names, or why it cannot be read (a message)."""
    base = naming.path.parent
    real = (base / written).resolve()
    name = os.path.normpath(os.path.join(os.path.dirname(naming.name), written))
    if not real.is_relative_to(repository):
        lexical = Path(os.path.normpath(base / written))
        if lexical.is_relative_to(repository):
            return (
                f"'{written}' is a symbolic link to {real}, outside the plan's repository {repository}; "
                "an included file must lie inside it"
            )
        return f"'{written}' is outside the plan's repository {repository}; an included file must lie inside it"
    if not real.exists():
        return f"'{written}' does not exist (no file {name})"
    if real.is_dir():
        return f"'{written}' is a folder; name a file"
    return Target(name, real)


__all__ = ["MAX_FILES", "Located", "Site", "SourceFile", "Target", "repository_root", "resolve"]
