"""The stderr progress line: only on a terminal, only after the delay, erased at the end."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

from qualplan.progress import SolveProgress
from qualplan.solver.progress import ProgressEvent
from terminal_support import Terminal, wait_for


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


def test_check_on_a_terminal_passes_the_solvers_events_to_the_display_and_keeps_stdout_pure_json(monkeypatch, capsys):
    """End to end through the solver's solution callback: stderr is a terminal, stdout is not.

    The events are recorded rather than read off the screen: whether the line is
    drawn before a 10 ms solve ends depends on the machine, and drawing is tested above.
    """
    import qualplan.progress
    from qualplan.commands import check

    received = []
    original = qualplan.progress.SolveProgress._receive

    def record(self, event):
        received.append((self.label, event))
        original(self, event)

    monkeypatch.setattr(qualplan.progress.SolveProgress, "_receive", record)
    monkeypatch.setattr(sys, "stderr", Terminal())
    plan = Path(__file__).parent / "data" / "check" / "missed.yaml"
    assert check.run([plan], "json", time_limit=0.3, workers=2, seed=0) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "missed"
    assert received, "the solver reported no solution to the progress display"
    label, first = received[0]
    assert label == "cells-missed"
    assert first.phase == "lateness" and first.lateness >= 22  # 22 is the proved optimum


def test_check_off_a_terminal_asks_the_solver_for_no_events(monkeypatch, capsys):
    import qualplan.progress
    from qualplan.commands import check

    received = []
    monkeypatch.setattr(qualplan.progress.SolveProgress, "_receive", lambda self, event: received.append(event))
    plan = Path(__file__).parent / "data" / "check" / "missed.yaml"
    assert check.run([plan], "json", time_limit=0.3, workers=2, seed=0) == 1
    assert received == []
    assert capsys.readouterr().err == ""
