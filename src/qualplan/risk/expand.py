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

With progress, a task with actuals is a plain span (its facts: no dependency into it is
enforced, nor its calendar or window); tasks without start on or after the status day;
reached milestones are fixed at their actual dates.

Slot ids (``spec.Slot.id``) contain ``#``, which plan ids cannot, so the first run
keeps the task's own id and nothing collides. A redo task's own dependencies are
not copied to its redo: the chain puts it after the failed run, by when they had
been met for its first run.
"""

from __future__ import annotations

import bisect
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
            elif task in model.actuals:
                spec = _actual(model, task, length)
            else:
                assert slot.rules is not None
                earliest = model.earliest(slot.rules)
                spec = replace(problem.tasks[slot.rules], id=slot.id, length=length, earliest=earliest)
            tasks[slot.id] = spec
            slots[base + k] = slot.id
            if previous is not None:
                chain_links.append(Link(previous, slot.id, "finish", 0))
            previous = slot.id
        first_run[task] = task
        assert previous is not None  # every chain has at least its first run
        last_run[task] = previous
    # a dependency into a task or milestone with actuals is not enforced: its dates are facts
    kept = [link for link in problem.links if link.succ not in model.actuals and link.succ not in model.reached]
    links = [_repointed(link, first_run, last_run) for link in kept]
    milestones = {name: replace(spec, at=model.fixed_date(name)) for name, spec in problem.milestones.items()}
    return Expanded(replace(problem, tasks=tasks, milestones=milestones, links=(*links, *chain_links)), slots)


def _actual(model: RiskModel, task: str, length: int) -> TaskSpec:
    """A task with actuals as a plain span from its actual start: done, its actual days; running,
    to the end of its drawn remaining days from the status day. Its calendar and window are not
    checked again (its dates are facts); a done task holds no resources from the status day on."""
    problem, actual = model.problem, model.actuals[task]
    spec = problem.tasks[task]
    if actual.end is not None:
        end = actual.end
    elif spec.calendar is None:
        assert model.status_day is not None
        end = model.status_day + length - 1
    else:
        assert model.status_day is not None
        working = problem.calendars[spec.calendar].days
        end = working[bisect.bisect_left(working, model.status_day) + length - 1]
    uses = spec.uses if actual.end is None else ()
    return TaskSpec(task, end - actual.start + 1, None, None, None, 0, None, uses, spec.stage)


def _repointed(link: Link, first_run: dict[str, str], last_run: dict[str, str]) -> Link:
    pred = last_run.get(link.pred, link.pred)
    if link.succ not in first_run:
        succ = link.succ  # a milestone
    else:
        succ = first_run[link.succ] if link.succ_side == "start" else last_run[link.succ]
    return replace(link, pred=pred, succ=succ)
