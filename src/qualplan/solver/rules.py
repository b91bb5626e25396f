"""Names for the groups of rules that a caller may switch off (the ``enforce`` hook).

``qualplan explain`` looks for a small set of rules that cannot all hold. It
builds the same model as ``solve`` but asks, for each switchable group, for an
enforcement literal: the group holds only when that literal is true. CP-SAT's
sufficient assumptions over those literals then name a conflicting set.

Physics is never switchable: durations, working-day calendars, dependencies and
the horizon always hold. Everything a planner could move is: a due date, a
resource's capacity, a task's window, a task's ``not_before``, a milestone's ``at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

RuleKind = Literal["due", "capacity", "window", "not_before", "at"]


@dataclass(frozen=True, order=True)
class RuleKey:
    """One switchable group of rules: ``kind`` and the id it is about.

    - ``RuleKey("due", milestone_id)``: the milestone's date is on or before its ``due``.
    - ``RuleKey("capacity", resource_id)``: the resource's capacity (with its ``changes``).
    - ``RuleKey("window", task_id)``: the task lies inside one occurrence of its window.
    - ``RuleKey("not_before", task_id)``: the task starts on or after its ``not_before``.
    - ``RuleKey("at", milestone_id)``: the milestone's date is its fixed ``at``.
    """

    kind: RuleKind
    subject: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject}"


#: Returns the literal that enforces a rule group, or None to keep the group always on.
#: Called once per key; the builder caches the answer.
Enforce = Callable[[RuleKey], object | None]
