"""The bundled plans' answers, pinned: a solver change that moves a verdict or a date is seen here.

Each plan is solved as `qualplan check` solves it (default time limit, 2 workers,
seed 0), verified without the solver, and compared with the dates that
plans/README.md reports.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.solver import solve
from qualplan.verify import verify

ROOT = Path(__file__).resolve().parents[1]
# The README tables solve portfolios with this limit; scripts/ is no package, so load the script by its path.
_SPEC = importlib.util.spec_from_file_location("plans_table", ROOT / "scripts" / "plans_table.py")
plans_table = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(plans_table)
PORTFOLIO_TIME_LIMIT = plans_table.PORTFOLIO_TIME_LIMIT

PINNED = {
    "byd": ("met", {
        "prototype-safety-release": "2026-09-17", "cell-dv-release": "2027-04-27",
        "system-validation": "2027-04-27", "vehicle-tests-start": "2026-12-14",
        "small-scale-installation": "2027-12-02", "volume-production": "2029-01-10", "pv-complete": "2028-08-02",
    }),
    "chery-rhino-s": ("met", {
        "prototype-safety-release": "2026-09-01", "cell-dv-release": "2027-04-27",
        "system-validation": "2027-04-27", "vehicle-validation-batch": "2026-11-23", "sop": "2027-11-11",
        "pv-complete": "2028-08-02",
    }),
    "gac": ("missed", {
        "prototype-safety-release": "2026-10-27", "cell-dv-release": "2027-06-08",
        "system-validation": "2027-06-08", "small-scale-vehicle-tests": "2027-01-11",
        "mass-production": "2028-02-22", "pv-complete": "2028-08-02",
    }),
    "hongqi-tiangong06": ("missed", {
        "prototype-safety-release": "2027-03-29", "cell-dv-release": "2027-11-19",
        "system-validation": "2027-11-19", "vehicle-tests-start": "2027-06-11", "deployment": "2028-05-20",
        "pv-complete": "2029-02-22",
    }),
    "shared-starter-lab": ("missed", {
        "hq-prototype-safety-release": "2027-03-29", "hq-cell-dv-release": "2027-11-19",
        "hq-system-validation": "2027-11-19", "hq-vehicle-tests-start": "2027-06-11",
        "hq-deployment": "2028-05-20", "hq-pv-complete": "2029-02-22",
        "gac-prototype-safety-release": "2026-10-27", "gac-cell-dv-release": "2027-06-08",
        "gac-system-validation": "2027-06-08", "gac-small-scale-vehicle-tests": "2027-01-11",
        "gac-mass-production": "2028-02-22", "gac-pv-complete": "2028-08-02",
        "chery-prototype-safety-release": "2026-09-01", "chery-cell-dv-release": "2028-05-09",
        "chery-system-validation": "2028-05-09", "chery-vehicle-validation-batch": "2026-11-23",
        "chery-sop": "2028-05-09", "chery-pv-complete": "2028-08-02", "lab-free": "2029-02-22",
    }),
    "toyota": ("missed", {
        "se-plant": "2027-06-30", "prototype-safety-release": "2026-08-17", "cell-dv-release": "2027-01-26",
        "system-validation": "2027-01-26", "vehicle-tests-start": "2026-10-30", "sop-2027": "2028-11-25",
        "sop-2028": "2028-11-25", "pv-complete": "2029-08-02",
    }),
}  # fmt: skip


def test_every_bundled_plan_is_pinned():
    assert sorted(path.stem for path in (ROOT / "plans").glob("*.yaml")) == sorted(PINNED)


@pytest.mark.parametrize("plan_id", sorted(PINNED))
def test_bundled_plan_verdict_and_dates(plan_id):
    loaded = load_plan(ROOT / "plans" / f"{plan_id}.yaml")
    assert loaded.ok and not loaded.warnings, [str(problem) for problem in (*loaded.errors, *loaded.warnings)]
    problem = compile_plan(loaded.plan)
    # qualplan check's defaults; a portfolio of three programmes needs longer to prove its schedule optimal
    result = solve(problem, time_limit=PORTFOLIO_TIME_LIMIT) if loaded.plan.programmes else solve(problem)
    verdict, dates = PINNED[plan_id]
    assert result.verdict.value == verdict
    assert result.proven, "every bundled plan is proved optimal within its limit"
    assert verify(problem, result.schedule) == []
    assert {outcome.id: outcome.date.isoformat() for outcome in result.milestone_outcomes()} == dates


def test_plans_readme_tables_match_what_the_tool_prints_today():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "plans_table.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
