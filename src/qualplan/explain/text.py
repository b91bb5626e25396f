"""Plain-language text of an explanation: pure functions that return strings."""

from __future__ import annotations

import datetime as dt

from qualplan.explain.records import (
    Bounds,
    CalendarCost,
    ChainLink,
    Conflict,
    Explanation,
    MilestoneExplanation,
    Reason,
)

#: How many of the longest tests the advice names.
_DOMINANT = 3


def render_text(explanation: Explanation, *, chains: bool | None = None) -> str:
    """The whole explanation: a few lines per milestone, the resources, any conflict.

    ``chains`` lists each milestone's critical chain link by link; by default
    only for late milestones, or for the one milestone asked about, so a plan
    with many milestones stays a few lines each.
    """
    lines = [
        f"{explanation.plan}: verdict {explanation.verdict}"
        + ("" if explanation.proven else " (schedule not proved optimal)")
        + ("" if explanation.status_date is None else f", as of the status date {explanation.status_date}")
    ]
    for item in explanation.milestones:
        detail = chains if chains is not None else bool(item.late_days) or len(explanation.milestones) == 1
        lines.append("")
        lines.extend(milestone_lines(explanation, item, chain=detail))
    scheduled = any(item.chain for item in explanation.milestones)
    if explanation.resources or (explanation.scope is not None and scheduled):
        lines.append("")
        lines.extend(resource_lines(explanation))
    if explanation.conflict is not None:
        lines.append("")
        lines.extend(conflict_lines(explanation.conflict, scope=explanation.scope))
    return "\n".join(lines) + "\n"


def milestone_lines(explanation: Explanation, item: MilestoneExplanation, *, chain: bool = True) -> list[str]:
    """The summary, the bounds, the advice and (with ``chain``) the chain link by link for one milestone."""
    lines = [headline(explanation, item)]
    # Milestones in the middle of a chain only pass a date on; a fixed one at its root is a cause.
    links = [link for link in item.chain[1:] if not link.is_milestone or _is_fixed(link)]
    if links:
        lines.append("  Set by " + " <- ".join(_chain_entry(explanation, link) for link in links) + ".")
    lines.append("  " + bounds_sentence(explanation, item))
    lines.append("  To move it: " + advice(explanation, item))
    if chain and item.chain:
        lines.append("  Critical chain (why each is not a day earlier):")
        for link in item.chain:
            lines.append("    " + link_line(explanation, link))
    return lines


def headline(explanation: Explanation, item: MilestoneExplanation) -> str:
    """``sop: 2027-03-14 (due 2026-12-31, 73 days late).``"""
    if item.date is None:
        # Without a schedule, only a proof (verdict missed) says nothing fits; a time-out says nothing.
        date = "no date fits in the horizon" if explanation.verdict == "missed" else "no schedule found in time"
    else:
        date = _date(explanation, item.date)
    if item.due is None:
        detail = "no due date"
    elif item.late_days is None:
        detail = f"due {_date(explanation, item.due)}"
    elif item.late_days > 0:
        detail = f"due {_date(explanation, item.due)}, {_days(item.late_days)} late"
    else:
        assert item.date is not None
        detail = f"due {_date(explanation, item.due)}, met with {_days(item.due - item.date)} to spare"
    return f"{item.id}: {date} ({detail})."


def bounds_sentence(explanation: Explanation, item: MilestoneExplanation) -> str:
    """``Physics allow 2027-09-14; windows cost 74 days (winter-heihe); lab capacity costs 31 days, mostly cycler.``"""
    bounds = item.bounds
    if item.state == "reached":
        return f"Reached on {_date(explanation, item.date)} (its actual date): no rule moves it."
    if bounds.physics is None:
        return "Even with unlimited equipment and no windows nothing fits inside the horizon."
    parts = [f"Physics allow {_date(explanation, bounds.physics)}"]
    if bounds.seasons is None:
        parts.append("with windows nothing fits inside the horizon" + _window_list(bounds))
    else:
        cost = bounds.seasons_cost or 0
        if cost:
            parts.append(f"windows cost {_days(cost)}" + _window_list(bounds))
        else:
            parts.append("windows cost 0 days")
        if bounds.lab is not None:
            lab = bounds.lab_cost or 0
            text = f"lab capacity costs {_days(lab)}"
            if lab and bounds.resource_costs:
                text += ", mostly " + bounds.resource_costs[0][0]
            parts.append(text)
    return "; ".join(parts) + "."


def advice(explanation: Explanation, item: MilestoneExplanation) -> str:
    """What it would take to move the milestone earlier, layer by layer: lab, seasons, physics."""
    bounds = item.bounds
    if item.state == "reached":
        return "nothing: it was reached, and the past does not move."
    if bounds.physics is None:
        return (
            "nothing fits even with unlimited equipment and no windows: "
            "shorten the tests, start earlier, or extend the horizon."
        )
    steps = [*_lab_steps(explanation, bounds), *_season_steps(explanation, item)]
    due = item.due
    if due is not None and bounds.physics > due:
        late = _days(bounds.physics - due)
        tests = _dominant_tests(item.physics_chain) + _fixed_root(explanation, item.physics_chain)
        if steps:
            only = f"only shorter or overlapping tests close that: {tests}"
            steps.append(f"even then the tests alone end {late} after the due date; {only}")
        else:
            steps.append(
                f"the tests alone end {late} after the due date even with unlimited equipment and no windows; "
                f"adding equipment won't help, only shorter or overlapping tests will: {tests}"
            )
    if not steps:
        tests = _dominant_tests(item.physics_chain)
        if not tests:
            return "nothing to gain: its date is fixed."
        tests += _fixed_root(explanation, item.physics_chain)
        return f"it sits on its physics bound; only shorter or overlapping tests move it: {tests}."
    return "; ".join(steps) + "."


def _lab_steps(explanation: Explanation, bounds: Bounds) -> list[str]:
    lab = bounds.lab_cost or 0
    if lab <= 0:
        return []
    target = _date(explanation, bounds.seasons)
    if bounds.resource_costs:
        resource = bounds.resource_costs[0][0]
        return [
            f"more {resource} capacity (the bottleneck here) can win back up to {_days(lab)}, to {target}; "
            "beyond that extra equipment does not help"
        ]
    return [
        f"lab capacity costs {_days(lab)}; a different order of the lab work could win back up to that, to {target}"
    ]


def _season_steps(explanation: Explanation, item: MilestoneExplanation) -> list[str]:
    bounds = item.bounds
    if bounds.seasons is not None and not bounds.seasons_cost:
        return []
    steps = []
    for window, cost in bounds.window_costs:
        opening = _opening(item.chain, window)
        if opening is not None:
            when = f"; the chain waits for it to open on {_date(explanation, opening)}"
        else:
            opening = _opening(item.seasons_chain, window)
            when = f"; it next opens for this chain on {_date(explanation, opening)}" if opening is not None else ""
        if cost is None:
            steps.append(f"the {window} window leaves no room at all: widen it{when}")
        else:
            recover = f"a slot in an earlier or other season would recover them{when}"
            steps.append(f"the {window} window costs {_days(cost)}: {recover}")
    if not steps and bounds.seasons_cost:
        steps.append(
            f"the windows together cost {_days(bounds.seasons_cost)} (no single one does): widen or add occurrences"
        )
    return steps


def why_line(explanation: Explanation, milestone_id: str) -> str:
    """One plain-language line saying what sets a milestone's date, for ``check``'s text output.

    The causes come in the order of their cost, largest first."""
    item = explanation.milestone(milestone_id)
    bounds = item.bounds
    if item.state == "reached":
        return f"why: it was reached on {_date(explanation, item.date)} (its actual date)"
    if bounds.physics is None:
        return "why: nothing fits inside the horizon even with unlimited equipment and no windows"
    causes: list[tuple[int, str]] = []
    if bounds.seasons is None:
        causes.append((10**9, "no window occurrence leaves room" + _window_list(bounds)))
    elif bounds.seasons_cost:
        causes.append((bounds.seasons_cost, f"windows cost {_days(bounds.seasons_cost)}" + _window_list(bounds)))
    if bounds.lab_cost:
        mostly = f", mostly {bounds.resource_costs[0][0]}" if bounds.resource_costs else ""
        causes.append((bounds.lab_cost, f"lab capacity costs {_days(bounds.lab_cost)}{mostly}"))
    if item.due is not None and bounds.physics > item.due:
        late = bounds.physics - item.due
        alone = "so more equipment alone cannot meet it" if causes else "more equipment won't help"
        causes.append(
            (
                late,
                f"the tests alone end {_date(explanation, bounds.physics)}, {_days(late)} late "
                f"({_dominant_tests(item.physics_chain, 2)}{_fixed_root(explanation, item.physics_chain)}): {alone}",
            )
        )
    if not causes:
        return f"why: physics allow {_date(explanation, bounds.physics)}; neither windows nor lab capacity delay it"
    causes.sort(key=lambda cause: -cause[0])
    return "why: " + "; ".join(text for _, text in causes)


def link_line(explanation: Explanation, link: ChainLink) -> str:
    """One chain link: the node, its dates, and each reason it is not a day earlier."""
    if link.is_milestone:
        when = "no date" if link.start is None else _date(explanation, link.start)
        head = f"{link.node} (milestone) {when}"
    elif link.start is None or link.end is None:
        head = f"{link.node} not scheduled"
    else:
        head = f"{link.node} {_date(explanation, link.start)}..{_date(explanation, link.end)} ({link_length(link)})"
    return head + ": " + "; ".join(reason_text(explanation, reason) for reason in link.reasons)


def link_length(link: ChainLink) -> str:
    """A chain link's duration, saying which days it counts.

    ``177 d`` (elapsed days) for a task that runs every day, its arithmetic when
    derived from cycles; for a task on a calendar the working days, the elapsed
    span and what fills the difference:
    ``5 working days of works span 15 d, with 4 weekend days and 6 days of holiday 2026-02-15..2026-02-23``.
    """
    derived = link.arithmetic if link.arithmetic and "cycles" in link.arithmetic else None
    if _progress_reason(link) is not None:
        return f"{link.span} d from its actual start; planned {link.arithmetic}"
    if link.calendar is None:
        return derived or f"{link.length} d"
    text = f"{in_working_days(derived) if derived else _working_days(link.length)} of {link.calendar}"
    cost = link.calendar_cost
    if cost is None:
        return text
    text += f" span {cost.span} d"
    breakdown = calendar_cost_text(cost)
    return f"{text}, with {breakdown}" if breakdown else text


def length_text(length: int | None, calendar: str | None, span: int | None) -> str:
    """A task's duration in a few words, saying which days it counts.

    ``177 d`` (elapsed) for a task that runs every day; ``50 working days (70 d
    elapsed)`` for a task on a calendar (``span`` is its elapsed days, start to end).
    """
    if calendar is None:
        return f"{length} d"
    if span is None:
        return _working_days(length)
    return f"{_working_days(length)} ({span} d elapsed)"


def elapsed_text(cost: CalendarCost | None, span: int) -> str:
    """The elapsed days of a task from start to end, and for a task on a calendar what they hold:
    ``84 d elapsed: 60 working days and 24 weekend days``; ``30 d elapsed`` for a task that runs every day."""
    if cost is None:
        return f"{span} d elapsed"
    parts = [_working_days(cost.working)]
    off = _days_off_text(cost)
    if off:
        parts.append(off)
    text = f"{span} d elapsed: " + (" and ".join(parts) if " and " not in off else ", ".join(parts))
    make_up = _make_up_text(cost)
    return f"{text}; {make_up}" if make_up else text


def calendar_cost_text(cost: CalendarCost) -> str:
    """``4 weekend days and 6 days of holiday 2026-02-15..2026-02-23``, then the make-up working
    days that gave some back (``; make-up working day 2026-02-14 (Sat) counted``); empty when
    every day of the span is an ordinary working day."""
    return "; ".join(part for part in (_days_off_text(cost), _make_up_text(cost)) if part)


def _days_off_text(cost: CalendarCost) -> str:
    """The weekend days and each holiday's days in the span: ``4 weekend days and 6 days of holiday ...``."""
    parts = []
    if cost.weekend_days:
        parts.append(f"{cost.weekend_days} weekend day" + ("" if cost.weekend_days == 1 else "s"))
    for label, count in cost.holidays:
        parts.append(f"{count} day{'' if count == 1 else 's'} of holiday {label}")
    if cost.unnamed:
        parts.append(f"{cost.unnamed} other day{'' if cost.unnamed == 1 else 's'} off")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _make_up_text(cost: CalendarCost) -> str:
    """``make-up working day 2026-02-14 (Sat) counted``; empty without make-up days in the span."""
    if not cost.make_up_days:
        return ""
    days = [f"{day.isoformat()} ({day.strftime('%a')})" for day in cost.make_up_days]
    listed = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    return f"make-up working day{'' if len(days) == 1 else 's'} {listed} counted"


def reason_text(explanation: Explanation, reason: Reason) -> str:
    """A reason in words."""
    kind = reason.kind
    if kind == "dependency":
        lag = f" + {_days(reason.lag)}" if reason.lag else ""
        stage = f" (via stage {reason.via_stage})" if reason.via_stage else ""
        if reason.milestone:
            relation = "from the date of" if reason.type == "start" else "after"
            return f"{relation} milestone {reason.on}{lag}{stage}"
        if reason.type == "start":
            return f"starts with {reason.on}{lag}{stage} (start-to-start)"
        if reason.type == "end":
            return f"must not end before {reason.on} ends{lag}{stage} (finish-to-finish)"
        return f"after {reason.on} ends{lag}{stage}"
    if kind == "window":
        return f"window {reason.on} closed until {_date(explanation, reason.day)}"
    if kind == "non_working":
        day = _date(explanation, reason.day)
        if reason.weekday:
            return f"{day} is a {reason.weekday}, not a working day of calendar {reason.on}"
        return f"{day} is a holiday ({reason.holiday}) of calendar {reason.on}"
    if kind == "not_before":
        return f"not_before {_date(explanation, reason.day)}"
    if kind == "plan_start":
        return f"plan start {_date(explanation, reason.day)}"
    if kind == "resource":
        held = ", ".join(reason.holders) or "nothing"
        delay = f"; waits {_days(reason.delay)} for it" if reason.delay else ""
        return (
            f"{reason.on} full on {_date(explanation, reason.day)} ({reason.used} of {reason.capacity} "
            f"held by {held}; needs {reason.units}){delay}"
        )
    if kind == "fixed_date":
        return f"fixed date (at) {_date(explanation, reason.day)}"
    if kind == "status_date":
        if reason.milestone:
            return f"{_date(explanation, reason.day)} is the status date: a milestone not yet reached falls no earlier"
        return f"starts {_date(explanation, reason.day)}, the status date: no unstarted work begins earlier"
    if kind == "reached":
        return f"reached {_date(explanation, reason.day)} (actual date)"
    if kind == "done":
        return f"done by the status date, ended {_date(explanation, reason.day)} (actual dates)"
    if kind == "running":
        return running_text(explanation, reason)
    if kind == "slack":
        return f"not tight: this schedule could start it on {_date(explanation, reason.day)}"
    return "no date: a predecessor does not fit"


def resource_lines(explanation: Explanation) -> list[str]:
    """Per resource: use by month (a bar per month), the peak, the critical-chain days it blocks; the bottleneck.

    Explaining one milestone (``explanation.scope``), the lines are about it: the
    resources its tasks hold, and the bottleneck of its date, never the whole plan's.
    """
    scope = explanation.scope
    months = [month.month for month in explanation.resources[0].months] if explanation.resources else []
    span = f"{months[0]}..{months[-1]}, one bar per month" if months else "no months"
    if scope is None:
        lines = [f"Resources (use by month {span}; peak; critical-chain days blocked):"]
    else:
        count = explanation.scope_tasks
        before = f"the {count} task{'' if count == 1 else 's'} before {scope}"
        hold = "holds" if count == 1 else "hold"
        if not explanation.resources:
            return [f"Resources: {before} {hold} no lab resource, so lab capacity cannot delay {scope}."]
        lines = [
            f"Resources that {before} {hold} (all tasks' use by month {span}; peak; "
            f"days each blocks {scope}'s critical chain):"
        ]
    width = max(len(use.id) for use in explanation.resources)
    for use in explanation.resources:
        peak_month = max(use.months, key=lambda month: month.share, default=None)
        peak = f"peak {use.peak:.0%} in {peak_month.month}" if peak_month is not None and use.peak > 0 else "unused"
        bars = "".join(_bar(month.share) for month in use.months)
        blocks = f"blocks {_days(use.blocked_days)} ({use.blocked_share:.0%})"
        lines.append(f"  {use.id:<{width}}  {bars}  {peak}; {blocks}")
    lines.append("  " + bottleneck_sentence(explanation))
    return lines


def bottleneck_sentence(explanation: Explanation) -> str:
    """``Bottleneck: cycler.``, or why none is named, for the whole plan or the one milestone explained."""
    scope = explanation.scope
    head = "Bottleneck" if scope is None else f"Bottleneck for {scope}"
    if explanation.bottleneck is not None:
        return f"{head}: {explanation.bottleneck}."
    delayed = [item.id for item in explanation.milestones if item.bounds.lab_cost]
    if delayed:
        # Lab capacity costs days, but no resource holds a task of the chain back (a schedule with slack).
        which = scope if scope is not None else ", ".join(delayed)
        return f"{head}: none named; lab capacity makes {which} later, but no resource holds its critical chain back."
    if scope is not None:
        return f"{head}: none; lab capacity does not make it later."
    return f"{head}: none; lab capacity makes no milestone later."


_BARS = " ▁▂▃▄▅▆▇█"


def _bar(share: float) -> str:
    """One character for a month's use: blank when idle, a full block at capacity."""
    if share <= 0:
        return _BARS[0]
    return _BARS[max(1, min(8, round(share * 8)))]


def conflict_lines(conflict: Conflict, *, scope: str | None = None) -> list[str]:
    """The rules that cannot all hold together, each with file:line.

    The search is over the whole plan; with ``scope`` (one milestone explained) the
    heading says so, since the set need not involve that milestone at all.
    """
    if not conflict.rules:
        return [f"Conflicting rules: {conflict.note}."]
    head = "These rules cannot all hold together"
    if scope is not None and not any(rule.kind == "due" and rule.subject == scope for rule in conflict.rules):
        head = (
            "The plan misses a due date because these rules cannot all hold together "
            f"(no due date of {scope} is among them)"
        )
    head += ":" if conflict.minimal else " (the set may not be minimal):"
    lines = [head]
    for rule in conflict.rules:
        where = f"{rule.file}:{rule.line}: " if rule.file is not None and rule.line is not None else ""
        lines.append(f"  {where}{rule.text}")
    if conflict.note:
        lines.append(f"  ({conflict.note})")
    return lines


# --- helpers ------------------------------------------------------------------------


def _date(explanation: Explanation, day: int | None) -> str:
    if day is None:
        return "never"
    return (dt.date.fromisoformat(explanation.start) + dt.timedelta(days=day)).isoformat()


def _days(count: int | None) -> str:
    count = count or 0
    return f"{count} day" if abs(count) == 1 else f"{count} days"


def running_text(explanation: Explanation, reason: Reason) -> str:
    """Where a running task ends and why: ``running: 400 cycles remain from the status date
    2026-03-02, ends 2026-07-14``; without recorded remaining work, from its planned duration."""
    status = explanation.status_date or "?"
    end = _date(explanation, reason.day)
    if reason.remaining is not None:
        return f"running: {reason.remaining} remain from the status date {status}, ends {end}"
    if reason.planned is not None and reason.planned < (reason.day or 0):
        planned = _date(explanation, reason.planned)
        return f"running past its planned end {planned} (no remaining work recorded): ends {end}, the status date"
    return f"running (no remaining work recorded): its planned duration from the actual start ends {end}"


def _is_fixed(link: ChainLink) -> bool:
    return any(reason.kind in ("fixed_date", "reached") for reason in link.reasons)


def _is_done(link: ChainLink) -> bool:
    """A task done by the status date: shortening it is no advice any more."""
    return any(reason.kind == "done" for reason in link.reasons)


def _progress_reason(link: ChainLink) -> Reason | None:
    return next((reason for reason in link.reasons if reason.kind in ("done", "running")), None)


def _chain_entry(explanation: Explanation, link: ChainLink) -> str:
    """A task in the "Set by" line, with its arithmetic when the duration is derived from cycles."""
    if link.is_milestone:
        if any(reason.kind == "reached" for reason in link.reasons):
            return f"{link.node} (reached {_date(explanation, link.start)})"
        return f"{link.node} (fixed at {_date(explanation, link.start)})"
    progress = _progress_reason(link)
    if progress is not None and progress.kind == "done":
        return f"{link.node} (done {_date(explanation, link.end)})"
    if progress is not None:
        return f"{link.node} (running, ends {_date(explanation, link.end)})"
    if link.arithmetic and "cycles" in link.arithmetic:
        arithmetic = in_working_days(link.arithmetic) if link.calendar else link.arithmetic
        return f"{link.node} ({arithmetic})"
    return link.node


def _working_days(count: int | None) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


def in_working_days(arithmetic: str) -> str:
    """A derivation that ends in ``= N d``, for a task on a calendar: ``= N working days`` (``60d = 60 working days``).

    The arithmetic comes from the plan model, which does not know that a
    calendar makes its days working days.
    """
    body, sep, last = arithmetic.rpartition("= ")
    if not sep or not last.endswith(" d") or not last[:-2].isdigit():
        return arithmetic
    return f"{body}= {_working_days(int(last[:-2]))}"


def _window_list(bounds: Bounds) -> str:
    """`` (winter 75 d)``: what each window costs alone.

    Those costs need not add up to what the windows cost together (lifting one
    window may leave the chain waiting for another); when they do not, the list
    says that each is a cost alone, so no days seem to go missing.
    """
    if not bounds.window_costs:
        return ""
    listed = ", ".join(window if cost is None else f"{window} {cost} d" for window, cost in bounds.window_costs)
    known = [cost for _, cost in bounds.window_costs if cost is not None]
    together = bounds.seasons_cost
    if together is not None and len(known) == len(bounds.window_costs) and sum(known) != together:
        return f" (lifting one alone wins: {listed})"
    return f" ({listed})"


def _opening(chain: tuple[ChainLink, ...], window: str) -> int | None:
    """The day the chain waits for ``window`` to open, if a chain link waits for it."""
    for link in chain:
        for reason in link.reasons:
            if reason.kind == "window" and reason.on == window:
                return reason.day
    return None


def _fixed_root(explanation: Explanation, chain: tuple[ChainLink, ...]) -> str:
    """``; and it waits for se-plant's fixed date 2027-06-30`` when the chain starts at a date the
    plan fixes (an ``at`` or a ``not_before``): moving that date moves the milestone too."""
    if not chain:
        return ""
    root = chain[-1]
    for reason in root.reasons:
        if reason.kind == "fixed_date":
            return f"; and it waits for {root.node}'s fixed date {_date(explanation, reason.day)}"
        if reason.kind == "status_date":
            return f"; and nothing not yet started begins before the status date {_date(explanation, reason.day)}"
        if reason.kind == "running":
            return f"; and it waits for {root.node}, running until {_date(explanation, reason.day)}"
        if reason.kind == "reached":
            return f"; and it waits for {root.node}, reached {_date(explanation, reason.day)}"
        if reason.kind == "not_before":
            return f"; and it waits for {root.node}'s not_before {_date(explanation, reason.day)}"
    return ""


def _dominant_tests(chain: tuple[ChainLink, ...], count: int = _DOMINANT) -> str:
    """The longest tasks of a chain by elapsed days: ``a 177 d, b 50 working days (70 d elapsed)``."""
    tasks = sorted(
        (link for link in chain if not link.is_milestone and link.length is not None and not _is_done(link)),
        key=lambda link: (-(link.span or link.length or 0), link.node),
    )[:count]
    return ", ".join(f"{link.node} {length_text(link.length, link.calendar, link.span)}" for link in tasks)
