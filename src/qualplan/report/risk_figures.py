"""The risk section's charts (``qualplan report --risk-iterations N``): plotly figures, pure data.

``s_curve_figure``: per milestone with a due date, the share of iterations whose date is
on or before each day (the cumulative distribution, an "S-curve"), its due date as a
dashed line in the same colour. ``criticality_figure``: the tasks most often on those
milestones' critical chains, one bar per milestone.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from qualplan.report.figures import DATE_TICKS, text
from qualplan.risk.stats import MilestoneRisk, RiskSummary

#: Line colours of the milestones (told apart by colour-blind readers, as the report's others).
COLOURS = ("#1c7ed6", "#c92a2a", "#2b8a3e", "#f08c00", "#862e9c", "#0b7285", "#495057", "#e64980")
#: Tasks shown in the criticality chart.
CRITICAL_TASKS = 12
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def due_dated(summary: RiskSummary) -> list[MilestoneRisk]:
    """The milestones the risk section draws: those with a due date whose date varies or is fixed."""
    return [milestone for milestone in summary.milestones if milestone.due is not None]


def s_curve_figure(summary: RiskSummary) -> go.Figure | None:
    """Cumulative probability of each due-dated milestone's date; None when none has a due date."""
    milestones = due_dated(summary)
    if not milestones:
        return None
    figure = go.Figure()
    for index, milestone in enumerate(milestones):
        colour = COLOURS[index % len(COLOURS)]
        days, shares = _cumulative(milestone, summary.iterations)
        label = (
            f"{text(milestone.id)} (P(met) {milestone.p_met * 100:.1f} %)"
            if milestone.p_met is not None
            else text(milestone.id)
        )
        figure.add_trace(
            go.Scatter(
                name=label,
                legendgroup=milestone.id,
                x=[day.isoformat() for day in days],
                y=shares,
                mode="lines",
                line={"shape": "hv", "color": colour, "width": 2},
                hovertemplate=f"{text(milestone.id)}: by %{{x|%Y-%m-%d}} in %{{y:.1%}} of iterations<extra></extra>",
            )
        )
        assert milestone.due is not None
        figure.add_trace(
            go.Scatter(
                name=f"{text(milestone.id)} due",
                legendgroup=milestone.id,
                showlegend=False,
                x=[milestone.due.isoformat(), milestone.due.isoformat()],
                y=[0, 1],
                mode="lines",
                line={"color": colour, "width": 1.5, "dash": "dash"},
                hovertemplate=f"{text(milestone.id)} due {milestone.due.isoformat()}<extra></extra>",
            )
        )
    figure.update_xaxes(**DATE_TICKS)
    figure.update_yaxes(
        range=[0, 1.02], tickformat=".0%", title_text="iterations with the date on or before", fixedrange=True
    )
    figure.update_layout(
        template="plotly_white",
        height=420,
        margin={"l": 80, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        font=FONT,
        hovermode="closest",
    )
    return figure


def _cumulative(milestone: MilestoneRisk, iterations: int) -> tuple[list[dt.date], list[float]]:
    """Each date reached and the share of iterations on or before it, from 0 before the first."""
    days: list[dt.date] = []
    shares: list[float] = []
    total = 0
    for day, count in milestone.counts:
        if not days:
            days.append(day - dt.timedelta(days=1))
            shares.append(0.0)
        total += count
        days.append(day)
        shares.append(total / iterations)
    return days, shares


def criticality_figure(summary: RiskSummary) -> go.Figure | None:
    """The tasks most often critical for the due-dated milestones, one bar per milestone."""
    milestones = [milestone.id for milestone in due_dated(summary) if not milestone.fixed]
    if not milestones:
        return None
    ranked = sorted(
        (
            (max(task.criticality.get(m, 0.0) for m in milestones), index, task)
            for index, task in enumerate(summary.tasks)
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    shown = [task for share, _, task in ranked if share > 0][:CRITICAL_TASKS]
    if not shown:
        return None
    figure = go.Figure()
    for index, milestone in enumerate(milestones):
        figure.add_trace(
            go.Bar(
                name=text(milestone),
                orientation="h",
                y=[text(task.id) for task in shown],
                x=[task.criticality.get(milestone, 0.0) for task in shown],
                marker={"color": COLOURS[index % len(COLOURS)]},
                hovertemplate=f"%{{y}}: critical for {text(milestone)} in %{{x:.1%}} of iterations<extra></extra>",
            )
        )
    figure.update_xaxes(range=[0, 1], tickformat=".0%", title_text="iterations on the critical chain", fixedrange=True)
    figure.update_yaxes(autorange="reversed", fixedrange=True)
    figure.update_layout(
        template="plotly_white",
        barmode="group",
        height=max(260, 80 + 26 * len(shown) * max(1, len(milestones)) // 2),
        margin={"l": 220, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.12},
        font=FONT,
    )
    return figure
