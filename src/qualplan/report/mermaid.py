"""``check --format mermaid``: the schedule as a Mermaid ``gantt`` block.

Paste it into a pull-request comment or a Markdown page and it draws. Dates
are explicit and inclusive (``inclusiveEndDates``), so ``2026-01-05,
2026-01-09`` reads the same as in the CSV: a five-day task. One section per
stage, then a section of milestones (``0d`` markers); critical tasks and late
milestones are tagged ``crit``. With progress (a status date and actuals), a
done task and a reached milestone are tagged ``done`` and a running task
``active``, after ``crit`` as Mermaid's documentation writes them
(``:crit, active, id, ...``; its parser takes the tags in any order).

Mermaid's gantt grammar is line based and has no quoting, so plan text is made
safe rather than escaped (see ``safe_text``): the lexer stops a task's name at
``:``, ``#`` or ``;``, treats ``%%`` and ``x%`` as comments, and reads a line
that starts with a keyword (``section``, ``title``, ``click``...) or a date as
that statement instead of a task.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qualplan.report.export_fields import task_state
from qualplan.report.rows import (
    MilestoneRow,
    critical_from_schedule,
    critical_map,
    milestone_rows,
    stage_groups,
    task_rows,
)
from qualplan.result import SolveResult

if TYPE_CHECKING:
    from qualplan.explain import Explanation

#: JavaScript's ``\s`` (the lexer's whitespace), plus the other control characters.
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
#: Characters Mermaid's gantt lexer treats as syntax, replaced by their full-width
#: forms (which CJK plan text uses anyway), so the name still reads the same.
_SYNTAX = str.maketrans({":": "：", "#": "＃", ";": "；", "%": "％"})
#: Statements the lexer tries before a task name: a name starting with one of them
#: would be read as that statement. Matched without the trailing space the lexer
#: needs, to stay safe across Mermaid versions.
_KEYWORD_START = re.compile(
    r"^(acc|call|click|href|gantt|date|inclusive|topaxis|axisformat|tickinterval|includes|excludes"
    r"|todaymarker|weekday|weekend|title|section|displaymode|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
#: A zero-width space: not whitespace to the lexer (JavaScript's ``\s`` does not
#: match it), invisible in the chart, and enough to stop a keyword match.
_KEYWORD_GUARD = "\u200b"
#: Words Mermaid reads as tags at the start of a task's data; never use them as ids.
_TAGS = frozenset({"active", "done", "crit", "milestone", "vert"})
#: The Mermaid tag of each task state (plan-format.md, "Progress"); a planned task has none.
_STATE_TAGS = {"done": "done", "running": "active", "planned": None}
_INDENT = "    "
MILESTONE_SECTION = "Milestones"


def render(result: SolveResult, explanation: Explanation | None = None) -> str:
    """The schedule of ``result`` as a Mermaid gantt block (text, ending in a newline).

    ``explanation`` (a ``qualplan.explain.Explanation``) gives the critical
    chains whose tasks are tagged ``crit``; without one they are walked from the
    schedule (``rows.critical_from_schedule``).
    """
    plan = result.problem.plan
    lines = [
        "gantt",
        f"{_INDENT}title {safe_text(plan.title or plan.id)} - verdict {result.verdict.value}",
        f"{_INDENT}dateFormat YYYY-MM-DD",
        f"{_INDENT}axisFormat %Y-%m",
        f"{_INDENT}inclusiveEndDates",
    ]
    if result.schedule is None:
        lines.append(f"{_INDENT}%% no schedule: {safe_text(_no_schedule_reason(result))}")
        return "\n".join(lines) + "\n"

    critical = critical_map(explanation) if explanation is not None else critical_from_schedule(result)
    rows = task_rows(result, critical)
    ids = mermaid_ids([row.id for row in rows] + [m.id for m in plan.milestones])
    for group in stage_groups(result, rows):
        lines.append(f"{_INDENT}section {safe_text(group.label)}")
        for row in group.tasks:
            tags = _tags(critical=row.critical, state=_STATE_TAGS[task_state(result, row.id)])
            dates = f"{row.start.isoformat()}, {row.end.isoformat()}"
            lines.append(f"{_INDENT}{safe_text(row.name, row.id)} :{tags}{ids[row.id]}, {dates}")
    milestones = [row for row in milestone_rows(result) if row.date is not None]
    if milestones:
        lines.append(f"{_INDENT}section {MILESTONE_SECTION}")
        for row in milestones:
            tags = _tags(critical=row.met is False, state="done" if row.reached else None, milestone=True)
            label = safe_text(_milestone_label(row), row.id)
            lines.append(f"{_INDENT}{label} :{tags}{ids[row.id]}, {row.date.isoformat()}, 0d")
    return "\n".join(lines) + "\n"


def safe_text(text: str, fallback: str = "-") -> str:
    """Plan text that Mermaid's gantt lexer reads as one plain name (see the module docstring).

    Line breaks, tabs and runs of blanks become one space; ``fallback`` stands in
    for text with nothing visible left (an empty name would leave a task without one).
    """
    text = _BLANKS.sub(" ", text.translate(_SYNTAX)).strip()
    if not text:
        text = fallback
    if _KEYWORD_START.match(text):
        text = _KEYWORD_GUARD + text
    return text


def mermaid_ids(ids: list[str]) -> dict[str, str]:
    """A Mermaid task id for each plan id: the id itself, unless Mermaid would read it as a tag.

    Plan ids are slugs, already safe inside task data; only ``crit``, ``done``
    and the other tag words need a new, unused name.
    """
    taken = set(ids)
    mapping = {}
    for plan_id in ids:
        if plan_id not in _TAGS:
            mapping[plan_id] = plan_id
            continue
        suffix = 1
        while f"{plan_id}-{suffix}" in taken:
            suffix += 1
        mapping[plan_id] = f"{plan_id}-{suffix}"
        taken.add(mapping[plan_id])
    return mapping


def _tags(*, critical: bool, state: str | None, milestone: bool = False) -> str:
    """The tags that open a task's data, each followed by ``, ``: ``crit, done, milestone, `` or empty."""
    tags = ["crit"] if critical else []
    if state is not None:
        tags.append(state)
    if milestone:
        tags.append("milestone")
    return "".join(f"{tag}, " for tag in tags)


def _milestone_label(row: MilestoneRow) -> str:
    if row.due is None:
        return row.name
    if row.met:
        return f"{row.name} (due {row.due.isoformat()}, met)"
    return f"{row.name} (due {row.due.isoformat()}, {row.late_days} d late)"


def _no_schedule_reason(result: SolveResult) -> str:
    if result.conflicts:
        return "no schedule fits the horizon - " + " / ".join(result.conflicts)
    return f"the solver found none within the time limit ({result.status.value})"
