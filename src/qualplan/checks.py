"""The static checks of a plan: everything that relates one part to another, without a solver.

Field rules (types, ranges, one-of choices) live on the models. Here are the rules
that need the whole plan: unique ids, references that resolve, no dependency
cycles, uses within capacity, calendars with working days, tasks that fit their
window and the horizon. They collect every problem rather than stopping at the
first, and they run even when the model rejected part of the file: references
and ids are read from the raw document, and the rules that need parsed values
use each calendar, window, resource and task that validates on its own. So one
run of ``qualplan validate`` lists a bad date *and* an unknown id.

Each finding carries a key path with list indices; the loader turns it into a
file position and a path named by ids.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from qualplan.actuals import TaskProgress, task_progress
from qualplan.calendar import WorkingDays, calendar_days, first_fit, window_occurrences, working_days
from qualplan.durations import DurationError, parse_duration
from qualplan.model import (
    DEFAULT_ATTEMPTS,
    Calendar,
    Milestone,
    Percent,
    Plan,
    Resource,
    Risk,
    Stage,
    Task,
    ThreePoint,
    Window,
    parse_date,
    parse_day_range,
)
from qualplan.problem import Link, dependency_links
from qualplan.validation_messages import Finding, closest

#: The longest horizon accepted: a qualification plan spans years, not centuries, and every
#: day-by-day rule (calendars, windows) walks the horizon.
MAX_HORIZON_YEARS = 100
MAX_HORIZON_DAYS = MAX_HORIZON_YEARS * 365
#: Plan starts outside these years are typos (and keep date arithmetic inside Python's range).
FIRST_YEAR, LAST_YEAR = 1900, 2999

NODE_KINDS = ("stages", "tasks", "milestones")
_KIND_NAMES = {"stages": "stage", "tasks": "task", "milestones": "milestone"}

Model = TypeVar("Model", bound=BaseModel)


def check(document: dict[str, Any], plan: Plan | None) -> list[Finding]:
    """Every cross-reference problem of the plan ``document`` (raw data), errors and warnings.

    ``plan`` is the validated plan, or None when the model rejected the document;
    then the checks use the parts of the document that validate on their own.
    """
    parts = _Parts.of(document, plan)
    findings: list[Finding] = []
    for rule in (
        _unique_ids,
        _references,
        _empty_stages_in_after,
        _cycles,
        _uses_within_capacity,
        _one_capacity_change_per_date,
        _unused_resources,
        _due_before_start,
        _calendar_durations_in_elapsed_units,
        _working_days_not_holidays,
        _risk,
        _progress_needs_status_date,
    ):
        findings.extend(rule(parts))
    time_findings = list(_start_and_horizon(parts))
    findings.extend(time_findings)
    if not time_findings and parts.start is not None and parts.days is not None:
        findings.extend(_calendars_have_working_days(parts))
        findings.extend(_make_up_days_override_something(parts))
        findings.extend(_tasks_fit(parts))
        findings.extend(_progress(parts))
    return findings


# --- the plan as far as it is valid ----------------------------------------------------------------


@dataclass
class _Parts:
    """The raw document, plus the parts that validate on their own (list items kept with their index)."""

    raw: dict[str, Any]
    start: dt.date | None = None
    days: int | None = None
    horizon_text: str = "8y"
    calendars: dict[str, Calendar] = field(default_factory=dict)
    windows: dict[str, Window] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    stages: list[tuple[int, Stage]] = field(default_factory=list)
    tasks: list[tuple[int, Task]] = field(default_factory=list)
    milestones: list[tuple[int, Milestone]] = field(default_factory=list)
    status_date: dt.date | None = None

    @classmethod
    def of(cls, raw: dict[str, Any], plan: Plan | None) -> _Parts:
        if plan is not None:
            return cls(
                raw,
                plan.start,
                plan.horizon.days,
                plan.horizon.text,
                dict(plan.calendars),
                dict(plan.windows),
                dict(plan.resources),
                list(enumerate(plan.stages)),
                list(enumerate(plan.tasks)),
                list(enumerate(plan.milestones)),
                plan.status_date,
            )
        parts = cls(raw)
        parts.start = _try(parse_date, raw.get("start"))
        parts.status_date = _try(parse_date, raw.get("status_date")) if "status_date" in raw else None
        horizon = _try(parse_duration, raw.get("horizon", "8y"))
        if horizon is not None and horizon.days >= 1:
            parts.days, parts.horizon_text = horizon.days, horizon.text
        parts.calendars = _valid_entries(Calendar, raw.get("calendars"))
        parts.windows = _valid_entries(Window, raw.get("windows"))
        parts.resources = _valid_entries(Resource, raw.get("resources"))
        parts.stages = _valid_items(Stage, raw.get("stages"))
        parts.tasks = _valid_items(Task, raw.get("tasks"))
        parts.milestones = _valid_items(Milestone, raw.get("milestones"))
        return parts

    def raw_items(self, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """The mappings of the list ``kind`` as written, with their index."""
        items = self.raw.get(kind)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield index, item

    def raw_names(self, kind: str) -> list[str]:
        """Ids defined for ``kind``: mapping keys (calendars, windows, resources) or list items' ids."""
        value = self.raw.get(kind)
        if isinstance(value, dict):
            return [name for name in value if isinstance(name, str)]
        return [item["id"] for _, item in self.raw_items(kind) if isinstance(item.get("id"), str)]

    def dependency_links(self) -> tuple[Link, ...]:
        """The dependencies among the valid stages, tasks and milestones, stages expanded."""
        return dependency_links(
            [stage for _, stage in self.stages],
            [task for _, task in self.tasks],
            [milestone for _, milestone in self.milestones],
        )


def _try(parse: Any, value: object) -> Any:
    try:
        return parse(value)
    except (ValueError, DurationError):
        return None


def _valid_entries(model: type[Model], value: object) -> dict[str, Model]:
    if not isinstance(value, dict):
        return {}
    valid = {}
    for name, entry in value.items():
        try:
            valid[name] = model.model_validate(entry)
        except ValidationError:
            continue
    return valid


def _valid_items(model: type[Model], value: object) -> list[tuple[int, Model]]:
    if not isinstance(value, list):
        return []
    valid = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            continue  # cannot validate; the model has said why
        try:
            valid.append((index, model.model_validate(item)))
        except ValidationError:
            continue
    return valid


# --- ids and references --------------------------------------------------------------------------


def _unique_ids(parts: _Parts) -> Iterator[Finding]:
    """Stage, task and milestone ids share one namespace, because ``after`` may name any of them."""
    seen: dict[str, str] = {}
    for kind in NODE_KINDS:
        for index, item in parts.raw_items(kind):
            node_id = item.get("id")
            if not isinstance(node_id, str):
                continue
            if node_id in seen:
                yield Finding(
                    (kind, index, "id"),
                    f"the id '{node_id}' is already used by a {seen[node_id]}; "
                    "stage, task and milestone ids must all differ",
                )
            else:
                seen[node_id] = _KIND_NAMES[kind]


def _references(parts: _Parts) -> Iterator[Finding]:
    """Every ``stage``, ``calendar``, ``window``, ``uses`` and ``after`` names something that exists."""
    node_ids = [name for kind in NODE_KINDS for name in parts.raw_names(kind)]
    targets = {
        "stage": ("stage", parts.raw_names("stages")),
        "calendar": ("calendar", parts.raw_names("calendars")),
        "window": ("window", parts.raw_names("windows")),
    }
    resources = parts.raw_names("resources")
    for kind in ("tasks", "milestones"):
        for index, item in parts.raw_items(kind):
            for key, (what, known) in targets.items():
                name = item.get(key)
                if kind == "tasks" and isinstance(name, str) and name not in known:
                    yield Finding((kind, index, key), _unknown(what, name, known))
            uses = item.get("uses")
            if kind == "tasks" and isinstance(uses, dict):
                for resource in uses:
                    if resource not in resources:
                        yield Finding((kind, index, "uses", resource), _unknown("resource", resource, resources), True)
            for path, target in _after_entries(kind, index, item):
                if target not in node_ids:
                    yield Finding(path, _unknown("task, stage or milestone", target, node_ids))


def _after_entries(kind: str, index: int, item: dict[str, Any]) -> Iterator[tuple[tuple, str]]:
    """(path of the id, the id) for each ``after`` entry that names an id in text."""
    entries = item.get("after")
    if not isinstance(entries, list):
        return
    for position, entry in enumerate(entries):
        if isinstance(entry, str):
            yield (kind, index, "after", position), entry
        elif isinstance(entry, dict) and isinstance(entry.get("on"), str):
            yield (kind, index, "after", position, "on"), entry["on"]


def _unknown(what: str, name: str, known: list[str]) -> str:
    suggestion = closest(name, known)
    if suggestion is not None:
        return f"unknown {what} '{name}'; did you mean '{suggestion}'?"
    if not known:
        kinds = "tasks, stages or milestones" if "," in what else f"{what}s"
        return f"unknown {what} '{name}'; the plan defines no {kinds}"
    return f"unknown {what} '{name}'"


def _empty_stages_in_after(parts: _Parts) -> Iterator[Finding]:
    """An ``after`` on a stage without tasks waits for nothing: almost certainly a slip."""
    staged = {item["stage"] for _, item in parts.raw_items("tasks") if isinstance(item.get("stage"), str)}
    empty = [name for name in parts.raw_names("stages") if name not in staged]
    other_ids = set(parts.raw_names("tasks")) | set(parts.raw_names("milestones"))
    for kind in ("tasks", "milestones"):
        for index, item in parts.raw_items(kind):
            for path, target in _after_entries(kind, index, item):
                if target in empty and target not in other_ids:
                    yield Finding(path, f"stage '{target}' has no tasks, so this dependency waits for nothing")


def _cycles(parts: _Parts) -> Iterator[Finding]:
    """One finding per group of mutually dependent nodes, naming a whole cycle in it."""
    if not _may_have_cycle(parts):
        return
    import networkx as nx

    from qualplan.graph import dependency_graph

    # Plan order (tasks, then milestones) decides where a cycle is reported, so the output is stable.
    nodes = [(kind, index, item.id) for kind in ("tasks", "milestones") for index, item in getattr(parts, kind)]
    graph = dependency_graph([node_id for _, _, node_id in nodes], parts.dependency_links())
    order = {node_id: (rank, kind, index) for rank, (kind, index, node_id) in enumerate(nodes)}
    for component in nx.strongly_connected_components(graph):
        first = min(component, key=lambda node: order[node])
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = _cycle_through(graph.subgraph(component), first)
        _, kind, index = order[first]
        yield Finding(
            _entry_path(parts, kind, index, cycle[-2]),
            f"dependency cycle: {' -> '.join(cycle)}; no schedule can satisfy it, remove one of these dependencies",
        )


def _may_have_cycle(parts: _Parts) -> bool:
    """Whether the dependencies can contain a cycle, by peeling off nodes without predecessors.

    The common case, a plan without cycles, is settled here in pure Python, so
    validating it never imports networkx (a tenth of the time budget of
    ``qualplan validate``); networkx then finds and names the cycle when there is one.
    A stage is one node here (its tasks lead into it, and it into whatever is
    ``after`` it), which has the same cycles as expanding it into one edge per
    task, without multiplying a big stage by its many successors.
    """
    tasks = [task for _, task in parts.tasks]
    nodes = [*tasks, *(milestone for _, milestone in parts.milestones)]
    stages = {stage.id for _, stage in parts.stages}
    succs: dict[str, list[str]] = {node: [] for node in [*(node.id for node in nodes), *stages]}
    for task in tasks:
        if task.stage in stages:
            succs[task.id].append(task.stage)
    for node in nodes:
        for entry in node.after or []:
            if entry.on in succs:
                succs[entry.on].append(node.id)
    waiting = dict.fromkeys(succs, 0)
    for targets in succs.values():
        for target in targets:
            waiting[target] += 1
    ready = [node for node, count in waiting.items() if count == 0]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        for succ in succs[node]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    return done < len(succs)


def _cycle_through(graph: Any, first: str) -> list[str]:
    """A cycle ``[first, ..., first]`` inside a strongly connected ``graph`` (shortest back path)."""
    import networkx as nx

    if graph.has_edge(first, first):
        return [first, first]
    best: list[str] | None = None
    for succ in sorted(graph.successors(first)):
        path = nx.shortest_path(graph, succ, first)
        if best is None or len(path) < len(best) - 1:
            best = [first, *path]
    assert best is not None  # a strongly connected component of 2+ nodes has a way back
    return best


def _entry_path(parts: _Parts, kind: str, index: int, pred: str) -> tuple:
    """The path of the ``after`` entry of node ``kind[index]`` that makes it depend on ``pred``."""
    stage_of = {task.id: task.stage for _, task in parts.tasks}
    item = getattr(parts, kind)[[i for i, _ in getattr(parts, kind)].index(index)][1]
    raw_entries = parts.raw[kind][index]["after"]
    for position, entry in enumerate(item.after or []):
        if entry.on == pred or (stage_of.get(pred) is not None and entry.on == stage_of[pred]):
            # point at the id itself, written bare or as `on:` of a mapping
            return (kind, index, "after", position, *(("on",) if isinstance(raw_entries[position], dict) else ()))
    return (kind, index, "after")  # pragma: no cover - every edge comes from an entry


# --- resources ------------------------------------------------------------------------------------


def _uses_within_capacity(parts: _Parts) -> Iterator[Finding]:
    """A task can never run if it holds more units than its resource ever has."""
    for index, task in parts.tasks:
        for name, units in task.uses.items():
            resource = parts.resources.get(name)
            if resource is not None and units > resource.largest_capacity:
                yield Finding(
                    ("tasks", index, "uses", name),
                    f"uses {_units(units)} of '{name}', but it never has more than {resource.largest_capacity}",
                )


def _one_capacity_change_per_date(parts: _Parts) -> Iterator[Finding]:
    """Two capacity changes of one resource on the same date: which one holds is nowhere written."""
    for name, resource in parts.resources.items():
        first: dict[dt.date, int] = {}
        for position, change in enumerate(resource.changes):
            if change.from_ not in first:
                first[change.from_] = position
                continue
            yield Finding(
                ("resources", name, "changes", position, "from"),
                f"a second capacity change on {change.from_} (change #{first[change.from_] + 1} is on the same "
                "date); give one change per date",
            )


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _unused_resources(parts: _Parts) -> Iterator[Finding]:
    used = set()
    for _, item in parts.raw_items("tasks"):
        if isinstance(item.get("uses"), dict):
            used.update(item["uses"])
    for name in parts.raw_names("resources"):
        if name not in used:
            yield Finding(("resources", name), f"no task uses resource '{name}'", at_key=True, warning=True)


# --- risk ------------------------------------------------------------------------------------------


def _risk(parts: _Parts) -> Iterator[Finding]:
    """The ``risk`` keys (plan-format.md, "Risk"): three-point order, the plan default's form,
    ``redo`` references, and keys that can have no effect."""
    default = _try_model(Risk, parts.raw.get("risk"))
    if default is not None:
        yield from plan_risk(default)
    yield from _redo_references(parts)
    for index, task in parts.tasks:
        if task.risk is None:
            continue
        if task.risk.duration is not None:
            path = ("tasks", index, "risk", "duration")
            yield from _three_point_order(path, task.risk.duration, task.days)
        yield from _risk_without_effect(index, task.risk, task.risk.over(default))


def _try_model(model: type[Model], value: object) -> Model | None:
    try:
        return model.model_validate(value) if value is not None else None
    except ValidationError:
        return None


def plan_risk(default: Risk) -> Iterator[Finding]:
    """The plan-level risk is a default for tasks of every length: relative spreads, no redo ids.
    (Also run on each programme's plan-level risk by ``assembly.portfolio``.)"""
    if default.duration is not None:
        if not default.duration.relative:
            key = "likely" if default.duration.likely is not None else "low"
            yield Finding(
                ("risk", "duration", key),
                "the plan-level duration is a default for tasks of every length: give 'low' and 'high' as "
                "percentages of each task's planned duration (e.g. {low: -5%, high: +20%})",
            )
        else:
            yield from _three_point_order(("risk", "duration"), default.duration, 100)
    if default.retest is not None and default.retest.redo:
        yield Finding(
            ("risk", "retest", "redo"),
            "redo names the tasks one test needs again; give it in that task's risk, not as a plan default",
        )


def _three_point_order(path: tuple, spread: ThreePoint, planned: int) -> Iterator[Finding]:
    """low <= likely <= high, with the likely duration the planned one when it is not given."""
    low, likely, high = spread.days(planned)
    if spread.relative:
        likely_text = "0%: a spread's low end is at most, and its high end at least, the planned duration"
    elif spread.likely is None:
        likely_text = f"the planned {_days(planned, 'days')} (the likely duration when 'likely' is not given)"
    else:
        likely_text = f"likely {_bound_text(spread.likely, likely)}"
    if low > likely:
        yield Finding((*path, "low"), f"low {_bound_text(spread.low, low)} is above {likely_text}")
    if likely > high:
        yield Finding((*path, "high"), f"high {_bound_text(spread.high, high)} is below {likely_text}")


def _bound_text(bound: object, days: Fraction) -> str:
    if isinstance(bound, Percent):
        return str(bound)
    return f"{bound} ({_days(int(days), 'days')})" if str(bound) != f"{int(days)}d" else str(bound)


def _redo_references(parts: _Parts) -> Iterator[Finding]:
    """Each ``redo`` entry names another task, once, that does not itself wait for the test."""
    tasks = parts.raw_names("tasks")
    others = {name: _KIND_NAMES[kind] for kind in ("stages", "milestones") for name in parts.raw_names(kind)}
    after: dict[str, set[str]] | None = None
    for index, item in parts.raw_items("tasks"):
        risk = item.get("risk")
        retest = risk.get("retest") if isinstance(risk, dict) else None
        redo = retest.get("redo") if isinstance(retest, dict) else None
        if not isinstance(redo, list):
            continue
        seen: set[str] = set()
        for position, name in enumerate(redo):
            path = ("tasks", index, "risk", "retest", "redo", position)
            if not isinstance(name, str):
                continue  # the model says what is wrong with it
            if name == item.get("id"):
                yield Finding(path, f"'{name}' is the test itself; it runs again after the fix anyway")
            elif name in others:
                yield Finding(path, f"'{name}' is a {others[name]}; redo names tasks to run again")
            elif name not in tasks:
                yield Finding(path, _unknown("task", name, tasks))
            elif name in seen:
                yield Finding(path, f"'{name}' is listed twice; each task runs again once per retest")
            else:
                after = after if after is not None else _waits_for(parts)
                if name in after.get(str(item.get("id")), set()):
                    yield Finding(
                        path,
                        f"'{name}' waits for '{item.get('id')}' (it depends on it), so it cannot run again "
                        "before the test does",
                    )
            seen.add(name)


def _waits_for(parts: _Parts) -> dict[str, set[str]]:
    """For each node, every node that depends on it, directly or through others."""
    succs: dict[str, list[str]] = {}
    for link in parts.dependency_links():
        succs.setdefault(link.pred, []).append(link.succ)
    reach: dict[str, set[str]] = {}
    for start in succs:
        seen: set[str] = set()
        stack = list(succs[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(succs.get(node, ()))
        reach[start] = seen
    return reach


def _risk_without_effect(index: int, own: Risk, effective: Risk) -> Iterator[Finding]:
    """Keys of a task's risk that can never change an iteration: almost certainly a slip."""
    fail = effective.fail or 0
    attempts = effective.attempts if effective.attempts is not None else DEFAULT_ATTEMPTS
    if own.fail and attempts == 1:
        yield Finding(
            ("tasks", index, "risk", "fail"),
            "with attempts 1 the only run always passes, so this chance of failure never applies",
            warning=True,
        )
    if own.retest is not None and fail == 0:
        yield Finding(
            ("tasks", index, "risk", "retest"),
            "this task never fails (no 'fail' here or in the plan's risk), so its retest never happens",
            at_key=True,
            warning=True,
        )


# --- dates and time -------------------------------------------------------------------------------


def _due_before_start(parts: _Parts) -> Iterator[Finding]:
    if parts.start is None:
        return
    for index, milestone in parts.milestones:
        if milestone.due is not None and milestone.due < parts.start:
            yield Finding(
                ("milestones", index, "due"),
                f"due {milestone.due} is before the plan start {parts.start}; it can never be met",
                warning=True,
            )


def _calendar_durations_in_elapsed_units(parts: _Parts) -> Iterator[Finding]:
    """Warn where ``8w`` or ``cycles`` on a working-day calendar would count *working* days.

    Format 1 counts a calendar task's duration in working days, so a week is 7
    working days there; a planner who means "8 working weeks" wants ``40d``.
    (Seen when the bundled plans were written: an easy trap.) The same rule
    turns 177 days of cycling into 177 working days, about 35 weeks of a
    five-day calendar instead of 25, though a cycler runs through the weekend.
    """
    for index, task in parts.tasks:
        if task.calendar is None:
            continue
        if task.cycles is not None:
            days = task.cycles.days
            yield Finding(
                ("tasks", index, "calendar"),
                f"on calendar '{task.calendar}' the cycling ({task.cycles.arithmetic()}) counts as {days} "
                "working days, so weekends and holidays stretch the test; a cycler runs every day: remove "
                f"'calendar', or if the test really pauses on non-working days, write 'duration: {days}d' "
                "instead of 'cycles'",
                warning=True,
            )
            continue
        if task.duration is None:
            continue
        unit = task.duration.text.lstrip("0123456789.")
        if unit in ("w", "mo", "y"):
            # Rounded up, so that even '0.1w' (1 day) suggests a valid duration of at least one day.
            working = -(-task.duration.days * 5 // 7)
            yield Finding(
                ("tasks", index, "duration"),
                f"'{task.duration.text}' on calendar '{task.calendar}' means "
                f"{_days(task.duration.days, 'working days')}; "
                f"write working days (e.g. '{working}d' for five-day weeks) "
                "if that is what you mean",
                warning=True,
            )


def _start_and_horizon(parts: _Parts) -> Iterator[Finding]:
    """Sanity limits that keep every day-by-day rule finite."""
    if parts.start is not None and not FIRST_YEAR <= parts.start.year <= LAST_YEAR:
        yield Finding(("start",), f"the plan start {parts.start} is not between {FIRST_YEAR} and {LAST_YEAR}")
    if parts.days is not None and parts.days > MAX_HORIZON_DAYS:
        yield Finding(
            ("horizon",),
            f"the horizon '{parts.horizon_text}' is {parts.days} days; the most is {MAX_HORIZON_YEARS}y "
            f"({MAX_HORIZON_DAYS} days)",
        )


def _calendars_have_working_days(parts: _Parts) -> Iterator[Finding]:
    assert parts.start is not None and parts.days is not None
    for name, calendar in parts.calendars.items():
        if not any(working_days(calendar, parts.start, parts.days)):
            yield Finding(
                ("calendars", name),
                f"calendar '{name}' has no working day within the horizon (every day is a weekend or holiday)",
                at_key=True,
            )


def _working_days_not_holidays(parts: _Parts) -> Iterator[Finding]:
    """A date listed both in ``working`` and in ``holidays`` is an error (plan-format.md):
    both are one-off dates, so one of them is a slip. A ``working`` date inside a
    ``yearly_holidays`` range is not: it is the one year's exception to a yearly rule
    (a works shutdown that one year works a day), which is what make-up days are for.

    Read from the raw entries, each parsed on its own, so the clash is reported even
    when another key of the calendar (a ``02-29``) is wrong too."""
    calendars = parts.raw.get("calendars")
    if not isinstance(calendars, dict):
        return
    for name, raw in calendars.items():
        if not isinstance(raw, dict):
            continue
        make_ups, holidays = (_day_ranges(raw.get(key)) for key in ("working", "holidays"))
        for index, make_up in make_ups:
            for other, holiday in holidays:
                first, last = max(make_up.first, holiday.first), min(make_up.last, holiday.last)
                if first > last:
                    continue
                both = first.isoformat() if first == last else f"{first}..{last}"
                shown = "" if (first, last) == (holiday.first, holiday.last) else f" ({holiday})"
                listed = "is listed as a make-up working day" if first == last else "are listed as make-up working days"
                yield Finding(
                    ("calendars", name, "working", index),
                    f"{both} {listed} here and as {'a holiday' if first == last else 'holidays'} in "
                    f"{{related}}{shown}; a day either works or not: remove it from 'working' or from 'holidays'",
                    related=("calendars", name, "holidays", other),
                )


def _day_ranges(value: object) -> list[tuple[int, Any]]:
    """The entries of a list of dates and ranges that parse, with their index."""
    if not isinstance(value, list):
        return []
    parsed = [(index, _try(parse_day_range, item)) for index, item in enumerate(value)]
    return [(index, span) for index, span in parsed if span is not None]


def _make_up_days_override_something(parts: _Parts) -> Iterator[Finding]:
    """Warn where a ``working`` entry changes no day of the horizon: each of its days is a
    working day anyway (no weekend day, no holiday), so its date is probably mistyped."""
    assert parts.start is not None and parts.days is not None
    for name, calendar in parts.calendars.items():
        if not calendar.working:
            continue
        without = working_days(calendar.model_copy(update={"working": []}), parts.start, parts.days)
        for index, make_up in enumerate(calendar.working):
            lo = max((make_up.first - parts.start).days, 0)
            hi = min((make_up.last - parts.start).days, parts.days - 1)
            if lo <= hi and all(without[lo : hi + 1]):
                what = (
                    f"{make_up} ({make_up.first.strftime('%A')}) is"
                    if make_up.first == make_up.last
                    else f"every day of {make_up} is"
                )
                yield Finding(
                    ("calendars", name, "working", index),
                    f"{what} a working day of calendar '{name}' anyway (neither a weekend day nor a holiday); "
                    "a make-up working day overrides a weekend day or a holiday: is the date right?",
                    warning=True,
                )


def _tasks_fit(parts: _Parts) -> Iterator[Finding]:
    """Each task fits the horizon, and some occurrence of its window, on its own (before dependencies)."""
    assert parts.start is not None and parts.days is not None
    start, days = parts.start, parts.days
    calendars = {name: calendar_days(calendar, start, days) for name, calendar in parts.calendars.items()}
    # occurrences by their last day, so those ending too early can be skipped with bisect
    occurrences = {
        name: sorted(window_occurrences(window, start, days), key=_end) for name, window in parts.windows.items()
    }
    last_day = start + dt.timedelta(days=days - 1)
    fits: dict[tuple, bool] = {}
    longest: dict[tuple, int | None] = {}
    for index, task in parts.tasks:
        if task.actual is not None:
            continue  # a started task is where it is: `_progress` checks its dates
        if task.calendar is not None and (task.calendar not in calendars or not calendars[task.calendar].days):
            continue  # an unknown or invalid calendar, or one without working days, is reported elsewhere
        calendar = calendars.get(task.calendar) if task.calendar else None
        length, unit = task.days, ("working days" if calendar is not None else "days")
        available = len(calendar.days) if calendar is not None else days
        if length > available:
            key = "cycles" if task.cycles is not None else "duration"
            derived = task.arithmetic() if task.cycles is not None else f"'{task.duration}' = {length} d"
            yield Finding(
                ("tasks", index, key),
                f"{derived} is longer than the horizon '{parts.horizon_text}' "
                f"({_days(available, unit)}, {start} to {last_day})",
            )
            continue
        earliest = max(0, (_earliest_date(parts, task) - start).days)
        if task.window is not None:
            if task.window not in occurrences:
                continue  # an unknown or invalid window is reported elsewhere
            # many tasks share a window, calendar and length: each question is answered once
            spans = occurrences[task.window]
            if (task.window, task.calendar) not in longest:
                longest[task.window, task.calendar] = _longest(spans, calendar)
            question = (task.window, task.calendar, earliest, length)
            if question not in fits:
                # only occurrences that are long enough and end late enough can hold the task
                late_enough = spans[bisect.bisect_left(spans, earliest + length - 1, key=_end) :]
                fits[question] = (longest[task.window, task.calendar] or 0) >= length and (
                    first_fit(late_enough, earliest, length, calendar) is not None
                )
            if not fits[question]:
                bounded = task.not_before is not None or parts.status_date is not None
                later = _earliest_date(parts, task) if bounded else None
                misfit = _window_misfit(task, longest[task.window, task.calendar], unit, later)
                yield Finding(("tasks", index, "window"), misfit)
        elif first_fit([(0, days - 1)], earliest, length, calendar) is None:
            yield Finding(
                ("tasks", index, "not_before" if task.not_before is not None else "duration"),
                f"a task of {_days(length, unit)} starting no earlier than {start + dt.timedelta(days=earliest)} "
                f"cannot end by the horizon's last day {last_day}",
            )


def _days(count: int, unit: str) -> str:
    """``1 day``, ``3 working days``."""
    return f"{count} {unit[:-1]}" if count == 1 else f"{count} {unit}"


def _end(span: tuple[int, int]) -> int:
    return span[1]


def _longest(spans: list[tuple[int, int]], calendar: WorkingDays | None) -> int | None:
    """Days (working days with a calendar) in the longest occurrence; None when there is none."""
    if not spans:
        return None
    if calendar is None:
        return max(hi - lo + 1 for lo, hi in spans)
    return max(bisect.bisect_right(calendar.days, hi) - bisect.bisect_left(calendar.days, lo) for lo, hi in spans)


def _earliest_date(parts: _Parts, task: Task) -> dt.date:
    """The first day a task that has not started may start: the plan start, its
    ``not_before`` and the status date (unstarted work never begins before it)."""
    assert parts.start is not None
    return max(parts.start, task.not_before or parts.start, parts.status_date or parts.start)


def _window_misfit(task: Task, longest: int | None, unit: str, earliest: dt.date | None) -> str:
    if longest is None:
        return f"window '{task.window}' has no occurrence within the horizon"
    after = "" if earliest is None else f" starting no earlier than {earliest}"
    return (
        f"a task of {_days(task.days, unit)}{after} cannot fit inside any occurrence of window '{task.window}' "
        f"within the horizon (the longest holds {_days(longest, unit)})"
    )


# --- progress: status date and actuals ------------------------------------------------------------


def _progress_needs_status_date(parts: _Parts) -> Iterator[Finding]:
    """Actual dates and remaining work are "as of" a date: without ``status_date`` they mean nothing."""
    if "status_date" in parts.raw:
        return
    fix = "add 'status_date: YYYY-MM-DD' (the date the progress is recorded as of) at the top level"
    for kind in ("tasks", "milestones"):
        for index, item in parts.raw_items(kind):
            for key in ("actual", "remaining"):
                if key in item:
                    yield Finding((kind, index, key), f"'{key}' needs the plan's 'status_date'; {fix}", at_key=True)


def _progress(parts: _Parts) -> Iterator[Finding]:
    """The rules of plan-format.md "Progress" that need the status date, in day numbers.

    Actual dates lie between the plan start and the status date; a running task's
    end stays inside the horizon; a milestone fixed by ``at`` before the status date
    must have been reached; the tasks already under way fit their resources from the
    status date on (an error: no schedule could help it), while over-use before it
    is only a warning, as is a dependency that the actual dates break.
    """
    assert parts.start is not None and parts.days is not None
    if parts.status_date is None:
        return
    start, last_day = parts.start, parts.start + dt.timedelta(days=parts.days - 1)
    status = parts.status_date
    if status > last_day:
        yield Finding(
            ("status_date",), f"the status date {status} is after the horizon's last day {last_day}; extend 'horizon'"
        )
        return
    dated_ok: set[str] = set()
    for index, task in parts.tasks:
        if task.actual is None:
            continue
        problems = [
            finding
            for key, day in (("start", task.actual.start), ("end", task.actual.end))
            if day is not None
            for finding in _actual_date(("tasks", index, "actual", key), f"actual {key}", day, start, status)
        ]
        yield from problems
        if not problems:
            dated_ok.add(task.id)
    for index, milestone in parts.milestones:
        if milestone.actual is not None:
            path = ("milestones", index, "actual")
            problems = list(_actual_date(path, "actual date", milestone.actual, start, status))
            yield from problems
            if not problems:
                dated_ok.add(milestone.id)
        elif milestone.at is not None and milestone.at < status:
            yield Finding(
                ("milestones", index, "at"),
                f"fixed date {milestone.at} is before the status date {status}, but the milestone has no 'actual'; "
                "record the date it was reached ('actual: YYYY-MM-DD'), or move 'at'",
            )
    status_day = (status - start).days
    calendars = {name: calendar_days(calendar, start, parts.days) for name, calendar in parts.calendars.items()}
    progress: dict[str, TaskProgress] = {}
    for index, task in parts.tasks:
        if task.id not in dated_ok or (task.calendar is not None and task.calendar not in calendars):
            continue
        found = task_progress(task, start, status_day, calendars)
        assert found is not None  # the task has an actual
        if found.end is None or found.end > parts.days - 1:
            key = "remaining" if task.remaining is not None else "actual"
            how = "its remaining work" if task.remaining is not None else "its planned duration from its actual start"
            yield Finding(
                ("tasks", index, key),
                f"the running task ends after the horizon's last day {last_day} with {how}; extend 'horizon'",
            )
            continue
        progress[task.id] = found
    yield from _progress_capacity(parts, progress, status_day)
    yield from _out_of_sequence(parts, progress, status_day, dated_ok)


def _actual_date(path: tuple, what: str, day: dt.date, start: dt.date, status: dt.date) -> Iterator[Finding]:
    if day > status:
        yield Finding(
            path, f"{what} {day} is after the status date {status}; progress is recorded only up to the status date"
        )
    if day < start:
        yield Finding(path, f"{what} {day} is before the plan start {start}; move 'start' back to {day} or earlier")


def _progress_capacity(parts: _Parts, progress: dict[str, TaskProgress], status_day: int) -> Iterator[Finding]:
    """The tasks under way alone must fit each resource from the status day on; before it, over-use
    is a warning (the past is not checked, and no schedule can change it)."""
    assert parts.start is not None and parts.days is not None
    uses = {task.id: task.uses for _, task in parts.tasks if task.id in progress}
    for name, resource in parts.resources.items():
        held = [(task_id, units[name]) for task_id, units in uses.items() if units.get(name, 0) > 0]
        if not held:
            continue
        capacity = _capacity_by_day(resource, parts.start, parts.days)
        in_use = [0] * parts.days
        for task_id, units in held:
            for day in range(max(progress[task_id].start, 0), progress[task_id].end + 1):
                in_use[day] += units
        for past in (True, False):
            days = range(0, min(status_day, parts.days)) if past else range(max(status_day, 0), parts.days)
            worst = max(days, key=lambda day: (in_use[day] - capacity[day], -day), default=None)
            if worst is None or in_use[worst] <= capacity[worst]:
                continue
            holders = ", ".join(
                f"'{task_id}' {units}"
                for task_id, units in held
                if progress[task_id].start <= worst <= progress[task_id].end
            )
            date = parts.start + dt.timedelta(days=worst)
            if past:
                yield Finding(
                    ("resources", name),
                    f"before the status date the recorded work held {in_use[worst]} units of '{name}' on {date} "
                    f"({holders}) but its capacity is {capacity[worst]}; days before the status date are not checked",
                    at_key=True,
                    warning=True,
                )
            else:
                yield Finding(
                    ("resources", name),
                    f"the tasks under way alone hold {in_use[worst]} units of '{name}' on {date} ({holders}), "
                    f"more than its capacity {capacity[worst]}; record the tasks that are done, or raise the capacity",
                    at_key=True,
                )


def _capacity_by_day(resource: Resource, start: dt.date, days: int) -> list[int]:
    """The capacity of ``resource`` on each day of the horizon (later changes on one day win)."""
    capacity = [resource.capacity] * days
    for change in sorted(resource.changes, key=lambda change: change.from_):
        first = max(0, (change.from_ - start).days)
        capacity[first:] = [change.capacity] * max(0, days - first)
    return capacity


def _out_of_sequence(
    parts: _Parts, progress: dict[str, TaskProgress], status_day: int, dated_ok: set[str]
) -> Iterator[Finding]:
    """A warning for each dependency into a started task or reached milestone that its actual
    dates break. A predecessor not yet started counts from the status day (it cannot start
    earlier), so a warning is certain, never a guess about the schedule."""
    assert parts.start is not None
    reached = {milestone.id: milestone.actual for _, milestone in parts.milestones if milestone.id in dated_ok}
    times: dict[str, tuple[int, int]] = {task_id: (found.start, found.end) for task_id, found in progress.items()}
    times.update({m: ((day - parts.start).days,) * 2 for m, day in reached.items() if day is not None})
    index_of = {item.id: (kind, index) for kind in ("tasks", "milestones") for index, item in getattr(parts, kind)}
    kinds = {"finish": "finish-to-start", "start": "start-to-start", "end": "finish-to-finish"}
    for link in parts.dependency_links():
        if link.succ not in times:
            continue
        succ_start, succ_end = times[link.succ]
        started = link.pred in times
        pred_start, pred_end = times.get(link.pred, (status_day, status_day))
        needed = link.earliest(pred_start, pred_end)
        actual = succ_end if link.succ_side == "end" else succ_start
        if actual >= needed:
            continue
        date = parts.start + dt.timedelta(days=actual)
        if link.into_milestone:
            subject = f"'{link.succ}' was reached {date}"
        else:
            subject = f"'{link.succ}' {'ends' if link.succ_side == 'end' else 'started'} {date}"
        if started:
            needed_date = parts.start + dt.timedelta(days=needed)
            kind_name = "" if link.into_milestone else f"{kinds[link.type]} "
            detail = f"its {kind_name}dependency on '{link.pred}' asks for {needed_date} or later"
        else:
            how = "" if link.into_milestone else f" ({kinds[link.type]})"
            detail = f"'{link.pred}', which it waits for{how}, has not started by the status date"
        kind, index = index_of[link.succ]
        yield Finding(
            _entry_path(parts, kind, index, link.pred),
            f"out of sequence: {subject}, but {detail}; the actual dates stand",
            warning=True,
        )


def check_fragment(document: dict[str, Any]) -> list[Finding]:
    """The checks a fragment (an included file) can make alone, with everything it includes.

    Unique ids, dependency cycles among its own tasks, uses within the capacity
    of its own resources, and the week-on-a-calendar warning. Not here: names it
    cannot resolve (an ``after`` or ``uses`` may name what the including plan
    defines), resources no task uses (a lab fragment lists the whole lab), and
    every rule that needs the plan's ``start`` and ``horizon``. All of them run
    on each plan that includes the fragment.
    """
    parts = _Parts.of(document, None)
    findings: list[Finding] = []
    for rule in (_unique_ids, _cycles, _uses_within_capacity, _calendar_durations_in_elapsed_units):
        findings.extend(rule(parts))
    return findings
