"""CP-SAT variables of one task: start, end (both inclusive day numbers) and interval.

A task without a calendar has a fixed size. A working-day task's elapsed span
depends on where it starts (weekends and holidays inside it), so its size is a
variable bounded by the shortest and longest span over its allowed starts, and
the exact start -> end rule is ``calendars.py``'s rank equation, added by
``ModelBuilder._add_task_spans``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from qualplan.problem import Problem
from qualplan.solver.calendars import DayRank, day_rank, working_day_domain


@dataclass(frozen=True)
class TaskVars:
    """The variables of one task. ``interval`` runs from ``start`` to ``end + 1`` (exclusive)."""

    start: cp_model.IntVar
    end: cp_model.IntVar
    interval: cp_model.IntervalVar
    size: cp_model.IntVar | None = None  # calendar tasks only: elapsed days
    start_rank: DayRank | None = None
    end_rank: DayRank | None = None


def task_vars(model: cp_model.CpModel, problem: Problem, task_id: str, starts: list[tuple[int, int]]) -> TaskVars:
    """Variables of ``task_id`` whose start may take the days in ``starts`` (inclusive intervals)."""
    task = problem.tasks[task_id]
    if not starts:
        # No room at all: a fixed, impossible placement; the builder also adds `false`.
        start = model.new_constant(0)
        end = model.new_constant(task.length - 1)
        return TaskVars(start, end, model.new_fixed_size_interval_var(start, task.length, f"task[{task_id}]"))
    if task.calendar is None:
        domain = Domain.from_intervals([list(span) for span in starts])
        start = model.new_int_var_from_domain(domain, f"start[{task_id}]")
        end = model.new_int_var_from_domain(
            domain.addition_with(Domain(task.length - 1, task.length - 1)), f"end[{task_id}]"
        )
        model.add(end == start + task.length - 1)
        interval = model.new_fixed_size_interval_var(start, task.length, f"task[{task_id}]")
        return TaskVars(start, end, interval)

    calendar = problem.calendars[task.calendar]
    pattern = calendar.week_pattern
    ends = [(problem.end_of(task_id, first), problem.end_of(task_id, last)) for first, last in starts]
    start_domain = working_day_domain(pattern, starts)
    end_domain = working_day_domain(pattern, ends)
    start = model.new_int_var_from_domain(start_domain, f"start[{task_id}]")
    end = model.new_int_var_from_domain(end_domain, f"end[{task_id}]")
    shortest, longest = _span_range(calendar.days, task.length, starts)
    size = model.new_int_var(shortest, longest, f"span[{task_id}]")
    interval = model.new_interval_var(start, size, end + 1, f"task[{task_id}]")
    start_rank = day_rank(model, pattern, start, start_domain, f"start[{task_id}]")
    end_rank = day_rank(model, pattern, end, end_domain, f"end[{task_id}]")
    return TaskVars(start, end, interval, size, start_rank, end_rank)


def _span_range(days: tuple[int, ...], length: int, starts: list[tuple[int, int]]) -> tuple[int, int]:
    """Shortest and longest elapsed span of a ``length``-working-day task over the working starts."""
    shortest, longest = None, None
    for first, last in starts:
        for index in range(bisect.bisect_left(days, first), bisect.bisect_right(days, last)):
            span = days[index + length - 1] - days[index] + 1
            shortest = span if shortest is None else min(shortest, span)
            longest = span if longest is None else max(longest, span)
    return shortest, longest
