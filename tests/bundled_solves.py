"""Each bundled plan solved once per test session, as ``qualplan check`` solves it.

The pinned verdicts, the README tables, the MS Project read-back and the risk
figures all need the same solves of plans/*.yaml; the portfolio alone takes 25-50 s
to prove. So the first test that needs a plan's solve runs it and stores the result
in the session's shared temporary folder, and every other test, in any pytest-xdist
worker, reads it from there. A lock file per plan makes a second worker wait for the
first one's solve instead of repeating it.

The settings are ``qualplan check``'s (10 s, 2 workers, seed 0), except that a
portfolio gets ``PORTFOLIO_TIME_LIMIT`` seconds, which its schedule needs to be
proved optimal (scripts/plans_table.py uses the same limit for the README).
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pickle
import sys
from pathlib import Path

import pytest

from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.result import SolveResult

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
# The script that writes plans/README.md's tables; scripts/ is no package, so it is loaded by its path.
_SPEC = importlib.util.spec_from_file_location("plans_table", ROOT / "scripts" / "plans_table.py")
plans_table = sys.modules["plans_table"] = importlib.util.module_from_spec(_SPEC)  # its dataclasses look it up
_SPEC.loader.exec_module(plans_table)
#: Solver seconds for a portfolio (several programmes in one lab), as plans/README.md uses them.
PORTFOLIO_TIME_LIMIT = plans_table.PORTFOLIO_TIME_LIMIT
CHECK_TIME_LIMIT = 10.0


def bundled_plan_ids() -> list[str]:
    """The bundled plans' file stems (fragments such as plans/labs/*.yaml are in folders of their own)."""
    return sorted(path.stem for path in PLANS.iterdir() if path.suffix in {".yaml", ".yml"})


def plan_path(plan_id: str) -> Path:
    return PLANS / f"{plan_id}.yaml"


class BundledSolves:
    """Solves of the bundled plans, shared through files in ``folder`` by every worker of a session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._results: dict[str, SolveResult] = {}

    def result(self, plan_id: str) -> SolveResult:
        """The plan solved as ``qualplan check`` solves it (10 s, or a portfolio's longer limit; 2 workers, seed 0)."""
        if plan_id not in self._results:
            self._results[plan_id] = self._shared(plan_id)
        return self._results[plan_id]

    def _shared(self, plan_id: str) -> SolveResult:
        stored = self.folder / f"{plan_id}.pickle"
        with open(self.folder / f"{plan_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a second worker waits here for the first one's solve
            if stored.exists():
                return pickle.loads(stored.read_bytes())
            result = _solve(plan_id)
            partial = stored.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(result))
            os.replace(partial, stored)
            return result


def _solve(plan_id: str) -> SolveResult:
    from qualplan.solver import solve

    plan = load_plan(plan_path(plan_id)).plan
    assert plan is not None, plan_id
    time_limit = float(PORTFOLIO_TIME_LIMIT) if plan.programmes else CHECK_TIME_LIMIT  # as the README's tables
    return solve(compile_plan(plan), time_limit=time_limit, workers=2, seed=0)


@pytest.fixture(scope="session")
def bundled_solves(tmp_path_factory: pytest.TempPathFactory) -> BundledSolves:
    """The session's shared solves: under pytest-xdist, the folder all workers' temporary folders are in."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "bundled-solves"
    folder.mkdir(exist_ok=True)
    return BundledSolves(folder)
