"""``programmes``: whole plans combined into one portfolio, their ids prefixed.

Each programme is a plan file of its own (checked like one: ``qualplan``,
``id``, ``start``, its includes). In the portfolio its stage, task and milestone
ids, and every reference to them, carry the programme's prefix; calendars,
windows and resources keep their names, so programmes that include the same lab
fragment share one lab. A programme's ``id`` and ``title`` name it only in its
own file: in the portfolio the prefix does. Its ``start`` still holds for its
own tasks (they start no earlier, even when another programme starts sooner),
and ``start`` and ``horizon`` set the portfolio's when the portfolio leaves
them out. Its plan-level ``risk`` is the default of its own tasks: each task
gets the keys of it that the task does not give itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from qualplan.assembly.files import Site, SourceFile
from qualplan.assembly.includes import LISTED_KINDS, Definitions, Entry, Reach
from qualplan.durations import Duration, DurationError, parse_duration
from qualplan.model import SLUG_PATTERN, Plan, parse_date
from qualplan.sourcemap import Mapping, Node, Scalar, Sequence, SourceMap

#: Most programmes one portfolio combines.
MAX_PROGRAMMES = 100

#: Where a stage, task or milestone names a stage, task or milestone id, as key paths inside
#: the item ("*": every entry of a list). Prefixing rewrites exactly these, so a new key
#: that refers to ids is one line here (``("risk", "retest", "redo", "*")`` for retests).
ID_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "stages": (("id",),),
    "tasks": (("id",), ("stage",), ("after", "*"), ("after", "*", "on"), ("risk", "retest", "redo", "*")),
    "milestones": (("id",), ("after", "*"), ("after", "*", "on")),
}

_SLUG = re.compile(SLUG_PATTERN)
#: A programme's top-level values its own check reports; its definitions are checked in the portfolio.
_HEADER_KEYS = frozenset({"qualplan", "id", "title", "start", "horizon", "include", "risk"})


@dataclass
class Programme:
    """One programme of the portfolio: its file, prefix, start and horizon, and what it defines."""

    prefix: str
    file: SourceFile
    start: dt.date | None
    horizon: Duration | None
    definitions: Definitions
    risk: Mapping | None = None  # its plan-level risk, when valid: the default of its own tasks

    @property
    def last_day(self) -> dt.date | None:
        if self.start is None or self.horizon is None:
            return None
        return self.start + dt.timedelta(days=self.horizon.days - 1)


def prefixed(item: Node, kind: str, prefix: str) -> Node:
    """A copy of a stage, task or milestone with ``prefix`` before its id and every id it names.

    Values that are not text are left for the model to report; the copy keeps
    every position, so messages still point into the programme's file.
    """

    def rename(scalar: Scalar) -> Scalar:
        return Scalar(scalar.line, scalar.column, prefix + str(scalar.value), prefix + scalar.text, scalar.plain)

    for path in ID_FIELDS[kind]:
        item = _rewrite(item, path, rename)
    return item


def _rewrite(node: Node, path: tuple[str, ...], change: Callable[[Scalar], Scalar]) -> Node:
    """``node`` with ``change`` applied to the text scalars at ``path``; unchanged parts are shared."""
    if not path:
        return change(node) if isinstance(node, Scalar) and isinstance(node.value, str) else node
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(node, Sequence):
            return node
        items = [_rewrite(item, rest, change) for item in node.items]
        if all(new is old for new, old in zip(items, node.items, strict=True)):
            return node
        return Sequence(node.line, node.column, items)
    if not isinstance(node, Mapping) or head not in node.index:
        return node
    position = node.index[head]
    key, value = node.entries[position]
    new = _rewrite(value, rest, change)
    if new is value:
        return node
    return _replaced(node, position, key, new)


def _replaced(node: Mapping, position: int, key: Scalar, value: Node) -> Mapping:
    entries = list(node.entries)
    entries[position] = (key, value)
    return Mapping(node.line, node.column, entries, dict(node.index))


def with_earliest_start(task: Node, start: dt.date, at: tuple[Scalar, Node]) -> Node:
    """A task that starts no earlier than ``start``: its ``not_before`` when later, else ``start``
    (positioned at the programme's ``start``, ``at``, where the rule is written)."""
    if not isinstance(task, Mapping):
        return task
    key, value = at
    date = Scalar(value.line, value.column, start.isoformat(), start.isoformat(), False)
    found = task.get("not_before")
    if found is None:
        entries = [*task.entries, (Scalar(key.line, key.column, "not_before", "not_before", True), date)]
        return Mapping(task.line, task.column, entries, {**task.index, "not_before": len(task.entries)})
    own = _date(found[1].value if isinstance(found[1], Scalar) else None)
    if own is None or own >= start:
        return task  # an invalid date is the model's to report
    return _replaced(task, task.index["not_before"], found[0], date)


def programme_entries(root: Mapping) -> Iterator[tuple[int, Scalar, str, str]]:
    """(index, the node of ``file``, file, prefix) of each well-formed ``programmes`` entry.

    Entries without a file name or a valid prefix are the model's to report.
    """
    found = root.get("programmes")
    if found is None or not isinstance(found[1], Sequence):
        return
    for index, item in enumerate(found[1].items[:MAX_PROGRAMMES]):
        if not isinstance(item, Mapping):
            continue
        file, prefix = item.get("file"), item.get("prefix")
        if file is None or prefix is None or not isinstance(file[1], Scalar) or not isinstance(prefix[1], Scalar):
            continue
        written, text = file[1].value, prefix[1].value
        if isinstance(written, str) and written.strip() and isinstance(text, str) and _SLUG.match(text):
            yield index, file[1], written, text


def read_programmes(reach: Reach, top: SourceFile) -> list[Programme]:
    """Open, check and gather each programme of the portfolio ``top``, in order."""
    programmes = []
    found = top.root.get("programmes")
    if found is not None and isinstance(found[1], Sequence) and len(found[1].items) > MAX_PROGRAMMES:
        extra = found[1].items[MAX_PROGRAMMES]
        reach.report(top, extra, "programmes", f"a portfolio combines at most {MAX_PROGRAMMES} programmes")
    for index, node, written, prefix in programme_entries(top.root):
        key_path = SourceMap(top.root).display(("programmes", index, "file"))
        site = Site(top.name, node.line, prefix)
        file = reach.follow(top, node, written, site, (top.path,), key_path)
        if file is None:
            continue
        if "qualplan" not in file.root.index:
            reach.report(
                top,
                node,
                key_path,
                f"'{written}' is not a whole plan (it has no 'qualplan: 1'); a programme is a plan file, "
                "and fragments are named under 'include'",
            )
            continue
        if not reach.checked(file, Plan, _programme_header):
            continue
        nested = file.root.get("programmes")
        if nested is not None:
            reach.report(
                file,
                nested[0],
                "programmes",
                f"a programme is one plan and cannot combine programmes itself; list them in {top.name}",
            )
        definitions = reach.gather(file, (top.path, file.path), {file.path})
        tasks = file.root.get("tasks")
        if not any(entry.kind == "tasks" for entry in definitions.entries) and (
            tasks is None or isinstance(tasks[1], Sequence)
        ):
            where = tasks[0] if tasks is not None else file.root
            reach.report(file, where, "tasks", "a programme needs at least one task (of its own or included)")
        data = reach.own_data(file) or {}
        risk = _risk_default(reach, file, data)
        programmes.append(Programme(prefix, file, _date(data.get("start")), _horizon(data), definitions, risk))
    return programmes


def _programme_header(error: dict[str, Any]) -> bool:
    """Errors a programme's own check reports: its top-level values other than the definitions, which
    are checked in the portfolio, and ``tasks``, which its includes may bring."""
    loc = error["loc"]
    if loc[0] == "programmes":
        return False  # reported once, as a programme inside a programme
    if loc[0] == "tasks" and len(loc) == 1 and error["type"] in ("missing", "too_short"):
        return False
    return loc[0] in _HEADER_KEYS or len(loc) == 1


def span(top: Mapping, programmes: list[Programme]) -> tuple[dt.date | None, dict[str, str]]:
    """The portfolio's start, and the ``start`` and ``horizon`` it leaves out, derived from its programmes.

    The start is the programmes' earliest; the horizon reaches the latest of
    their last days (written as the programme's own horizon when that programme
    starts on the portfolio's start, else in days).
    """
    own_start = top.get("start")
    start = _date(own_start[1].value if own_start is not None and isinstance(own_start[1], Scalar) else None)
    derived: dict[str, str] = {}
    starts = [programme.start for programme in programmes if programme.start is not None]
    if own_start is None and starts:
        start = min(starts)
        derived["start"] = start.isoformat()
    spans = [programme for programme in programmes if programme.last_day is not None]
    if "horizon" not in top.index and start is not None and spans:
        latest = max(spans, key=lambda programme: programme.last_day or start)
        assert latest.last_day is not None and latest.horizon is not None
        days = (latest.last_day - start).days + 1
        if days >= 1:
            derived["horizon"] = latest.horizon.text if latest.start == start else f"{days}d"
    return start, derived


def definitions_of(programme: Programme, portfolio_start: dt.date | None) -> Definitions:
    """The programme's definitions as they join the portfolio: ids prefixed, its start kept for its tasks."""
    floor = programme.start if (programme.start and portfolio_start and programme.start > portfolio_start) else None
    start_entry = programme.file.root.get("start")
    joined = Definitions(containers=set(programme.definitions.containers))
    for entry in programme.definitions.entries:
        if entry.kind not in LISTED_KINDS:
            joined.entries.append(entry)
            continue
        node = prefixed(entry.node, entry.kind, programme.prefix)
        if entry.kind == "tasks" and floor is not None and start_entry is not None:
            node = with_earliest_start(node, floor, start_entry)
        if entry.kind == "tasks" and programme.risk is not None:
            node = with_risk_default(node, programme.risk)
        joined.entries.append(Entry(entry.kind, None, node, entry.file))
    return joined


def _risk_default(reach: Reach, file: SourceFile, data: dict[str, Any]) -> Mapping | None:
    """The programme's plan-level ``risk`` node when it is valid as a plan default, else None
    (its model errors are the programme check's; the plan-level rules are reported here)."""
    from pydantic import ValidationError

    from qualplan.checks import plan_risk
    from qualplan.model import Risk

    found = file.root.get("risk")
    if found is None or not isinstance(found[1], Mapping):
        return None
    try:
        default = Risk.model_validate(data.get("risk"))
    except ValidationError:
        return None
    findings = list(plan_risk(default))
    source = SourceMap(file.root)
    for finding in findings:
        line, column = source.position(finding.path)
        reach.report(file, Node(line, column), source.display(finding.path), finding.message)
    return None if findings else found[1]


def with_risk_default(task: Node, default: Mapping) -> Node:
    """A task with each key of the programme's ``risk`` that its own ``risk`` does not give
    (positioned where the programme writes them)."""
    if not isinstance(task, Mapping):
        return task
    found = task.get("risk")
    if found is None:
        key = Scalar(default.line, default.column, "risk", "risk", True)
        return Mapping(
            task.line, task.column, [*task.entries, (key, default)], {**task.index, "risk": len(task.entries)}
        )
    own = found[1]
    if not isinstance(own, Mapping):
        return task  # the model reports what is wrong with it
    missing = [(key, value) for key, value in default.entries if str(key.value) not in own.index]
    if not missing:
        return task
    entries = [*own.entries, *missing]
    index = {**own.index, **{str(key.value): len(own.entries) + n for n, (key, _) in enumerate(missing)}}
    return _replaced(task, task.index["risk"], found[0], Mapping(own.line, own.column, entries, index))


def _date(value: object) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _horizon(data: dict[str, Any]) -> Duration | None:
    try:
        horizon = parse_duration(data.get("horizon", "8y"))
    except (ValueError, DurationError):
        return None
    return horizon if horizon.days >= 1 else None


__all__ = [
    "ID_FIELDS",
    "MAX_PROGRAMMES",
    "Programme",
    "definitions_of",
    "prefixed",
    "programme_entries",
    "read_programmes",
    "span",
    "with_earliest_start",
    "with_risk_default",
]
