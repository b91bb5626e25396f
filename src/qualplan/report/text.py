"""``check`` in a terminal: per plan, a table of milestones and a verdict line.

The table reads milestone, due, date in the best schedule, slack (due − date) or
days late, and the milestone's outcome. A late milestone reads ``missed`` only
when the plan's verdict is ``missed`` (lateness proved unavoidable); under an
``unknown`` verdict it reads ``late``, because a time-out proves nothing.

``render`` returns text (with ANSI colours only when asked), so the command
decides where it goes and tests can pin it.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from qualplan.result import MilestoneOutcome, SolveResult, SolveStatus, StoppedBy, Verdict, schedule_times

_STYLE = {Verdict.MET: "bold green", Verdict.MISSED: "bold red", Verdict.UNKNOWN: "bold yellow"}
#: Said when the wall-clock deadline, not the work budget, ended the search (``result.stopped_by``).
CLOCK_NOTE = (
    "note: the time limit ran out on the wall clock before the work budget (busy machine?); "
    "a rerun may give a different schedule"
)


def render(
    result: SolveResult,
    path: Path | None = None,
    *,
    why: Mapping[str, str] | None = None,
    color: bool = False,
    width: int = 100,
    slips: Mapping[str, str] | None = None,
    baseline_line: str | None = None,
) -> str:
    """One plan's result: heading, milestone table, a "why" line per late milestone, schedule span, verdict.

    ``why`` maps a milestone id to its one-line reason (``qualplan.explain.why_lines``);
    ``slips`` (``check --baseline``) a milestone id to its slip cell (``baseline.slip_text``),
    which adds a ``slip`` column, and ``baseline_line`` the tasks' variance in one line.
    """
    console, buffer = _console(color, width)
    plan = result.problem.plan
    heading = Text(plan.id, style="bold")
    if plan.title:
        heading.append(f"  {plan.title}")
    if path is not None:
        heading.append(f"  ({path.as_posix()})", style="dim")
    console.print(heading)
    if plan.milestones:
        console.print(milestone_table(result, width, slips))
    else:
        console.print("  (the plan has no milestones)")
    for milestone_id, reason in (why or {}).items():
        console.print(f"why {milestone_id} is late: {reason.removeprefix('why: ')}", soft_wrap=True)
    progress = progress_line(result)
    if progress:
        console.print(progress, soft_wrap=True)
    if baseline_line:
        console.print(baseline_line, soft_wrap=True)
    span = schedule_span(result)
    if span:
        console.print(span)
    console.print(verdict_line(result), soft_wrap=True)
    for conflict in result.conflicts:
        console.print(f"  - {conflict}", soft_wrap=True)
    if result.stopped_by is StoppedBy.CLOCK:
        console.print(CLOCK_NOTE, soft_wrap=True)
    # Rich pads table cells to the column width; trailing blanks only get in the way of diffs and tests.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def milestone_table(result: SolveResult, width: int = 100, slips: Mapping[str, str] | None = None) -> Table:
    """Milestone, name, due, date, slack or lateness, (with ``slips``) slip against a baseline,
    outcome: one row per milestone in plan order.

    Only the name column gives way in a narrow terminal (cut with an ellipsis, or
    left out below 8 columns): ids and dates are never cut.
    """
    plan = result.problem.plan
    headers: tuple[str, ...] = ("milestone", "name", "due", "date", "slack / late", "")
    if slips is not None:
        headers = (*headers[:5], "slip", "")
    rows = []
    for outcome in result.milestone_outcomes():
        milestone = plan.milestone(outcome.id)
        slip = () if slips is None else (Text(slips.get(outcome.id, "—")),)
        rows.append(
            (
                Text(outcome.id),
                Text(milestone.name or "", style="dim"),
                Text(_iso(outcome.due)),
                Text(_iso(outcome.date)),
                _slack(outcome),
                *slip,
                _outcome(outcome, result.verdict),
            )
        )
    widths = [max([cell_len(header), *(row[index].cell_len for row in rows)]) for index, header in enumerate(headers)]
    room = width - (sum(widths) - widths[1]) - 2 * (len(headers) - 1)
    show_name = min(room, widths[1]) >= 8
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for index, header in enumerate(headers):
        if index == 1 and not show_name:
            continue
        table.add_column(
            header,
            no_wrap=True,
            justify="right" if index == 4 or headers[index] == "slip" else "left",
            overflow="ellipsis" if index == 1 else "fold",
            max_width=room if index == 1 else None,
            min_width=widths[index],
        )
    for row in rows:
        table.add_row(*(cell for index, cell in enumerate(row) if index != 1 or show_name))
    return table


def verdict_line(result: SolveResult) -> Text:
    """The plan's verdict in one sentence, saying what was proved and what was only found."""
    line = Text("verdict: ")
    line.append(result.verdict.value, style=_STYLE[result.verdict])
    line.append(f" — {_verdict_reason(result)}")
    return line


def schedule_span(result: SolveResult) -> str | None:
    """``schedule: FIRST .. LAST (N tasks)`` for the best schedule, or None without one."""
    if result.schedule is None:
        return None
    problem = result.problem
    times = schedule_times(problem, result.schedule)
    starts = [times.start[task] for task in problem.tasks if times.start[task] is not None]
    ends = [times.end[task] for task in problem.tasks if times.end[task] is not None]
    if not starts or not ends:
        return None
    first, last = problem.date(min(starts)), problem.date(max(ends))
    count = len(problem.tasks)
    return f"schedule: {first.isoformat()} .. {last.isoformat()} ({count} task{'' if count == 1 else 's'})"


def progress_line(result: SolveResult) -> str | None:
    """``progress as of 2026-03-02: 1 task done, 1 running, 2 planned; 1 of 2 milestones reached``,
    or None for a plan without a status date."""
    plan = result.problem.plan
    if plan.status_date is None:
        return None
    states = Counter(task.state for task in plan.tasks)
    done = f"{states['done']} task{'' if states['done'] == 1 else 's'} done"
    reached = sum(milestone.actual is not None for milestone in plan.milestones)
    total = len(plan.milestones)
    milestones = f"; {reached} of {total} milestone{'' if total == 1 else 's'} reached" if total else ""
    return (
        f"progress as of {plan.status_date.isoformat()}: {done}, {states['running']} running, "
        f"{states['planned']} planned{milestones}"
    )


def summary(verdicts: list[Verdict], invalid: int = 0, failed: int = 0) -> str:
    """One line over several plans: ``3 plans: 1 met, 1 missed, 1 unknown``."""
    counts = Counter(verdicts)
    total = len(verdicts) + invalid + failed
    parts = [f"{counts[verdict]} {verdict.value}" for verdict in Verdict if counts[verdict]]
    if invalid:
        parts.append(f"{invalid} invalid")
    if failed:
        parts.append(f"{failed} internal error{'s' if failed > 1 else ''}")
    return f"{total} plan{'s' if total != 1 else ''}: {', '.join(parts) or 'none checked'}"


# --- wording -------------------------------------------------------------------------


def _verdict_reason(result: SolveResult) -> str:
    if result.status is SolveStatus.INFEASIBLE:
        return "no schedule fits inside the horizon (proved); these rules cannot all hold:"
    if result.schedule is None:
        return f"no schedule found in {result.wall_time:.1f} s, and none proved impossible; try a longer --time-limit"
    if result.verdict is Verdict.MET:
        return f"every due date is met; schedule {_quality(result)}"
    if result.verdict is Verdict.MISSED:
        return (
            f"no schedule meets every due date (proved: lateness of at least {result.lateness_bound} "
            f"priority-weighted days); best schedule has lateness {result.lateness}, {_quality(result)}"
        )
    return (
        f"the best schedule found in {result.wall_time:.1f} s has lateness {result.lateness} (priority-weighted "
        "days), and it was not proved that any due date must be missed; try a longer --time-limit"
    )


def _quality(result: SolveResult) -> str:
    """``optimal (proved)``, or when the schedule was found and how far from optimal it may be."""
    if result.proven:
        return "optimal (proved)"
    text = f"found in {result.wall_time:.1f} s, not proved optimal"
    if result.lateness is not None and result.lateness_bound < result.lateness:
        return f"{text} (lateness bound {result.lateness_bound})"
    gap = result.gap
    if gap:
        return f"{text} (gap {gap:.1%})"
    return text


def _slack(outcome: MilestoneOutcome) -> Text:
    if outcome.late_days is None or outcome.due is None or outcome.date is None:
        return Text("—", style="dim")
    if outcome.late_days > 0:
        return Text(f"{outcome.late_days} d late", style="red")
    return Text(f"{(outcome.due - outcome.date).days} d slack", style="green")


def _outcome(outcome: MilestoneOutcome, verdict: Verdict) -> Text:
    if outcome.met is None:
        return Text("no due date" if outcome.date is not None else "no date", style="dim")
    if outcome.met:
        return Text("met", style="green")
    return Text(
        "missed" if verdict is Verdict.MISSED else "late", style="red" if verdict is Verdict.MISSED else "yellow"
    )


def _iso(day) -> str:
    return "—" if day is None else day.isoformat()


def _console(color: bool, width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,  # plan text such as '[draft]' is not rich markup
        emoji=False,
    )
    return console, buffer
