"""``check --baseline OLD.json``: what moved since an earlier plan (the variance view of P6 and MS Project).

The baseline is an earlier ``check --format json`` output of the same plan (one
document, or the array ``check`` prints for several plans: the plan is matched by
its id). Both sides are compared as those documents, so a baseline written by any
earlier qualplan that printed the spec's fields reads the same way:

- per milestone, ``slip_days`` = its date now − its baseline date (positive: later);
- per task, the start and end variance in days, the same way round;
- an id the baseline does not have is **new**; ids only the baseline has are listed
  as removed.

``load`` raises ``BaselineError`` with a one-line message that names the file; the
command prints it and exits 2.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualplan.model import parse_date


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and says why."""


@dataclass(frozen=True)
class Baseline:
    """The documents of a baseline file, by plan id."""

    path: Path
    documents: dict[str, dict[str, Any]]

    def for_plan(self, plan_id: str) -> dict[str, Any]:
        """The baseline document of ``plan_id``; ``BaselineError`` when the file has none."""
        if plan_id in self.documents:
            return self.documents[plan_id]
        held = ", ".join(f"'{name}'" for name in self.documents)
        raise BaselineError(f"--baseline {self.path}: no plan '{plan_id}' in it (it holds {held})")


@dataclass(frozen=True)
class Variance:
    """One date against its baseline: ``days`` = now − baseline (None when either has no date);
    ``new`` when the id is not in the baseline at all."""

    baseline: dt.date | None
    days: int | None
    new: bool = False


def load(path: Path) -> Baseline:
    """Read a baseline file: one ``check --format json`` document or an array of them."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BaselineError(f"--baseline {path}: cannot read the file: {reason}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"--baseline {path}: not JSON (line {error.lineno} column {error.colno}: {error.msg}); "
            "give the output of an earlier 'qualplan check --format json'"
        ) from None
    documents = value if isinstance(value, list) else [value]
    found: dict[str, dict[str, Any]] = {}
    for position, document in enumerate(documents):
        problem = _not_a_check_document(document)
        if problem is not None:
            where = f"item {position + 1}: " if isinstance(value, list) else ""
            raise BaselineError(f"--baseline {path}: {where}not a 'qualplan check --format json' document ({problem})")
        found.setdefault(document["plan"], document)
    if not found:
        raise BaselineError(f"--baseline {path}: an empty array holds no plan")
    return Baseline(Path(path), found)


def _not_a_check_document(document: object) -> str | None:
    """Why ``document`` is not a check document, or None when it is one."""
    if not isinstance(document, dict):
        return "expected a JSON object"
    if document.get("format") != 1:
        return "no '\"format\": 1'"
    if not isinstance(document.get("plan"), str):
        return "no 'plan' id"
    for key, fields in (("milestones", ("id", "date")), ("tasks", ("id", "start", "end"))):
        items = document.get(key)
        if not isinstance(items, list):
            return f"no '{key}' list"
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                return f"an entry of '{key}' without an 'id'"
            for field in fields[1:]:
                if item.get(field) is not None and _date(item[field]) is None:
                    return f"'{key}' entry '{item['id']}' has {field} {item[field]!r}, not a date YYYY-MM-DD"
    return None


def milestone_slips(document: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Variance]:
    """Each milestone of ``document`` (a check document) against ``baseline``, by id."""
    old = {item["id"]: item for item in baseline["milestones"]}
    return {item["id"]: _variance(item.get("date"), old.get(item["id"]), "date") for item in document["milestones"]}


def task_variances(document: dict[str, Any], baseline: dict[str, Any]) -> dict[str, tuple[Variance, Variance]]:
    """Each task of ``document``: (start variance, end variance) against ``baseline``, by id."""
    old = {item["id"]: item for item in baseline["tasks"]}
    return {
        item["id"]: (
            _variance(item.get("start"), old.get(item["id"]), "start"),
            _variance(item.get("end"), old.get(item["id"]), "end"),
        )
        for item in document["tasks"]
    }


def annotate(document: dict[str, Any], baseline: dict[str, Any], path: Path) -> dict[str, Any]:
    """``document`` with the baseline fields added (a new dict; see docs/check.md):
    per milestone ``baseline``, ``slip_days``, ``new``; per task ``baseline_start``,
    ``baseline_end``, ``start_variance_days``, ``end_variance_days``, ``new``; and a
    top-level ``baseline`` with the file, its status date and the ids it alone has."""
    slips = milestone_slips(document, baseline)
    variances = task_variances(document, baseline)
    milestones = [
        {**item, "baseline": _iso(slips[item["id"]].baseline), "slip_days": slips[item["id"]].days,
         "new": slips[item["id"]].new}
        for item in document["milestones"]
    ]  # fmt: skip
    tasks = []
    for item in document["tasks"]:
        start, end = variances[item["id"]]
        tasks.append(
            {
                **item,
                "baseline_start": _iso(start.baseline),
                "baseline_end": _iso(end.baseline),
                "start_variance_days": start.days,
                "end_variance_days": end.days,
                "new": start.new,
            }
        )
    removed = {
        key: sorted({entry["id"] for entry in baseline[key]} - {entry["id"] for entry in document[key]})
        for key in ("tasks", "milestones")
    }
    return {
        **document,
        "milestones": milestones,
        "tasks": tasks,
        "baseline": {"file": path.as_posix(), "status_date": baseline.get("status_date"), "removed": removed},
    }


#: Tasks named in the text output's baseline line, those whose end moved most first.
MOVED_SHOWN = 3


def summary_line(document: dict[str, Any], baseline: dict[str, Any], path: Path) -> str:
    """``against the baseline old.json: 2 tasks end later (c60-b-life +15 d, c60-report +11 d), 1 new``."""
    variances = task_variances(document, baseline)
    moved = sorted(
        ((end.days, task) for task, (_, end) in variances.items() if end.days),
        key=lambda item: (-abs(item[0]), item[1]),
    )
    later = sum(days > 0 for days, _ in moved)
    earlier = len(moved) - later
    tasks = f"task{'' if len(moved) == 1 else 's'}"
    if later and earlier:
        text = f"{len(moved)} {tasks} end on another day: {later} later, {earlier} earlier"
    elif moved:
        text = f"{len(moved)} {tasks} end {'later' if later else 'earlier'}"
    else:
        text = "no task ends on another day"
    if moved:
        shown = ", ".join(f"{task} {days:+d} d" for days, task in moved[:MOVED_SHOWN])
        text += f" ({shown}{', ...' if len(moved) > MOVED_SHOWN else ''})"
    new = sum(start.new for start, _ in variances.values())
    if new:
        text += f"; {new} new task{'' if new == 1 else 's'}"
    removed = len({entry["id"] for entry in baseline["tasks"]} - set(variances))
    if removed:
        text += f"; {removed} task{'' if removed == 1 else 's'} no longer in the plan"
    return f"against the baseline {path.as_posix()}: {text}"


def slip_text(variance: Variance) -> str:
    """The text table's ``slip`` cell: ``+12 d`` (later), ``-3 d`` (earlier), ``0 d``, ``new``, or ``—``."""
    if variance.new:
        return "new"
    if variance.days is None:
        return "—"
    return f"{variance.days:+d} d" if variance.days else "0 d"


def _variance(now: object, old: dict[str, Any] | None, field: str) -> Variance:
    if old is None:
        return Variance(None, None, new=True)
    before, after = _date(old.get(field)), _date(now)
    days = None if before is None or after is None else (after - before).days
    return Variance(before, days)


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
