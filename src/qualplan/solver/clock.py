"""The two limits of one solve: a work budget that repeats, and the wall deadline it promises.

**Work** (repeatable): ``time_limit`` seconds, shared out phase by phase
(``phases.py``). A CP-SAT solve turns its share into deterministic work units at a
pace measured per kind of model (``params.units_per_second``), the genetic algorithm
into ticks (``evolution.TICKS_PER_SECOND``), and what a step used is charged from
those counts, never from the clock. A solve that the work budget ends gives the same
answer on every run.

**Wall** (the promise, issue 12): the command's ``Deadline``. Every step also stops
by it: CP-SAT's ``max_time_in_seconds`` is what is left, the greedy's extra passes
and the genetic algorithm look at it between passes and generations. The paces are
set so that on an idle machine the work budget ends first; on a busy one the clock
may, and then the answer depends on the machine's speed at that moment.

The clock keeps which of the two ended the search (``stopped_by``) for the result.
"""

from __future__ import annotations

import time

from qualplan import cancel
from qualplan.deadline import Deadline
from qualplan.result import StoppedBy


class SolveClock:
    """The work budget left (``seconds_left``), the wall deadline, and what stopped the search."""

    def __init__(self, time_limit: float, deadline: Deadline) -> None:
        self.started = time.perf_counter()
        self.deadline = deadline
        self.time_limit = time_limit
        self.seconds_left = time_limit
        self.clock_cut = False  # the deadline cut some step short: a rerun may differ
        self.build_seconds = 0.0  # wall time of the slowest phase model built so far (Python, not counted work)

    def spend(self, seconds: float) -> None:
        """Charge ``seconds`` of the work budget (worked out from counted work, not measured)."""
        self.seconds_left -= seconds

    def wall_left(self) -> float:
        """Seconds of wall time left before the deadline."""
        return self.deadline.left()

    def passed(self) -> bool:
        """True, and noted, once the wall deadline has passed (a step about to start is cut)."""
        if self.deadline.expired():
            self.clock_cut = True
            return True
        return False

    def should_stop(self) -> bool:
        """For loops of optional work (the greedy's extra passes): stop when the user asked (the
        caller then raises through ``cancel.check``) or the deadline has passed (noted)."""
        return cancel.requested() or self.passed()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def stopped_by(self, proven: bool) -> StoppedBy:
        """What ended the search: the clock if it cut anything, else a proof of every term, else work."""
        if self.clock_cut:
            return StoppedBy.CLOCK
        return StoppedBy.PROOF if proven else StoppedBy.WORK
