"""A pytest plugin for ``benchmarks/suite_cpu.py``: where the test suite's CPU time goes.

Loaded with ``-p suite_cpu_plugin`` (``benchmarks/`` on ``PYTHONPATH``), it writes one JSON
file per process (the controller and each xdist worker) into ``$SUITE_CPU_DIR``:

- ``startup``: the process's own CPU before its first test (interpreter, plugins, imports,
  collection);
- ``tests``: per test, the CPU of the process itself (all its threads: a solve's CP-SAT
  workers count) and of the child processes reaped while it ran (``qualplan`` started in a
  fresh interpreter, ``bash``, Chromium once its tab's browser closes), and whether it is
  marked ``slow``;
- ``end``: the same two counters when the process unconfigures. What a worker's children
  cost after that (the per-worker helpers stopped by ``atexit``: the MPXJ reader with its
  Java VM and the fork server with its forked solves) shows only in the controller's
  children, as the difference of the controller's total and the workers' ``end``.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class _Recorder:
    def __init__(self) -> None:
        self.startup: float | None = None
        self.tests: list[dict] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        own, children = _cpu()
        if self.startup is None:
            self.startup = own
        yield
        own_after, children_after = _cpu()
        slow = item.get_closest_marker("slow") is not None
        self.tests.append(
            {"id": item.nodeid, "own": own_after - own, "children": children_after - children, "slow": slow}
        )

    def pytest_unconfigure(self, config) -> None:
        folder = os.environ.get("SUITE_CPU_DIR")
        if not folder:
            return
        own, children = _cpu()
        name = os.environ.get("PYTEST_XDIST_WORKER", "controller")
        record = {"startup": self.startup or own, "tests": self.tests, "end": {"own": own, "children": children}}
        Path(folder, f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def pytest_configure(config) -> None:
    config.pluginmanager.register(_Recorder(), "suite_cpu_recorder")
