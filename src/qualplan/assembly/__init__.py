"""A plan file with its includes and programmes -> one tree of positioned nodes, as if written in one file.

The steps (plan-format.md, "Includes and portfolios"):

1. ``includes``: each fragment a file names joins, depth first, before the
   file's own definitions (``files`` resolves the paths and keeps them inside
   the repository);
2. ``portfolio``: each programme is read as a whole plan, its ids prefixed;
   the portfolio's start and horizon come from its programmes when left out;
3. ``merge``: the definitions become one tree; a name defined in two places is
   an error naming both.

The loader validates the result like any plan. ``PlanSources`` knows, for every
key path, the file it is written in, so every error and every explanation names
that file's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualplan.assembly.files import Located, SourceFile, repository_root
from qualplan.assembly.includes import Definitions, Reach, Reader, fragment_key_problems
from qualplan.assembly.merge import merge
from qualplan.assembly.portfolio import definitions_of, read_programmes, span
from qualplan.assembly.sources import PlanSources, place
from qualplan.plan_kind import FRAGMENT_KEYS
from qualplan.sourcemap import Mapping


@dataclass(frozen=True)
class Assembly:
    """The assembled tree, where each of its parts is written, and the problems of assembling it."""

    root: Mapping
    sources: PlanSources
    problems: tuple[Located, ...]


def assemble(root: Mapping, name: str, path: Path, read: Reader, *, fragment: bool = False) -> Assembly:
    """Assemble the plan (or, with ``fragment``, the fragment) whose parsed file is ``root``.

    ``name`` is the file as messages show it, ``path`` where it is, and ``read``
    reads any file it names (the loader's limits and YAML rules apply to each).
    """
    top = SourceFile(name, path.resolve(), root)
    reach = Reach(top, repository_root(path), read)
    parts = [reach.gather(top, (top.path,), {top.path}, own=False)]
    derived: dict[str, str] = {}
    if not fragment and "programmes" in root.index:
        programmes = read_programmes(reach, top)
        start, derived = span(root, programmes)
        parts.extend(definitions_of(programme, start) for programme in programmes)
    own = Definitions()
    own.add_own(top)
    parts.append(own)
    problems = list(reach.problems)
    if fragment:
        problems.extend(fragment_key_problems(top))
    merged, origins, merge_problems = merge(top, parts, derived, FRAGMENT_KEYS if fragment else None)
    problems.extend(merge_problems)
    return Assembly(merged, PlanSources(merged, top, origins), tuple(problems))


__all__ = ["Assembly", "Located", "PlanSources", "SourceFile", "assemble", "place"]
