"""Ctrl-C and SIGTERM end a command cleanly (issue 12): one line, exit 130 / 143, no file written.

Each test runs the real ``qualplan`` entry point in a process of its own and signals
it at a known moment. The moment is made known by a stand-in installed before
``main()`` runs: a solve that marks a file when it starts and then waits for the
stop request, as every solve does since the solver polls ``qualplan.cancel``; or
a disk write that waits in ``fsync``, where a report of several MB used to leave
its hidden temporary file behind. Those processes are forked with qualplan already
imported (``forked_processes``: 0.2-1 s to the stand-in instead of 3-5 s). The last
test runs a new interpreter with the real solver on a plan that runs for a minute,
signals it once the solve has begun, and checks that the stop is prompt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import forked_processes

DATA = Path(__file__).parent / "data" / "check"
#: A child process's entry point: the stand-in its second argument names, then ``qualplan.cli.main``.
ENTRY = """
import os, sys, time
from pathlib import Path
from qualplan import cancel

marker = Path(sys.argv[1])
stand_in = sys.argv[2]
if stand_in == "solve-until-stopped":
    import qualplan.solver

    def solve(problem, **options):
        marker.write_text("solving")
        cancel.wait(120)  # a solve stops at its next step once a stop is requested
        cancel.check()
        raise AssertionError("no stop request came")

    qualplan.solver.solve = solve
elif stand_in == "solve-ignoring-stops":
    import qualplan.solver

    def solve(problem, **options):
        marker.write_text("solving")
        for _ in range(1200):
            time.sleep(0.1)  # a solve that does not poll: only a second Ctrl-C ends it
        raise AssertionError("no second Ctrl-C came")

    qualplan.solver.solve = solve
elif stand_in == "real-solve":
    import qualplan.solver

    real_solve = qualplan.solver.solve

    def solve(problem, **options):
        marker.write_text("solving")
        return real_solve(problem, **options)

    qualplan.solver.solve = solve
elif stand_in == "slow-disk":
    real_fsync = os.fsync

    def fsync(descriptor):
        if not marker.exists():
            marker.write_text("writing")
            cancel.wait(120)  # the signal arrives while the bytes go to disk
        real_fsync(descriptor)

    os.fsync = fsync
sys.argv = ["qualplan", *sys.argv[3:]]
from qualplan.cli import main
main()
"""

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]  # real processes


Child = subprocess.Popen[str] | forked_processes.Process


def start(tmp_path: Path, stand_in: str, *args: str) -> tuple[forked_processes.Process, Path]:
    marker = tmp_path / "marker"
    return forked_processes.start(ENTRY, str(marker), stand_in, *args, cwd=tmp_path), marker


def wait_for(marker: Path, child: Child, seconds: float = 120.0) -> None:
    """Until the child reached the stand-in (a loaded machine may take long to import OR-Tools)."""
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            out, err = child.communicate()
            pytest.fail(f"the child never reached the stand-in (exit {child.returncode}):\n{out}\n{err}")
        time.sleep(0.05)


def finish(child: Child, seconds: float = 60.0) -> tuple[int, str, str]:
    try:
        out, err = child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        pytest.fail(f"the command did not stop within {seconds} s of the signal:\n{out}\n{err}")
    return child.returncode, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_check_stops_on_a_signal_with_one_line_and_its_exit_code(tmp_path: Path, signum: int, code: int) -> None:
    child, marker = start(tmp_path, "solve-until-stopped", "check", str(DATA / "met.yaml"), "--format", "json")
    wait_for(marker, child)
    child.send_signal(signum)
    assert finish(child) == (code, "", "qualplan: interrupted\n")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_report_stopped_while_solving_writes_nothing(tmp_path: Path, signum: int, code: int) -> None:
    (tmp_path / "report.html").write_text("the previous report")
    child, marker = start(tmp_path, "solve-until-stopped", "report", str(DATA / "met.yaml"), "-o", "report.html")
    wait_for(marker, child)
    child.send_signal(signum)
    assert finish(child) == (code, "", "qualplan: interrupted\n")
    assert (tmp_path / "report.html").read_text() == "the previous report"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_report_stopped_while_writing_leaves_no_file_and_no_temporary(tmp_path: Path, signum: int, code: int) -> None:
    """The defect: SIGINT/SIGTERM during the write left a hidden `.report.html.XXXX.tmp` of several MB."""
    child, marker = start(
        tmp_path, "slow-disk", "report", str(DATA / "met.yaml"), "-o", "report.html", "--time-limit", "1"
    )
    wait_for(marker, child)
    assert leftovers(tmp_path) != []  # the temporary file is there, half written
    child.send_signal(signum)
    assert finish(child) == (code, "", "qualplan: interrupted\n")
    assert sorted(os.listdir(tmp_path)) == ["marker"]


def test_a_second_ctrl_c_forces_a_stop_that_did_not_come(tmp_path: Path) -> None:
    child, marker = start(tmp_path, "solve-ignoring-stops", "check", str(DATA / "met.yaml"))
    wait_for(marker, child)
    child.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert child.poll() is None  # the first Ctrl-C only asked
    child.send_signal(signal.SIGINT)
    assert finish(child) == (130, "", "qualplan: interrupted\n")


def test_the_real_solver_stops_within_seconds_of_ctrl_c(tmp_path: Path) -> None:
    """The open PSPLIB instance with a minute to spend: Ctrl-C must end the command at once.

    A new interpreter, not a fork: the one signal test that covers a whole process's life."""
    marker = tmp_path / "marker"
    command = [sys.executable, "-c", ENTRY, str(marker), "real-solve", "check", str(DATA / "undecided.yaml"),
               "--time-limit", "60"]  # fmt: skip
    child = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(marker, child)
    time.sleep(1.0)  # into the search: the solve has compiled the model and started its race
    child.send_signal(signal.SIGINT)
    assert finish(child, seconds=10.0) == (130, "", "qualplan: interrupted\n")
