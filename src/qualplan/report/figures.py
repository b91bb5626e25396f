"""The report's charts as plotly figures: pure data, no browser, no page.

``gantt_figure`` draws the schedule grouped by stage (one header row per stage,
then its tasks as a cascade), milestones as diamonds, due dates as dashed
lines, the critical chain in colour and each task's window shaded in its row.
With a status date, work done by it is grey (a done task's whole bar, a running
task's days before it, its remaining days in its usual colour) and a solid
vertical line marks it, on the resource charts too.
``resource_figure`` draws, per resource, the units in use each day against the
capacity profile. ``html.py`` puts them on a page.

Time runs in whole days: a bar covers its days from the start of ``start`` to
the end of ``end``, and a milestone (reached at the close of its date) sits at
the end of its date, so it touches the end of the bar it follows and lies
right of its due line exactly when it is late.

Every piece of plan text that reaches a figure goes through ``text``: plotly
reads labels and hover text as a small HTML dialect (``<b>``, ``<br>``,
``<a href>``), so a name must be escaped to show as written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from qualplan.explain.calendar_cost import holiday_runs
from qualplan.explain.text import elapsed_text, in_working_days
from qualplan.report.rows import MilestoneRow, StageGroup, TaskRow
from qualplan.result import SolveResult

DAY_MS = 86_400_000

#: Bar and marker colours: chosen to be told apart by colour-blind readers too
#: (red/orange/blue differ in lightness, and critical bars also get an outline).
LATE_CHAIN = "#c92a2a"  # on the critical chain of a late milestone
CRITICAL = "#f08c00"  # on the critical chain of a milestone that is not late
OTHER = "#74a9cf"
MET = "#2b8a3e"
NO_DUE = "#495057"
OUTLINE = "#212529"
DONE = "#adb5bd"  # work done by the status date
STATUS_LINE = "#5f3dc4"
BAND = "rgba(134, 142, 150, 0.10)"
WINDOW_COLOURS = ("#66d9e8", "#ffd43b", "#b197fc", "#8ce99a", "#ffa8a8", "#a5d8ff")
WINDOW_OPACITY = 0.35
#: A holiday inside a working-day task's bar is drawn over the bar as a pale gap: a shade
#: behind an opaque bar would be hidden exactly where it explains the bar's length.
HOLIDAY_FILL = "rgba(255, 255, 255, 0.65)"
HOLIDAY_LINE = "#868e96"

#: Row height in the Gantt chart, pixels.
ROW_PX = 24
#: Longest task name shown on the axis; the hover shows it whole.
LABEL_CHARS = 48
#: Approximate width of one label character at the chart's font size, pixels.
CHAR_PX = 7
#: Narrowest left margin: room for a resource chart's tick labels and axis title.
MIN_LEFT_PX = 80

TASK_CLASSES = (
    ("late", "On the critical chain of a late milestone", LATE_CHAIN),
    ("critical", "Critical chain (milestone not late)", CRITICAL),
    ("other", "Other tasks", OTHER),
)
MILESTONE_CLASSES = (
    ("late", "Milestone late", LATE_CHAIN),
    ("met", "Milestone met", MET),
    ("no-due", "Milestone without due date", NO_DUE),
)
MILESTONE_HEADER = "header:milestones"

#: Every date axis of the report: a tick at the midnight that starts a month is labelled with that
#: month, and once zoomed in to ticks less than a month apart, with the whole date (and the hour
#: below a day, so that no two ticks read the same).
#: ``tickmode`` is spelled out because plotly.js 4 defaults an overlaying axis (the Gantt's top
#: axis) to "sync": it then places its ticks at the overlaid axis's pixel positions and
#: interpolates their dates, which come out minutes before midnight, so the gridline of 1 July
#: read "2026-06" on top and "2026-07" below (issue 12).
DATE_TICKS = {
    "type": "date",
    "tickmode": "auto",
    "ticklabelmode": "instant",
    "tickformat": "%Y-%m",
    "tickformatstops": [
        {"dtickrange": [None, DAY_MS - 1], "value": "%Y-%m-%d %H:%M"},  # zoomed in to less than a day apart
        {"dtickrange": [DAY_MS - 1, 28 * DAY_MS - 1], "value": "%Y-%m-%d"},
        {"dtickrange": [28 * DAY_MS - 1, None], "value": "%Y-%m"},
    ],
}


def text(value: object) -> str:
    """Plan text escaped for plotly's label dialect (and for HTML)."""
    return html.escape(str(value), quote=True)


# --- the rows of the Gantt chart ---------------------------------------------------------


@dataclass(frozen=True)
class GanttRow:
    """One row of the y axis: a stage header, a task or a milestone."""

    key: str  # the category value; task and milestone ids, or "stage:<id>" / MILESTONE_HEADER
    label: str  # tick text, already escaped
    kind: str  # "stage", "task" or "milestone"
    group: int  # index of the stage group (milestones are the last group)


def gantt_rows(groups: list[StageGroup], milestones: list[MilestoneRow]) -> list[GanttRow]:
    """The y axis top to bottom: each stage's header then its tasks; then the milestones."""
    rows = []
    for index, group in enumerate(groups):
        rows.append(GanttRow(f"stage:{group.id or ''}", f"<b>{text(group.label)}</b>", "stage", index))
        rows.extend(GanttRow(task.id, text(_short(task.name)), "task", index) for task in group.tasks)
    dated = [milestone for milestone in milestones if milestone.date is not None]
    if dated:
        rows.append(GanttRow(MILESTONE_HEADER, "<b>Milestones</b>", "stage", len(groups)))
        rows.extend(GanttRow(m.id, text(_short(m.name)), "milestone", len(groups)) for m in dated)
    return rows


def left_margin(rows: list[GanttRow]) -> int:
    """The left margin, in pixels, that holds the longest row label.

    Both the Gantt and the resource charts use it, so that their plot areas
    start at the same place on the page and a date lines up across them.
    """
    longest = max((len(html.unescape(re.sub(r"<[^>]+>", "", row.label))) for row in rows), default=0)
    return max(MIN_LEFT_PX, CHAR_PX * longest + 20)


def task_class(row: TaskRow, late: set[str]) -> str:
    """``late`` when the task is on the chain of a late milestone, ``critical``, or ``other``."""
    if any(milestone in late for milestone in row.critical_for):
        return "late"
    return "critical" if row.critical else "other"


def milestone_class(row: MilestoneRow) -> str:
    """``late``, ``met``, or ``no-due`` for a milestone without a due date."""
    if row.met is None:
        return "no-due"
    return "met" if row.met else "late"


# --- hover text --------------------------------------------------------------------------


def task_hover(
    row: TaskRow, stage: str, milestones: dict[str, MilestoneRow], status_date: dt.date | None = None
) -> str:
    """Everything a planner asks about a bar: dates, the duration's arithmetic, resources, standard,
    and with a status date its progress."""
    assert row.start is not None and row.end is not None
    lines = [f"<b>{text(row.name)}</b>", f"{text(row.id)} · stage {text(stage)}"]
    if row.state != "planned":
        lines.append(progress_text(row, status_date))
    assert row.span_days is not None
    lines.append(f"{row.start.isoformat()} → {row.end.isoformat()} ({elapsed_text(row.calendar_cost, row.span_days)})")
    lines.append(f"duration: {text(duration_text(row))}")
    if row.uses:
        lines.append("resources: " + ", ".join(f"{text(name)} × {units}" for name, units in row.uses))
    if row.standard:
        lines.append(f"standard: {text(row.standard)}")
    if row.window:
        lines.append(f"window: {text(row.window)}")
    if row.critical_for:
        lines.append("critical for: " + ", ".join(_milestone_state(milestones[m]) for m in row.critical_for))
    return "<br>".join(lines)


def progress_text(row: TaskRow, status_date: dt.date | None) -> str:
    """``done (actual dates)`` or ``running: 40 of 96 days done by the status date 2026-03-02``."""
    assert row.start is not None and row.end is not None and row.span_days is not None
    if row.state == "done" or status_date is None:
        return f"<b>{row.state}</b> (actual dates)"
    done = max(0, min((status_date - row.start).days, row.span_days))
    return f"<b>running</b>: {done} of {row.span_days} days done by the status date {status_date.isoformat()}"


def duration_text(row: TaskRow) -> str:
    """The task's duration as the plan derives it, saying which days it counts:
    ``2w = 14 d``, or ``60d = 60 working days of calendar workdays``."""
    if row.calendar is None:
        return row.arithmetic
    return f"{in_working_days(row.arithmetic)} of calendar {row.calendar}"


def milestone_hover(row: MilestoneRow, chain: tuple[str, ...]) -> str:
    """A milestone's date against its due date, and the tasks that set it."""
    assert row.date is not None
    lines = [f"<b>{text(row.name)}</b>", f"{text(row.id)} · priority {row.priority}"]
    lines.append(f"date: {row.date.isoformat()}" + (" (fixed)" if row.fixed else ""))
    if row.due is not None:
        if row.met:
            spare = (row.due - row.date).days
            lines.append(f"due: {row.due.isoformat()}, met with {_days(spare)} to spare")
        else:
            lines.append(f"due: {row.due.isoformat()}, <b>{_days(row.late_days)} late</b>")
    if chain:
        lines.append("set by: " + " ← ".join(text(node) for node in chain))
    return "<br>".join(lines)


# --- the Gantt chart --------------------------------------------------------------------


def x_range(result: SolveResult, tasks: list[TaskRow], milestones: list[MilestoneRow]) -> tuple[dt.date, dt.date]:
    """The dates the chart opens on: the plan start to the last end, date or due, with a margin."""
    start = result.problem.plan.start
    last = start
    for row in tasks:
        if row.end is not None:
            last = max(last, row.end)
    for milestone in milestones:
        for day in (milestone.date, milestone.due):
            if day is not None:
                last = max(last, day)
    margin = max(7, (last - start).days // 40)
    return start - dt.timedelta(days=margin), last + dt.timedelta(days=margin + 1)


def gantt_figure(
    result: SolveResult,
    groups: list[StageGroup],
    milestones: list[MilestoneRow],
    chains: dict[str, tuple[str, ...]],
) -> go.Figure:
    """The schedule as a Gantt chart (see the module docstring).

    ``chains`` maps a milestone id to the tasks of its critical chain, nearest first.
    """
    tasks = [task for group in groups for task in group.tasks]
    status_date = result.problem.plan.status_date
    rows = gantt_rows(groups, milestones)
    keys = [row.key for row in rows]
    position = {row.key: index for index, row in enumerate(rows)}
    first, last = x_range(result, tasks, milestones)
    by_id = {milestone.id: milestone for milestone in milestones}
    late = {milestone.id for milestone in milestones if milestone.met is False}
    stage_names = {task.id: group.label for group in groups for task in group.tasks}

    figure = go.Figure()
    # An invisible point per row, so that header rows (which hold no bar) keep their place;
    # drawn against the top date axis, which plotly shows only when a trace uses it.
    figure.add_trace(
        go.Scatter(
            x=[first.isoformat()] * len(keys),
            y=keys,
            xaxis="x2",
            mode="markers",
            marker={"opacity": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )

    def hover(task: TaskRow) -> str:
        return task_hover(task, stage_names[task.id], by_id, status_date)

    done_parts = [(task, *part) for task in tasks if (part := _done_part(task, status_date)) is not None]
    if done_parts:
        figure.add_trace(
            go.Bar(
                name="Work done by the status date",
                orientation="h",
                y=[task.id for task, _, _ in done_parts],
                base=[first_day.isoformat() for _, first_day, _ in done_parts],
                x=[days * DAY_MS for _, _, days in done_parts],
                customdata=[hover(task) for task, _, _ in done_parts],
                hovertemplate="%{customdata}<extra></extra>",
                marker={"color": DONE, "line": {"width": 0}},
            )
        )
    for kind, name, colour in TASK_CLASSES:
        members = [
            (task, *part)
            for task in tasks
            if task.start is not None
            and task_class(task, late) == kind
            and (part := _to_come(task, status_date)) is not None
        ]
        if not members:
            continue
        figure.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=[task.id for task, _, _ in members],
                base=[first_day.isoformat() for _, first_day, _ in members],
                x=[days * DAY_MS for _, _, days in members],
                customdata=[hover(task) for task, _, _ in members],
                hovertemplate="%{customdata}<extra></extra>",
                marker={
                    "color": colour,
                    "line": {"color": OUTLINE if kind != "other" else colour, "width": 1.5 if kind != "other" else 0},
                },
            )
        )
    _add_lateness(figure, milestones)
    for kind, name, colour in MILESTONE_CLASSES:
        members = [m for m in milestones if m.date is not None and milestone_class(m) == kind]
        if not members:
            continue
        figure.add_trace(
            go.Scatter(
                name=name,
                mode="markers",
                x=[_close_of(m.date) for m in members],
                y=[m.id for m in members],
                customdata=[milestone_hover(m, chains.get(m.id, ())) for m in members],
                hovertemplate="%{customdata}<extra></extra>",
                marker={"symbol": "diamond", "size": 14, "color": colour, "line": {"color": OUTLINE, "width": 1}},
            )
        )
    due_shapes, due_labels = _due_lines(milestones)
    status_shapes, status_labels = status_line(status_date)
    due_shapes += status_shapes
    due_labels += status_labels
    holidays = _holiday_gaps(result, tasks, position)
    shapes = _stage_bands(rows) + _window_shades(result, tasks, position, first, last) + holidays + due_shapes
    _add_window_legend(figure, tasks)
    if holidays:
        _add_holiday_legend(figure)

    figure.update_layout(
        template="plotly_white",
        barmode="overlay",
        height=max(360, 140 + ROW_PX * len(rows)),
        # The legend sits at the very top of the figure, above the top date axis.
        margin={"l": left_margin(rows), "r": 20, "t": 90, "b": 20},
        legend={"orientation": "h", "yref": "container", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 0},
        hoverlabel={"align": "left"},
        shapes=shapes,
        annotations=due_labels,
        dragmode="zoom",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    )
    figure.update_xaxes(
        range=[first.isoformat(), last.isoformat()],
        rangeslider={"visible": True, "thickness": 0.05, "range": [first.isoformat(), last.isoformat()]},
        showgrid=True,
        hoverformat="%Y-%m-%d",
        **DATE_TICKS,
    )
    # The same dates along the top, so a tall chart can be read without scrolling to its foot.
    figure.update_layout(
        xaxis2={
            "matches": "x",
            "overlaying": "x",
            "side": "top",
            "anchor": "y",
            "showgrid": False,
            **DATE_TICKS,
        }
    )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=keys,
        tickmode="array",
        tickvals=keys,
        ticktext=[row.label for row in rows],
        range=[len(rows) - 0.5, -0.5],  # first row on top, no padding above or below
        fixedrange=True,
        showgrid=False,
        automargin=False,
    )
    return figure


def _done_part(task: TaskRow, status_date: dt.date | None) -> tuple[dt.date, int] | None:
    """(first day, days) of a started task's work done by the status date: a done task's whole
    bar, a running task's days before the status date; None for a planned task."""
    if task.state == "planned" or task.start is None or task.span_days is None:
        return None
    if task.state == "done" or status_date is None:
        return task.start, task.span_days
    days = min((status_date - task.start).days, task.span_days)
    return (task.start, days) if days > 0 else None


def _to_come(task: TaskRow, status_date: dt.date | None) -> tuple[dt.date, int] | None:
    """(first day, days) of a task's bar in its class colour: the whole of a planned task, a running
    task's days from the status date on, nothing of a done one."""
    if task.start is None or task.span_days is None or task.state == "done":
        return None
    if task.state == "running" and status_date is not None and status_date > task.start:
        assert task.end is not None
        return status_date, (task.end - status_date).days + 1
    return task.start, task.span_days


def status_line(status_date: dt.date | None) -> tuple[list[dict], list[dict]]:
    """A solid vertical line where the status date begins (its first remaining day), labelled."""
    if status_date is None:
        return [], []
    x = status_date.isoformat()
    line = {
        "type": "line",
        "xref": "x",
        "x0": x,
        "x1": x,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": STATUS_LINE, "width": 2},
    }
    label = {
        "xref": "x",
        "x": x,
        "yref": "paper",
        "y": 1,
        "text": f"status date {x}",
        "showarrow": False,
        "textangle": -90,
        "xanchor": "left",
        "yanchor": "top",
        "font": {"size": 10, "color": STATUS_LINE},
    }
    return [line], [label]


def _due_lines(milestones: list[MilestoneRow]) -> tuple[list[dict], list[dict]]:
    """A dashed line across the chart at each due date, labelled with its milestone (shapes, annotations)."""
    shapes, labels = [], []
    for milestone in milestones:
        if milestone.due is None:
            continue
        colour = LATE_CHAIN if milestone.met is False else NO_DUE
        x = _close_of(milestone.due)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "x0": x,
                "x1": x,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": colour, "width": 1.5, "dash": "dash"},
            }
        )
        labels.append(
            {
                "xref": "x",
                "x": x,
                "yref": "paper",
                "y": 1,
                "text": f"due {text(milestone.id)}",
                "showarrow": False,
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "top",
                "font": {"size": 10, "color": colour},
            }
        )
    return shapes, labels


def _add_lateness(figure: go.Figure, milestones: list[MilestoneRow]) -> None:
    """In a late milestone's row, a red stroke from its due date to its date: how late, at a glance."""
    for milestone in milestones:
        if milestone.met is False and milestone.date is not None and milestone.due is not None:
            figure.add_trace(
                go.Scatter(
                    x=[_close_of(milestone.due), _close_of(milestone.date)],
                    y=[milestone.id, milestone.id],
                    mode="lines",
                    line={"color": LATE_CHAIN, "width": 3},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )


def _stage_bands(rows: list[GanttRow]) -> list[dict]:
    """A light band behind every other stage group, so the groups read apart."""
    bands = []
    groups: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.group, []).append(index)
    for group, indexes in groups.items():
        if group % 2 == 0:
            bands.append(
                {
                    "type": "rect",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y",
                    "y0": min(indexes) - 0.5,
                    "y1": max(indexes) + 0.5,
                    "fillcolor": BAND,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    return bands


def window_colours(tasks: list[TaskRow]) -> dict[str, str]:
    """A pale colour per window used by a task, in order of first use."""
    names: list[str] = []
    for task in tasks:
        if task.window is not None and task.window not in names:
            names.append(task.window)
    return {name: WINDOW_COLOURS[index % len(WINDOW_COLOURS)] for index, name in enumerate(names)}


def _window_shades(
    result: SolveResult, tasks: list[TaskRow], position: dict[str, int], first: dt.date, last: dt.date
) -> list[dict]:
    """Each windowed task's row shaded where its window is open, within the chart's dates."""
    problem = result.problem
    colours = window_colours(tasks)
    # `last` is the chart's right edge (midnight); the last whole day before it is `last - 1`.
    low, high = problem.day(first), problem.day(last) - 1
    shades = []
    for task in tasks:
        occurrences = problem.tasks[task.id].occurrences
        if occurrences is None:
            continue
        for lo, hi in occurrences:
            lo, hi = max(lo, low), min(hi, high)
            if lo > hi:
                continue
            shades.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "x0": problem.date(lo).isoformat(),
                    "x1": _close_of(problem.date(hi)),
                    "yref": "y",
                    "y0": position[task.id] - 0.45,
                    "y1": position[task.id] + 0.45,
                    "fillcolor": colours[task.window],
                    "opacity": WINDOW_OPACITY,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    return shades


def _add_window_legend(figure: go.Figure, tasks: list[TaskRow]) -> None:
    """Legend entries for the window shades (shapes have none of their own)."""
    for window, colour in window_colours(tasks).items():
        figure.add_trace(
            go.Scatter(
                name=f"window {text(window)} (open)",
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": colour, "opacity": WINDOW_OPACITY + 0.25},
                hoverinfo="skip",
            )
        )


def _holiday_gaps(result: SolveResult, tasks: list[TaskRow], position: dict[str, int]) -> list[dict]:
    """In the bar of each task on a calendar, the days a holiday of that calendar takes off
    (dated or yearly; weekend days inside the holiday included, make-up days not), so that a
    planner sees why the bar is longer than its working days. The bar's hover names them."""
    problem = result.problem
    gaps = []
    for task in tasks:
        if task.calendar is None or task.start is None or task.end is None:
            continue
        for lo, hi in holiday_runs(problem, task.calendar, problem.day(task.start), problem.day(task.end)):
            gaps.append(
                {
                    "type": "rect",
                    "name": "holiday",
                    "xref": "x",
                    "x0": problem.date(lo).isoformat(),
                    "x1": _close_of(problem.date(hi)),
                    "yref": "y",
                    "y0": position[task.id] - 0.4,
                    "y1": position[task.id] + 0.4,
                    "fillcolor": HOLIDAY_FILL,
                    "line": {"color": HOLIDAY_LINE, "width": 0.5, "dash": "dot"},
                    "layer": "above",
                }
            )
    return gaps


def _add_holiday_legend(figure: go.Figure) -> None:
    """A legend entry for the holiday gaps (shapes have none of their own)."""
    figure.add_trace(
        go.Scatter(
            name="Holiday of the task's calendar",
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 12, "color": "#f1f3f5", "line": {"color": HOLIDAY_LINE, "width": 1}},
            hoverinfo="skip",
        )
    )


# --- resources ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """From ``day`` on (until the next step), ``units`` are in use, held by ``holders``."""

    day: dt.date
    units: int
    holders: tuple[tuple[str, int], ...]


def resource_steps(tasks: list[TaskRow], resource: str, first: dt.date, last: dt.date) -> list[Step]:
    """Units of ``resource`` in use, as steps from ``first`` to ``last`` (the day after the last step)."""
    users = [(task, units) for task in tasks if task.start is not None for name, units in task.uses if name == resource]
    changes = {first}
    for task, _ in users:
        changes.add(task.start)
        changes.add(task.end + dt.timedelta(days=1))
    steps: list[Step] = []
    for day in sorted(change for change in changes if first <= change < last):
        holders = tuple((task.id, units) for task, units in users if task.start <= day <= task.end)
        units = sum(units for _, units in holders)
        if steps and steps[-1].units == units and steps[-1].holders == holders:
            continue
        steps.append(Step(day, units, holders))
    return steps


def capacity_steps(result: SolveResult, resource: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """The capacity profile of ``resource`` as (from date, units) steps within the chart's dates."""
    problem = result.problem
    steps = [(max(problem.date(day), first), units) for day, units in problem.capacity_steps[resource]]
    kept: list[tuple[dt.date, int]] = []
    for day, units in steps:
        if day >= last:
            break
        if kept and kept[-1][0] == day:
            kept[-1] = (day, units)
        else:
            kept.append((day, units))
    return kept


def resource_figure(
    result: SolveResult, tasks: list[TaskRow], first: dt.date, last: dt.date, *, left: int = MIN_LEFT_PX
) -> go.Figure | None:
    """One chart per resource, stacked on a shared time axis: units in use against capacity.

    ``left`` is the left margin in pixels (the Gantt chart's, to line the dates
    up). None when the plan declares no resources.
    """
    resources = list(result.problem.plan.resources)
    if not resources:
        return None
    figure = make_subplots(
        rows=len(resources),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / len(resources)),
        subplot_titles=[text(resource) for resource in resources],
    )
    for index, resource in enumerate(resources, start=1):
        steps = resource_steps(tasks, resource, first, last)
        capacity = capacity_steps(result, resource, first, last)
        names = {task.id: task.name for task in tasks}
        figure.add_trace(
            go.Scatter(
                name="in use",
                legendgroup="in use",
                showlegend=index == 1,
                x=[step.day.isoformat() for step in steps] + [last.isoformat()],
                y=[step.units for step in steps] + [steps[-1].units],
                customdata=[_usage_hover(resource, step, names) for step in steps] + [""],
                hovertemplate="%{customdata}<extra></extra>",
                mode="lines",
                line={"shape": "hv", "color": OTHER, "width": 1.5},
                fill="tozeroy",
            ),
            row=index,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                name="capacity",
                legendgroup="capacity",
                showlegend=index == 1,
                x=[day.isoformat() for day, _ in capacity] + [last.isoformat()],
                y=[units for _, units in capacity] + [capacity[-1][1]],
                hovertemplate=f"{text(resource)} capacity: %{{y}}<extra></extra>",
                mode="lines",
                line={"shape": "hv", "color": OUTLINE, "width": 1.5, "dash": "dash"},
            ),
            row=index,
            col=1,
        )
        top = max([units for _, units in capacity] + [step.units for step in steps] + [1])
        figure.update_yaxes(
            range=[0, top * 1.15], fixedrange=True, title_text="units", automargin=False, row=index, col=1
        )
    figure.update_xaxes(range=[first.isoformat(), last.isoformat()], **DATE_TICKS)
    status_date = result.problem.plan.status_date
    if status_date is not None:
        # The same line as on the Gantt chart, across every resource's chart.
        figure.add_vline(x=status_date.isoformat(), line={"color": STATUS_LINE, "width": 2})
    figure.update_layout(
        template="plotly_white",
        height=max(260, 60 + 170 * len(resources)),
        margin={"l": left, "r": 20, "t": 50, "b": 20},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"align": "left"},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    )
    return figure


def _usage_hover(resource: str, step: Step, names: dict[str, str]) -> str:
    head = f"<b>{text(resource)}</b> from {step.day.isoformat()}: {step.units} in use"
    if not step.holders:
        return head
    return head + "<br>" + "<br>".join(f"{text(names[task])} × {units}" for task, units in step.holders)


# --- helpers ---------------------------------------------------------------------------


def _close_of(day: dt.date) -> str:
    """The end of ``day`` on a date axis: midnight starting the next day."""
    return (day + dt.timedelta(days=1)).isoformat()


def _short(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _days(count: int | None) -> str:
    count = count or 0
    return f"{count} day" if count == 1 else f"{count} days"


def _milestone_state(row: MilestoneRow) -> str:
    if row.met is False:
        return f"{text(row.id)} ({_days(row.late_days)} late)"
    return text(row.id)
