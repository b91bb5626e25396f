"""One iteration's draws, in plain Python: how long each slot of each task's chain lasts.

Per task, run by run: the run's length is drawn from its triangular spread; unless
it is the last allowed run, a second number decides whether it fails (chance
``fail``). A failing run lasts ``found_after`` of its drawn length (rounded up),
then come the fix (its fixed length) and the ``redo`` tasks, each with a fresh
draw from its own spread, then the next run. The first run that does not fail
ends the chain. ``kernel.py`` draws the same numbers in compiled code.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualplan.risk.spec import DRAW_DURATION, DRAW_FAILURE, DRAW_REDO, TaskRisk
from qualplan.risk.stream import failed_days, triangular_days, uniform


@dataclass(frozen=True)
class IterationDraws:
    """Per task in plan order: the lengths of the slots its chain uses (a prefix of its
    ``Layout`` slots), and how many of its runs failed."""

    lengths: tuple[tuple[int, ...], ...]
    failures: tuple[int, ...]


def draw_iteration(
    risks: dict[str, TaskRisk], seed: int, iteration: int, planned: dict[str, TaskRisk] | None = None
) -> IterationDraws:
    """The draws of iteration ``iteration`` of a run with ``seed``: each task's chain from ``risks``,
    a redo run from its task's ``planned`` risk (default ``risks``; they differ for a started task,
    whose own chain is its actual span or its remaining work)."""
    planned = risks if planned is None else planned
    lengths = []
    failures = []
    for index, risk in enumerate(risks.values()):
        chain: list[int] = []
        failed = 0
        for attempt in range(risk.attempts):
            length = triangular_days(uniform(seed, iteration, index, attempt, DRAW_DURATION), *risk.spread)
            last = attempt == risk.attempts - 1
            if last or uniform(seed, iteration, index, attempt, DRAW_FAILURE) >= risk.fail:
                chain.append(length)
                break
            failed += 1
            chain.append(failed_days(length, risk.found_after))
            if risk.fix > 0:
                chain.append(risk.fix)
            for k, name in enumerate(risk.redo):
                u = uniform(seed, iteration, index, attempt, DRAW_REDO + k)
                chain.append(triangular_days(u, *planned[name].spread))
        lengths.append(tuple(chain))
        failures.append(failed)
    return IterationDraws(tuple(lengths), tuple(failures))
