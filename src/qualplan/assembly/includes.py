"""``include``: the definitions a file brings, its fragments' first (depth first, in list order), then its own.

``Reach`` opens the files a plan names, once each, and reports at the naming
entry why one cannot be read: a path outside the repository, a missing file, a
cycle, a whole plan where a fragment belongs. A fragment named twice in one
plan (two fragments that both include the lab) joins once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from qualplan.assembly.files import MAX_FILES, Located, Site, SourceFile, resolve
from qualplan.assembly.sources import place
from qualplan.model import Fragment
from qualplan.plan_kind import FRAGMENT_KEYS, PLAN_KEYS
from qualplan.sourcemap import ExpansionError, Mapping, Node, Scalar, Sequence, SourceMap, to_data
from qualplan.validation_messages import closest, translate

#: Definitions by name (``resources: {shaker: ...}``) and by list (``tasks: [{id: ...}]``).
MAPPED_KINDS = ("calendars", "windows", "resources")
LISTED_KINDS = ("stages", "tasks", "milestones")
KINDS = (*MAPPED_KINDS, *LISTED_KINDS)
SINGULAR = {
    "calendars": "calendar",
    "windows": "window",
    "resources": "resource",
    "stages": "stage",
    "tasks": "task",
    "milestones": "milestone",
}
#: Most values one file may expand to through aliases (the loader's limit for a whole plan).
MAX_VALUES = 200_000
_FRAGMENT_KEY_LIST = "calendars, windows, resources, stages, tasks, milestones and include"

#: Reads and composes one file: (its root mapping or None, the problems found), given its
#: resolved path, its name for messages and what it should be ("plan" or "fragment").
Reader = Callable[[Path, str, str], tuple[Mapping | None, list[Located]]]


@dataclass(frozen=True)
class Entry:
    """One definition: a calendar, window or resource (``key`` is its name) or a stage, task or milestone."""

    kind: str
    key: Scalar | None
    node: Node
    file: SourceFile


@dataclass
class Definitions:
    """Definitions in the order they join the plan, and the kinds they hold."""

    entries: list[Entry] = field(default_factory=list)
    containers: set[str] = field(default_factory=set)

    def extend(self, other: Definitions) -> None:
        self.entries.extend(other.entries)
        self.containers |= other.containers

    def add_own(self, file: SourceFile) -> None:
        """The definitions written in ``file`` itself (containers of the wrong type bring none)."""
        for kind in KINDS:
            found = file.root.get(kind)
            if found is None:
                continue
            value = found[1]
            if kind in MAPPED_KINDS and isinstance(value, Mapping):
                self.containers.add(kind)
                for index in value.index.values():
                    name, node = value.entries[index]
                    self.entries.append(Entry(kind, name, node, file))
            elif kind in LISTED_KINDS and isinstance(value, Sequence):
                self.containers.add(kind)
                self.entries.extend(Entry(kind, None, item, file) for item in value.items)


def include_entries(root: Mapping) -> Iterator[tuple[Scalar, str]]:
    """The paths in ``include`` written as text (any other entry is the model's to report)."""
    found = root.get("include")
    if found is None or not isinstance(found[1], Sequence):
        return
    for item in found[1].items:
        if isinstance(item, Scalar) and isinstance(item.value, str) and item.value.strip():
            yield item, item.value


class Reach:
    """Everything one plan reads: each file opened once, and the problems of naming and reading them."""

    def __init__(self, top: SourceFile, repository: Path, read: Reader) -> None:
        self.top = top
        self.repository = repository
        self.read = read
        self.files: dict[Path, SourceFile | None] = {top.path: top}
        self.usable: dict[Path, bool] = {}
        self.data: dict[Path, Any] = {}
        self.problems: list[Located] = []

    def report(self, file: SourceFile, node: Node, path: str, message: str) -> None:
        self.problems.append(Located(file.name, node.line, node.column, path, message + file.context()))

    # --- following a named path --------------------------------------------------------------------

    def follow(
        self, naming: SourceFile, node: Scalar, written: str, site: Site, stack: tuple[Path, ...], key_path: str
    ) -> SourceFile | None:
        """The file an entry of ``naming`` names, read once per plan; else report why at the entry."""
        target = resolve(naming, written, self.repository)
        if isinstance(target, str):
            self.report(naming, node, key_path, target)
            return None
        if target.path in stack:
            names = [self._name(path) for path in stack[stack.index(target.path) :]]
            cycle = " -> ".join([*names, names[0]])
            self.report(naming, node, key_path, f"include cycle: {cycle}; remove one of these includes")
            return None
        if target.path in self.files:
            return self.files[target.path]
        if len(self.files) >= MAX_FILES:
            self.report(naming, node, key_path, f"a plan reads at most {MAX_FILES} files with all it includes")
            return None
        chain = (*naming.chain, site)
        expect = "plan" if site.prefix is not None else "fragment"
        root, problems = self.read(target.path, target.name, expect)
        opened = SourceFile(target.name, target.path, root, chain) if root is not None else None
        context = SourceFile(target.name, target.path, Mapping(1, 1), chain).context()
        self.problems.extend(
            Located(problem.file, problem.line, problem.column, problem.path, problem.message + context)
            for problem in problems
        )
        self.files[target.path] = opened
        return opened

    def _name(self, path: Path) -> str:
        file = self.files.get(path)
        return file.name if file is not None else str(path)

    def own_data(self, file: SourceFile) -> Any:
        """The plain data of ``file`` alone (after ``checked``), or None when its aliases expand too far."""
        return self.data.get(file.path)

    def checked(
        self,
        file: SourceFile,
        model: type[BaseModel],
        keep: Callable[[dict[str, Any]], bool],
        only: frozenset[str] | None = None,
    ) -> bool:
        """Check ``file`` alone against ``model`` once, keeping the errors ``keep`` selects; False when unusable.

        ``only``: the top-level keys to check (others are reported elsewhere)."""
        if file.path in self.usable:
            return self.usable[file.path]
        try:
            data = to_data(file.root, MAX_VALUES)
        except ExpansionError as error:
            self.problems.append(
                Located(file.name, error.line, error.column, error.path, error.message + file.context())
            )
            self.usable[file.path] = False
            return False
        assert isinstance(data, dict)  # the reader only returns mappings
        self.data[file.path] = data
        self.usable[file.path] = True
        try:
            model.model_validate({key: value for key, value in data.items() if only is None or key in only})
        except ValidationError as invalid:
            source = SourceMap(file.root)
            for error in invalid.errors(include_url=False):
                if keep(error):
                    finding = translate(error)
                    line, column = place(finding, source)
                    self.problems.append(
                        Located(file.name, line, column, source.display(finding.path), finding.message + file.context())
                    )
        return True

    # --- fragments ------------------------------------------------------------------------------

    def gather(self, file: SourceFile, stack: tuple[Path, ...], seen: set[Path], *, own: bool = True) -> Definitions:
        """What ``file`` brings: each fragment it includes (recursively), then (with ``own``) its own definitions.

        ``stack`` is the files from the top plan down to ``file`` (for cycles); ``seen``
        the fragments this plan has taken already, which join only once.
        """
        found = Definitions()
        for node, written in include_entries(file.root):
            fragment = self.fragment(file, node, written, stack)
            if fragment is None or fragment.path in seen:
                continue
            seen.add(fragment.path)
            found.extend(self.gather(fragment, (*stack, fragment.path), seen))
        if own:
            found.add_own(file)
        return found

    def fragment(self, naming: SourceFile, node: Scalar, written: str, stack: tuple[Path, ...]) -> SourceFile | None:
        """The fragment an ``include`` entry names, checked on its own the first time; None when unusable."""
        site = Site(naming.name, node.line)
        fragment = self.follow(naming, node, written, site, stack, "include")
        if fragment is None:
            return None
        if "qualplan" in fragment.root.index:
            self.report(
                naming,
                node,
                "include",
                f"'{written}' is a whole plan (it has 'qualplan: 1'), not a fragment; combine whole plans "
                "under 'programmes', and include only fragments (files of calendars, windows, resources, "
                "stages, tasks or milestones)",
            )
            return None
        first_time = fragment.path not in self.usable
        usable = self.checked(fragment, Fragment, _fragment_shape, FRAGMENT_KEYS)
        if first_time and usable:
            self.problems.extend(fragment_key_problems(fragment))
        return fragment if usable else None


def _fragment_shape(error: dict[str, Any]) -> bool:
    """Errors a fragment's own check reports: its top-level values and ``include``; its definitions are
    checked in the plan that includes it, where every reference can resolve."""
    return len(error["loc"]) == 1 or error["loc"][0] == "include"


def fragment_key_problems(file: SourceFile) -> list[Located]:
    """Top-level keys a fragment may not hold, with what belongs there instead."""
    problems = []
    for name, index in file.root.index.items():
        if name in FRAGMENT_KEYS:
            continue
        key = file.root.entries[index][0]
        if name in PLAN_KEYS:
            message = (
                f"'{name}' belongs to a plan, not to an included fragment; a fragment holds only {_FRAGMENT_KEY_LIST}"
            )
        else:
            suggestion = closest(name, sorted(FRAGMENT_KEYS))
            hint = f"did you mean '{suggestion}'?" if suggestion else f"a fragment holds only {_FRAGMENT_KEY_LIST}"
            message = f"unknown key '{name}'; {hint}"
        problems.append(Located(file.name, key.line, key.column, name, message + file.context()))
    return problems


__all__ = [
    "KINDS",
    "LISTED_KINDS",
    "MAPPED_KINDS",
    "SINGULAR",
    "Definitions",
    "Entry",
    "Reach",
    "Reader",
    "fragment_key_problems",
    "include_entries",
]
