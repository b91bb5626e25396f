"""A plan that uses every feature the exports translate, solved once, and the MPXJ reader.

``export_plan_text`` starts on Monday 2026-01-05 and has: a working-day
calendar with a weekend and holidays, a resource whose capacity steps up,
stages (one of them empty), finish-to-start, start-to-start and
finish-to-finish links with lags, two links between the same pair of tasks,
a stage named in ``after``, start-to-start links into and out of a milestone,
a fixed-date milestone and a due date.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.result import SolveResult
from qualplan.solver import solve
from qualplan.verify import ensure_verified

EXPORT_PLAN = """\
qualplan: 1
id: export-demo
title: Export demo
start: 2026-01-05
horizon: 1y
calendars:
  workdays:
    weekends: [sat, sun]
    holidays: [2026-02-16..2026-02-20, 2026-04-03]
resources:
  chamber:
    capacity: 1
    changes: [{from: 2026-03-02, capacity: 2}]
stages:
  - {id: cell, name: Cell}
  - {id: pack, name: Pack}
  - {id: empty, name: Nothing yet}
tasks:
  - {id: build, name: Build cells, stage: cell, duration: 10d, samples: 12, standard: "GB/T 31484-2015 6.4"}
  - {id: soak, name: Thermal soak, stage: cell, duration: 5d, after: [build], uses: {chamber: 1}}
  - {id: abuse, name: Abuse, stage: cell, duration: 5d, after: [build], uses: {chamber: 1}, calendar: workdays}
  - id: life
    name: Pack life
    stage: pack
    duration: 20d
    after:
      - {on: soak, type: start, lag: 2d}
      - {on: soak, type: end, lag: 3d}
  - id: report
    name: DV report
    duration: 10d
    calendar: workdays
    after:
      - {on: cell, lag: 1w}
      - {on: gate, type: start, lag: 2d}
milestones:
  - {id: gate, name: Design gate, after: [{on: build, type: start, lag: 4d}]}
  - {id: line, name: Line ready, at: 2026-03-02}
  - {id: done, name: DV done, after: [pack, report], due: 2026-03-31, priority: 2}
"""


def write_plan(folder: Path, text: str = EXPORT_PLAN, name: str = "export-demo.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@functools.cache
def solved(text: str = EXPORT_PLAN) -> SolveResult:
    """The verified solve of a plan text (cached: the tests read it many times)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        loaded = load_plan(write_plan(Path(folder), text))
    assert loaded.plan is not None, [str(error) for error in loaded.errors]
    return ensure_verified(solve(compile_plan(loaded.plan), time_limit=5.0, workers=1, seed=0))


HAVE_MPXJ = (
    shutil.which("java") is not None
    and importlib.util.find_spec("mpxj") is not None
    and importlib.util.find_spec("jpype") is not None
)
needs_mpxj = pytest.mark.skipif(
    not HAVE_MPXJ,
    reason="MPXJ needs a Java runtime (Debian: apt-get install default-jre-headless) and the dev extra (mpxj, JPype1)",
)
READER = Path(__file__).with_name("mpxj_reader.py")


def read_with_mpxj(paths: list[Path], days: int, *, drop_constraints: bool = False) -> list[dict]:
    """What MPXJ reads from each MS Project XML file, from the one reader process this worker keeps
    running (``mpxj_reader.py --serve``: the Java virtual machine starts once, not once per call)."""
    reader = _mpxj_reader()
    assert reader.stdin is not None and reader.stdout is not None
    request = {"paths": [str(path) for path in paths], "days": days, "drop_constraints": drop_constraints}
    reader.stdin.write(json.dumps(request) + "\n")
    reader.stdin.flush()
    line = reader.stdout.readline()
    assert line, f"the MPXJ reader ended (exit code {reader.wait()}); its errors are above"
    answer = json.loads(line)
    assert "error" not in answer, answer["error"]
    return answer["projects"]


@functools.cache
def _mpxj_reader() -> subprocess.Popen:
    """The worker's MPXJ reader, started on first use and stopped when the worker exits."""
    reader = subprocess.Popen(
        [sys.executable, str(READER), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def stop() -> None:
        assert reader.stdin is not None
        reader.stdin.close()  # the reader's loop ends at the end of its input
        try:
            reader.wait(timeout=30)
        except subprocess.TimeoutExpired:
            reader.kill()

    atexit.register(stop)
    return reader
