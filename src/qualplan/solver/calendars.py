"""Exact working-day spans in a form CP-SAT propagates: weekly ranks plus holiday counts.

A task of ``L`` working days that starts on working day ``S`` ends on the working
day ``E`` with ``R(E) - R(S) = L - 1``, where ``R(x)`` counts the working days
before day ``x``. A table of (start, end) pairs states this exactly but costs two
Booleans per possible start: on a 100-task plan with an 8-year horizon that was
125,000 Booleans and CP-SAT's presolve alone outlasted a 20 s limit (measured,
docs/scheduling.md). Here ``R`` is written with a handful of variables instead:

- ``x = 7 q + d`` with ``d`` the day's offset in the week (0..6, counted from the
  plan's start weekday), restricted to working weekdays, so ``x`` is never a weekend;
- ``rho(x) = K q + c(d)`` counts the working *weekdays* before ``x`` (``K`` of them a
  week; ``c`` is a 7-entry element);
- ``hol(x) = sum [x > h]`` over the holidays ``h`` that fall on working weekdays
  and lie inside the variable's range (each term is one order literal of ``x``);
- holidays are cut out of the start and end domains.

Then ``R(x) = rho(x) - hol(x)`` and the span rule is one linear equation. Every
relation is exact, so a schedule of the model is a schedule of the plan; the
size is ``O(holidays in range)`` per task instead of ``O(days in range)``.
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
    holidays: tuple[cp_model.IntVar, ...]  # [x > h] for the holidays h in range
    holidays_below: int  # holidays before the variable's lowest value

    def rank(self, pattern: WeekPattern) -> cp_model.LinearExprT:
        return pattern.per_week * self.week + self.weekday_rank - self.holidays_below - sum(self.holidays)


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
    week = model.new_int_var(lo // 7, hi // 7, f"{name}.week")
    offsets = [d for d in range(7) if pattern.working[d]]
    offset = model.new_int_var_from_domain(Domain.from_values(offsets), f"{name}.offset")
    model.add(day == 7 * week + offset)
    weekday_rank = model.new_int_var(0, 7, f"{name}.c")
    model.add_element(offset, list(pattern.before), weekday_rank)
    below = sum(1 for h in pattern.holidays if h < lo)
    literals = []
    for h in pattern.holidays:
        if lo <= h < hi:
            literal = model.new_bool_var(f"{name}>{h}")
            model.add(day >= h + 1).only_enforce_if(literal)
            model.add(day <= h).only_enforce_if(~literal)
            literals.append(literal)
    return DayRank(week, offset, weekday_rank, tuple(literals), below)


def add_working_span(model: cp_model.CpModel, pattern: WeekPattern, length: int, start: DayRank, end: DayRank) -> None:
    """``end`` is the ``length``-th working day counted from ``start``."""
    model.add(end.rank(pattern) - start.rank(pattern) == length - 1)
