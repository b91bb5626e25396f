"""PSPLIB import: the plan says exactly what the .sm file says, and its span is the PSPLIB makespan."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.graph import earliest_times
from qualplan.loader import load_plan
from qualplan.model import Plan
from qualplan.problem import compile_plan
from qualplan.psplib_import import SINK_ID, SOURCE_ID, PsplibError, plan_from_psplib, plan_yaml

DATA = Path(__file__).parent / "data" / "psplib"
J301_1 = DATA / "j301_1.sm"


def refs() -> dict[str, dict[str, str]]:
    with (DATA / "refs.csv").open() as stream:
        return {row["instance"]: row for row in csv.DictReader(stream)}


def write_sm(path: Path, jobs: list[tuple[list[tuple[int, list[int]]], list[int]]], capacities, kinds=None) -> Path:
    """A PSPLIB .sm file: ``jobs`` = [(modes [(duration, demands)], successor job numbers)], 1-based."""
    kinds = kinds or ["R"] * len(capacities)
    names = "".join(f"  {kind} {k + 1}" for k, kind in enumerate(kinds))
    lines = ["*" * 72, f"jobs (incl. supersource/sink ):  {len(jobs)}", "*" * 72, "PRECEDENCE RELATIONS:"]
    lines.append("jobnr.    #modes  #successors   successors")
    for number, (modes, successors) in enumerate(jobs, start=1):
        lines.append(
            f"   {number}        {len(modes)}          {len(successors)}   " + "   ".join(map(str, successors))
        )
    lines += ["*" * 72, "REQUESTS/DURATIONS:", f"jobnr. mode duration{names}", "-" * 72]
    for number, (modes, _) in enumerate(jobs, start=1):
        for mode, (duration, demands) in enumerate(modes, start=1):
            head = f"  {number}" if mode == 1 else "   "
            lines.append(f"{head}      {mode}     {duration}    " + "    ".join(map(str, demands)))
    lines += ["*" * 72, "RESOURCEAVAILABILITIES:", names, "   " + "   ".join(map(str, capacities)), "*" * 72]
    path.write_text("\n".join(lines) + "\n")
    return path


SMALL = [
    ([(0, [0])], [2, 3]),
    ([(3, [2])], [4]),
    ([(2, [1])], [4]),
    ([(0, [0])], []),
]


# --- what the plan says --------------------------------------------------------------


def test_j30_instance_becomes_30_tasks_between_source_and_sink_milestones():
    plan = plan_from_psplib(J301_1)

    assert [task.id for task in plan.tasks] == [f"job-{job}" for job in range(2, 32)]
    assert [milestone.id for milestone in plan.milestones] == [SOURCE_ID, SINK_ID]
    assert plan.id == "j301_1"
    assert plan.start == dt.date(2026, 1, 5)
    assert plan.horizon.days == 158  # PSPLIB's own horizon, the sum of the durations
    assert plan.milestone(SOURCE_ID).at == plan.start


def test_durations_resources_and_demands_are_the_files():
    plan = plan_from_psplib(J301_1)

    assert {name: resource.capacity for name, resource in plan.resources.items()} == {
        "r1": 12,
        "r2": 13,
        "r3": 4,
        "r4": 12,
    }
    # From the REQUESTS/DURATIONS table: job 2 is 8 periods on 4 units of R1, job 26 is 7 periods on 4 of R3.
    assert plan.task("job-2").days == 8 and plan.task("job-2").uses == {"r1": 4}
    assert plan.task("job-26").days == 7 and plan.task("job-26").uses == {"r3": 4}
    assert plan.task("job-16").days == 10 and plan.task("job-16").uses == {"r4": 5}
    assert sum(task.days for task in plan.tasks) == 158


def test_links_are_the_files_precedence_relations():
    problem = compile_plan(plan_from_psplib(J301_1))
    links = {(link.pred, link.succ): link for link in problem.links}

    # Job 1 (source) precedes jobs 2, 3, 4: they may start on day 0, so start-to-start from the source.
    for job in (2, 3, 4):
        link = links[(SOURCE_ID, f"job-{job}")]
        assert (link.type, link.lag) == ("start", 0)
    # Job 20's predecessors are 5, 11 and 18 (finish-to-start, lag 0).
    assert {pred for pred, succ in links if succ == "job-20"} == {"job-5", "job-11", "job-18"}
    assert links[("job-5", "job-20")].type == "finish" and links[("job-5", "job-20")].lag == 0
    # Job 32 (sink) follows jobs 29, 30 and 31.
    assert {pred for pred, succ in links if succ == SINK_ID} == {"job-29", "job-30", "job-31"}
    # One link per successor entry of the file (the #successors column of j301_1 adds up to 48).
    assert len(problem.links) == 48


@pytest.mark.parametrize("name", ["j301_1.sm", "j3013_5.sm", "j3025_7.sm", "j3048_10.sm", "j6031_3.sm", "j12060_10.sm"])
def test_span_of_the_cpm_schedule_is_the_published_critical_path(name):
    problem = compile_plan(plan_from_psplib(DATA / name))
    times = earliest_times(problem)

    # The sink's date is the last working day, so the plan spans date + 1 days: the PSPLIB makespan.
    assert times.start[SINK_ID] + 1 == int(refs()[name]["lb_cpm"])
    assert times.start[SOURCE_ID] == 0


def test_psplib_times_are_day_numbers(tmp_path):
    # PSPLIB: jobs 2 (3 periods) and 3 (2 periods) start at time 0 and end at times 3 and 2; the sink at 3.
    plan = plan_from_psplib(write_sm(tmp_path / "tiny.sm", SMALL, [2]))
    times = earliest_times(compile_plan(plan))

    assert times.start["job-2"] == 0 and times.end["job-2"] == 2
    assert times.start["job-3"] == 0 and times.end["job-3"] == 1
    assert times.start[SINK_ID] == 2  # spans days 0..2: 3 days, the PSPLIB critical path


# --- the YAML text ---------------------------------------------------------------------


def test_yaml_text_reads_back_as_the_same_plan():
    plan = plan_from_psplib(J301_1)
    text = plan_yaml(plan, source=J301_1)

    document = YAML(typ="safe", pure=True).load(text)  # ruamel reads YAML 1.2, as the loader does
    assert Plan.model_validate(document) == plan
    assert "  - {id: job-20, duration: 7d, uses: {r2: 10}, after: [job-5, job-11, job-18]}\n" in text
    assert "  - {id: job-2, duration: 8d, uses: {r1: 4}, after: [{on: project-start, type: start}]}\n" in text
    assert "  - {id: project-end, after: [job-29, job-30, job-31]}\n" in text


def test_yaml_text_passes_the_loader_and_its_cross_reference_checks(tmp_path):
    target = tmp_path / "j301_1.yaml"
    target.write_text(plan_yaml(plan_from_psplib(J301_1), source=J301_1))

    loaded = load_plan(target)

    assert loaded.ok, [str(error) for error in loaded.errors]
    assert loaded.warnings == ()
    assert loaded.plan == plan_from_psplib(J301_1)


# --- the command -----------------------------------------------------------------------


def test_command_prints_the_plan_and_writes_the_same_bytes_with_o(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(app, ["import", "psplib", str(J301_1)])
    target = tmp_path / "plan.yaml"
    written = runner.invoke(app, ["import", "psplib", str(J301_1), "-o", str(target)])

    assert printed.exit_code == 0 and written.exit_code == 0
    assert target.read_text() == printed.stdout == plan_yaml(plan_from_psplib(J301_1), source=J301_1)
    assert printed.stdout.startswith("# PSPLIB j301_1.sm, converted by `qualplan import psplib`.\n")


def test_command_refuses_a_file_that_is_not_psplib_and_writes_nothing(tmp_path):
    bad = tmp_path / "notes.sm"
    bad.write_text("this is not an instance\n")
    target = tmp_path / "plan.yaml"

    result = CliRunner().invoke(app, ["import", "psplib", str(bad), "-o", str(target)])

    assert result.exit_code == 2
    assert f"{bad}: not a PSPLIB single-mode .sm file" in result.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left behind either


def test_command_names_a_missing_file():
    result = CliRunner().invoke(app, ["import", "psplib", "no-such-file.sm"])

    assert result.exit_code == 2
    assert result.stderr == "no-such-file.sm: cannot read the file (No such file or directory)\n"


# --- what cannot be imported -------------------------------------------------------------


def test_multi_mode_instance_is_refused(tmp_path):
    jobs = [([(0, [0])], [2]), ([(3, [1]), (2, [2])], [3]), ([(0, [0])], [])]
    path = write_sm(tmp_path / "mm.sm", jobs, [2])

    with pytest.raises(PsplibError, match=r"mm\.sm: job 2 has 2 modes; only single-mode instances"):
        plan_from_psplib(path)


def test_non_renewable_resource_is_refused(tmp_path):
    jobs = [([(0, [0, 0])], [2]), ([(3, [1, 1])], [3]), ([(0, [0, 0])], [])]
    path = write_sm(tmp_path / "n.sm", jobs, [2, 5], kinds=["R", "N"])

    with pytest.raises(PsplibError, match=r"resource 2 is non-renewable"):
        plan_from_psplib(path)


def test_zero_duration_real_job_is_refused(tmp_path):
    jobs = [([(0, [0])], [2]), ([(0, [1])], [3]), ([(0, [0])], [])]

    with pytest.raises(PsplibError, match=r"job 2 has duration 0; a plan task lasts at least 1 day"):
        plan_from_psplib(write_sm(tmp_path / "z.sm", jobs, [2]))


def test_demand_above_capacity_is_refused(tmp_path):
    jobs = [([(0, [0])], [2]), ([(4, [3])], [3]), ([(0, [0])], [])]

    with pytest.raises(PsplibError, match=r"job 2 needs 3 units of resource 1, which has only 2"):
        plan_from_psplib(write_sm(tmp_path / "d.sm", jobs, [2]))


def test_successor_numbered_before_its_job_is_refused(tmp_path):
    jobs = [([(0, [0])], [2]), ([(4, [1])], [3]), ([(2, [1])], [2, 4]), ([(0, [0])], [])]

    with pytest.raises(PsplibError, match=r"job 3 lists successor 2; successors must be later jobs"):
        plan_from_psplib(write_sm(tmp_path / "c.sm", jobs, [2]))


def test_job_without_successors_still_precedes_the_sink(tmp_path):
    # Job 3 names no successor (PSPLIB files always name the sink); the sink must still wait for it.
    jobs = [([(0, [0])], [2, 3]), ([(3, [1])], [4]), ([(5, [1])], []), ([(0, [0])], [])]
    plan = plan_from_psplib(write_sm(tmp_path / "leaf.sm", jobs, [2]))

    assert [entry.on for entry in plan.milestone(SINK_ID).after] == ["job-2", "job-3"]
    assert earliest_times(compile_plan(plan)).start[SINK_ID] + 1 == 5


# --- solved like any plan -------------------------------------------------------------------


def test_check_proves_the_published_optimum_of_an_imported_instance():
    from qualplan.result import SolveStatus, schedule_times
    from qualplan.solver import solve
    from qualplan.verify import verify

    problem = compile_plan(plan_from_psplib(J301_1))
    result = solve(problem, time_limit=2, workers=1)

    assert result.status is SolveStatus.OPTIMAL
    assert verify(problem, result.schedule) == []
    makespan = schedule_times(problem, result.schedule).start[SINK_ID] + 1
    assert makespan == int(refs()["j301_1.sm"]["makespan_opt_or_ub"]) == 43
