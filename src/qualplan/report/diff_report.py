"""``qualplan diff``: a ``PlanDiff`` as text, Markdown (a pull-request comment) or JSON.

Pure functions of the record. The Markdown is written to be posted as it is: a
heading, a status line (``better``, ``worse``, ``mixed`` or ``unchanged``; no
emoji, so it reads the same in a mail notification and a terminal), a table of
milestones with due, old and new dates and the delta, and collapsible details for
the changed definitions and the critical chains.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qualplan.model import FORMAT_VERSION
from qualplan.plan_diff import ChainChange, ItemsDiff, KeyChange, MilestoneMove, PlanDiff

FORMATS = ("text", "markdown", "json")


def render(diff: PlanDiff, output_format: str) -> str:
    """``diff`` in one of ``FORMATS``."""
    if output_format == "json":
        from qualplan.report.json_doc import dumps

        return dumps(document(diff))
    if output_format == "markdown":
        return markdown(diff)
    return text(diff)


# --- text ---------------------------------------------------------------------------------------


def text(diff: PlanDiff) -> str:
    """For a terminal: verdicts, the milestone table, the changed definitions, the chains."""
    lines = [
        f"qualplan diff  {diff.old_name} -> {diff.new_name}",
        f"verdict: {_verdicts(diff, '->')} ({diff.status})",
    ]
    if diff.old_plan != diff.new_plan:
        lines.append(f"plan id: {diff.old_plan} -> {diff.new_plan}")
    rows = [("milestone", "due", "old", "new", "delta")]
    rows += [(move.id, _due(move, "->"), _old(move), _new(move), _delta(move)) for move in diff.milestones]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=False)]
        lines.append("  ".join([*cells, row[4].rjust(widths[4])]).rstrip())
    if not diff.milestones:
        lines.append("  (no milestones on either side)")
    for title, items in _definitions(diff):
        lines.append(f"{title}: {_counts(items)}")
        lines += [f"  + {item}" for item in items.added]
        lines += [f"  - {item}" for item in items.removed]
        lines += [f"  ~ {change.id}: {_key_changes(change.changes, '->')}" for change in items.changed]
    for chain in diff.chains:
        lines.append(f"critical chain of {chain.milestone}: {_chain_words(chain, lambda name: name)}")
    return "\n".join(lines) + "\n"


# --- Markdown -----------------------------------------------------------------------------------


def markdown(diff: PlanDiff) -> str:
    """A pull-request comment (GitHub-flavoured Markdown)."""
    lines = [
        f"### qualplan diff: {_code(diff.new_name)}",
        "",
        f"**Status: {diff.status}** — verdict {_verdicts(diff, '→')}; {_code(diff.old_name)} → {_code(diff.new_name)}",
        "",
    ]
    if diff.milestones:
        lines += ["| milestone | due | old | new | delta |", "| --- | --- | --- | --- | ---: |"]
        lines += [
            f"| {_code(move.id)} | {_due(move, '→')} | {_old(move)} | {_new(move)} | {_delta(move)} |"
            for move in diff.milestones
        ]
    else:
        lines.append("No milestones on either side.")
    for title, items in _definitions(diff):
        lines += ["", f"<details><summary>{title}: {_counts(items)}</summary>", ""]
        if items.empty:
            lines.append("No changes.")
        lines += [f"- added {_code(item)}" for item in items.added]
        lines += [f"- removed {_code(item)}" for item in items.removed]
        lines += [
            f"- changed {_code(change.id)}: {_key_changes(change.changes, '→', code=True)}" for change in items.changed
        ]
        lines += ["", "</details>"]
    if diff.chains:
        lines += ["", "<details><summary>Critical chains of late milestones</summary>", ""]
        lines += [f"- {_code(chain.milestone)}: {_chain_words(chain, _code)}" for chain in diff.chains]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# --- JSON ---------------------------------------------------------------------------------------


def document(diff: PlanDiff) -> dict[str, Any]:
    """The JSON document of plan-format.md ("What-if, capacity and diffs"), then qualplan's keys."""
    return {
        "format": FORMAT_VERSION,
        "old": {"verdict": diff.old_verdict.value, "file": diff.old_name, "plan": diff.old_plan},
        "new": {"verdict": diff.new_verdict.value, "file": diff.new_name, "plan": diff.new_plan},
        "milestones": [
            {
                "id": move.id,
                "old": _iso(move.old),
                "new": _iso(move.new),
                "delta_days": move.delta_days,
                "due": _iso(move.due),
                "old_due": _iso(move.old_due),
                "in_old": move.in_old,
                "in_new": move.in_new,
            }
            for move in diff.milestones
        ],
        "tasks": _items_document(diff.tasks),
        "status": diff.status,
        "resources": _items_document(diff.resources),
        "milestone_definitions": _items_document(diff.milestone_definitions),
        "chains": [
            {
                "milestone": chain.milestone,
                "old": list(chain.old),
                "new": list(chain.new),
                "joined": list(chain.joined),
                "left": list(chain.left),
            }
            for chain in diff.chains
        ],
    }


def _items_document(items: ItemsDiff) -> dict[str, Any]:
    return {
        "added": list(items.added),
        "removed": list(items.removed),
        "changed": [
            {
                "id": change.id,
                "keys": list(change.keys),
                "changes": [{"key": key.key, "old": key.old, "new": key.new} for key in change.changes],
            }
            for change in items.changed
        ],
    }


# --- wording ------------------------------------------------------------------------------------


def _definitions(diff: PlanDiff) -> list[tuple[str, ItemsDiff]]:
    """Tasks always; resources and milestone definitions when they changed."""
    parts = [("Tasks", diff.tasks)]
    if not diff.resources.empty:
        parts.append(("Resources", diff.resources))
    if not diff.milestone_definitions.empty:
        parts.append(("Milestone definitions", diff.milestone_definitions))
    return parts


def _verdicts(diff: PlanDiff, arrow: str) -> str:
    old, new = diff.old_verdict.value, diff.new_verdict.value
    return new + " (unchanged)" if old == new else f"{old} {arrow} {new}"


def _counts(items: ItemsDiff) -> str:
    return f"{len(items.added)} added, {len(items.removed)} removed, {len(items.changed)} changed"


def _key_changes(changes: tuple[KeyChange, ...], arrow: str, *, code: bool = False) -> str:
    """``cycles.count 1000 -> 800; after [build] -> [{on: build, lag: 2w}]``."""
    shown = []
    for change in changes:
        for key, old, new in _flat(change):
            before = "(none)" if old is None else (_code(old) if code else old)
            after = "(none)" if new is None else (_code(new) if code else new)
            shown.append(f"{key} {before} {arrow} {after}")
    return "; ".join(shown)


def _flat(change: KeyChange, prefix: str = "") -> list[tuple[str, str | None, str | None]]:
    key = prefix + change.key
    if change.inner:
        return [item for inner in change.inner for item in _flat(inner, key + ".")]
    return [(key, change.old, change.new)]


def _chain_words(chain: ChainChange, name) -> str:
    if not chain.joined and not chain.left:
        return "unchanged" if chain.new else "no chain on either side"
    parts = []
    if chain.joined:
        parts.append("joined " + ", ".join(name(task) for task in chain.joined))
    if chain.left:
        parts.append("left " + ", ".join(name(task) for task in chain.left))
    return "; ".join(parts)


def _due(move: MilestoneMove, arrow: str) -> str:
    """The due date; ``old -> new`` when the change moved it."""
    if move.in_old and move.in_new and move.old_due != move.due:
        return f"{_date(move.old_due)} {arrow} {_date(move.due)}"
    return _date(move.due)


def _old(move: MilestoneMove) -> str:
    if not move.in_old:
        return "(new)"
    return _date(move.old) if move.old is not None else "no date"


def _new(move: MilestoneMove) -> str:
    if not move.in_new:
        return "(removed)"
    return _date(move.new) if move.new is not None else "no date"


def _delta(move: MilestoneMove) -> str:
    delta = move.delta_days
    if delta is None:
        return "—"
    return "0 d" if delta == 0 else f"{delta:+d} d"


def _date(day: dt.date | None) -> str:
    return "—" if day is None else day.isoformat()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _code(text: str) -> str:
    """Inline code in Markdown, whatever backticks the text holds."""
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"
