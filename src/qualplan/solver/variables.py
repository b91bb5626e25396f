"""CP-SAT variables of one task: start, end (both inclusive day numbers) and interval.

A task without a calendar has a fixed size. A working-day task's elapsed span
depends on where it starts (weekends and holidays inside it), so its size is a
variable whose domain is every span its allowed starts produce; the exact
start -> end relation is a table added by ``ModelBuilder._add_task_spans``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from qualplan.problem import Problem


@dataclass(frozen=True)
class TaskVars:
    """The variables of one task. ``interval`` runs from ``start`` to ``end + 1`` (exclusive)."""

    start: cp_model.IntVar
    end: cp_model.IntVar
    interval: cp_model.IntervalVar
    pairs: tuple[tuple[int, int], ...] | None  # allowed (start, end) of a calendar task


def task_vars(model: cp_model.CpModel, problem: Problem, task_id: str, starts: list[tuple[int, int]]) -> TaskVars:
    """Variables of ``task_id`` whose start may take the days in ``starts`` (inclusive intervals)."""
    task = problem.tasks[task_id]
    if not starts:
        # No room at all: a fixed, impossible placement; the builder also adds `false`.
        start = model.new_constant(0)
        end = model.new_constant(task.length - 1)
        return TaskVars(start, end, model.new_fixed_size_interval_var(start, task.length, f"{task_id}"), None)
    domain = Domain.from_intervals([list(span) for span in starts])
    start = model.new_int_var_from_domain(domain, f"start[{task_id}]")
    if task.calendar is None:
        end = model.new_int_var_from_domain(domain.addition_with(Domain(task.length - 1, task.length - 1)), f"end[{task_id}]")
        model.add(end == start + task.length - 1)
        interval = model.new_fixed_size_interval_var(start, task.length, f"task[{task_id}]")
        return TaskVars(start, end, interval, None)
    pairs = tuple((day, problem.end_of(task_id, day)) for first, last in starts for day in range(first, last + 1))
    end = model.new_int_var_from_domain(Domain.from_values(sorted({stop for _, stop in pairs})), f"end[{task_id}]")
    size = model.new_int_var_from_domain(
        Domain.from_values(sorted({stop - day + 1 for day, stop in pairs})), f"span[{task_id}]"
    )
    interval = model.new_interval_var(start, size, end + 1, f"task[{task_id}]")
    return TaskVars(start, end, interval, pairs)
