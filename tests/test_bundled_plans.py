"""The bundled plans' answers, pinned: a solver change that moves a verdict or a date is seen here.

Each plan is solved as `qualplan check` solves it (default time limit, 2 workers,
seed 0; a portfolio gets the README's longer limit), once per test session
(``bundled_solves.py``), verified without the solver, and compared with the dates
that plans/README.md reports.
"""

import json
from dataclasses import replace
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from bundled_solves import PORTFOLIO_TIME_LIMIT, BundledSolves, bundled_plan_ids, plans_table
from qualplan.commands import pipeline
from qualplan.commands.streams import Streams
from qualplan.loader import load_plan
from qualplan.report import json_doc
from qualplan.verify import verify

ROOT = Path(__file__).resolve().parents[1]

PINNED = {
    "byd": ("met", {
        "timeline-stated": "2025-02-15", "prototype-safety-release": "2026-09-20", "cell-dv-release": "2027-04-25",
        "system-validation": "2027-04-25", "vehicle-tests-start": "2026-12-15",
        "small-scale-installation": "2027-12-02", "volume-production": "2029-01-09", "pv-complete": "2028-08-02",
    }),
    "chery-rhino-s": ("met", {
        "module-a-shown": "2025-10-18", "prototype-safety-release": "2026-09-03", "cell-dv-release": "2027-04-25",
        "system-validation": "2027-04-25", "vehicle-validation-batch": "2026-11-24", "sop": "2027-11-11",
        "pv-complete": "2028-08-02",
    }),
    "gac": ("missed", {
        "line-complete": "2025-11-21", "prototype-safety-release": "2026-10-28", "cell-dv-release": "2027-06-10",
        "system-validation": "2027-06-10", "small-scale-vehicle-tests": "2027-01-13",
        "mass-production": "2028-02-22", "pv-complete": "2028-08-02",
    }),
    "hongqi-tiangong06": ("missed", {
        "c10-verified": "2025-06-27", "pack-a-installed": "2025-12-31", "prototype-safety-release": "2027-03-26",
        "cell-dv-release": "2027-11-19", "system-validation": "2027-11-19", "vehicle-tests-start": "2027-06-16",
        "deployment": "2028-06-02", "pv-complete": "2029-02-22",
    }),
    "shared-starter-lab": ("missed", {
        "hq-c10-verified": "2025-06-27", "hq-pack-a-installed": "2025-12-31",
        "hq-prototype-safety-release": "2027-03-26", "hq-cell-dv-release": "2027-11-19",
        "hq-system-validation": "2027-11-19", "hq-vehicle-tests-start": "2027-06-16",
        "hq-deployment": "2028-06-02", "hq-pv-complete": "2029-02-22", "gac-line-complete": "2025-11-21",
        "gac-prototype-safety-release": "2026-10-28", "gac-cell-dv-release": "2027-06-10",
        "gac-system-validation": "2027-06-10", "gac-small-scale-vehicle-tests": "2027-01-13",
        "gac-mass-production": "2028-02-22", "gac-pv-complete": "2028-08-02", "chery-module-a-shown": "2025-10-18",
        "chery-prototype-safety-release": "2026-09-03", "chery-cell-dv-release": "2028-06-21",
        "chery-system-validation": "2028-06-21", "chery-vehicle-validation-batch": "2026-11-24",
        "chery-sop": "2028-06-21", "chery-pv-complete": "2028-08-02", "lab-free": "2029-02-22",
    }),
    "toyota": ("missed", {
        "cathode-agreement": "2025-10-08", "se-plant": "2027-06-30", "prototype-safety-release": "2026-08-18",
        "cell-dv-release": "2027-01-29", "system-validation": "2027-01-29", "vehicle-tests-start": "2026-11-02",
        "sop-2027": "2028-11-30", "sop-2028": "2028-11-30", "pv-complete": "2029-08-02",
    }),
}  # fmt: skip


#: Plans whose best schedule is not proved optimal within their limit (the verdict is proved all the same).
NOT_PROVED_OPTIMAL: set[str] = set()


def test_every_bundled_plan_is_pinned():
    assert sorted(path.stem for path in (ROOT / "plans").glob("*.yaml")) == bundled_plan_ids() == sorted(PINNED)


@pytest.mark.slow
@pytest.mark.parametrize("plan_id", sorted(PINNED))
def test_bundled_plan_verdict_and_dates(plan_id, bundled_solves: BundledSolves):
    loaded = load_plan(ROOT / "plans" / f"{plan_id}.yaml")
    assert loaded.ok and not loaded.warnings, [str(problem) for problem in (*loaded.errors, *loaded.warnings)]
    # qualplan check's defaults; a portfolio of three programmes needs longer to prove its schedule optimal
    result = bundled_solves.result(plan_id)
    problem = result.problem
    verdict, dates = PINNED[plan_id]
    assert result.verdict.value == verdict
    assert result.proven is (plan_id not in NOT_PROVED_OPTIMAL), "proved optimal within its limit, or pinned as not"
    assert verify(problem, result.schedule) == []
    assert {outcome.id: outcome.date.isoformat() for outcome in result.milestone_outcomes()} == dates


#: The day every bundled plan records its progress as of: the SMM article the plans answer (plans/README.md).
STATUS_DATE = date(2026, 1, 5)


@pytest.mark.slow
def test_every_bundled_programme_starts_at_its_beginning_and_records_its_history_to_the_status_date():
    """Each programme plan starts before the status date, with done work (and reached milestones) before it."""
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        plan = load_plan(path).plan
        assert plan is not None, path
        assert plan.status_date == STATUS_DATE, path.name
        if plan.programmes:
            continue
        assert plan.start < STATUS_DATE, path.name
        assert any(task.actual is not None and task.actual.end is not None for task in plan.tasks), path.name
        assert any(milestone.actual is not None for milestone in plan.milestones), path.name


@pytest.mark.slow
def test_the_portfolio_has_its_programmes_status_date():
    """A portfolio reads only its own status_date (its programmes' are not carried over), so the bundled
    portfolio writes the same day as each of its programmes; a later one would silently re-plan them."""
    path = ROOT / "plans" / "shared-starter-lab.yaml"
    portfolio = load_plan(path).plan
    assert portfolio is not None and portfolio.programmes
    for programme in portfolio.programmes:
        own = load_plan(path.parent / programme.file).plan
        assert own is not None
        assert own.status_date == portfolio.status_date, programme.file


@pytest.mark.slow
def test_plans_readme_tables_match_what_the_tool_prints_today(
    bundled_solves: BundledSolves, monkeypatch: pytest.MonkeyPatch
):
    """``scripts/plans_table.py --check``, with the JSON documents that ``qualplan check`` and ``qualplan
    explain`` print rendered from this session's solves (the same solve, the same renderers) instead of
    solving every plan again in child processes."""
    monkeypatch.chdir(ROOT)  # the CLI runs from the checkout: files are named by their relative paths

    def run(command: str, rel: str, *options: str) -> dict:
        plan_id = Path(rel).stem
        result = bundled_solves.result(plan_id)
        assert options == (("--time-limit", str(PORTFOLIO_TIME_LIMIT)) if result.problem.plan.programmes else ())
        if command == "check":
            return json.loads(json_doc.render(result, Path(rel)))
        assert command == "explain", command
        quiet = Streams.of(StringIO(), StringIO())
        loaded = pipeline.load(pipeline.Request(Path(rel)), quiet)  # explain's defaults: 10 s, 2 workers, seed 0
        solved = replace(loaded, problem=result.problem, result=result)
        from qualplan.explain import render_json

        return json.loads(render_json(pipeline.explain_outcome(solved)))

    runs = plans_table.solved(run)
    readme = (ROOT / "plans" / "README.md").read_text(encoding="utf-8")
    assert plans_table.updated_readme(readme, plans_table.tables(runs)) == readme, (
        "plans/README.md is out of date: run python scripts/plans_table.py --write"
    )


@pytest.mark.slow
def test_plans_readme_how_likely_matches_a_risk_run_of_byd(bundled_solves: BundledSolves):
    """The README's risk figures for one plan, recomputed as `qualplan risk` computes them (the default check
    solve for the priority order, 10,000 iterations, seed 0): the same cells, exactly. One plan keeps the suite
    fast; `python scripts/plans_table.py --check --risk` compares every plan's."""
    from qualplan.report.risk import document
    from qualplan.risk import analyse

    checked = bundled_solves.result("byd")  # qualplan risk's check solve: 10 s, 2 workers, seed 0
    problem, order = checked.problem, checked.schedule
    figures = document(analyse(problem, order, iterations=plans_table.RISK_ITERATIONS, seed=plans_table.RISK_SEED))
    expected = [
        f"| byd | `{m['id']}` | {m['due']} | " + "{proved}" + f" | {plans_table.chance_text(m)} "
        f"| {plans_table.p_text(m, 'p50', figures['horizon_end'])} "
        f"| {plans_table.p_text(m, 'p80', figures['horizon_end'])} |"
        for m in figures["milestones"]
        if m["due"] is not None
    ]
    readme = (ROOT / "plans" / "README.md").read_text(encoding="utf-8")
    generated = readme.split(plans_table.RISK_BEGIN, 1)[1].split(plans_table.RISK_END, 1)[0]
    rows = [line for line in generated.splitlines() if line.startswith("| byd | `")]
    assert len(rows) == len(expected) == 2, rows
    for row, want in zip(rows, expected, strict=True):
        head, tail = want.split("{proved}")
        assert row.startswith(head) and row.endswith(tail), (row, want)
