"""The genetic algorithm of ``solver/evolution.py``: which plans it takes, that every
schedule it returns keeps every rule, that it repeats exactly, and what it finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_factory import make_plan, make_problem, unchecked_plan
from qualplan.deadline import Deadline
from qualplan.problem import compile_plan
from qualplan.psplib_import import SINK_ID, SOURCE_ID, plan_from_psplib
from qualplan.result import Schedule, schedule_times
from qualplan.solver import SolveOptions, greedy_schedule, phases, solve
from qualplan.solver.evolution import _folded, evolve_schedule, list_model, warm_up
from qualplan.solver.list_kernels import fitness, justify, serial_schedule
from qualplan.solver.objective import term_values
from qualplan.verify import ensure_verified, verify

PSPLIB = Path(__file__).parent / "data" / "psplib"
START = dt.date(2026, 1, 5)


def psplib_problem(name: str):
    return compile_plan(plan_from_psplib(PSPLIB / name))


def makespan(problem, schedule: Schedule) -> int:
    return schedule_times(problem, schedule).start[SINK_ID] + 1


# --- which plans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("why", "task", "top"),
    [
        ("calendar", {"calendar": "workdays"}, {"calendars": {"workdays": {"weekends": ["sat", "sun"]}}}),
        ("window", {"window": "winter"}, {"windows": {"winter": {"dates": ["2026-01-05..2026-03-31"]}}}),
        (
            "capacity step",
            {"uses": {"rig": 1}},
            {"resources": {"rig": {"capacity": 1, "changes": [{"from": "2026-02-01", "capacity": 2}]}}},
        ),
        ("finish-to-finish link", {"after": [{"on": "a", "type": "end"}]}, {}),
        ("start link from a task", {"after": [{"on": "a", "type": "start"}]}, {}),
        ("more units than the capacity", {"uses": {"rig": 3}}, {"resources": {"rig": {"capacity": 2}}}),
    ],
)
def test_plans_with_rules_the_arrays_cannot_state_are_left_to_cp_sat(why, task, top) -> None:
    tasks = [{"id": "a", "duration": "2d"}, {"id": "b", "duration": "3d", **task}]
    # The loader rejects a task needing more than the resource ever has; the arrays must refuse it all the same.
    build = unchecked_plan if why == "more units than the capacity" else make_plan
    problem = compile_plan(build(tasks, horizon="90d", **top))
    assert list_model(problem) is None, why


def test_a_psplib_plan_becomes_arrays_with_one_arc_per_link() -> None:
    problem = psplib_problem("j301_1.sm")
    model = list_model(problem)
    assert model is not None
    assert len(model.nodes) == 32 and model.nodes[0] == SOURCE_ID and model.nodes[-1] == SINK_ID
    fwd_ptr, fwd_node, fwd_weight = model.data.fwd_ptr, model.data.fwd_node, model.data.fwd_weight
    number = {node: index for index, node in enumerate(model.nodes)}
    arcs = {
        (model.nodes[fwd_node[a]], model.nodes[j]): int(fwd_weight[a])
        for j in range(len(model.nodes))
        for a in range(fwd_ptr[j], fwd_ptr[j + 1])
    }
    assert len(arcs) == len(problem.links)
    for link in problem.links:
        weight = arcs[(link.pred, link.succ)]
        if link.pred == SOURCE_ID:
            assert weight == 0  # start-to-start from the plan start: day 0 is allowed
        elif link.succ == SINK_ID:
            assert weight == problem.tasks[link.pred].length - 1  # the sink's date is the last working day
        else:
            assert weight == problem.tasks[link.pred].length  # the day after the predecessor's last day
        assert number[link.pred] < number[link.succ]


# --- every schedule keeps every rule --------------------------------------------------


@st.composite
def plain_plans(draw):
    """Plans of pure project scheduling: tasks with resources, finish links with lags,
    ``not_before``, a fixed kickoff followed start-to-start, and due milestones."""
    count = draw(st.integers(2, 9))
    capacity = {"rig": draw(st.integers(1, 3)), "chamber": draw(st.integers(1, 3))}
    tasks = []
    for index in range(count):
        task = {"id": f"t{index}", "duration": f"{draw(st.integers(1, 6))}d"}
        uses = {r: draw(st.integers(0, cap)) for r, cap in capacity.items()}
        if any(uses.values()):
            task["uses"] = {r: units for r, units in uses.items() if units}
        after = []
        for pred in range(index):
            if draw(st.integers(0, 3)) == 0:
                after.append({"on": f"t{pred}", "lag": f"{draw(st.integers(0, 2))}d"})
        if draw(st.booleans()):
            after.append({"on": "kickoff", "type": "start", "lag": f"{draw(st.integers(0, 3))}d"})
        if after:
            task["after"] = after
        if draw(st.integers(0, 4)) == 0:
            task["not_before"] = (START + dt.timedelta(days=draw(st.integers(0, 10)))).isoformat()
        tasks.append(task)
    milestones = [{"id": "kickoff", "at": START.isoformat()}]
    for index in range(draw(st.integers(1, 3))):
        ends = sorted(draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=count)))
        due = START + dt.timedelta(days=draw(st.integers(3, 30)))
        milestones.append(
            {
                "id": f"m{index}",
                "after": [f"t{k}" for k in ends],
                "due": due.isoformat(),
                "priority": draw(st.integers(1, 5)),
            }
        )
    resources = {r: {"capacity": cap} for r, cap in capacity.items()}
    return make_problem(tasks, horizon="120d", resources=resources, milestones=milestones)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_plans(), st.integers(0, 3))
def test_an_evolved_schedule_keeps_every_rule_and_never_loses_to_its_seed(problem, seed) -> None:
    assert list_model(problem) is not None
    greedy = greedy_schedule(problem)
    assert greedy is not None
    evolved = evolve_schedule(problem, seconds=0.001, workers=1, seed=seed, seeds=[greedy]).schedule
    assert evolved is not None
    assert verify(problem, evolved) == []
    assert term_values(problem, evolved) <= term_values(problem, greedy)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(plain_plans(), st.randoms(use_true_random=False))
def test_the_compiled_fitness_is_the_objective_and_justifying_never_makes_it_longer(problem, rng) -> None:
    model = list_model(problem)
    data = model.data
    floor, fwd_ptr, fwd_node, fwd_weight = data.floor, data.fwd_ptr, data.fwd_node, data.fwd_weight
    span, last, demand, capacity = data.span, data.last, data.demand, data.capacity
    is_task, due, priority, days = data.is_task, data.due, data.priority, data.days
    date_scale, end_scale = data.date_scale, data.end_scale
    order = _random_topological_order(model, rng)
    free = np.empty((len(capacity), model.room + 1), np.int64)
    free[:] = capacity[:, None]
    free[0, model.room] = 0
    start = np.empty(len(model.nodes), np.int64)
    assert serial_schedule(order, floor, fwd_ptr, fwd_node, fwd_weight, span, demand, capacity, free, start) >= 0
    schedule = Schedule({node: int(start[j]) for j, node in enumerate(model.nodes) if node in problem.tasks})
    # The horizon (120 days) is longer than any serial schedule of these plans.
    assert verify(problem, schedule) == []
    value = fitness(start, is_task, last, due, priority, days, date_scale, end_scale)
    assert value == _folded(model, term_values(problem, schedule))
    before = max(int(start[j] + last[j]) for j in range(len(start)))
    assert justify(start, model.data, free) >= 0
    justified = Schedule({node: int(start[j]) for j, node in enumerate(model.nodes) if node in problem.tasks})
    assert verify(problem, justified) == []
    assert max(int(start[j] + last[j]) for j in range(len(start))) <= before


def _random_topological_order(model, rng) -> np.ndarray:
    fwd_ptr, succ_ptr, succ_node = model.data.fwd_ptr, model.succ_ptr, model.succ_node
    waiting = [int(fwd_ptr[j + 1] - fwd_ptr[j]) for j in range(len(model.nodes))]
    ready = [j for j, count in enumerate(waiting) if count == 0]
    order = []
    while ready:
        j = ready.pop(rng.randrange(len(ready)))
        order.append(j)
        for a in range(succ_ptr[j], succ_ptr[j + 1]):
            waiting[succ_node[a]] -= 1
            if waiting[succ_node[a]] == 0:
                ready.append(int(succ_node[a]))
    return np.array(order, np.int64)


# --- what it finds, and that it repeats -------------------------------------------------


@pytest.mark.slow
def test_it_finds_the_optimum_of_j12039_1_that_cp_sat_misses() -> None:
    # Optimum 95, the critical-path bound. CP-SAT (free, 2 workers) still had 96 after 60 s;
    # PyJobShop and qualplan before the algorithm ended at 97 with 10 s. One search (seed 0)
    # reaches 95 after 0.59 s of its ticks and stops there, at the bound it was given;
    # seeds 1 and 2 end at 96 after the whole second.
    problem = psplib_problem("j12039_1.sm")
    greedy = greedy_schedule(problem)
    assert makespan(problem, greedy) == 104
    _, dates, last_end = term_values(problem, greedy)
    floor = (0, dates - 9, last_end - 9)  # makespan 95: the critical-path bound
    evolution = evolve_schedule(problem, seconds=1.0, workers=1, seed=0, seeds=[greedy], floor=floor)
    assert makespan(problem, evolution.schedule) == 95
    assert verify(problem, evolution.schedule) == []
    assert evolution.seconds < 1.0  # found within its budget


def test_it_stops_at_a_floor_it_reaches() -> None:
    problem = psplib_problem("j12039_1.sm")
    greedy = greedy_schedule(problem)
    _, dates, last_end = term_values(problem, greedy)
    floor = (0, dates - 2, last_end - 2)  # the greedy's makespan minus 2: soon reached
    evolution = evolve_schedule(problem, seconds=1.0, workers=1, seed=0, seeds=[greedy], floor=floor)
    # Stopped on the first generation at or below the floor, long before 95, and charged
    # only the ticks it used.
    assert makespan(problem, greedy) - 2 >= makespan(problem, evolution.schedule) > 95
    assert 0 < evolution.seconds < 0.1


@pytest.mark.slow
def test_the_same_seed_gives_the_same_schedule() -> None:
    problem = psplib_problem("j12060_10.sm")
    greedy = greedy_schedule(problem)
    runs = [evolve_schedule(problem, seconds=0.05, workers=2, seed=3, seeds=[greedy]).schedule for _ in range(2)]
    assert runs[0] is not None
    assert runs[0] == runs[1]


@pytest.fixture
def short_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the genetic algorithm run in solves shorter than ``phases.EVOLUTION_MIN_LIMIT`` (2 s).
    That floor only keeps numba's import and cache load (0.5-2 s) out of a short command's
    wall-clock promise; what the tests below check does not depend on the limit."""
    monkeypatch.setattr(phases, "EVOLUTION_MIN_LIMIT", 0.0)


@pytest.mark.slow
def test_solve_proves_j9026_2_optimal_with_the_algorithm_and_not_without(short_solves) -> None:
    # Optimum 85, the critical-path bound: the algorithm reaches it, so the phase is proved.
    # Found by solving, at 0.5 s with and without the algorithm, PSPLIB's instances whose optimum
    # is the critical-path bound, below the greedy schedule's: CP-SAT alone proved every such j60
    # instance but j6014_3, which the algorithm does not close either. Among the j90 and j120 ones
    # that the algorithm alone closes from the greedy schedule in 0.1 s of ticks, only the
    # algorithm proves j9026_2 (the smallest model) and three j120 ones. It does from 0.4 s on
    # (not at 0.3 s); CP-SAT alone still ends at 86 with 2 s.
    problem = psplib_problem("j9026_2.sm")
    result = ensure_verified(solve(problem, time_limit=0.5, workers=2, seed=0, deadline=Deadline.never()))
    assert makespan(problem, result.schedule) == 85
    assert result.status.value == "optimal"
    without = solve(
        problem, time_limit=0.5, workers=2, seed=0, options=SolveOptions(evolution=False), deadline=Deadline.never()
    )
    assert makespan(problem, without.schedule) > 85 and without.status.value != "optimal"


def test_a_plan_no_schedule_fits_gets_none_never_one_past_the_horizon() -> None:
    # Two 3-day tests on one rig need 6 days; the horizon has 5.
    problem = make_problem(
        [{"id": "a", "duration": "3d", "uses": {"rig": 1}}, {"id": "b", "duration": "3d", "uses": {"rig": 1}}],
        horizon="5d",
        resources={"rig": {"capacity": 1}},
    )
    assert list_model(problem) is not None
    evolution = evolve_schedule(problem, seconds=0.001, workers=2, seed=0, seeds=[])
    assert evolution.schedule is None and evolution.seconds > 0


@pytest.mark.slow
def test_a_solve_with_the_algorithm_repeats_exactly_and_reports_its_schedule(short_solves, monkeypatch) -> None:
    # j6029_8 (best known makespan 103, proved bound 96) is far from proved in 0.3 s, so the
    # algorithm runs after CP-SAT on two threads to the end of its budget, and improves on
    # CP-SAT's best (a project end on day 105 against 107; found among PSPLIB's open j60 instances).
    runs = []
    real = phases.evolve_schedule

    def recorded(problem, **options):
        evolution = real(problem, **options)
        runs.append((options["seconds"], evolution))
        return evolution

    monkeypatch.setattr(phases, "evolve_schedule", recorded)
    problem = psplib_problem("j6029_8.sm")
    events = []
    first = solve(problem, time_limit=0.3, workers=2, seed=0, progress=events.append, deadline=Deadline.never())
    second = solve(problem, time_limit=0.3, workers=2, seed=0, deadline=Deadline.never())
    assert first.schedule == second.schedule
    assert (first.status, first.objective, first.objective_bound) == (
        second.status,
        second.objective,
        second.objective_bound,
    )
    ensure_verified(first)
    assert first.status.value == "feasible"
    # Each run's algorithm used its whole budget (it stops early only at a proved bound), and its
    # schedule is the one the solve returns.
    assert len(runs) == 2
    for seconds, evolution in runs:
        assert evolution.seconds == pytest.approx(seconds) and not evolution.clock_cut
    assert runs[0][1].schedule == first.schedule
    # The last progress event is the algorithm's schedule, better than any of CP-SAT's.
    assert events[-1].phase == "dates"
    assert events[-1].objective == term_values(problem, first.schedule)[1]
    assert events[-1].objective < min(event.objective for event in events[:-1])


@pytest.mark.slow
def test_when_the_clock_binds_the_algorithm_still_gets_its_share_of_the_wall_time(monkeypatch) -> None:
    """On a machine slower than the work budget's pace the race ran to the deadline and the
    algorithm never ran: j120 gaps doubled (2.67 % against 1.25 %)."""
    problem = psplib_problem("j6029_8.sm")  # open: no race proves it
    warm_up(problem.list_model)  # loading numba's cache is not what this measures: before the deadline
    # A work budget of a minute against a wall deadline of 3.4 s: the clock binds.
    deadline = Deadline.for_command(2.0)
    races, calls = [], []
    real_race, real_evolve = phases.race, phases.evolve_schedule

    def timed_race(model, primary, secondary, *args):
        wall = max(solver.parameters.max_time_in_seconds for solver in (primary, secondary))
        races.append((deadline.left(), wall))
        return real_race(model, primary, secondary, *args)

    def recorded(problem, **options):
        calls.append(options["deadline"].left())
        return real_evolve(problem, **options)

    monkeypatch.setattr(phases, "race", timed_race)
    monkeypatch.setattr(phases, "evolve_schedule", recorded)
    result = ensure_verified(solve(problem, time_limit=60.0, workers=2, seed=0, deadline=deadline))
    assert result.stopped_by.value == "clock"
    # The race's solves must stop a fifth of the wall time left before the deadline (0.6 s here
    # when idle); without the share they ran to 0.01 s before it. Checked on the limit they are
    # given, as a share: on a loaded machine the steps before the race took up to 1.4 s of the
    # deadline, and the race ended up to 0.4 s past its limit.
    left, wall = races[0]
    assert wall < 0.9 * left
    assert calls, "the genetic algorithm never ran"
