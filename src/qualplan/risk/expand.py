"""The plan of one iteration, written out: every run, fix and redo as a task of its own.

``expand`` turns an iteration's draws into an ordinary compiled ``Problem``, so the
exact scheduler can solve it (the ``optimal`` policy) and the independent verifier
can check any schedule of it (the tests check every kernel schedule this way):

- each slot of a task's chain that the iteration uses is a task, with its drawn
  length; a run or redo keeps the calendar, window, ``not_before`` and uses of the
  task it runs (a re-run of a window task needs its window: it is the same test),
  a fix has none of them;
- consecutive slots of a chain are linked finish-to-start, lag 0;
- a dependency into a task bounds its first run when it bounds the task's start
  (finish and start links) and its last run when it bounds the task's end (end
  links); a dependency out of a task leaves from its last run ("dependants wait
  for the last run");
- milestones, calendars, windows, resources and the horizon are the plan's.

Slot ids (``spec.Slot.id``) contain ``#``, which plan ids cannot, so the first run
keeps the task's own id and nothing collides. A redo task's own dependencies are
not copied to its redo: the chain puts it after the failed run, by when they had
been met for its first run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from qualplan.problem import Link, Problem, TaskSpec
from qualplan.result import Schedule
from qualplan.risk.compiled import RiskModel
from qualplan.risk.draws import IterationDraws
from qualplan.risk.spec import SlotKind


@dataclass(frozen=True)
class Expanded:
    """One iteration's plan, and which slot each of its tasks is."""

    problem: Problem
    slots: dict[int, str]  # slot number -> task id in ``problem``

    def schedule(self, starts: Sequence[int | None]) -> Schedule:
        """A schedule of this plan from per-slot starts (the kernel's or ``reference``'s)."""
        return Schedule({task: starts[slot] for slot, task in self.slots.items()})  # type: ignore[misc]


def expand(model: RiskModel, draws: IterationDraws) -> Expanded:
    """The plan of the iteration with ``draws`` (module docstring)."""
    problem = model.problem
    tasks: dict[str, TaskSpec] = {}
    slots: dict[int, str] = {}
    first_run: dict[str, str] = {}
    last_run: dict[str, str] = {}
    chain_links: list[Link] = []
    for index, task in enumerate(model.tasks):
        base = model.layout.first[index]
        previous = None
        for k, length in enumerate(draws.lengths[index]):
            slot = model.layout.slots[base + k]
            if slot.kind is SlotKind.FIX:
                spec = TaskSpec(slot.id, length, None, None, None, 0, None, (), problem.tasks[task].stage)
            else:
                assert slot.rules is not None
                spec = replace(problem.tasks[slot.rules], id=slot.id, length=length)
            tasks[slot.id] = spec
            slots[base + k] = slot.id
            if previous is not None:
                chain_links.append(Link(previous, slot.id, "finish", 0))
            previous = slot.id
        first_run[task] = task
        assert previous is not None  # every chain has at least its first run
        last_run[task] = previous
    links = [_repointed(link, first_run, last_run) for link in problem.links]
    return Expanded(replace(problem, tasks=tasks, links=(*links, *chain_links)), slots)


def _repointed(link: Link, first_run: dict[str, str], last_run: dict[str, str]) -> Link:
    pred = last_run.get(link.pred, link.pred)
    if link.succ not in first_run:
        succ = link.succ  # a milestone
    else:
        succ = first_run[link.succ] if link.succ_side == "start" else last_run[link.succ]
    return replace(link, pred=pred, succ=succ)
