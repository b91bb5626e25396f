"""Exact working-day spans in a form CP-SAT propagates: weekly ranks, holidays and make-up days.

A task of ``L`` working days that starts on working day ``S`` ends on the working
day ``E`` with ``R(E) - R(S) = L - 1``, where ``R(x)`` counts the working days
before day ``x``. A table of (start, end) pairs states this exactly but costs two
Booleans per possible start: on a 100-task plan with an 8-year horizon that was
125,000 Booleans and CP-SAT's presolve alone outlasted a 20 s limit (measured,
docs/scheduling.md). Here ``R`` is written with a handful of variables instead:

- ``x = 7 q + d`` with ``d`` the day's offset in the week (0..6, counted from the
  plan's start weekday), restricted to working weekdays, and to the weekend
  weekdays of the make-up days in the variable's range;
- ``rho(x) = K q + c(d)`` counts the working *weekdays* before ``x`` (``K`` of them a
  week; ``c`` is a 7-entry element);
- ``hol(x) = sum [x > h]`` over the holidays ``h`` that fall on working weekdays,
  and ``mk(x) = sum [x > m]`` over the make-up working days ``m`` (working days on
  weekend weekdays, the Chinese 调休 Saturdays);
- holidays are cut out of the start and end domains; a weekend offset is allowed
  only on a make-up day (one Boolean ``[d is a weekend offset]`` that enforces
  ``x in {make-up days}``), so no start or end falls on an ordinary weekend day.

Then ``R(x) = rho(x) - hol(x) + mk(x)`` and the span rule is one linear equation.
Because ``x`` is always a working day, ``[x > h]`` is ``[x >= w]`` for the first
working day ``w`` after ``h``: all holidays and make-up days followed by the same
working day share one order literal, weighted by their net count
(``WeekPattern.steps``), so a week-long festival with its make-up Saturday costs
one literal, and only the steps inside the variable's range get one. Every
relation is exact, so a schedule of the model is a schedule of the plan; the size
is ``O(holiday runs and make-up days in range)`` per task instead of
``O(days in range)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from qualplan.calendar import WeekPattern


@dataclass(frozen=True)
class DayRank:
    """The variables that give a day variable its working-day rank ``R(x)``."""

    week: cp_model.IntVar
    offset: cp_model.IntVar
    weekday_rank: cp_model.IntVar  # c(offset)
    steps: tuple[tuple[int, int, cp_model.IntVar], ...]  # (w, delta, [x >= w]) for the steps inside the range
    steps_below: int  # the deltas of the steps at or before the variable's lowest value
    on_makeup: cp_model.IntVar | None  # [offset is a weekend weekday]; None without make-up days in range

    def rank(self, pattern: WeekPattern) -> cp_model.LinearExprT:
        """``R(x) = K q + c(d) - hol(x) + mk(x)``: the working days before ``x``."""
        return (
            pattern.per_week * self.week
            + self.weekday_rank
            + self.steps_below
            + sum(delta * literal for _, delta, literal in self.steps)
        )

    def hint(self, model: cp_model.CpModel, pattern: WeekPattern, day: int) -> None:
        """Hint every rank variable with its value for ``day`` (a working day)."""
        model.add_hint(self.week, day // 7)
        model.add_hint(self.offset, day % 7)
        model.add_hint(self.weekday_rank, pattern.before[day % 7])
        for threshold, _, literal in self.steps:
            model.add_hint(literal, day >= threshold)
        if self.on_makeup is not None:
            model.add_hint(self.on_makeup, not pattern.working[day % 7])


def working_day_domain(pattern: WeekPattern, intervals: list[tuple[int, int]]) -> Domain:
    """``intervals`` without the holidays on working weekdays (weekends go through ``offset``)."""
    domain = Domain.from_intervals([list(span) for span in intervals])
    lo, hi = domain.min(), domain.max()
    inside = [day for day in pattern.holidays if lo <= day <= hi]
    if inside:
        domain = domain.intersection_with(Domain.from_values(inside).complement())
    return domain


def day_rank(model: cp_model.CpModel, pattern: WeekPattern, day: cp_model.IntVar, domain: Domain, name: str) -> DayRank:
    """Tie ``day`` (whose domain is ``domain``) to its working-day rank variables."""
    lo, hi = domain.min(), domain.max()
    makeups = [m for m in pattern.makeups if lo <= m <= hi]
    week = model.new_int_var(lo // 7, hi // 7, f"{name}.week")
    offsets = sorted({d for d in range(7) if pattern.working[d]} | {m % 7 for m in makeups})
    offset = model.new_int_var_from_domain(Domain.from_values(offsets), f"{name}.offset")
    model.add(day == 7 * week + offset)
    weekday_rank = model.new_int_var(0, 7, f"{name}.c")
    model.add_element(offset, list(pattern.before), weekday_rank)
    on_makeup = None
    if makeups:
        # A weekend offset is a working day only on a make-up day.
        on_makeup = model.new_bool_var(f"{name}.makeup")
        model.add_element(offset, [0 if works else 1 for works in pattern.working], on_makeup)
        model.add_linear_expression_in_domain(day, Domain.from_values(makeups)).only_enforce_if(on_makeup)
    steps = []
    for threshold, delta in pattern.steps:
        if lo < threshold <= hi:
            literal = model.new_bool_var(f"{name}>={threshold}")
            model.add(day >= threshold).only_enforce_if(literal)
            model.add(day <= threshold - 1).only_enforce_if(~literal)
            steps.append((threshold, delta, literal))
    below = sum(delta for threshold, delta in pattern.steps if threshold <= lo)
    return DayRank(week, offset, weekday_rank, tuple(steps), below, on_makeup)


def add_working_span(model: cp_model.CpModel, pattern: WeekPattern, length: int, start: DayRank, end: DayRank) -> None:
    """``end`` is the ``length``-th working day counted from ``start``."""
    model.add(end.rank(pattern) - start.rank(pattern) == length - 1)
