"""The risk run's progress bar on stderr: only on a terminal, only after the delay, erased at the end."""

from __future__ import annotations

import io
import time

from qualplan.progress import IterationProgress
from terminal_support import Terminal, wait_for


def test_nothing_is_shown_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with IterationProgress("lab", 100, stream=stream, delay=0.0) as progress:
        assert progress.report is None
        time.sleep(0.2)
    assert stream.getvalue() == ""


def test_a_quick_run_shows_nothing() -> None:
    stream = Terminal()
    with IterationProgress("lab", 100, stream=stream, delay=1.0) as progress:
        progress.report(100)
    time.sleep(0.2)
    assert stream.getvalue() == ""


def test_a_long_run_shows_the_iterations_done_then_erases_the_bar() -> None:
    stream = Terminal()
    with IterationProgress("lab", 10_000, stream=stream, delay=0.05) as progress:
        progress.report(2_500)
        assert wait_for(stream, "lab: iterations")
        assert wait_for(stream, "2500/10000")
    output = stream.getvalue()
    assert output.endswith("\x1b[2K")  # the bar is erased when the run ends
    assert "\x1b[?25h" in output  # and the cursor is shown again
