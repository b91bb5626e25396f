"""``qualplan needs``: the answer as text or JSON — pure functions of a ``NeedsReport``.

Three shapes of answer:

- ``met``: the units to add, their cost (and whether it is proved the least),
  the milestone dates of the re-checked schedule, and the ``--set`` arguments
  that reproduce it with ``qualplan check``;
- ``missed``: no addition helps. Either the resource-free bounds already put a
  milestone past its due date (``blocked``: the tests alone, or the windows),
  or the search proved it within ``--max`` (``beyond``: whether more units of
  the same resources would do, or other resources bind);
- ``unknown``: neither an answer nor a proof within the time limit.

JSON: ``{"format": 1, "plan", "verdict", "added", "cost", "milestones"}`` as
plan-format.md specifies, then qualplan's own keys.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualplan.model import FORMAT_VERSION
from qualplan.problem import Problem

if TYPE_CHECKING:
    from qualplan.commands.needs import Question
    from qualplan.result import SolveResult


@dataclass(frozen=True)
class Block:
    """A milestone that no equipment can save: its resource-free earliest dates against its due date.

    ``physics``: the tests alone (dependencies, durations, calendars, dates); ``seasons``:
    the same with the windows; day numbers, None when nothing fits the horizon.
    """

    milestone: str
    due: int
    physics: int | None
    seasons: int | None
    window_costs: tuple[tuple[str, int | None], ...] = ()

    @property
    def by(self) -> str:
        """What binds: ``tests`` (the tests alone are late) or ``windows``."""
        return "tests" if self.physics is None or self.physics > self.due else "windows"


@dataclass(frozen=True)
class Beyond:
    """What the search with unlimited units of the same resources found, after ``--max`` was proved too few.

    ``kind``: ``more`` (an answer exists above ``--max``: ``added``, ``cost``),
    ``none`` (proved: even unlimited units of these resources do not help), ``unknown``.
    """

    kind: str
    added: dict[str, int] | None
    cost: int | None
    least: bool
    others: tuple[str, ...]  # resources the plan uses that were not asked about


@dataclass(frozen=True)
class NeedsReport:
    """Everything ``needs`` prints for one plan."""

    plan: str
    path: Path
    question: Question
    sets: tuple[str, ...]
    verdict: str  # met | missed | unknown
    added: dict[str, int] = field(default_factory=dict)
    cost: int | None = None
    cost_bound: int | None = None
    least: bool = False
    dates_proved: bool = False
    arguments: tuple[str, ...] = ()
    check_options: tuple[str, ...] = ()  # --time-limit, --workers, --seed when not the defaults
    result: SolveResult | None = None
    blocked: tuple[Block, ...] = ()
    beyond: Beyond | None = None


def resource_free_blocks(problem: Problem) -> tuple[Block, ...]:
    """Milestones whose resource-free earliest date (with windows) is past their due date.

    Exact (``explain.bounds.layers``: CPM with unlimited resources), so each is a
    proof that no amount of equipment meets that due date.
    """
    from qualplan.explain.bounds import layers, milestone_bounds

    layered = layers(problem)
    blocks = []
    for milestone, spec in problem.milestones.items():
        if spec.due is None:
            continue
        seasons = layered.seasons.start[milestone]
        if seasons is not None and seasons <= spec.due:
            continue
        bounds = milestone_bounds(layered, milestone, None, ())
        blocks.append(Block(milestone, spec.due, bounds.physics, bounds.seasons, bounds.window_costs))
    return tuple(blocks)


def render(report: NeedsReport, output_format: str) -> str:
    """The report as ``text`` or ``json``."""
    if output_format == "json":
        from qualplan.report.json_doc import dumps

        return dumps(document(report))
    return text(report)


# --- text ---------------------------------------------------------------------------------------


def text(report: NeedsReport) -> str:
    """The answer in a few lines: what was asked, the answer, the dates, how to check it."""
    question = report.question
    asked = ", ".join(f"{name} at {cost} a unit" for name, cost in question.costs.items())
    lines = [
        f"{report.plan}  needs  ({report.path.as_posix()})",
        f"asked: {asked}; from {question.first}; at most {question.max_units} more{_each(question)}",
    ]
    if report.sets:
        lines.insert(1, "what if: " + ", ".join(f"--set {argument}" for argument in report.sets))
    if report.verdict == "met":
        lines += _met_lines(report)
    elif report.verdict == "missed":
        lines += _missed_lines(report)
    else:
        bound = (
            f"; proved so far: any expansion that does costs at least {report.cost_bound}" if report.cost_bound else ""
        )
        lines.append(
            "verdict: unknown — no expansion that meets every due date was found in the time limit, "
            f"and none was proved impossible{bound}; try a longer --time-limit"
        )
    return "\n".join(lines) + "\n"


def _met_lines(report: NeedsReport) -> list[str]:
    from qualplan.report.text import _console, milestone_table

    added = {name: units for name, units in report.added.items() if units}
    if not added:
        answer = "answer: no extra units — every due date is already met (cost 0)"
    else:
        units = ", ".join(f"{units} {name}" for name, units in added.items())
        proof = (
            "proved the least cost"
            if report.least
            else "not proved the least (proved: every expansion that meets the dates costs at least "
            f"{report.cost_bound or 0})"
        )
        answer = f"answer: add {units} — cost {report.cost}, {proof}"
        if report.least:
            answer += "; among the expansions of that cost, the earliest dates" + (
                " (proved)" if report.dates_proved else " found in the time limit"
            )
    lines = [answer]
    assert report.result is not None
    console, buffer = _console(False, 120)
    console.print(milestone_table(report.result, 120))
    lines += [line.rstrip() for line in buffer.getvalue().splitlines()]
    lines.append("verdict: met — every due date is met with the units added (re-checked and verified)")
    if report.arguments:
        command = ["qualplan", "check", report.path.as_posix(), *report.check_options]
        for argument in [*report.sets, *report.arguments]:
            command += ["--set", argument]
        lines.append("check it: " + shlex.join(command))
    return lines


def _missed_lines(report: NeedsReport) -> list[str]:
    lines = []
    start = report.question.start
    for block in report.blocked:
        lines.append(f"{block.milestone} cannot be met by adding capacity: {_block_reason(block, start)}")
    if report.blocked:
        lines.append("verdict: missed — no equipment meets every due date (proved by the resource-free bounds)")
        return lines
    beyond = report.beyond
    names = ", ".join(report.question.costs)
    most = report.question.max_units
    of = "units of each of" if len(report.question.costs) > 1 else "units of"
    lines.append(f"no addition of at most {most} {of} {names} meets every due date (proved)")
    if beyond is not None and beyond.kind == "more":
        assert beyond.added is not None
        units = ", ".join(f"{units} {name}" for name, units in beyond.added.items() if units)
        least = "the least" if beyond.least else "not proved the least"
        lines.append(f"more would: {units} (cost {beyond.cost}, {least}); raise --max")
    elif beyond is not None and beyond.kind == "none":
        cause = f"other resources bind ({', '.join(beyond.others)})" if beyond.others else "nothing else is asked"
        if report.question.first > report.question.start:
            cause += f", or the days before --from {report.question.first}"
        lines.append(f"no number of units of {names} would (proved): {cause}")
    elif beyond is not None:
        lines.append("whether more units would help was not decided in the time limit")
    lines.append("verdict: missed")
    return lines


def _block_reason(block: Block, start: dt.date) -> str:
    """``the tests alone end 2028-05-20, 141 days late`` or the windows' version."""
    if block.physics is None:
        return "even with unlimited equipment and no windows nothing fits inside the horizon"
    if block.by == "tests":
        late = block.physics - block.due
        return f"the tests alone end {_date(start, block.physics)}, {_days(late)} late"
    windows = ", ".join(name if cost is None else f"{name} {cost} d" for name, cost in block.window_costs)
    named = f" ({windows})" if windows else ""
    if block.seasons is None:
        return f"with the windows{named} nothing fits inside the horizon"
    late = block.seasons - block.due
    return (
        f"the windows{named} put it at {_date(start, block.seasons)} at the earliest, {_days(late)} late "
        f"(the tests alone would end {_date(start, block.physics)})"
    )


# --- JSON ---------------------------------------------------------------------------------------


def document(report: NeedsReport) -> dict[str, Any]:
    """The JSON document: the spec's keys first, then qualplan's."""
    from qualplan.report.json_doc import document as check_document

    milestones: list[dict[str, Any]] = []
    if report.result is not None:
        milestones = check_document(report.result, report.path)["milestones"]
    question = report.question
    start = question.start
    added = {name: units for name, units in report.added.items() if units} if report.verdict == "met" else {}
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "plan": report.plan,
        "verdict": report.verdict,
        "added": added,
        "cost": report.cost if report.verdict == "met" else None,
        "milestones": milestones,
        "file": report.path.as_posix(),
        "asked": {"costs": dict(question.costs), "from": question.first.isoformat(), "max": question.max_units},
        "least": report.least if report.verdict == "met" else None,
        "cost_bound": report.cost_bound,
        "dates_proved": report.dates_proved if report.verdict == "met" else None,
        "set": list(report.arguments),
    }
    if report.blocked:
        doc["blocked"] = [
            {
                "milestone": block.milestone,
                "by": block.by,
                "due": _date(start, block.due),
                "tests_alone": _date(start, block.physics),
                "with_windows": _date(start, block.seasons),
                "windows": {name: cost for name, cost in block.window_costs},
            }
            for block in report.blocked
        ]
    if report.beyond is not None:
        doc["beyond_max"] = {
            "kind": report.beyond.kind,
            "added": {name: units for name, units in (report.beyond.added or {}).items() if units},
            "cost": report.beyond.cost,
            "other_resources": list(report.beyond.others),
        }
    return doc


# --- wording ------------------------------------------------------------------------------------


def _date(start: dt.date, day: int | None) -> str | None:
    return None if day is None else (start + dt.timedelta(days=day)).isoformat()


def _each(question: Question) -> str:
    """`` of each`` when several resources were asked about."""
    return " of each" if len(question.costs) > 1 else ""


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
