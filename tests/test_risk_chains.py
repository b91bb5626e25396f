"""Critical chains: recorded by the priority scheduler as it places, read back from a finished
schedule under the optimal policy; on plans where both schedules agree, so do the chains."""

from __future__ import annotations

import numpy as np

from qualplan.risk import build_model
from qualplan.risk.batches import run_batch
from qualplan.risk.chains import critical_from_schedule
from qualplan.risk.expand import expand
from qualplan.risk.kernel import iteration_schedule
from qualplan.risk.reference import critical_tasks
from risk_plans import checked_problem

RIG = {
    "qualplan": 1,
    "id": "chains",
    "start": "2026-01-05",
    "resources": {"rig": {"capacity": 1}},
    "windows": {"winter": {"yearly": {"from": "12-01", "to": "03-15"}}},
    "tasks": [
        {"id": "build", "duration": "10d", "risk": {"duration": {"low": "-20%", "high": "+60%"}}},
        {"id": "first", "duration": "20d", "after": ["build"], "uses": {"rig": 1}},
        {"id": "second", "duration": "15d", "after": ["build"], "uses": {"rig": 1}},
        {"id": "side", "duration": "5d"},
        {"id": "campaign", "duration": "30d", "after": ["second"], "window": "winter"},
    ],
    "milestones": [{"id": "lab-done", "after": ["first", "second", "side"]}, {"id": "vehicle", "after": ["campaign"]}],
}


def test_a_task_held_up_by_the_rig_leads_the_chain_to_the_task_holding_it() -> None:
    problem = checked_problem(RIG)
    assert problem is not None
    model = build_model(problem, None)
    # priority order: earliest starts, ties in plan order: `first` takes the rig, `second` waits for it
    chains = critical_tasks(model, iteration_schedule(model, 0, 0))
    tasks = {name: index for index, name in enumerate(model.tasks)}
    assert chains[0] == {tasks["build"], tasks["first"], tasks["second"]}
    assert tasks["side"] not in chains[0]


def test_chains_read_from_a_schedule_match_the_recorded_ones_when_the_schedules_agree() -> None:
    problem = checked_problem(RIG)
    assert problem is not None
    model = build_model(problem, None)
    for iteration in range(20):
        draws = model.draw(3, iteration)
        schedule = iteration_schedule(model, 3, iteration)
        expanded = expand(model, draws)
        read = critical_from_schedule(model, expanded, expanded.schedule(schedule.starts))
        assert read == critical_tasks(model, schedule), iteration


def test_the_optimal_policy_counts_the_same_chains_on_a_plan_it_schedules_alike() -> None:
    # without the campaign either order of the rig's tests ends the lab work on the same day
    document = {**RIG, "tasks": RIG["tasks"][:4], "milestones": RIG["milestones"][:1]}
    problem = checked_problem(document)
    assert problem is not None
    model = build_model(problem, None)
    priority = run_batch(model, "priority", 5, 0, 6, 0.0)
    optimal = run_batch(model, "optimal", 5, 0, 6, 2.0)
    assert np.array_equal(priority.dates, optimal.dates)
    assert np.array_equal(priority.critical, optimal.critical)


def test_the_optimal_policy_reorders_the_rig_to_make_the_winter() -> None:
    # the check order runs `first` on the rig first, so `second` ends after the last day the
    # campaign could start this winter (2026-02-14); solving each iteration puts `second` first
    problem = checked_problem(RIG)
    assert problem is not None
    model = build_model(problem, None)
    priority = run_batch(model, "priority", 5, 0, 6, 0.0)
    optimal = run_batch(model, "optimal", 5, 0, 6, 2.0)
    vehicle = list(problem.milestones).index("vehicle")
    assert (priority.dates[:, vehicle] > 300).all() and (optimal.dates[:, vehicle] < 70).all()
