"""The JSON form of an explanation: the same facts as the text, for other tools.

Dates are ISO strings (null where nothing fits); the plain-language sentences of
the text form are included too (``summary``, ``bounds_text``, ``advice``, ``why``)
so a tool can show them without re-deriving them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from qualplan.explain.records import CalendarCost, ChainLink, Explanation, MilestoneExplanation, Reason
from qualplan.explain.text import advice, bounds_sentence, headline, link_length, why_line

DateOf = Callable[[int | None], str | None]


def render_json(explanation: Explanation) -> str:
    """One JSON document, keys in a fixed order, ending with a newline."""
    return json.dumps(explanation_dict(explanation), indent=2, ensure_ascii=False) + "\n"


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    def date(day: int | None) -> str | None:
        return None if day is None else (dt.date.fromisoformat(explanation.start) + dt.timedelta(days=day)).isoformat()

    return {
        "format": 1,
        "plan": explanation.plan,
        "verdict": explanation.verdict,
        "proven": explanation.proven,
        "status_date": explanation.status_date,
        "milestones": [_milestone(explanation, item, date) for item in explanation.milestones],
        "resources": [
            {
                "id": use.id,
                "peak_share": round(use.peak, 4),
                "blocked_days": use.blocked_days,
                "blocked_share": round(use.blocked_share, 4),
                "months": [
                    {
                        "month": month.month,
                        "used": month.used,
                        "available": month.available,
                        "share": round(month.share, 4),
                    }
                    for month in use.months
                ],
            }
            for use in explanation.resources
        ],
        # With --milestone the resources and the bottleneck are that milestone's (the tasks before it).
        "resource_scope": None
        if explanation.scope is None
        else {"milestone": explanation.scope, "tasks_before": explanation.scope_tasks},
        "bottleneck": explanation.bottleneck,
        "conflict": None
        if explanation.conflict is None
        else {
            "minimal": explanation.conflict.minimal,
            "note": explanation.conflict.note,
            "rules": [dataclasses.asdict(rule) for rule in explanation.conflict.rules],
        },
    }


def _milestone(explanation: Explanation, item: MilestoneExplanation, date: DateOf) -> dict[str, Any]:
    bounds = item.bounds
    return {
        "id": item.id,
        "name": item.name,
        "date": date(item.date),
        "due": date(item.due),
        "late_days": item.late_days,
        "state": item.state,
        "bounds": {
            "physics": date(bounds.physics),
            "seasons": date(bounds.seasons),
            "lab": date(bounds.lab),
            "seasons_cost_days": bounds.seasons_cost,
            "lab_cost_days": bounds.lab_cost,
            "windows": [{"id": window, "cost_days": cost} for window, cost in bounds.window_costs],
            "resources": [{"id": resource, "blocked_days": days} for resource, days in bounds.resource_costs],
        },
        "chain": [_link(link, date) for link in item.chain],
        "physics_chain": [_link(link, date) for link in item.physics_chain],
        "seasons_chain": [_link(link, date) for link in item.seasons_chain],
        "summary": headline(explanation, item),
        "bounds_text": bounds_sentence(explanation, item),
        "advice": advice(explanation, item),
        "why": why_line(explanation, item.id),
    }


def _link(link: ChainLink, date: DateOf) -> dict[str, Any]:
    return {
        "id": link.node,
        "kind": "milestone" if link.is_milestone else "task",
        "start": date(link.start),
        "end": date(link.end),
        "duration_days": link.length,
        # What `duration_days` counts: working days of `calendar`, or elapsed days.
        "duration_unit": None if link.is_milestone else ("working_days" if link.calendar else "elapsed_days"),
        "elapsed_days": link.span,
        "calendar": link.calendar,
        "calendar_cost": _calendar_cost(link.calendar_cost),
        "arithmetic": link.arithmetic,
        "duration_text": None if link.is_milestone or link.start is None else link_length(link),
        "reasons": [_reason(reason, date) for reason in link.reasons],
    }


def _calendar_cost(cost: CalendarCost | None) -> dict[str, Any] | None:
    if cost is None:
        return None
    return {
        "span_days": cost.span,
        "working_days": cost.working,
        "weekend_days": cost.weekend_days,
        "holidays": [{"range": label, "days": days} for label, days in cost.holidays],
        "other_days_off": cost.unnamed,
        "make_up_days": [day.isoformat() for day in cost.make_up_days],
    }


def _reason(reason: Reason, date: DateOf) -> dict[str, Any]:
    """A reason with only the fields its kind uses; the day as a date."""
    fields: dict[str, Any] = {"kind": reason.kind}
    for name in ("on", "type", "lag", "via_stage"):
        value = getattr(reason, name)
        if value is not None:
            fields[name if name != "lag" else "lag_days"] = value
    if reason.day is not None:
        fields["date"] = date(reason.day)
    for name in ("holiday", "weekday", "units", "capacity", "used"):
        value = getattr(reason, name)
        if value is not None:
            fields[name] = value
    if reason.kind == "dependency":
        fields["on_milestone"] = reason.milestone
    if reason.holders:
        fields["holders"] = list(reason.holders)
    if reason.delay is not None:
        fields["delay_days"] = reason.delay
    if reason.remaining is not None:
        fields["remaining"] = reason.remaining
    if reason.planned is not None:
        fields["planned_end"] = date(reason.planned)
    return fields
