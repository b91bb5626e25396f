"""``--set PATH=VALUE``: change a loaded plan in memory, then validate it like a file.

A what-if ("two more chambers", "800 cycles instead of 1000") should not need a
copy of the plan file. ``Assignment.parse`` reads one ``--set`` argument;
``apply`` writes the assignments into the plan's positioned YAML tree and
validates the result with the loader's own steps (``loader.validate_document``),
so every model rule and cross-check holds for the changed plan exactly as for a
file, and every problem still has a FILE:LINE:COLUMN: the changed value takes
the position of the value it replaces (a new key: the mapping it joins).

PATH is dotted keys; list items (tasks, stages, milestones, ``after`` entries)
are named by their id, never by index. Ids may themselves hold dots, so at each
level the longest run of parts that names an existing key or id wins. VALUE is
one YAML 1.2 value: a scalar, or a flow mapping or list (``{capacity: 6}``).

- ``PATH=null`` (or ``~``, or nothing after ``=``) removes the key, or the list
  item: the plan then means what it means without it (``window=null``: no window).
- A key that does not exist yet is added (``milestones.x.due=2028-06-30``); in a
  mapping with fixed keys it must be one of them.
- ``tasks.ID={...}`` replaces that task as a whole (its id kept), or adds a new
  task when no task has that id; the same for stages and milestones.
- Lists without ids (``holidays``, ``changes``) are set as a whole.

Nothing here prints: problems come back as ``PlanError`` records for the CLI.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence as Seq
from dataclasses import dataclass

from qualplan.loader import MAX_VALUES, LoadedPlan, PlanError, parse_value, validate_document
from qualplan.model import Plan
from qualplan.sourcemap import (
    ComposeError,
    ExpansionError,
    Mapping,
    Node,
    Scalar,
    Sequence,
    SourceMap,
    item_name,
    to_data,
)
from qualplan.validation_messages import closest, describe, known_keys

#: Lists whose items are named by ``id`` (the plan's own lists) and what one item is called.
_ITEM_KINDS = {"tasks": "task", "stages": "stage", "milestones": "milestone"}
#: How a ``--set`` argument is shown in messages.
OPTION = "--set"

Step = str | int  # a mapping key, or a list index (after resolution)


class BadAssignment(ValueError):
    """A ``--set`` argument that cannot be applied; ``str()`` says why, naming the argument."""


@dataclass(frozen=True)
class Assignment:
    """One ``--set PATH=VALUE``: the argument as typed, its path parts and its value.

    ``value`` is the parsed YAML tree (None: remove the key or item).
    """

    argument: str
    parts: tuple[str, ...]
    value: Node | None

    @classmethod
    def parse(cls, argument: str) -> Assignment:
        """Read ``PATH=VALUE``; raises ``BadAssignment`` when it is not one."""
        path, equals, text = argument.partition("=")
        path = path.strip()
        if not equals or not path:
            raise BadAssignment(
                f"{OPTION} {argument}: expected PATH=VALUE, e.g. "
                "resources.climate-chamber.capacity=6 or milestones.sop.due=2028-06-30"
            )
        parts = tuple(path.split("."))
        if any(not part for part in parts):
            raise BadAssignment(
                f"{OPTION} {argument}: the path '{path}' has an empty part; write keys and ids with dots"
            )
        try:
            value = parse_value(text)
        except ComposeError as error:
            raise BadAssignment(f"{OPTION} {argument}: the value is not valid YAML: {error.message}") from None
        if isinstance(value, Mapping | Sequence) and text.strip()[:1] not in ("{", "["):
            raise BadAssignment(
                f"{OPTION} {argument}: the value reads as a YAML block {_kind(value)}; "
                "write a flow mapping {key: value}, or put text in quotes: "
                f"""{path}='"{text.strip()}"'"""
            )
        if isinstance(value, Scalar) and value.value is None and value.plain:
            value = None
        return cls(argument, parts, value)

    @property
    def path(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class _Resolved:
    """Where an assignment lands: the steps to its parent container, and the last step
    (a key of a mapping, or the index of a list item)."""

    steps: tuple[Step, ...]
    last: Step
    append_id: str | None = None  # a new list item with this id


def parse_all(arguments: Seq[str]) -> tuple[Assignment, ...]:
    """Every ``--set`` argument parsed; raises ``BadAssignment`` for the first that is malformed."""
    return tuple(Assignment.parse(argument) for argument in arguments)


def apply(loaded: LoadedPlan, assignments: Seq[Assignment]) -> LoadedPlan:
    """``loaded`` with every assignment applied and the result validated like a file.

    A path that leads nowhere is one error naming the argument (and the closest
    path there is); problems of the changed plan keep their FILE:LINE:COLUMN and
    say which ``--set`` arguments they come from. ``loaded`` is not modified.
    """
    if not assignments or loaded.source.root is None:
        return loaded
    name = _file_name(loaded)
    root = loaded.source.root
    shown: list[tuple[Assignment, str]] = []  # each assignment and the path it writes, named by ids
    writer = _Writer()
    for assignment in assignments:
        try:
            resolved = _resolve(root, assignment)
        except _NoPath as missing:
            line, column = SourceMap(root).position(missing.at)
            error = PlanError(name, line, column, f"{OPTION} {assignment.argument}", missing.message)
            return dataclasses.replace(loaded, plan=None, errors=(error,), warnings=())
        last = resolved.last if resolved.append_id is None else resolved.append_id
        shown.append((assignment, SourceMap(root).display((*resolved.steps, last))))
        root = writer.write(root, resolved, assignment.value)

    source = _over(loaded.source, root, writer.replaced)
    try:
        document = to_data(root, MAX_VALUES)
    except ExpansionError as error:
        failure = PlanError(name, error.line, error.column, error.path, error.message)
        return dataclasses.replace(loaded, plan=None, errors=(failure,), warnings=(), source=source)
    assert isinstance(document, dict)  # the root stays a mapping: paths never replace it
    checked = validate_document(document, source, loaded.path, name)
    before = set(loaded.warnings)
    return dataclasses.replace(
        checked,
        errors=tuple(_blamed(error, shown) for error in checked.errors),
        warnings=tuple(warning if warning in before else _blamed(warning, shown) for warning in checked.warnings),
    )


# --- resolving a path in the tree ---------------------------------------------------------------


class _NoPath(Exception):
    """The path leads nowhere: ``message`` says why, ``at`` is the deepest place that exists."""

    def __init__(self, message: str, at: tuple[Step, ...]) -> None:
        super().__init__(message)
        self.message, self.at = message, at


def _resolve(root: Node, assignment: Assignment) -> _Resolved:
    """Walk ``assignment``'s parts down the tree; raises ``_NoPath`` with a suggestion where it breaks."""
    parts = assignment.parts
    node: Node = root
    steps: tuple[Step, ...] = ()
    index = 0
    while True:
        if isinstance(node, Mapping):
            found = _longest(parts, index, lambda key, node=node: key in node.index)
            if found is None:
                return _new_key(root, node, steps, parts, index, assignment)
            key, index = found
            if index == len(parts):
                return _Resolved(steps, key)
            steps, node = (*steps, key), node.entries[node.index[key]][1]
        elif isinstance(node, Sequence):
            found = _longest(parts, index, lambda key, node=node: _item(node, key) is not None)
            if found is None:
                return _missing_item(root, node, steps, parts, index, assignment)
            key, index = found
            position = _item(node, key)
            assert position is not None
            if index == len(parts):
                return _Resolved(steps, position)
            steps, node = (*steps, position), node.items[position]
            if isinstance(node, Scalar):  # an `after` entry written as a bare id: it stands for {on: id}
                return _bare_entry_key(root, steps, parts, index, assignment)
        else:
            raise _dead_end(root, steps, parts, index)


def _bare_entry_key(
    root: Node, steps: tuple[Step, ...], parts: tuple[str, ...], index: int, assignment: Assignment
) -> _Resolved:
    """A key of an ``after`` entry written as a bare id (``after: [build]``): ``on``, ``type`` or ``lag``."""
    allowed = known_keys(steps)
    key = parts[index]
    if key not in allowed:
        raise _unknown_key(root, steps, parts, index, allowed)
    if index + 1 < len(parts):
        raise _NoPath(f"'{SourceMap(root).display((*steps, key))}' has nothing inside to change", steps)
    if assignment.value is None and key != "on":
        raise _NoPath(f"nothing to remove: {_where(root, steps)} has no '{key}'", steps)
    return _Resolved(steps, key)


def _longest(parts: tuple[str, ...], index: int, exists) -> tuple[str, int] | None:
    """The longest run ``parts[index:j]`` (joined with dots) that ``exists``, and ``j``."""
    for stop in range(len(parts), index, -1):
        key = ".".join(parts[index:stop])
        if exists(key):
            return key, stop
    return None


def _item(node: Sequence, name: str) -> int | None:
    """The index of the list item named ``name`` (its id, an ``after`` entry's ``on``)."""
    for position, item in enumerate(node.items):
        if item_name(item) == name:
            return position
    return None


def _new_key(
    root: Node, node: Mapping, steps: tuple[Step, ...], parts: tuple[str, ...], index: int, assignment: Assignment
) -> _Resolved:
    """The key at ``parts[index]`` is not in ``node``: add it when it is the last, else explain."""
    allowed = known_keys(steps)
    if allowed:  # a mapping with fixed keys (a task, a resource, the plan itself)
        key = parts[index]
        if key not in allowed:
            raise _unknown_key(root, steps, parts, index, [*allowed, *node.index])
        if index + 1 < len(parts):
            raise _NoPath(
                f"{_where(root, steps)} has no '{key}' to change inside; set it whole, e.g. "
                f"{OPTION} {'.'.join(parts[: index + 1])}={{...}}",
                steps,
            )
        if assignment.value is None:
            raise _NoPath(f"nothing to remove: {_where(root, steps)} has no '{key}'", steps)
        return _Resolved(steps, key)
    # A mapping of named entries (resources, windows, calendars, uses): the rest is the new name,
    # but only as the last step; a name that is not there cannot be walked into.
    name = ".".join(parts[index:])
    suggestion = closest(parts[index], list(node.index))
    if index + 1 < len(parts) or assignment.value is None:
        what = _entry_kind(steps)
        message = f"no {what} '{parts[index]}' in {_where(root, steps)}"
        if suggestion is not None:
            message += f"; did you mean '{_suggested(parts, index, 1, suggestion)}'?"
        elif node.index:
            message += f" ({_plural(what)}: {', '.join(node.index)})"
        raise _NoPath(message, steps)
    return _Resolved(steps, name)


def _missing_item(
    root: Node, node: Sequence, steps: tuple[Step, ...], parts: tuple[str, ...], index: int, assignment: Assignment
) -> _Resolved:
    """No list item is named ``parts[index]``: a new item (a whole mapping), or an error with the closest id."""
    kind = steps[-1] if steps else None
    names = [name for item in node.items if (name := item_name(item)) is not None]
    last = index + 1 == len(parts)
    if kind in _ITEM_KINDS and len(steps) == 1 and last and isinstance(assignment.value, Mapping):
        return _Resolved(steps, len(node.items), append_id=parts[index])
    what = _ITEM_KINDS.get(str(kind), "entry") if len(steps) == 1 else "entry"
    if not names:
        raise _NoPath(
            f"the items of {_where(root, steps)} have no ids; set the whole list, e.g. "
            f"{OPTION} {SourceMap(root).display(steps)}=[...]",
            steps,
        )
    suggestion = closest(parts[index], names)
    message = f"no {what} '{parts[index]}' in {_where(root, steps)}"
    if suggestion is not None:
        message += f"; did you mean '{_suggested(parts, index, 1, suggestion)}'?"
    raise _NoPath(message, steps)


def _unknown_key(
    root: Node, steps: tuple[Step, ...], parts: tuple[str, ...], index: int, allowed: list[str]
) -> _NoPath:
    key = parts[index]
    options = list(dict.fromkeys(allowed))
    suggestion = closest(key, options)
    message = f"unknown key '{key}' in {_where(root, steps)}"
    if suggestion is not None:
        message += f"; did you mean '{_suggested(parts, index, 1, suggestion)}'?"
    else:
        message += f"; allowed here: {', '.join(options)}"
    return _NoPath(message, steps)


def _dead_end(root: Node, steps: tuple[Step, ...], parts: tuple[str, ...], index: int) -> _NoPath:
    """The path goes on below a plain value (``tasks.x.duration.days``)."""
    value = _node_at(root, steps)
    shown = SourceMap(root).display(steps)
    found = describe(value.value) if isinstance(value, Scalar) else "a value"
    return _NoPath(f"'{shown}' is {found}, which has no '{parts[index]}' inside; set '{shown}' itself", steps)


def _suggested(parts: tuple[str, ...], index: int, width: int, replacement: str) -> str:
    """The whole path with ``parts[index:index+width]`` replaced: what the user probably meant."""
    return ".".join((*parts[:index], replacement, *parts[index + width :]))


def _where(root: Node, steps: tuple[Step, ...]) -> str:
    shown = SourceMap(root).display(steps)
    return f"'{shown}'" if shown else "the plan"


def _entry_kind(steps: tuple[Step, ...]) -> str:
    names = {"resources": "resource", "windows": "window", "calendars": "calendar", "uses": "resource"}
    return names.get(str(steps[-1]) if steps else "", "key")


def _plural(word: str) -> str:
    return word + "s"


def _kind(node: Node) -> str:
    return "mapping" if isinstance(node, Mapping) else "list"


def _node_at(root: Node, steps: tuple[Step, ...]) -> Node:
    node = root
    for step in steps:
        if isinstance(node, Mapping):
            node = node.entries[node.index[str(step)]][1]
        else:
            assert isinstance(node, Sequence) and isinstance(step, int)
            node = node.items[step]
    return node


# --- writing into the tree ----------------------------------------------------------------------


class _Writer:
    """Writes values into a tree copy-on-write, noting which new node stands for which old one.

    The notes let a source map that knows each node's file (a plan assembled from
    several files, ``assembly.PlanSources``) keep the file of a changed part.
    """

    def __init__(self) -> None:
        self.replaced: list[tuple[Node, Node]] = []  # (old node, the node that took its place)

    def write(self, root: Node, resolved: _Resolved, value: Node | None) -> Node:
        """A new tree with ``value`` at ``resolved`` (None removes it); untouched parts are shared."""
        return self._rewrite(root, resolved.steps, resolved, value)

    def _stands_for(self, old: Node, new: Node) -> Node:
        self.replaced.append((old, new))
        return new

    def _rewrite(self, node: Node, steps: tuple[Step, ...], resolved: _Resolved, value: Node | None) -> Node:
        if not steps:
            return self._stands_for(node, self._set_last(node, resolved, value))
        head, rest = steps[0], steps[1:]
        if isinstance(node, Mapping):
            key, child = node.entries[node.index[str(head)]]
            changed = _with_entry(node, str(head), key, self._rewrite(child, rest, resolved, value))
            return self._stands_for(node, changed)
        assert isinstance(node, Sequence) and isinstance(head, int)
        child = node.items[head]
        if isinstance(child, Scalar) and not rest:  # a bare `after` id gets a key: {on: id, ...}
            child = self._stands_for(child, _on_mapping(child))
        items = list(node.items)
        items[head] = self._rewrite(child, rest, resolved, value)
        return self._stands_for(node, Sequence(node.line, node.column, items))

    def _set_last(self, node: Node, resolved: _Resolved, value: Node | None) -> Node:
        last = resolved.last
        if isinstance(node, Sequence):
            items = list(node.items)
            if value is None:
                del items[int(last)]
            elif resolved.append_id is not None:
                items.append(_with_id(_placed(value, node.line, node.column), resolved.append_id))
            else:
                old = items[int(last)]
                placed = _placed(value, old.line, old.column)
                name = item_name(old, bare=False)
                if name is not None and isinstance(placed, Mapping):
                    placed = _with_id(placed, name)
                items[int(last)] = self._stands_for(old, placed)
            return Sequence(node.line, node.column, items)
        assert isinstance(node, Mapping)
        key = str(last)
        if value is None:
            return _mapping(node.line, node.column, [(k, v) for k, v in node.entries if k.text != key])
        existing = node.get(key)
        if existing is not None:
            old_key, old_value = existing
            placed = self._stands_for(old_value, _placed(value, old_value.line, old_value.column))
            return _with_entry(node, key, old_key, placed)
        new_key = Scalar(node.line, node.column, key, key, False)
        return _mapping(node.line, node.column, [*node.entries, (new_key, _placed(value, node.line, node.column))])


def _over(source: SourceMap, root: Node, replaced: list[tuple[Node, Node]]) -> SourceMap:
    """``source`` (the same kind of source map) over the changed tree ``root``.

    A source map that knows the file of each node by the node's identity
    (``origins``) gets the file of each replaced node for the node that took its
    place, and forgets the nodes that left the tree (whose ids could be reused).
    """
    changed = copy.copy(source)
    changed.root = root
    origins = getattr(source, "origins", None)
    if origins is not None:
        taken = {id(new): origins[id(old)] for old, new in replaced if id(old) in origins}
        carried = {}
        for node in _nodes(root):
            if id(node) in taken or id(node) in origins:
                carried[id(node)] = taken.get(id(node), origins.get(id(node)))
        changed.origins = carried
    return changed


def _nodes(root: Node):
    """Every node of the tree, keys included (a node reached through aliases once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Mapping):
            for key, value in node.entries:
                stack += [key, value]
        elif isinstance(node, Sequence):
            stack += node.items


def _with_entry(node: Mapping, key: str, key_node: Scalar, value: Node) -> Mapping:
    entries = list(node.entries)
    entries[node.index[key]] = (key_node, value)
    return _mapping(node.line, node.column, entries)


def _mapping(line: int, column: int, entries: list[tuple[Scalar, Node]]) -> Mapping:
    mapping = Mapping(line, column)
    for key, value in entries:
        if key.text not in mapping.index:
            mapping.index[key.text] = len(mapping.entries)
        mapping.entries.append((key, value))
    return mapping


def _on_mapping(scalar: Scalar) -> Mapping:
    """A bare ``after`` id as the mapping it stands for, ``{on: id}``."""
    return _mapping(scalar.line, scalar.column, [(Scalar(scalar.line, scalar.column, "on", "on", True), scalar)])


def _with_id(node: Node, item_id: str) -> Node:
    """A replaced or new list item keeps (or gets) its id as the first key."""
    if not isinstance(node, Mapping) or "id" in node.index:
        return node
    id_key = Scalar(node.line, node.column, "id", "id", True)
    return _mapping(
        node.line, node.column, [(id_key, Scalar(node.line, node.column, item_id, item_id, False)), *node.entries]
    )


def _placed(node: Node, line: int, column: int) -> Node:
    """A copy of a value parsed from the command line, every node at (``line``, ``column``):
    the place in the file where the value it replaces (or the mapping it joins) is written."""
    if isinstance(node, Scalar):
        return Scalar(line, column, node.value, node.text, node.plain)
    if isinstance(node, Sequence):
        return Sequence(line, column, [_placed(item, line, column) for item in node.items])
    assert isinstance(node, Mapping)
    return _mapping(
        line,
        column,
        [(Scalar(line, column, k.value, k.text, k.plain), _placed(v, line, column)) for k, v in node.entries],
    )


# --- messages -----------------------------------------------------------------------------------


def _blamed(problem: PlanError, shown: list[tuple[Assignment, str]]) -> PlanError:
    """``problem`` saying which ``--set`` arguments caused it: those whose path contains its
    path or lies inside it; all of them when none does (a cycle, a capacity across tasks)."""
    related = [assignment for assignment, path in shown if _nested(problem.path, path)]
    named = ", ".join(f"{OPTION} {assignment.argument}" for assignment in related or [a for a, _ in shown])
    return dataclasses.replace(problem, message=f"{problem.message} (after {named})")


def _nested(first: str, second: str) -> bool:
    """One dotted path equals the other or lies inside it."""
    if not first or not second:
        return False
    shorter, longer = sorted((first, second), key=len)
    return longer == shorter or longer.startswith(shorter + ".")


def _file_name(loaded: LoadedPlan) -> str:
    """The file name the loader uses in messages (``str`` of the path it was given)."""
    return str(loaded.path)


# --- capacity added from a date (``qualplan needs``) --------------------------------------------


def added_units(plan: Plan, added: dict[str, int], first: dt.date) -> list[str]:
    """``--set`` arguments that give each resource ``added[resource]`` more units from ``first`` on.

    Every capacity in effect on or after ``first`` grows by the units; a capacity
    change starts on ``first`` when none does (from the plan's start: ``capacity``
    itself grows). ``qualplan needs`` prints them, so the answer can be checked
    (``qualplan check PLAN --set ...``), and re-checks its answer through them. The
    solver makes the same change to the compiled problem (``solver.needs.expanded``).
    """
    arguments = []
    for resource, units in added.items():
        if not units:
            continue
        current = plan.resources[resource]
        changes = sorted(current.changes, key=lambda change: change.from_)
        if first <= plan.start:
            capacity = current.capacity + units
            grown = [(change.from_, change.capacity + units) for change in changes]
        else:
            capacity = current.capacity
            in_effect = current.capacity
            grown = []
            for change in changes:
                if change.from_ <= first:
                    in_effect = change.capacity
                grown.append((change.from_, change.capacity + (units if change.from_ >= first else 0)))
            if first not in (change.from_ for change in changes):
                grown.append((first, in_effect + units))
                grown.sort()
        if capacity != current.capacity:
            arguments.append(f"resources.{resource}.capacity={capacity}")
        if grown:
            listed = ", ".join(f"{{from: {day.isoformat()}, capacity: {units}}}" for day, units in grown)
            arguments.append(f"resources.{resource}.changes=[{listed}]")
    return arguments
