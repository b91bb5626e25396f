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
A command makes its deadline before it loads the plan file; what comes before that
(starting Python and the CLI, about 0.3-0.5 s on an idle machine) is covered by
``RESERVE`` too.

One-off work that the promise leaves out (numba compiling the genetic algorithm's
loops on the first solve after an install, ``solver/evolution.py``) moves the
deadline back by what it took (``postpone``); a deadline is shared by every step of
a command, so they all see the move.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: What the user is promised: the whole command within 1.2 × the limit + 3 s (issue 12).
COMMAND_FACTOR = 1.2
COMMAND_MARGIN = 3.0
#: Seconds kept back from solver work for what precedes and follows it: starting Python
#: and the CLI; verifying, explaining, rendering and writing the answer; the interpreter's
#: exit (0.5-1.1 s measured after a solve on a loaded 2-core machine).
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
