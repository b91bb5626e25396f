"""What varies in a risk run, per task, in day numbers; and the slots of each task's chain of runs.

``task_risks`` resolves the plan's ``risk`` keys (plan-format.md, "Risk") into a
``TaskRisk`` per task: the triangular spread in days (working days on a
calendar), the chance that one run fails, the most runs, and the retest. A key a
task does not give is taken from the plan-level ``risk``; without either, a task
keeps its planned duration and never fails.

``Layout`` numbers the **slots** of every task's chain, in the order they run::

    run 1, fix 1, redo 1 of each ``redo`` task, run 2, fix 2, ..., run `attempts`

(no fix slot when ``fix`` is 0).
An iteration uses a prefix of its task's slots: up to the run that passes. The
kernel, the plain-Python scheduler and the expanded-plan builder all read this one
layout, so a slot means the same thing to each of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

from qualplan.actuals import TaskProgress
from qualplan.model import DEFAULT_ATTEMPTS, Risk
from qualplan.problem import Problem

#: The random draws of one run, numbered within the run (the stream's ``purpose``).
DRAW_DURATION = 0
DRAW_FAILURE = 1
DRAW_REDO = 2  # + k: the duration of the k-th redo task in the retest after this run


@dataclass(frozen=True)
class TaskRisk:
    """One task's uncertainty, resolved: days are working days when the task has a calendar."""

    low: Fraction
    likely: Fraction
    high: Fraction
    fail: float  # chance that one run fails (the run numbered `attempts` always passes)
    attempts: int  # most runs; 1 when the task never fails
    fix: int  # days of the fix after a failed run (elapsed days, no resources)
    redo: tuple[str, ...]  # tasks run again, in this order, after each fix
    found_after: Fraction  # share of its drawn length after which a failing run stops

    @property
    def spread(self) -> tuple[float, float, float]:
        """(low, likely, high) as floats for the draws (each the nearest float to the exact value)."""
        return float(self.low), float(self.likely), float(self.high)

    @property
    def varies(self) -> bool:
        """Whether anything about the task is random."""
        return self.low != self.high or (self.fail > 0 and self.attempts > 1)


def task_risks(problem: Problem) -> dict[str, TaskRisk]:
    """Every task's resolved risk, in plan order."""
    default = problem.plan.risk
    risks = {}
    for task in problem.plan.tasks:
        own = task.risk.over(default) if task.risk is not None else (default or Risk())
        risks[task.id] = _resolve(own, task.days)  # the planned length, also of a started task
    return risks


def _resolve(risk: Risk, planned: int) -> TaskRisk:
    if risk.duration is not None:
        low, likely, high = risk.duration.days(planned)
    else:
        low = likely = high = Fraction(planned)
    fail = risk.fail or 0.0
    attempts = risk.attempts if risk.attempts is not None else DEFAULT_ATTEMPTS
    retest = risk.retest
    return TaskRisk(
        low=low,
        likely=likely,
        high=high,
        fail=fail,
        attempts=attempts if fail > 0 else 1,
        fix=retest.fix.days if retest is not None else 0,
        redo=tuple(retest.redo) if retest is not None else (),
        found_after=retest.found_after.value if retest is not None else Fraction(1),
    )


def with_progress(
    risks: dict[str, TaskRisk], progress: dict[str, TaskProgress], remaining: dict[str, int]
) -> dict[str, TaskRisk]:
    """The chain risks of a plan with progress (plan-format.md, "Progress"): a done task's
    length is its actual span; a running task draws its ``remaining`` work (days of its own
    calendar, counted from the status day) from its spread scaled to it (low and high in the
    same proportion to the likely length). Its current run is taken to pass, so neither fails."""
    changed = dict(risks)
    for task, started in progress.items():
        risk = risks[task]
        if started.state == "done":
            assert started.end is not None
            low = likely = high = Fraction(started.end - started.start + 1)
        else:
            likely = Fraction(remaining[task])
            scale = likely / risk.likely if risk.likely else Fraction(1)
            low, high = risk.low * scale, risk.high * scale
        changed[task] = TaskRisk(low, likely, high, 0.0, 1, 0, (), Fraction(1))
    return changed


class SlotKind(enum.IntEnum):
    """What a slot of a chain is."""

    RUN = 0  # a run of the task itself
    FIX = 1  # the fix after a failed run: a duration, no resources, no calendar
    REDO = 2  # a redo task run again (its uses, calendar, window and not_before)


@dataclass(frozen=True)
class Slot:
    """One place in a task's chain of runs."""

    owner: str  # the task whose chain this is
    kind: SlotKind
    attempt: int  # 0-based: run number - 1; for a fix or redo, the run that failed before it
    rules: str | None  # the task whose calendar, window, uses and not_before apply (None: a fix)
    redo_index: int  # k for the k-th redo task, else -1

    @property
    def id(self) -> str:
        """Its node id in the expanded plan of an iteration. ``#`` is not allowed in plan ids,
        so these never collide with the plan's own: ``life``, ``life#fix1``,
        ``life#redo1:build``, ``life#run2``."""
        if self.kind is SlotKind.RUN:
            return self.owner if self.attempt == 0 else f"{self.owner}#run{self.attempt + 1}"
        if self.kind is SlotKind.FIX:
            return f"{self.owner}#fix{self.attempt + 1}"
        return f"{self.owner}#redo{self.attempt + 1}:{self.rules}"


@dataclass(frozen=True)
class Layout:
    """The slots of every task's chain; task ``t``'s are ``slots[first[t] : first[t + 1]]``."""

    tasks: tuple[str, ...]  # plan order
    slots: tuple[Slot, ...]
    first: tuple[int, ...]  # len(tasks) + 1 offsets

    def of(self, task: str) -> tuple[Slot, ...]:
        index = self.tasks.index(task)
        return self.slots[self.first[index] : self.first[index + 1]]


def layout(risks: dict[str, TaskRisk]) -> Layout:
    """The chains' slots, task by task in plan order."""
    slots: list[Slot] = []
    first = [0]
    for task, risk in risks.items():
        for attempt in range(risk.attempts):
            slots.append(Slot(task, SlotKind.RUN, attempt, task, -1))
            if attempt == risk.attempts - 1:
                break
            if risk.fix > 0:
                slots.append(Slot(task, SlotKind.FIX, attempt, None, -1))
            slots.extend(Slot(task, SlotKind.REDO, attempt, name, k) for k, name in enumerate(risk.redo))
        first.append(len(slots))
    return Layout(tuple(risks), tuple(slots), tuple(first))
