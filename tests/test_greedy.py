"""The greedy serial schedule: feasible whenever it fits, and where it puts tasks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from plan_factory import make_problem
from qualplan.cli import app
from qualplan.loader import load_plan_text
from qualplan.problem import Problem, compile_plan
from qualplan.result import schedule_times
from qualplan.solver import greedy_schedule
from qualplan.verify import verify


def test_greedy_places_each_task_at_the_first_day_capacity_allows() -> None:
    problem = make_problem(
        [
            {"id": "a", "duration": "3d", "uses": {"rig": 2}},
            {"id": "b", "duration": "2d", "uses": {"rig": 1}},
            {"id": "c", "duration": "2d", "uses": {"rig": 1}, "after": ["b"]},
        ],
        resources={"rig": {"capacity": 2, "changes": [{"from": "2026-01-06", "capacity": 3}]}},
    )
    schedule = greedy_schedule(problem)
    assert schedule is not None and verify(problem, schedule) == []
    # b goes first (it has a successor, so its latest start is earlier) and takes one of
    # the two units on day 0; a needs two, so it waits for the third unit on day 1.
    assert dict(schedule.starts) == {"a": 1, "b": 0, "c": 2}


def test_greedy_respects_calendars_windows_and_lags() -> None:
    problem = make_problem(
        [
            {"id": "build", "duration": "3d", "calendar": "workdays", "not_before": "2026-01-08"},
            {"id": "drive", "duration": "4d", "window": "slot", "after": [{"on": "build", "lag": "1d"}]},
        ],
        calendars={"workdays": {"weekends": ["sat", "sun"]}},
        windows={"slot": {"dates": ["2026-01-10..2026-01-14", "2026-01-20..2026-01-31"]}},
    )
    schedule = greedy_schedule(problem)
    times = schedule_times(problem, schedule)
    assert problem.date(times.start["build"]).isoformat() == "2026-01-08"  # Thu, Fri, Mon
    assert problem.date(times.end["build"]).isoformat() == "2026-01-12"
    # Not before 01-14; the first occurrence ends 01-14, so the drive waits for the second.
    assert problem.date(times.start["drive"]).isoformat() == "2026-01-20"
    assert verify(problem, schedule) == []


def test_greedy_serves_the_tightest_due_date_first() -> None:
    problem = make_problem(
        [
            {"id": "slack-test", "duration": "5d", "uses": {"rig": 1}},
            {"id": "urgent-test", "duration": "5d", "uses": {"rig": 1}},
        ],
        resources={"rig": {"capacity": 1}},
        milestones=[
            {"id": "late-gate", "after": ["slack-test"], "due": "2026-03-01"},
            {"id": "early-gate", "after": ["urgent-test"], "due": "2026-01-09"},
        ],
    )
    assert dict(greedy_schedule(problem).starts) == {"slack-test": 5, "urgent-test": 0}


def test_greedy_gives_up_when_the_horizon_is_too_short() -> None:
    problem = make_problem(
        [{"id": name, "duration": "5d", "uses": {"rig": 1}} for name in ("a", "b")],
        resources={"rig": {"capacity": 1}},
        horizon="9d",
    )
    assert greedy_schedule(problem) is None


# --- milestones released before their successors' other predecessors (issue 12) -----------------

K7_PLAN = """\
qualplan: 1
id: k7
start: 2027-01-05
tasks:
  - {id: a, duration: 14d}
  - {id: b, duration: 16d, after: [m1, {on: a, type: end}]}
milestones:
  - {id: m0, at: 2027-03-28}
  - {id: m1, after: [m0]}
"""


def test_a_task_waits_for_every_predecessor_when_a_fixed_milestone_releases_a_chain() -> None:
    # m0 is fixed and m1 follows it at once, so releasing m0 released m1 and then the
    # first pass released m1 again: b was placed before a, and the greedy crashed (exit 4).
    problem = compile_plan(load_plan_text(K7_PLAN, "k7.yaml").plan)
    schedule = greedy_schedule(problem)
    assert schedule is not None and verify(problem, schedule) == []
    times = schedule_times(problem, schedule)
    # a: 14 d from the start, 2027-01-05 .. 01-18. m1 is reached with m0 on 03-28, so b
    # starts the next day, 03-29, and its 16 days end 04-13 (well after a's end: that rule is slack).
    assert problem.date(times.start["a"]).isoformat() == "2027-01-05"
    assert problem.date(times.end["a"]).isoformat() == "2027-01-18"
    assert problem.date(times.start["m1"]).isoformat() == "2027-03-28"
    assert problem.date(times.start["b"]).isoformat() == "2027-03-29"
    assert problem.date(times.end["b"]).isoformat() == "2027-04-13"


def test_check_schedules_the_fixed_milestone_chain_plan(tmp_path: Path) -> None:
    path = tmp_path / "k7.yaml"
    path.write_text(K7_PLAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json", "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["verdict"] == "met"
    assert {task["id"]: (task["start"], task["end"]) for task in document["tasks"]} == {
        "a": ("2027-01-05", "2027-01-18"),
        "b": ("2027-03-29", "2027-04-13"),
    }
    assert [milestone["date"] for milestone in document["milestones"]] == ["2027-03-28", "2027-03-28"]


@st.composite
def milestone_plans(draw: st.DrawFn) -> Problem:
    """Tasks and milestones in one random order, each after some earlier nodes with every link
    type and lag; some milestones are fixed (``at``), some follow other milestones."""
    nodes: list[tuple[str, dict]] = []
    for index in range(draw(st.integers(2, 8))):
        is_milestone = draw(st.integers(0, 2)) == 0
        node_id = f"m{index}" if is_milestone else f"t{index}"
        node: dict = {"id": node_id}
        fixed = is_milestone and draw(st.booleans())
        if fixed:
            node["at"] = (dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(0, 40)))).isoformat()
        else:
            earlier = [other for other, _ in nodes]
            preds = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
            node["after"] = [
                {
                    "on": pred,
                    "type": draw(st.sampled_from(["finish", "start", "end"])),
                    "lag": f"{draw(st.integers(0, 3))}d",
                }
                for pred in preds
            ]
        if is_milestone:
            if not fixed and not node["after"]:
                node["at"] = "2026-01-05"
                del node["after"]
        else:
            node["duration"] = f"{draw(st.integers(1, 9))}d"
            if draw(st.booleans()):
                node["uses"] = {"rig": draw(st.integers(1, 2))}
            if not node["after"]:
                del node["after"]
        nodes.append((node_id, node))
    tasks = [node for node_id, node in nodes if node_id.startswith("t")]
    milestones = [node for node_id, node in nodes if node_id.startswith("m")]
    assume(tasks)
    return make_problem(tasks, horizon="120d", resources={"rig": {"capacity": 2}}, milestones=milestones)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(milestone_plans())
def test_the_greedy_schedule_always_passes_the_verifier(problem: Problem) -> None:
    schedule = greedy_schedule(problem)
    if schedule is not None:
        assert verify(problem, schedule) == []
