"""The ``priority`` policy's scheduler in plain Python: the oracle of the compiled kernel.

The same algorithm as ``kernel.py``, written against the library's own rules
(``calendar.first_fit`` for calendars, windows and the horizon, ``Link.earliest``
for the three link types, ``Problem.capacity_spans`` for capacity steps), so a
test that compares the two on random plans checks the kernel's array encoding of
every rule too. ``benchmarks/risk.py`` measures both.

A **ready-list** serial schedule-generation scheme: a node is ready once every
node it depends on is placed. Ready milestones are dated at once; otherwise the
ready task with the smallest priority (its rank in the check schedule's start
order) is placed, its whole chain of runs in one go (run 1, then after a failed
run the fix, the redo tasks and the next run): each slot at the first day that
its links, calendar, window, ``not_before`` and the capacity left by everything
placed before allow. A plain list in start order would not do: with
finish-to-finish links a successor can start before its predecessor, and placing
it first would read a predecessor that has no time yet.

Dependencies into a task bound its first run (links that bound its start) and
its last run (links that bound its end); dependants wait for its last run.

With progress (``TaskSpec.progress``): started tasks are placed first, as facts (the
compiled plan enforces no dependency into them); every other task starts on or after the
status day, and a milestone not reached is dated on or after it. A task's runs follow its
planned rules (``RiskModel.rules``), also a started task run again as another test's redo.

Each placed slot records what fixed its start (its **blocker**), from which the
critical chain of a milestone is followed back (``critical_tasks``):

- the capacity left by others, when capacity pushed it past the first day its
  other rules allow: the task holding the scarce resource on the last day that
  pushed it, among those that end before it starts, the one that ends last (ties:
  the lower slot); none such (a capacity step) ends the chain;
- else, when it starts later than its own rules alone allow (calendar, window,
  ``not_before``, the horizon): the constraint that alone would push it latest
  (the previous slot of its chain, or a link from a predecessor; ties: the first);
- else its own rules: the chain ends there.

Elements are numbered: slot ``s`` is ``s``, milestone ``m`` is ``S + m``; -1 is none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qualplan.actuals import TaskProgress, running_end
from qualplan.calendar import first_fit
from qualplan.problem import Link
from qualplan.risk.compiled import RiskModel
from qualplan.risk.draws import IterationDraws
from qualplan.risk.spec import Slot


@dataclass(frozen=True)
class IterationSchedule:
    """One iteration scheduled: per slot its start and end (None: not used in this
    iteration, or no room inside the horizon), per milestone its date (None: a
    predecessor found no room), and per element its blocker."""

    starts: tuple[int | None, ...]
    ends: tuple[int | None, ...]
    dates: tuple[int | None, ...]
    blockers: tuple[int, ...]


def schedule_iteration(model: RiskModel, draws: IterationDraws) -> IterationSchedule:
    """Schedule one iteration's draws under the ``priority`` policy (module docstring)."""
    return _Scheduler(model, draws).run()


def critical_tasks(model: RiskModel, schedule: IterationSchedule) -> tuple[frozenset[int], ...]:
    """Per milestone, the tasks (plan order indices) on its critical chain: the owners of the
    slots met when following blockers back from it. Empty for a milestone without a date."""
    slots = model.layout.slots
    owners = {task: index for index, task in enumerate(model.tasks)}
    count = len(slots)
    chains = []
    for m, date in enumerate(schedule.dates):
        found: set[int] = set()
        element = schedule.blockers[count + m] if date is not None else -1
        while element >= 0:
            if element < count:
                found.add(owners[slots[element].owner])
            element = schedule.blockers[element]
        chains.append(frozenset(found))
    return tuple(chains)


class _Scheduler:
    def __init__(self, model: RiskModel, draws: IterationDraws) -> None:
        self.model = model
        self.problem = model.problem
        self.draws = draws
        self.tasks = list(self.problem.tasks)
        self.milestones = list(self.problem.milestones)
        slots = model.layout.slots
        self.count = len(slots)
        self.starts: list[int | None] = [None] * self.count
        self.ends: list[int | None] = [None] * self.count
        self.blockers = [-1] * (self.count + len(self.milestones))
        self.dates: list[int | None] = [None] * len(self.milestones)
        # Each node's times as its dependants read them, its element, and whether it has a place.
        self.times: dict[str, tuple[int, int] | None] = {}
        self.element: dict[str, int] = {}
        days = self.problem.days
        self.used = {resource: np.zeros(days, np.int64) for resource in self.problem.capacity_steps}
        self.capacity = {}
        for resource in self.problem.capacity_steps:
            profile = np.zeros(days, np.int64)
            for first, stop, units in self.problem.capacity_spans(resource):
                profile[first:stop] = units
            self.capacity[resource] = profile
        self.placed: list[tuple[int, str, int, int]] = []  # (slot, resource, start, end) of every holder

    def run(self) -> IterationSchedule:
        waiting = {node: len(self.problem.preds[node]) for node in [*self.tasks, *self.milestones]}
        ready_tasks = [task for task in self.tasks if waiting[task] == 0]
        ready_milestones = [m for m in self.milestones if waiting[m] == 0]
        rank = dict(zip(self.tasks, self.model.priority, strict=True))
        for task, started in self.model.progress.items():
            self._place_started(task, started)
        while ready_tasks or ready_milestones:
            if ready_milestones:
                node = min(ready_milestones, key=self.milestones.index)
                ready_milestones.remove(node)
                self._date(node)
            else:
                node = min(ready_tasks, key=lambda task: rank[task])
                ready_tasks.remove(node)
                if node not in self.model.progress:
                    self._place_chain(node)
            for link in self.problem.succs[node]:
                waiting[link.succ] -= 1
                if waiting[link.succ] == 0:
                    (ready_milestones if link.succ in self.problem.milestones else ready_tasks).append(link.succ)
        return IterationSchedule(tuple(self.starts), tuple(self.ends), tuple(self.dates), tuple(self.blockers))

    # --- milestones ---

    def _date(self, milestone: str) -> None:
        m = self.milestones.index(milestone)
        element = self.count + m
        self.element[milestone] = element
        at = self.problem.milestones[milestone].fixed
        if at is not None:
            self._set_milestone(milestone, m, at, -1)
            return
        date, blocker = None, -1
        for link in self.problem.preds[milestone]:
            reached = self._reach(link)
            if reached is None:
                self.times[milestone] = None
                return
            if date is None or reached > date:
                date, blocker = reached, self.element[link.pred]
        assert date is not None  # a milestone without `at` has links
        status = self.problem.status_day
        if status is not None and date < status:
            date, blocker = status, -1  # not reached before the status day
        self._set_milestone(milestone, m, date, blocker)

    def _set_milestone(self, milestone: str, m: int, date: int, blocker: int) -> None:
        self.dates[m] = date
        self.blockers[self.count + m] = blocker
        self.times[milestone] = (date, date)

    def _reach(self, link: Link) -> int | None:
        times = self.times[link.pred]
        return None if times is None else link.earliest(*times)

    # --- tasks ---

    def _place_chain(self, task: str) -> None:
        index = self.tasks.index(task)
        links = self.problem.preds[task]
        if any(self.times[link.pred] is None for link in links):
            self.times[task] = None
            return
        starts = [("start", self._reach(link), self.element[link.pred]) for link in links if link.succ_side == "start"]
        ends = [("end", self._reach(link), self.element[link.pred]) for link in links if link.succ_side == "end"]
        first = self.model.layout.first[index]
        lengths = self.draws.lengths[index]
        previous: tuple[int, int] | None = None  # (end, slot) of the previous slot of the chain
        for k, length in enumerate(lengths):
            slot = first + k
            constraints = list(starts) if previous is None else [("start", previous[0] + 1, previous[1])]
            if k == len(lengths) - 1:
                constraints += ends
            span = self._place_slot(slot, self.model.layout.slots[slot], length, constraints)
            if span is None:
                self.times[task] = None
                return
            previous = (span[1], slot)
        assert previous is not None
        last = previous[1]
        self.times[task] = (self.starts[last], self.ends[last])  # type: ignore[assignment]
        self.element[task] = last

    def _place_started(self, task: str, started: TaskProgress) -> None:
        """A started task, placed before all others: a done one on its actual days, a running
        one from its actual start to the end of its drawn remaining work from the status day
        (``actuals.running_end``). Its resources are held from the status day on."""
        index = self.tasks.index(task)
        slot = self.model.layout.first[index]
        spec = self.problem.tasks[task]
        end = started.end
        status = self.problem.status_day
        assert status is not None  # progress comes with a status day
        if started.state == "running":
            counted_by = self.model.remaining[task][1]
            calendar = self.problem.calendars[counted_by] if counted_by is not None else None
            end = running_end(calendar, status, self.draws.lengths[index][0])
        if end is None or end > self.problem.days - 1:
            self.times[task] = None  # its remaining work runs past the horizon
            return
        self.starts[slot], self.ends[slot], self.blockers[slot] = started.start, end, -1
        self.times[task] = (started.start, end)
        self.element[task] = slot
        first_day = max(started.start, status, 0)
        own_uses = dict(spec.uses)
        for resource in self.problem.capacity_steps:
            units = own_uses.get(resource, 0)
            if units > 0 and end >= first_day:
                self.used[resource][first_day : end + 1] += units
                self.placed.append((slot, resource, first_day, end))

    def _place_slot(
        self, slot: int, spec: Slot, length: int, constraints: list[tuple[str, int, int]]
    ) -> tuple[int, int] | None:
        task = self.model.rules[spec.rules] if spec.rules is not None else None
        calendar = self.problem.calendars[task.calendar] if task is not None and task.calendar else None
        spans = task.occurrences if task is not None and task.occurrences is not None else ((0, self.problem.days - 1),)
        own = task.earliest if task is not None else 0

        def fit(lowest: int, end_not_before: int) -> int | None:
            return first_fit(spans, max(lowest, own), length, calendar, end_not_before)

        def end_of(start: int) -> int:
            if calendar is None:
                return start + length - 1
            end = calendar.end_of(start, length)
            assert end is not None  # first_fit only returns starts that fit
            return end

        lowest = max([own, *(bound for side, bound, _ in constraints if side == "start")])
        end_not_before = max([0, *(bound for side, bound, _ in constraints if side == "end")])
        unpushed = fit(lowest, end_not_before)
        if unpushed is None:
            return None
        start: int = unpushed
        # in the plan's order of resources, as the kernel reads them: a tie between two
        # resources' conflict days goes to the first
        own_uses = dict(task.uses) if task is not None else {}
        uses = [(name, own_uses[name]) for name in self.problem.capacity_steps if own_uses.get(name, 0) > 0]
        pushed_by: tuple[int, str] | None = None  # (day, resource) of the last capacity conflict
        while True:
            end = end_of(start)
            conflict: tuple[int, str] | None = None
            for resource, units in uses:
                over = np.nonzero(
                    self.used[resource][start : end + 1] + units > self.capacity[resource][start : end + 1]
                )
                if len(over[0]) and (conflict is None or start + int(over[0][-1]) > conflict[0]):
                    conflict = (start + int(over[0][-1]), resource)
            if conflict is None:
                break
            pushed_by = conflict
            moved = fit(conflict[0] + 1, end_not_before)
            if moved is None:
                return None
            start = moved
        end = end_of(start)
        if start > unpushed:
            assert pushed_by is not None
            blocker = self._holder(pushed_by, start)
        else:
            blocker = self._binding(constraints, fit, start, own)
        self.starts[slot], self.ends[slot], self.blockers[slot] = start, end, blocker
        for resource, units in uses:
            self.used[resource][start : end + 1] += units
            self.placed.append((slot, resource, start, end))
        return start, end

    def _holder(self, pushed_by: tuple[int, str], start: int) -> int:
        """The slot holding ``resource`` on ``day`` that ends before ``start`` and ends last."""
        day, resource = pushed_by
        best, best_end = -1, -1
        for slot, name, first, last in self.placed:
            if (
                name == resource
                and first <= day <= last < start
                and (last > best_end or (last == best_end and slot < best))
            ):
                best, best_end = slot, last
        return best

    @staticmethod
    def _binding(constraints: list[tuple[str, int, int]], fit, start: int, own: int) -> int:
        """The constraint that alone pushes the slot latest, if any pushes it past its own rules."""
        alone = fit(own, 0)
        if start == alone:
            return -1
        best, best_start = -1, alone
        for side, bound, element in constraints:
            candidate = fit(bound, 0) if side == "start" else fit(own, bound)
            if candidate is not None and (best_start is None or candidate > best_start):
                best, best_start = element, candidate
        return best
