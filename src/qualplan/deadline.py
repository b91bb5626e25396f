"""The wall-clock promise behind ``--time-limit``.

A user who types ``--time-limit 60`` expects the whole command back in about a
minute, on a quiet machine or a busy one. The solver's own budget is counted in
deterministic work (so that runs repeat, see ``solver/params.py``); this is the
wall-clock deadline that caps it. A command makes one ``Deadline`` when it starts
(``Deadline.for_command``) and hands it to every piece of solver work it runs
(the solve, then ``explain``'s conflict search); each piece stops by it, and the
result says when the clock rather than the work budget ended a search
(``stopped_by``), since only then can two runs differ.

Budget: the command must finish within ``COMMAND_FACTOR × limit + COMMAND_MARGIN``
seconds of wall time. Solver work stops ``RESERVE`` seconds before that, which is
what verifying and rendering the answer and leaving the interpreter may take.
The first plan's promise counts from the moment the process started
(``count_from_process_start``, called by the CLI's entry point), so starting
Python and importing the CLI and OR-Tools (0.5 s on an idle machine, several
seconds on a busy one) come out of the solver's time; each further plan of a
multi-plan command has a promise of its own, from when its processing starts.

One-off work that the promise leaves out (numba compiling the genetic algorithm's
loops on the first solve after an install, ``solver/evolution.py``) moves the
deadline back by what it took (``postpone``); a deadline is shared by every step of
a command, so they all see the move.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

#: Set by the CLI's entry point (``count_from_process_start``); taken by the first plan.
_process_start: float | None = None

#: What the user is promised: the whole command within 1.2 × the limit + 3 s (issue 12).
COMMAND_FACTOR = 1.2
COMMAND_MARGIN = 3.0
#: Seconds kept back from solver work for what follows it: verifying, explaining, rendering
#: and writing the answer; the interpreter's exit (0.5-1.1 s measured after a solve on a
#: loaded 2-core machine).
RESERVE = 2.0


@dataclass
class Deadline:
    """A ``time.monotonic()`` instant by which solver work must have stopped."""

    at: float

    @classmethod
    def for_command(cls, time_limit: float, started: float | None = None) -> Deadline:
        """The deadline of a command that started at ``started`` (default: now) with ``time_limit``."""
        begun = time.monotonic() if started is None else started
        return cls(begun + COMMAND_FACTOR * time_limit + COMMAND_MARGIN - RESERVE)

    @classmethod
    def never(cls) -> Deadline:
        return cls(float("inf"))

    def left(self) -> float:
        """Seconds left (0 when passed)."""
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def postpone(self, seconds: float) -> None:
        """Move the deadline ``seconds`` later: one-off work the promise does not count took them."""
        self.at += max(0.0, seconds)


def count_from_process_start() -> None:
    """Make the first plan's promise count from the moment this process started: called by the
    CLI's entry point, so that starting Python and importing count. (Code that calls a command
    inside a longer-lived process, such as the tests, starts its clocks when it calls.)"""
    global _process_start
    _process_start = time.monotonic() - process_age()


def command_started() -> float:
    """The ``time.monotonic()`` instant a plan's promise starts: the process start for the first
    plan after ``count_from_process_start``, otherwise the moment of the call."""
    global _process_start
    started, _process_start = _process_start, None
    return time.monotonic() if started is None else started


def process_age() -> float:
    """Seconds since this process started, from Linux's ``/proc`` (0.0 where that is not there)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, in clock ticks after boot
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0
