"""``qualplan report``: one self-contained HTML page of a solve.

The page holds the verdict and milestone table, the Gantt chart, one capacity
chart per resource, the explanation of every milestone and the full task
table. plotly.js is embedded inline, and a Content-Security-Policy forbids
every fetch, image, font or frame from anywhere else, so the file opens the
same on a laptop with no network as on a server (and cannot phone home even
if a future plotly.js tried to).

Plan text is escaped everywhere it lands: ``html.escape`` in the page, and
figure labels are escaped before plotly sees them (``figures.text``); the
figure JSON itself is written by ``plotly.io.to_json``, which also escapes
``<``, ``>`` and ``/``, so nothing in a plan can close a ``<script>``.

The page is a pure function of the result and the explanation: no clock, no
random ids, no wall time, so the same plan and seed give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import plotly.io
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from qualplan.explain import Explanation
from qualplan.explain.text import (
    advice,
    bounds_sentence,
    conflict_lines,
    headline,
    length_text,
    link_length,
    reason_text,
    resource_lines,
    why_line,
)
from qualplan.report import figures

if TYPE_CHECKING:
    from qualplan.risk.stats import RiskSummary
from qualplan.report.rows import (
    MilestoneRow,
    TaskRow,
    critical_map,
    milestone_rows,
    stage_groups,
    stage_label,
    task_rows,
)
from qualplan.report.text import progress_line
from qualplan.result import SolveResult, SolveStatus, Verdict

#: Nothing may load from anywhere: scripts and styles are inline, images only
#: data:/blob: (plotly's "download as PNG" button draws into one).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
GANTT_ID = "qualplan-gantt"
RESOURCES_ID = "qualplan-resources"
RISK_CURVE_ID = "qualplan-risk-curve"
RISK_CRITICALITY_ID = "qualplan-risk-criticality"
#: Longest tests of a critical chain named in the milestone table.
LONGEST_SHOWN = 3


def render(result: SolveResult, explanation: Explanation | None = None, risk: RiskSummary | None = None) -> str:
    """The whole report page as text.

    ``explanation`` is a ``qualplan.explain.Explanation`` of ``result``; it gives
    the critical chains (highlighted in the chart) and the "why" of each
    milestone. Without it those parts are left out, never guessed. ``risk``, a
    risk run's summary (``report --risk-iterations N``), adds the risk section.
    """
    plan = result.problem.plan
    critical = critical_map(explanation)
    tasks = task_rows(result, critical)
    milestones = milestone_rows(result)
    groups = stage_groups(result, tasks)
    chains = _chains(explanation)

    body = [_header(result), _verdict_section(result, milestones, explanation, chains, tasks)]
    plots: list[tuple[str, str]] = []
    if result.schedule is not None:
        gantt = figures.gantt_figure(result, groups, milestones, chains)
        plots.append((GANTT_ID, plotly.io.to_json(gantt, validate=True)))
        body.append(_gantt_section(explanation is not None))
        first, last = figures.x_range(result, tasks, milestones)
        left = gantt.layout.margin.l
        resource_chart = figures.resource_figure(result, tasks, first, last, left=left)
        if resource_chart is not None:
            plots.append((RESOURCES_ID, plotly.io.to_json(resource_chart, validate=True)))
        body.append(_resources_section(resource_chart is not None))
    else:
        body.append(_no_schedule_section(result))
    if risk is not None:
        body.append(_risk_section(risk, plots))
    if explanation is not None:
        body.append(_explanation_section(explanation, tasks))
    body.append(_task_table(result, tasks))
    body.append(_footer())

    title = f"qualplan report: {plan.title or plan.id}"
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<meta name="generator" content="qualplan">\n',
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n",
            "\n".join(body),
            "\n</main>\n",
            _scripts(plots),
            "</body>\n</html>\n",
        ]
    )


# --- sections ---------------------------------------------------------------------------


def _header(result: SolveResult) -> str:
    plan = result.problem.plan
    verdict = result.verdict.value
    facts = [
        f"plan <code>{_e(plan.id)}</code>",
        f"starts {plan.start.isoformat()}",
        f"horizon {_e(plan.horizon.text)} (last day {plan.last_day.isoformat()})",
        f"{len(plan.tasks)} tasks, {len(plan.milestones)} milestones, {len(plan.resources)} resources",
    ]
    progress = progress_line(result)
    if progress is not None:
        facts.append(_e(progress))
    return (
        f"<header>\n<h1>{_e(plan.title or plan.id)}</h1>\n"
        f'<p class="facts">{" · ".join(facts)}</p>\n'
        f'<p class="verdict-line">Verdict: <span class="badge {verdict}">{verdict}</span> '
        f"{_e(_verdict_sentence(result))}</p>\n</header>"
    )


def _verdict_sentence(result: SolveResult) -> str:
    """The verdict in words, never claiming more than was proved."""
    if result.verdict is Verdict.MET:
        sentence = "Every due date is met in this schedule."
    elif result.verdict is Verdict.MISSED and result.schedule is None:
        sentence = "Proved: no schedule fits inside the horizon."
    elif result.verdict is Verdict.MISSED:
        sentence = (
            f"Proved: no schedule meets every due date (weighted lateness is at least "
            f"{result.lateness_bound} days; this schedule has {result.lateness})."
        )
    elif result.schedule is None:
        sentence = "Undecided: the time limit ran out before any schedule was found."
    else:
        sentence = (
            f"Undecided: the best schedule found within the time limit is {result.lateness} weighted days late, "
            f"and it is not proved that the due dates cannot be met."
        )
    if result.schedule is not None:
        if result.proven:
            sentence += " The schedule is proved optimal."
        elif result.status is SolveStatus.FEASIBLE:
            sentence += " The schedule is the best found in the time limit, not proved optimal."
    return sentence


def _verdict_section(
    result: SolveResult,
    milestones: list[MilestoneRow],
    explanation: Explanation | None,
    chains: dict[str, tuple[str, ...]],
    tasks: list[TaskRow],
) -> str:
    if not milestones:
        return '<section id="milestones"><h2>Milestones</h2><p>The plan has no milestones.</p></section>'
    by_id = {task.id: task for task in tasks}
    rows = []
    for milestone in milestones:
        state = figures.milestone_class(milestone)
        if milestone.met is None:
            outcome = "no due date"
        elif milestone.met:
            outcome = "met"
        else:
            outcome = f"{milestone.late_days} d late"
        set_by = _set_by(result, milestone.id, chains.get(milestone.id, ()), by_id)
        why = _e(why_line(explanation, milestone.id).removeprefix("why: ")) if explanation is not None else ""
        rows.append(
            f'<tr class="{state}"><td><b>{_e(milestone.name)}</b><br><code>{_e(milestone.id)}</code></td>'
            f'<td class="date">{_date(milestone.due)}</td><td class="date">{_date(milestone.date)}</td>'
            f'<td class="outcome">{_e(outcome)}</td><td>{milestone.priority}</td>'
            f"<td>{set_by}</td><td>{why}</td></tr>"
        )
    return (
        '<section id="milestones">\n<h2>Milestones</h2>\n<table class="milestones">\n'
        "<thead><tr><th>Milestone</th><th>Due</th><th>Date</th><th>Outcome</th><th>Priority</th>"
        "<th>Critical chain: its stages (nearest first) and longest tests</th><th>Why</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n</section>"
    )


def _set_by(result: SolveResult, milestone: str, chain: tuple[str, ...], by_id: dict[str, TaskRow]) -> str:
    """The critical chain at a glance: the stages it runs through, and its longest tests.

    The whole chain, link by link, is in the explanation section further down.
    """
    tasks = [by_id[node] for node in chain if node in by_id and by_id[node].span_days is not None]
    if not tasks:
        return "&mdash;"
    stages: list[str] = []
    for task in tasks:
        label = _stage_name(result, task.stage)
        if not stages or stages[-1] != label:
            stages.append(label)
    longest = sorted(tasks, key=lambda task: -(task.span_days or 0))[:LONGEST_SHOWN]
    tests = ", ".join(
        f"<code>{_e(task.id)}</code> {_e(length_text(task.days, task.calendar, task.span_days))}" for task in longest
    )
    count = f"{len(tasks)} task" if len(tasks) == 1 else f"{len(tasks)} tasks"
    return (
        f'<span class="stages">{" ← ".join(_e(stage) for stage in stages)}</span><br>'
        f'longest: {tests} · <a href="#explain-{_e(milestone)}">all {count}</a>'
    )


def _gantt_section(has_chains: bool) -> str:
    legend = (
        "Red bars are on the critical chain of a late milestone, orange bars on the chain of one that is not late "
        "(on time, or without a due date); blue bars have slack. "
        if has_chains
        else "No critical chain is highlighted (no explanation was available). "
    )
    return (
        '<section id="schedule">\n<h2>Schedule</h2>\n'
        f'<p class="hint">{legend}Diamonds are milestones, dashed lines due dates; a shaded row is the '
        "task's window, open; a pale gap in a bar is a holiday of the task's calendar. Grey is work done by "
        "the status date (the solid line), where the plan has one. "
        "Hover a bar for its dates, duration arithmetic, resources and standard. "
        "Drag to zoom, use the slider or scroll to move along the timeline, double-click to reset.</p>\n"
        f'<div id="{GANTT_ID}" class="plot"></div>\n</section>'
    )


def _resources_section(has_chart: bool) -> str:
    if not has_chart:
        return '<section id="resources"><h2>Lab resources</h2><p>The plan declares no lab resources.</p></section>'
    return (
        '<section id="resources">\n<h2>Lab resources</h2>\n'
        '<p class="hint">Units in use each day (filled) against the capacity profile (dashed); '
        "zooming one chart zooms the schedule too.</p>\n"
        f'<div id="{RESOURCES_ID}" class="plot"></div>\n</section>'
    )


def _no_schedule_section(result: SolveResult) -> str:
    if result.conflicts:
        items = "".join(f"<li>{_e(conflict)}</li>" for conflict in result.conflicts)
        detail = f"<p>These rules cannot all hold together:</p><ul>{items}</ul>"
    elif result.status is SolveStatus.INFEASIBLE:
        detail = "<p>No schedule fits inside the horizon.</p>"
    else:
        detail = "<p>The solver found no schedule within the time limit; try a longer <code>--time-limit</code>.</p>"
    return f'<section id="schedule"><h2>Schedule</h2>{detail}</section>'


def _risk_section(risk: RiskSummary, plots: list[tuple[str, str]]) -> str:
    """The risk run: its milestone table, the S-curves and the criticality chart (``report/risk_figures.py``)."""
    from qualplan.report import risk_figures

    rows = []
    for milestone in risk.milestones:
        chance = "&mdash;" if milestone.p_met is None else f"{milestone.p_met * 100:.1f} %"
        later = [*(milestone.percentiles[q] for q in (10, 50, 80, 90)), milestone.mean]
        dates = "".join(f'<td class="date">{_date(day) if day else "after the horizon"}</td>' for day in later)
        rows.append(
            f'<tr><td><code>{_e(milestone.id)}</code></td><td class="date">{_date(milestone.due)}</td>'
            f"<td>{chance}</td>{dates}</tr>"
        )
    parts = [
        '<section id="risk">\n<h2>Risk</h2>\n',
        f'<p class="hint">{risk.iterations:,} iterations, seed {risk.seed}, policy {_e(risk.policy)}: each draws '
        "every task's duration, lets tests fail and run again after their fix and redo builds, and schedules "
        "the result under every rule of the plan (docs/risk.md).</p>\n",
        '<table class="risk"><thead><tr><th>milestone</th><th>due</th><th>P(met)</th><th>P10</th><th>P50</th>'
        "<th>P80</th><th>P90</th><th>mean</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n",
    ]
    curve = risk_figures.s_curve_figure(risk)
    if curve is not None:
        plots.append((RISK_CURVE_ID, plotly.io.to_json(curve, validate=True)))
        parts.append(
            "<h3>When each due-dated milestone is reached</h3>\n"
            '<p class="hint">The share of iterations in which the milestone is reached on or before each day; '
            "the dashed line is its due date.</p>\n"
            f'<div id="{RISK_CURVE_ID}" class="plot"></div>\n'
        )
    critical = risk_figures.criticality_figure(risk)
    if critical is not None:
        plots.append((RISK_CRITICALITY_ID, plotly.io.to_json(critical, validate=True)))
        parts.append(
            "<h3>Most often on the critical chain</h3>\n"
            '<p class="hint">The share of iterations in which a task (any of its runs, fixes and redo builds) '
            "is on the milestone's critical chain.</p>\n"
            f'<div id="{RISK_CRITICALITY_ID}" class="plot"></div>\n'
        )
    parts.append("</section>")
    return "".join(parts)


def _explanation_section(explanation: Explanation, tasks: list[TaskRow]) -> str:
    """Each milestone's explanation from ``qualplan.explain``, with its chain as a table."""
    by_id = {task.id: task for task in tasks}
    blocks = ['<section id="explanation">\n<h2>Why each milestone lands where it does</h2>']
    for item in explanation.milestones:
        rows = []
        for link in item.chain:
            reasons = "; ".join(_e(reason_text(explanation, reason)) for reason in link.reasons)
            task = by_id.get(link.node)
            if link.is_milestone:
                what, when, length = "milestone", _date(_day(explanation, link.start)), ""
            else:
                what = _e(task.name) if task is not None else ""
                when = f"{_date(_day(explanation, link.start))} → {_date(_day(explanation, link.end))}"
                length = _e(link_length(link)) if link.start is not None else ""
            rows.append(
                f'<tr><td><code>{_e(link.node)}</code><br>{what}</td><td class="date">{when}</td>'
                f"<td>{length}</td><td>{reasons}</td></tr>"
            )
        table = ""
        if rows:
            # Open for a late milestone: that chain is what a planner came to read.
            opened = " open" if item.late_days else ""
            table = (
                f"<details{opened}><summary>Critical chain, link by link</summary>"
                '<table class="chain"><thead><tr><th>On the chain</th><th>Dates</th><th>Duration</th>'
                "<th>Why not a day earlier</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></details>"
            )
        blocks.append(
            f'<article class="milestone" id="explain-{_e(item.id)}">\n'
            f"<h3>{_e(headline(explanation, item))}</h3>\n"
            f"<p>{_e(bounds_sentence(explanation, item))}</p>\n"
            f"<p><b>To move it:</b> {_e(advice(explanation, item))}</p>\n{table}\n</article>"
        )
    if explanation.resources:
        lines = resource_lines(explanation)
        blocks.append(f"<h3>Resources</h3>\n<pre>{_e(chr(10).join(lines))}</pre>")
    if explanation.conflict is not None:
        lines = conflict_lines(explanation.conflict)
        blocks.append(f"<h3>Conflict</h3>\n<pre>{_e(chr(10).join(lines))}</pre>")
    blocks.append("</section>")
    return "\n".join(blocks)


def _task_table(result: SolveResult, tasks: list[TaskRow]) -> str:
    rows = []
    for task in tasks:
        uses = ", ".join(f"{_e(name)} × {units}" for name, units in task.uses)
        flag = "critical" if task.critical else ""
        rows.append(
            f'<tr class="{flag}"><td><code>{_e(task.id)}</code></td><td>{_e(task.name)}</td>'
            f"<td>{_e(_stage_name(result, task.stage))}</td>"
            f'<td class="date">{_date(task.start)}</td><td class="date">{_date(task.end)}</td>'
            f"<td>{_e(_task_duration(task))}</td><td>{uses}</td><td>{_e(task.standard or '')}</td>"
            f"<td>{_e(task.state)}</td></tr>"
        )
    return (
        '<section id="tasks">\n<details>\n<summary>All tasks</summary>\n<table class="tasks">\n'
        "<thead><tr><th>Id</th><th>Name</th><th>Stage</th><th>Start</th><th>End</th><th>Duration</th>"
        "<th>Resources</th><th>Standard</th><th>State</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n</details>\n</section>"
    )


def _footer() -> str:
    return (
        f"<footer>qualplan {_e(_qualplan_version())} · plotly.js {_e(get_plotlyjs_version())} embedded: "
        "this file needs no network.</footer>"
    )


def _scripts(plots: list[tuple[str, str]]) -> str:
    """plotly.js inline, each figure as inert JSON data, and the code that draws and links them."""
    if not plots:
        return ""
    parts = [f"<script>{get_plotlyjs()}</script>\n"]
    for div_id, figure_json in plots:
        parts.append(f'<script type="application/json" id="{div_id}-data">{figure_json}</script>\n')
    ids = ", ".join(f'"{div_id}"' for div_id, _ in plots)
    setup = f"var ids = [{ids}];\nvar config = {_json(PLOT_CONFIG)};\n"
    parts.append(f"<script>\n(function () {{\n{setup}{_DRAW_JS}}})();\n</script>\n")
    return "".join(parts)


# --- helpers ----------------------------------------------------------------------------


def _chains(explanation: Explanation | None) -> dict[str, tuple[str, ...]]:
    """Milestone id -> the tasks of its critical chain, nearest first."""
    if explanation is None:
        return {}
    return {
        item.id: tuple(link.node for link in item.chain if not link.is_milestone) for item in explanation.milestones
    }


def _task_duration(task: TaskRow) -> str:
    """The task table's duration: the plan's derivation, and on a calendar the elapsed days too."""
    text = figures.duration_text(task)
    if task.calendar is not None and task.span_days is not None:
        text += f" ({task.span_days} d elapsed)"
    return text


def _stage_name(result: SolveResult, stage: str | None) -> str:
    return stage_label(result, stage)


def _day(explanation: Explanation, day: int | None) -> dt.date | None:
    """A day number of the explanation as a date."""
    if day is None:
        return None
    return dt.date.fromisoformat(explanation.start) + dt.timedelta(days=day)


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "&mdash;"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _qualplan_version() -> str:
    try:
        return version("qualplan")
    except PackageNotFoundError:
        return "(development)"


_DRAW_JS = """\
function rangeOf(event) {
  for (var key in event) {
    var match = /^xaxis\\d*\\.range\\[0\\]$/.exec(key);
    if (match) { return {"xaxis.range": [event[key], event[key.replace("[0]", "[1]")]]}; }
    if (/^xaxis\\d*\\.range$/.test(key)) { return {"xaxis.range": event[key]}; }
    if (/^xaxis\\d*\\.autorange$/.test(key)) { return {"xaxis.autorange": true}; }
  }
  return null;
}
var divs = [];
var busy = false;
ids.forEach(function (id) {
  var figure = JSON.parse(document.getElementById(id + "-data").textContent);
  var div = document.getElementById(id);
  Plotly.newPlot(div, figure.data, figure.layout, config);
  divs.push(div);
});
// zooming one timeline zooms the others; charts whose x axis is not a date stay as they are
var timelines = divs.filter(function (div) { return div.layout.xaxis && div.layout.xaxis.type === "date"; });
timelines.forEach(function (div) {
  div.on("plotly_relayout", function (event) {
    var update = rangeOf(event);
    if (busy || update === null) { return; }
    busy = true;
    Promise.all(timelines.filter(function (other) { return other !== div; }).map(function (other) {
      return Plotly.relayout(other, update);
    })).then(function () { busy = false; }, function () { busy = false; });
  });
});
"""

_STYLE = """
:root { --late: #c92a2a; --met: #2b8a3e; --unknown: #e67700; --muted: #495057; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #212529;
       background: #fff; }
main { max-width: 1500px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #dee2e6; padding-bottom: 0.25rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.facts, .hint, footer { color: var(--muted); font-size: 0.9rem; }
.badge { display: inline-block; padding: 0.1rem 0.6rem; border-radius: 0.8rem; color: #fff; font-weight: 600; }
.badge.met { background: var(--met); } .badge.missed { background: var(--late); }
.badge.unknown { background: var(--unknown); }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid #e9ecef; }
th { background: #f8f9fa; }
tr.late .outcome { color: var(--late); font-weight: 700; }
tr.met .outcome { color: var(--met); font-weight: 600; }
tr.critical td:first-child { border-left: 3px solid #f08c00; }
.stages { font-weight: 600; }
code { font-size: 0.85em; }
td.date { white-space: nowrap; }
pre { background: #f8f9fa; padding: 0.75rem; overflow-x: auto; }
.plot { width: 100%; }
article.milestone { margin-bottom: 1.5rem; }
details summary { cursor: pointer; font-weight: 600; }
#tasks details summary { font-size: 1.1rem; margin-top: 2rem; }
footer { margin-top: 3rem; }
"""
