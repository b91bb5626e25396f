"""``qualplan risk``'s output: text tables, the JSON document of plan-format.md, and CSV.

JSON keys come in the spec's order (``format``, ``plan``, ``iterations``, ``seed``,
``policy``, ``milestones``, ``tasks``, ``drivers``), then what qualplan adds
(``file``, ``horizon_end``, ``convergence``; ``beyond_horizon`` and ``p80_moved_days``
per milestone, ``retests`` per task). Shares are rounded to 4 decimals and Spearman
coefficients to 3 (in ``stats.py``), so the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from qualplan.model import FORMAT_VERSION
from qualplan.risk.stats import CONVERGENCE_SHARE, PERCENTILES, MilestoneRisk, RiskSummary

#: Tasks listed per milestone as most critical in the text output.
CRITICAL_SHOWN = 3
#: Drivers listed per milestone in the text output.
DRIVERS_SHOWN = 3
#: P80 moving by at most this many days over the last iterations reads as converged.
CONVERGED_DAYS = 2
CSV_COLUMNS = ("milestone", "due", "p_met", "p10", "p50", "p80", "p90", "mean", "beyond_horizon", "p80_moved_days")


def document(summary: RiskSummary, path: Path | None = None) -> dict[str, Any]:
    """The JSON document, as plain Python values."""
    return {
        "format": FORMAT_VERSION,
        "plan": summary.plan,
        "iterations": summary.iterations,
        "seed": summary.seed,
        "policy": summary.policy,
        "milestones": [
            {
                "id": m.id,
                "due": _iso(m.due),
                "p_met": m.p_met,
                **{f"p{q}": _iso(m.percentiles[q]) for q in PERCENTILES},
                "mean": _iso(m.mean),
                "beyond_horizon": m.beyond_horizon,
                "p80_moved_days": m.p80_moved_days,
            }
            for m in summary.milestones
        ],
        "tasks": [{"id": t.id, "criticality": t.criticality, "retests": t.retests} for t in summary.tasks],
        "drivers": [{"milestone": d.milestone, "task": d.task, "spearman": d.spearman} for d in summary.drivers],
        "file": None if path is None else path.as_posix(),
        "horizon_end": summary.horizon_end.isoformat(),
        "convergence": {"compared_share": CONVERGENCE_SHARE, "p80_moved_days_max": _most_moved(summary)},
    }


def render_csv(summary: RiskSummary) -> str:
    """One row per milestone: the table of the text output."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in summary.milestones:
        writer.writerow(
            (
                m.id,
                _iso(m.due) or "",
                "" if m.p_met is None else m.p_met,
                *(_iso(m.percentiles[q]) or "" for q in PERCENTILES),
                _iso(m.mean) or "",
                m.beyond_horizon,
                "" if m.p80_moved_days is None else m.p80_moved_days,
            )
        )
    return buffer.getvalue()


def render_text(summary: RiskSummary, path: Path, title: str | None) -> str:
    """The milestone table, then per milestone its drivers and most critical tasks, then
    the convergence line."""
    lines = [f"{summary.plan}  {title}  ({path.as_posix()})" if title else f"{summary.plan}  ({path.as_posix()})"]
    lines.append(f"risk: {summary.iterations:,} iterations, seed {summary.seed}, policy {summary.policy}")
    if not summary.milestones:
        lines.append("the plan has no milestones, so there are no dates to report: add one after the tasks that matter")
        return "\n".join(lines) + "\n"
    header = ("milestone", "due", "P(met)", *(f"P{q}" for q in PERCENTILES), "mean")
    rows = [header]
    for m in summary.milestones:
        rows.append(
            (
                m.id,
                _iso(m.due) or "—",
                "—" if m.p_met is None else f"{m.p_met * 100:.1f} %",
                *(_cell(m.percentiles[q], summary.horizon_end) for q in PERCENTILES),
                _cell(m.mean, summary.horizon_end),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        cells = [
            cell.ljust(width) if index in (0, 1) else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    for m in summary.milestones:
        lines.extend(_milestone_notes(summary, m))
    lines.append(_convergence_line(summary))
    return "\n".join(lines) + "\n"


def _milestone_notes(summary: RiskSummary, m: MilestoneRisk) -> list[str]:
    if m.fixed:
        return []
    notes = []
    drivers = [d for d in summary.drivers if d.milestone == m.id][:DRIVERS_SHOWN]
    critical = sorted(
        ((t.criticality.get(m.id, 0.0), index, t.id) for index, t in enumerate(summary.tasks)),
        key=lambda entry: (-entry[0], entry[1]),
    )
    critical = [entry for entry in critical if entry[0] > 0][:CRITICAL_SHOWN]
    if m.beyond_horizon > 0:
        notes.append(
            f"{m.id}: not reached by the horizon's end {summary.horizon_end} in {m.beyond_horizon * 100:.1f} % "
            "of iterations (a longer horizon shows how late)"
        )
    if drivers:
        shown = ", ".join(f"{d.task} {d.spearman:.2f}" for d in drivers)
        notes.append(f"{m.id}: drivers (Spearman) {shown}")
    if critical:
        shown = ", ".join(f"{task} {share * 100:.0f} %" for share, _, task in critical)
        notes.append(f"{m.id}: most often critical {shown}")
    return notes


def _convergence_line(summary: RiskSummary) -> str:
    moved = _most_moved(summary)
    last = summary.iterations - int(summary.iterations * CONVERGENCE_SHARE)
    share = round((1 - CONVERGENCE_SHARE) * 100)
    if int(summary.iterations * CONVERGENCE_SHARE) < 1:
        return f"convergence: not measured, too few iterations ({summary.iterations})"
    if moved is None:
        return (
            "convergence: not measured, P80 of some milestone is after the horizon "
            f"(it compares P80 over the first {100 - share} % of iterations with all of them)"
        )
    advice = "; more iterations would sharpen it" if moved > CONVERGED_DAYS else ""
    return (
        f"convergence: P80 moved at most {moved} day{'s' if moved != 1 else ''} over the last {share} % of "
        f"iterations ({last:,} of {summary.iterations:,}){advice}"
    )


def _most_moved(summary: RiskSummary) -> int | None:
    moved = [m.p80_moved_days for m in summary.milestones if not m.fixed]
    if any(value is None for value in moved):
        return None
    return max(moved, default=0)  # type: ignore[type-var]


def _cell(day: dt.date | None, horizon_end: dt.date) -> str:
    return f"after {horizon_end}" if day is None else day.isoformat()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
