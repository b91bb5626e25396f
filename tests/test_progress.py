"""The stderr progress line: only on a terminal, only after the delay, erased at the end."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_check_on_a_terminal_shows_progress_on_stderr_and_keeps_stdout_pure_json():
    """End to end: stderr is a pseudo-terminal, stdout a pipe; the solve of an open PSPLIB instance takes > 1 s."""
    pty = pytest.importorskip("pty")
    plan = Path(__file__).parent / "data" / "check" / "undecided.yaml"
    command = [sys.executable, "-m", "qualplan", "check", str(plan), "--format", "json", "--time-limit", "0.1"]
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    stdout = process.stdout.read()
    process.wait()
    os.close(master)
    stderr = b"".join(chunks).decode("utf-8", errors="replace")
    assert process.returncode == 3
    assert json.loads(stdout)["verdict"] == "unknown"
    assert "j12060-10-due: solving " in stderr
    assert "best schedule: lateness " in stderr
    assert stderr.endswith("\x1b[2K")  # erased at the end
