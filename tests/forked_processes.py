"""Real processes for the signal tests, started in a fraction of a second.

A test that signals ``qualplan`` needs a process of its own (its own pid, signal
handlers, exit code, stdout and stderr), but not a new interpreter: starting Python and
importing the CLI, OR-Tools (which imports pandas) and numba took 1.6-2.5 s of CPU per
process, 3-5 s of wall time on the loaded 2-core machine, where the test itself needs a
few tenths of a second.

``start(ENTRY, *args, cwd=...)`` forks the process from a server (one per test process)
that has imported those modules once. From the fork on, the child does what
``python -c ENTRY *args`` does after its imports: ``__name__ == "__main__"``,
``sys.argv == ["-c", *args]``, the interpreter's default signal handlers, stdin from
/dev/null, stdout and stderr to files of its own; when ENTRY ends (``sys.exit``, an
exception, or its end) the interpreter shuts down as usual, and an ``os._exit``
(``qualplan.cli.main`` ends that way) ends it at once. The server reaps it and reports its
exit code as ``subprocess`` does (negative: killed by that signal).

What only a fresh interpreter shows keeps ``subprocess``: its start-up (test_interrupt's
real-solver test), the hash seed of each run (test_check_cli's runs across processes), and a
shutdown with only the modules the program imported (test_cancel's scripts, timed through
their interpreter's shutdown, which a fork would weigh with every module of ``PRELOAD``).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

#: What every forked command would otherwise import itself: the CLI, the commands the
#: signal tests run, OR-Tools (through the solver), numba (through the risk kernel).
PRELOAD = (
    "qualplan.cli",
    "qualplan.commands.check",
    "qualplan.commands.report",
    "qualplan.commands.risk",
    "qualplan.solver",
    "qualplan.risk",
    "qualplan.risk.backends",
    "qualplan.report.html",
)

#: The server: imports ``PRELOAD`` (its arguments), then forks a child per request line (JSON:
#: entry, args, cwd, stdout, stderr) and reports ``started PID`` and later ``exited PID CODE``.
#: Its Python runs on one thread, so no lock of the interpreter is held at a fork (the only
#: other thread is numpy's OpenBLAS pool, which stops itself before a fork and starts again
#: when next used, as in the forked workers of ``risk --workers N``); stdin at EOF ends it.
SERVER = r"""
import importlib, json, os, select, sys

for name in sys.argv[1:]:
    importlib.import_module(name)


def say(line):
    os.write(1, (line + "\n").encode())


def become(request):
    os.chdir(request["cwd"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for descriptor, key in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[key], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, descriptor)
        os.close(target)
    sys.argv = ["-c", *request["args"]]
    exec(compile(request["entry"], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    sys.exit(0)  # the entry's end: exit 0 after the usual shutdown, as `python -c` does


def reap(children):
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            say(f"exited {pid} {os.waitstatus_to_exitcode(status)}")


children = set()
pending = b""
while True:
    readable, _, _ = select.select([0], [], [], 0.01 if children else None)
    reap(children)
    if not readable:
        continue
    chunk = os.read(0, 1 << 16)
    if not chunk:
        break
    pending += chunk
    while b"\n" in pending:
        line, pending = pending.split(b"\n", 1)
        pid = os.fork()
        if pid == 0:
            become(json.loads(line))
        children.add(pid)
        say(f"started {pid}")
for pid in children:
    os.kill(pid, 9)
"""


class _Server:
    """The server process and what it reported."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, *PRELOAD], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.changed = threading.Condition()
        self.started: list[int] = []
        self.exited: dict[int, int] = {}
        self.alive = True
        self.requesting = threading.Lock()
        self.streams = Path(tempfile.mkdtemp(prefix="qualplan-forked-"))
        self.numbers = itertools.count()
        threading.Thread(target=self._listen, name="forked-processes", daemon=True).start()

    def _listen(self) -> None:
        for raw in self.process.stdout:
            word, *rest = raw.decode().split()
            with self.changed:
                if word == "started":
                    self.started.append(int(rest[0]))
                else:
                    self.exited[int(rest[0])] = int(rest[1])
                self.changed.notify_all()
        with self.changed:  # the server ended: nobody will report any more
            self.alive = False
            self.changed.notify_all()

    def fork(self, request: dict) -> int:
        with self.requesting:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            with self.changed:
                if not self.changed.wait_for(lambda: self.started or not self.alive, timeout=300):
                    raise RuntimeError("the fork server did not start (importing qualplan took over 5 minutes)")
                if not self.started:
                    raise RuntimeError(f"the fork server ended (exit {self.process.wait()})")
                return self.started.pop(0)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        shutil.rmtree(self.streams, ignore_errors=True)


_server: _Server | None = None


def _the_server() -> _Server:
    global _server
    if _server is None:
        _server = _Server()
        atexit.register(_server.close)
    return _server


class Process:
    """A forked child, with the parts of ``subprocess.Popen`` the tests use."""

    def __init__(self, server: _Server, pid: int, streams: Path) -> None:
        self._server = server
        self.pid = pid
        self._streams = streams
        self.returncode: int | None = None

    def poll(self) -> int | None:
        with self._server.changed:
            self.returncode = self._server.exited.get(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        server = self._server
        with server.changed:
            if not server.changed.wait_for(lambda: self.pid in server.exited or not server.alive, timeout):
                raise subprocess.TimeoutExpired(f"forked process {self.pid}", timeout)
        if self.poll() is None:
            raise RuntimeError(f"the fork server ended before process {self.pid} did")
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # never a pid that another process may have taken since
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the exit, then (stdout, stderr) as text."""
        self.wait(timeout)
        return tuple((self._streams / name).read_text(encoding="utf-8") for name in ("stdout", "stderr"))


def start(entry: str, *args: str, cwd: Path) -> Process:
    """``python -c entry *args`` in ``cwd``, forked with qualplan already imported."""
    server = _the_server()
    streams = server.streams / str(next(server.numbers))
    streams.mkdir()
    request = {
        "entry": entry,
        "args": list(args),
        "cwd": str(cwd),
        "stdout": str(streams / "stdout"),
        "stderr": str(streams / "stderr"),
    }
    return Process(server, server.fork(request), streams)
