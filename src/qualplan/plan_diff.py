"""What a change to a plan does to its dates: two solved plans compared (``qualplan diff``).

``compare(old, new)`` takes the two ``SolveResult`` records (same seed and
limits) and returns a ``PlanDiff``: the verdicts, every milestone's date old and
new with the delta, the tasks, resources and milestones added, removed or
changed (which keys, from the validated models), and for each milestone that is
late on either side how its critical chain changed (``explain``'s chain: the
tasks that joined it and those that left it). No solver runs here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from qualplan.result import SolveResult, Verdict

#: How bad each verdict is, to tell a better plan from a worse one.
_VERDICT_RANK = {Verdict.MET: 0, Verdict.UNKNOWN: 1, Verdict.MISSED: 2}


@dataclass(frozen=True)
class KeyChange:
    """One key of an item whose value differs: the old and new values as plan text (None: absent).

    ``inner``: for a mapping with fixed keys on both sides (``cycles``), the keys inside it that differ.
    """

    key: str
    old: str | None
    new: str | None
    inner: tuple[KeyChange, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    """A task, resource or milestone present on both sides whose definition differs."""

    id: str
    changes: tuple[KeyChange, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(change.key for change in self.changes)


@dataclass(frozen=True)
class ItemsDiff:
    """Items (by id) only in the new plan, only in the old, and in both but changed; plan order."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class MilestoneMove:
    """One milestone's date on each side (None: not in that plan, or no date fits there)."""

    id: str
    due: dt.date | None  # the new plan's due date (the old one's when removed)
    old_due: dt.date | None
    old: dt.date | None
    new: dt.date | None
    in_old: bool
    in_new: bool

    @property
    def delta_days(self) -> int | None:
        """New date minus old date, in days; None unless both sides have a date."""
        if self.old is None or self.new is None:
            return None
        return (self.new - self.old).days

    @property
    def slip_days(self) -> float | None:
        """Days a due-dated milestone moved later (a date lost counts as endless); None when it has no due
        date or is on one side only."""
        if not (self.in_old and self.in_new) or (self.due is None and self.old_due is None):
            return None
        if self.old is not None and self.new is None:
            return float("inf")
        delta = self.delta_days
        return None if delta is None else float(delta)


@dataclass(frozen=True)
class ChainChange:
    """The critical chain of a milestone late on either side: its tasks on each side, who joined, who left."""

    milestone: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def joined(self) -> tuple[str, ...]:
        return tuple(task for task in self.new if task not in self.old)

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(task for task in self.old if task not in self.new)


@dataclass(frozen=True)
class PlanDiff:
    """Everything ``qualplan diff`` reports."""

    old_name: str
    new_name: str
    old_plan: str  # the plans' ids
    new_plan: str
    old_verdict: Verdict
    new_verdict: Verdict
    milestones: tuple[MilestoneMove, ...]
    tasks: ItemsDiff
    resources: ItemsDiff
    milestone_definitions: ItemsDiff
    chains: tuple[ChainChange, ...]

    @property
    def status(self) -> str:
        """``better``, ``worse``, ``mixed`` or ``unchanged``: the verdict and the due-dated milestones' dates."""
        rank = _VERDICT_RANK[self.new_verdict] - _VERDICT_RANK[self.old_verdict]
        due_dated = [move for move in self.milestones if move.slip_days is not None or _gained(move)]
        later = rank > 0 or any((move.slip_days or 0) > 0 for move in due_dated)
        earlier = rank < 0 or any((move.slip_days or 0) < 0 or _gained(move) for move in due_dated)
        if later and earlier:
            return "mixed"
        if later:
            return "worse"
        return "better" if earlier else "unchanged"

    def slips(self, days: int) -> tuple[MilestoneMove, ...]:
        """Due-dated milestones that moved later by more than ``days``."""
        return tuple(move for move in self.milestones if move.slip_days is not None and move.slip_days > days)


def compare(old: SolveResult, new: SolveResult, old_name: str, new_name: str) -> PlanDiff:
    """The difference between two solved plans (see the module docstring)."""
    old_plan, new_plan = old.problem.plan, new.problem.plan
    return PlanDiff(
        old_name=old_name,
        new_name=new_name,
        old_plan=old_plan.id,
        new_plan=new_plan.id,
        old_verdict=old.verdict,
        new_verdict=new.verdict,
        milestones=_milestone_moves(old, new),
        tasks=items_diff(
            {task.id: task for task in old_plan.tasks}, {task.id: task for task in new_plan.tasks}, exclude={"id"}
        ),
        resources=items_diff(old_plan.resources, new_plan.resources),
        milestone_definitions=items_diff(
            {m.id: m for m in old_plan.milestones}, {m.id: m for m in new_plan.milestones}, exclude={"id"}
        ),
        chains=_chain_changes(old, new),
    )


def items_diff(
    old: Mapping[str, BaseModel], new: Mapping[str, BaseModel], exclude: set[str] = frozenset()
) -> ItemsDiff:
    """Items by id: added, removed, and changed (the keys whose validated values differ)."""
    changed = []
    for item_id, item in new.items():
        if item_id in old:
            differences = key_changes(old[item_id], item, exclude)
            if differences:
                changed.append(ItemChange(item_id, differences))
    return ItemsDiff(
        added=tuple(item_id for item_id in new if item_id not in old),
        removed=tuple(item_id for item_id in old if item_id not in new),
        changed=tuple(changed),
    )


def key_changes(old: BaseModel, new: BaseModel, exclude: set[str] = frozenset()) -> tuple[KeyChange, ...]:
    """The keys (as written in plans) whose values differ between two models of one kind, in model order."""
    changes = []
    for name, field in type(old).model_fields.items():
        if name in exclude:
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            inner = key_changes(before, after) if isinstance(before, BaseModel) and type(before) is type(after) else ()
            changes.append(KeyChange(field.alias or name, _text(old, name), _text(new, name), inner))
    return tuple(changes)


# --- parts ----------------------------------------------------------------------------------------


def _milestone_moves(old: SolveResult, new: SolveResult) -> tuple[MilestoneMove, ...]:
    """New plan's milestones in its order, then those only in the old plan."""
    before = {outcome.id: outcome for outcome in old.milestone_outcomes()}
    after = {outcome.id: outcome for outcome in new.milestone_outcomes()}
    moves = []
    for milestone_id in [*after, *(m for m in before if m not in after)]:
        was, now = before.get(milestone_id), after.get(milestone_id)
        moves.append(
            MilestoneMove(
                id=milestone_id,
                due=(now or was).due,
                old_due=was.due if was is not None else None,
                old=was.date if was is not None else None,
                new=now.date if now is not None else None,
                in_old=was is not None,
                in_new=now is not None,
            )
        )
    return tuple(moves)


def _gained(move: MilestoneMove) -> bool:
    """A due-dated milestone that had no date (nothing fitted) and now has one."""
    return move.in_old and move.in_new and move.due is not None and move.old is None and move.new is not None


def _chain_changes(old: SolveResult, new: SolveResult) -> tuple[ChainChange, ...]:
    """For each milestone on both sides that is late on either: the tasks of its critical chain."""
    before, after = _chains(old), _chains(new)
    late = _late(old) | _late(new)
    return tuple(
        ChainChange(milestone, before.get(milestone, ()), after.get(milestone, ()))
        for milestone in after
        if milestone in late and milestone in before
    )


def _chains(result: SolveResult) -> dict[str, tuple[str, ...]]:
    """Each milestone's critical chain (tasks only, milestone first walking back), as ``explain`` finds it."""
    if result.schedule is None:
        return {milestone: () for milestone in result.problem.milestones}
    from qualplan.explain import explain

    explanation = explain(result, conflicts=False)
    return {
        item.id: tuple(link.node for link in item.chain if not link.is_milestone) for item in explanation.milestones
    }


def _late(result: SolveResult) -> set[str]:
    return {outcome.id for outcome in result.milestone_outcomes() if outcome.late_days or outcome.date is None}


def _text(model: BaseModel, name: str) -> str | None:
    """A model's value for ``name`` as it would be written in a plan (None when it is absent)."""
    value = getattr(model, name)
    if value is None:
        return None
    dumped = model.model_dump(mode="json", by_alias=True, include={name})
    return _plan_text(next(iter(dumped.values())), name)


def _plan_text(value: Any, key: str = "") -> str:
    """Compact YAML-flow text of a dumped value; ``after`` entries with defaults shown as bare ids."""
    if key == "after" and isinstance(value, list):
        return "[" + ", ".join(_after_entry(entry) for entry in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plan_text(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plan_text(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _after_entry(entry: Any) -> str:
    if isinstance(entry, dict):
        extra = {k: v for k, v in entry.items() if k != "on" and (k, v) not in (("type", "finish"), ("lag", "0"))}
        if not extra:
            return str(entry["on"])
        return "{" + ", ".join(f"{k}: {v}" for k, v in {"on": entry["on"], **extra}.items()) + "}"
    return str(entry)


__all__: Sequence[str] = [
    "ChainChange",
    "ItemChange",
    "ItemsDiff",
    "KeyChange",
    "MilestoneMove",
    "PlanDiff",
    "compare",
    "items_diff",
    "key_changes",
]
