"""The stderr progress line: only on a terminal, only after the delay, erased at the end."""

from __future__ import annotations

import io
import time

from qualplan.progress import SolveProgress
from qualplan.solver.progress import ProgressEvent


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def wait_for(stream: io.StringIO, text: str, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in stream.getvalue():
            return True
        time.sleep(0.02)
    return False


def test_nothing_is_shown_or_collected_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    with SolveProgress("cells", stream=stream, delay=0.0) as progress:
        assert progress.report is None  # the solver need not even build events
        time.sleep(0.2)
    assert stream.getvalue() == ""


def test_a_quick_solve_shows_nothing():
    stream = Terminal()
    with SolveProgress("cells", stream=stream, delay=1.0) as progress:
        progress.report(ProgressEvent(0.1, "lateness", 34, 20, 34, 20))
    time.sleep(0.2)
    assert stream.getvalue() == ""


def test_a_long_solve_shows_the_best_schedule_and_bound_then_erases_the_line():
    stream = Terminal()
    with SolveProgress("cells", stream=stream, delay=0.05) as progress:
        assert wait_for(stream, "cells: solving 0 s — no schedule yet")
        progress.report(ProgressEvent(1.5, "lateness", 34, 20, 34, 20))
        assert wait_for(stream, "best schedule: lateness 34 (bound 20)")
    output = stream.getvalue()
    assert output.endswith("\x1b[2K")  # the transient line is cleared when the solve ends
    assert "\x1b[?25h" in output  # and the cursor is shown again


def test_later_phases_show_the_term_being_improved():
    progress = SolveProgress("cells", stream=io.StringIO())
    with progress:
        progress.latest = ProgressEvent(3.0, "dates", 0, 0, 1234, 1200)
        assert progress.status().endswith("— best schedule: lateness 0 (bound 0), milestone dates 1234 (bound 1200)")


def test_the_line_never_appears_after_the_solve_ended():
    stream = Terminal()
    with SolveProgress("cells", stream=stream, delay=0.2):
        pass
    time.sleep(0.4)
    assert stream.getvalue() == ""
