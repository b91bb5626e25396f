"""``qualplan needs`` (issue 16 item 2): the least-cost expansion that meets every due date, or a proof.

Hand-computed plans in ``tests/data/whatif`` (each file says why its answer is what it is):

- ``one-chamber.yaml``: one more chamber recovers exactly the 10 days of lateness (cost 1);
- ``two-costs.yaml``: a stand costs 2, a rig 3, and the cheapest answer is one rig (cost 3),
  not the two stands (cost 4) that the cheaper unit suggests;
- ``window-late.yaml``: the winter window, not the lab, makes ``winter-done`` late;
- ``../check/missed.yaml``: the tests alone end a day after the due date;
- ``../check/met.yaml``: already met: no units, cost 0.

The brute-force oracle enumerates every combination of units within a small ``--max`` on
tiny generated plans, runs the normal solve on each, and holds ``needs`` to the cheapest.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands import needs
from qualplan.exitcodes import ExitCode
from qualplan.loader import load_plan_text
from qualplan.overrides import added_units, apply, parse_all
from qualplan.problem import compile_plan
from qualplan.result import Verdict
from qualplan.solver import solve
from qualplan.solver.needs import Expansion, NeedsStatus, expanded, solve_needs

DATA = Path(__file__).parent / "data"
WHATIF = DATA / "whatif"
FAST = {"time_limit": 2.0, "workers": 1, "seed": 0}


def run(plan: Path, *adds: str, output_format: str = "json", **options) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    settings = {**FAST, **options}
    code = needs.run(plan, list(adds), output_format=output_format, stdout=out, stderr=err, **settings)
    return code, out.getvalue(), err.getvalue()


def answer(plan: Path, *adds: str, **options) -> tuple[ExitCode, dict]:
    code, out, err = run(plan, *adds, **options)
    assert err == "", err
    return code, json.loads(out)


# --- hand-computed answers ----------------------------------------------------------------------


def test_one_more_chamber_recovers_exactly_the_lateness():
    code, document = answer(WHATIF / "one-chamber.yaml", "chamber", "cycler")
    assert code == ExitCode.OK
    assert {key: document[key] for key in ("format", "plan", "verdict", "added", "cost")} == {
        "format": 1,
        "plan": "one-chamber",
        "verdict": "met",
        "added": {"chamber": 1},
        "cost": 1,
    }
    assert document["least"] is True
    assert [(m["id"], m["date"], m["met"]) for m in document["milestones"]] == [("cells-done", "2026-01-14", True)]
    assert document["set"] == ["resources.chamber.capacity=2"]


def test_the_cheaper_combination_is_not_the_cheaper_unit():
    code, document = answer(WHATIF / "two-costs.yaml", "rig=3", "stand=2")
    assert (code, document["added"], document["cost"], document["least"]) == (ExitCode.OK, {"rig": 1}, 3, True)
    # The stand alone: two of them (cost 4), never one.
    code, document = answer(WHATIF / "two-costs.yaml", "stand=2")
    assert (code, document["added"], document["cost"]) == (ExitCode.OK, {"stand": 2}, 4)


def test_a_plan_that_meets_its_dates_needs_nothing():
    code, document = answer(DATA / "check" / "met.yaml", "chamber")
    assert (code, document["verdict"], document["added"], document["cost"]) == (ExitCode.OK, "met", {}, 0)
    code, out, _ = run(DATA / "check" / "met.yaml", "chamber", output_format="text")
    assert "answer: no extra units — every due date is already met (cost 0)\n" in out


def test_a_window_that_makes_the_date_late_is_named_and_no_capacity_is_claimed():
    code, out, err = run(WHATIF / "window-late.yaml", "chamber", output_format="text")
    assert (code, err) == (ExitCode.MISSED, "")
    assert out == (
        f"window-late  needs  ({(WHATIF / 'window-late.yaml').as_posix()})\n"
        "asked: chamber at 1 a unit; from 2026-04-01; at most 10 more\n"
        "winter-done cannot be met by adding capacity: the windows (winter 234 d) put it at 2026-12-30 at the "
        "earliest, 183 days late (the tests alone would end 2026-05-10)\n"
        "verdict: missed — no equipment meets every due date (proved by the resource-free bounds)\n"
    )
    code, document = answer(WHATIF / "window-late.yaml", "chamber")
    assert (document["verdict"], document["added"], document["cost"]) == ("missed", {}, None)
    assert document["blocked"][0]["by"] == "windows" and document["blocked"][0]["windows"] == {"winter": 234}


def test_tests_that_alone_end_late_are_said_to_bind():
    code, out, _ = run(DATA / "check" / "missed.yaml", "chamber", output_format="text")
    assert code == ExitCode.MISSED
    assert "cells-done cannot be met by adding capacity: the tests alone end 2026-02-21, 1 day late\n" in out


def test_a_max_too_small_is_proved_and_says_how_many_would_do():
    code, out, _ = run(WHATIF / "one-chamber.yaml", "chamber", output_format="text", max_units=0)
    assert code == ExitCode.MISSED
    assert "no addition of at most 0 units of chamber meets every due date (proved)\n" in out
    assert "more would: 1 chamber (cost 1, the least); raise --max\n" in out


def test_other_resources_that_bind_are_named():
    code, out, _ = run(WHATIF / "one-chamber.yaml", "cycler", output_format="text")
    assert code == ExitCode.MISSED
    assert "no number of units of cycler would (proved): other resources bind (chamber)\n" in out


def test_units_that_arrive_too_late_cannot_help():
    """From 2026-01-10 (day 5) a second chamber can only start the second test on day 5: it ends day 14."""
    code, out, _ = run(WHATIF / "one-chamber.yaml", "chamber", output_format="text", from_date="2026-01-10")
    assert code == ExitCode.MISSED
    assert "asked: chamber at 1 a unit; from 2026-01-10; at most 10 more\n" in out
    assert "no number of units of chamber would (proved): other resources bind (cycler), or the days before " in out


def test_units_from_a_date_arrive_on_that_date():
    """Due moved to day 14: the second test can start on day 5 when the chamber arrives then."""
    code, document = answer(
        WHATIF / "one-chamber.yaml", "chamber", from_date="2026-01-10", sets=["milestones.cells-done.due=2026-01-19"]
    )
    assert (code, document["added"]) == (ExitCode.OK, {"chamber": 1})
    assert document["set"] == ["resources.chamber.changes=[{from: 2026-01-10, capacity: 2}]"]
    assert document["milestones"][0]["date"] == "2026-01-19"


def test_the_check_it_line_repeats_the_re_check_exactly():
    """The printed command (with the solver options that are not the defaults) gives the dates shown."""
    code, out, _ = run(WHATIF / "two-costs.yaml", "rig=3", "stand=2", output_format="text")
    assert code == ExitCode.OK
    line = next(line for line in out.splitlines() if line.startswith("check it: qualplan check "))
    arguments = shlex.split(line.removeprefix("check it: qualplan "))
    assert arguments == [
        "check",
        str(WHATIF / "two-costs.yaml"),
        "--time-limit",
        "2",
        "--workers",
        "1",
        "--set",
        "resources.rig.capacity=2",
    ]
    result = CliRunner().invoke(app, [*arguments, "--format", "json"])
    assert result.exit_code == 0, result.output
    _, document = answer(WHATIF / "two-costs.yaml", "rig=3", "stand=2")
    assert json.loads(result.stdout)["milestones"] == document["milestones"]


def test_the_same_question_gives_the_same_bytes():
    first = run(WHATIF / "two-costs.yaml", "rig=3", "stand=2", output_format="text")
    second = run(WHATIF / "two-costs.yaml", "rig=3", "stand=2", output_format="text")
    assert first == second


def test_an_undecided_search_is_exit_3_and_claims_nothing(monkeypatch):
    import qualplan.solver.needs as needs_solver

    def out_of_time(problem, expansion, **options):
        return needs_solver.NeedsAnswer(NeedsStatus.UNKNOWN, None, None, 0, None, False, 1.0)

    monkeypatch.setattr(needs_solver, "solve_needs", out_of_time)
    code, out, _ = run(WHATIF / "one-chamber.yaml", "chamber", output_format="text")
    assert code == ExitCode.UNDECIDED
    assert "verdict: unknown — no expansion that meets every due date was found in the time limit, and none was " in out
    assert "proved" not in out.replace("none was proved impossible", "")


# --- bad questions: exit 2 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adds", "options", "message"),
    [
        (
            ["chamberr"],
            {},
            "qualplan needs: {plan}: --add chamberr: no resource 'chamberr' in the plan; did you mean 'chamber'? "
            "(resources: chamber, cycler)\n",
        ),
        (
            ["chamber=-1"],
            {},
            "qualplan needs: --add chamber=-1: the cost must be a non-negative whole number, got '-1'\n",
        ),
        (
            ["chamber=1.5"],
            {},
            "qualplan needs: --add chamber=1.5: the cost must be a non-negative whole number, got '1.5'\n",
        ),
        (
            ["chamber", "chamber=2"],
            {},
            "qualplan needs: --add chamber=2: 'chamber' is named twice; give each resource once\n",
        ),
        ([], {}, "qualplan needs: name at least one resource that may grow: --add RESOURCE[=COST]\n"),
        (
            ["chamber"],
            {"from_date": "2026-13-01"},
            "qualplan needs: {plan}: --from 2026-13-01: expected a date YYYY-MM-DD\n",
        ),
        (
            ["chamber"],
            {"from_date": "2030-01-01"},
            "qualplan needs: {plan}: --from 2030-01-01: after the plan's horizon (last day 2027-01-04)\n",
        ),
    ],
)
def test_a_bad_question_is_exit_2_and_says_why(adds, options, message):
    plan = WHATIF / "one-chamber.yaml"
    code, out, err = run(plan, *adds, **options)
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert err == message.format(plan=plan)


# --- the capacity change: the plan's and the solver's agree --------------------------------------


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    capacity=st.integers(0, 5),
    changes=st.lists(st.tuples(st.integers(-5, 40), st.integers(0, 5)), max_size=3, unique_by=lambda c: c[0]),
    first=st.integers(-3, 45),
    units=st.integers(1, 4),
)
def test_units_added_to_the_plan_and_to_the_problem_give_the_same_capacity(capacity, changes, first, units):
    start = dt.date(2026, 1, 5)
    listed = ", ".join(f"{{from: {start + dt.timedelta(days=day)}, capacity: {cap}}}" for day, cap in changes)
    text = (
        f"qualplan: 1\nid: p\nstart: {start}\nhorizon: 50d\n"
        f"resources:\n  r: {{capacity: {capacity}, changes: [{listed}]}}\n"
        "tasks:\n  - {id: t, duration: 1d, uses: {r: 0}}\n"
    )
    loaded = load_plan_text(text, "p.yaml")
    assert loaded.ok, loaded.errors
    day = start + dt.timedelta(days=first)
    grown = apply(loaded, parse_all(added_units(loaded.plan, {"r": units}, day)))
    assert grown.ok, grown.errors
    by_plan = compile_plan(grown.plan)
    by_problem = expanded(compile_plan(loaded.plan), {"r": units}, max(0, first))
    for check_day in range(50):
        assert by_plan.capacity_on("r", check_day) == by_problem.capacity_on("r", check_day), check_day


# --- the brute-force oracle ---------------------------------------------------------------------


@st.composite
def tiny_plans(draw) -> str:
    """Three or four tasks on two resources of capacity 1-2, one milestone after all of them."""
    caps = {"r1": draw(st.integers(1, 2)), "r2": draw(st.integers(1, 2))}
    count = draw(st.integers(3, 4))
    tasks = []
    total = longest = 0
    for index in range(count):
        length = draw(st.integers(1, 5))
        total, longest = total + length, max(longest, length)
        uses = {name: draw(st.sampled_from([cap, cap, 1, 0])) for name, cap in caps.items()}
        after = [f"t{other}" for other in range(index) if draw(st.booleans()) and draw(st.booleans())]
        tasks.append({"id": f"t{index}", "duration": f"{length}d", "uses": uses, "after": after})
    # Between the longest test and all of them in a row: where the lab usually decides.
    due = dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(longest - 1, (longest + total) // 2)))
    document = {
        "qualplan": 1,
        "id": "tiny",
        "start": "2026-01-05",
        "horizon": "40d",
        "resources": {name: {"capacity": cap} for name, cap in caps.items()},
        "tasks": tasks,
        "milestones": [{"id": "done", "after": [task["id"] for task in tasks], "due": due.isoformat()}],
    }
    return json.dumps(document)  # JSON is YAML 1.2


@pytest.mark.slow
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(text=tiny_plans(), cost1=st.integers(1, 3), cost2=st.integers(0, 3))
def test_needs_finds_the_cheapest_combination_that_the_normal_solve_accepts(text, cost1, cost2):
    loaded = load_plan_text(text, "tiny.yaml")
    assert loaded.ok, loaded.errors
    costs = {"r1": cost1, "r2": cost2}
    start = loaded.plan.start
    cheapest = None
    for units in itertools.product(range(3), repeat=2):
        added = dict(zip(costs, units, strict=True))
        grown = apply(loaded, parse_all(added_units(loaded.plan, added, start)))
        result = solve(compile_plan(grown.plan), time_limit=2.0, workers=1, seed=0)
        assert result.verdict is not Verdict.UNKNOWN
        if result.verdict is Verdict.MET:
            cost = sum(costs[name] * count for name, count in added.items())
            cheapest = cost if cheapest is None else min(cheapest, cost)
    found = solve_needs(compile_plan(loaded.plan), Expansion(costs, 0, 2), time_limit=2.0, workers=1)
    event(f"cheapest cost: {cheapest}")
    if cheapest is None:
        assert found.status is NeedsStatus.NONE
    else:
        assert (found.status, found.cost) == (NeedsStatus.LEAST, cheapest)


def test_an_answer_whose_cost_is_not_proved_least_says_so_and_is_still_exit_0(monkeypatch):
    import dataclasses

    import qualplan.solver.needs as needs_solver

    real = needs_solver.solve_needs

    def unproved(problem, expansion, **options):
        return dataclasses.replace(real(problem, expansion, **options), status=NeedsStatus.FOUND, cost_bound=0)

    monkeypatch.setattr(needs_solver, "solve_needs", unproved)
    code, out, _ = run(WHATIF / "one-chamber.yaml", "chamber", output_format="text")
    assert code == ExitCode.OK
    assert (
        "answer: add 1 chamber — cost 1, not proved the least (proved: every expansion that meets the dates "
        "costs at least 0)\n"
    ) in out
    code, document = answer(WHATIF / "one-chamber.yaml", "chamber")
    assert (document["least"], document["cost_bound"]) == (False, 0)


def test_units_arrive_at_the_status_date_by_default(tmp_path):
    """A plan with a status date: the new units come from that day, the day work can resume."""
    text = (WHATIF / "one-chamber.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace("horizon: 1y\n", "horizon: 1y\nstatus_date: 2026-01-07\n"), encoding="utf-8")
    code, out, _ = run(plan, "chamber", output_format="text")
    assert "asked: chamber at 1 a unit; from 2026-01-07; at most 10 more\n" in out
    assert code == ExitCode.MISSED  # nothing starts before 2026-01-07, so the tests alone end past the due date
    assert "cells-done cannot be met by adding capacity: the tests alone end 2026-01-16, 2 days late\n" in out
    code, document = answer(plan, "chamber", sets=["milestones.cells-done.due=2026-01-16"])
    assert (code, document["added"]) == (ExitCode.OK, {"chamber": 1})
    assert document["set"] == ["resources.chamber.changes=[{from: 2026-01-07, capacity: 2}]"]
