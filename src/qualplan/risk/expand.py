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

With progress, a started task stays as compiled (a plain span at its actual days, no
dependency into it enforced); a running one ends where its drawn remaining work ends.
Runs follow their task's planned rules (``RiskModel.rules``).

Slot ids (``spec.Slot.id``) contain ``#``, which plan ids cannot, so the first run
keeps the task's own id and nothing collides. A redo task's own dependencies are
not copied to its redo: the chain puts it after the failed run, by when they had
been met for its first run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from qualplan.actuals import running_end
from qualplan.durations import Duration
from qualplan.model import Plan
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
            elif slot.kind is SlotKind.RUN and task in model.progress:
                spec = _started(model, task, length)
            else:
                assert slot.rules is not None
                spec = replace(model.rules[slot.rules], id=slot.id, length=length)
            tasks[slot.id] = spec
            slots[base + k] = slot.id
            if previous is not None:
                chain_links.append(Link(previous, slot.id, "finish", 0))
            previous = slot.id
        first_run[task] = task
        assert previous is not None  # every chain has at least its first run
        last_run[task] = previous
    links = [_repointed(link, first_run, last_run) for link in problem.links]
    plan = _with_drawn_remaining(model, tasks)
    return Expanded(replace(problem, plan=plan, tasks=tasks, links=(*links, *chain_links)), slots)


def _with_drawn_remaining(model: RiskModel, tasks: dict[str, TaskSpec]) -> Plan:
    """The plan, each running task's ``remaining`` the work drawn in this iteration (the
    verifier reads a running task's end from the plan)."""
    running = {task for task, started in model.progress.items() if started.state == "running"}
    if not running:
        return model.problem.plan
    changed = []
    for task in model.problem.plan.tasks:
        progress = tasks[task.id].progress
        if task.id in running and progress is not None and progress.remaining is not None:
            days = progress.remaining
            task = task.model_copy(update={"remaining": Duration(f"{days}d", days)})
        changed.append(task)
    return model.problem.plan.model_copy(update={"tasks": changed})


def _started(model: RiskModel, task: str, length: int) -> TaskSpec:
    """A started task as compiled (a plain span at its actual days); a running one ends where its
    drawn remaining work, ``length`` days from the status day, ends (``actuals.running_end``)."""
    spec = model.problem.tasks[task]
    started = spec.progress
    assert started is not None and model.status_day is not None
    if started.state == "done":
        return spec
    counted_by = model.remaining[task][1]
    calendar = model.problem.calendars[counted_by] if counted_by is not None else None
    end = running_end(calendar, model.status_day, length)
    assert end is not None  # the scheduler found it inside the horizon
    drawn = replace(started, end=end, remaining=length, remaining_calendar=counted_by)
    return replace(spec, length=end - started.start + 1, progress=drawn)


def _repointed(link: Link, first_run: dict[str, str], last_run: dict[str, str]) -> Link:
    pred = last_run.get(link.pred, link.pred)
    if link.succ not in first_run:
        succ = link.succ  # a milestone
    else:
        succ = first_run[link.succ] if link.succ_side == "start" else last_run[link.succ]
    return replace(link, pred=pred, succ=succ)
