"""``qualplan risk``: output formats, the same numbers for any worker count and backend,
bad input, and Ctrl-C."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import multiprocessing
import signal
import socket
import sys
import time
import warnings
from pathlib import Path

import distributed
import pytest
from typer.testing import CliRunner

import forked_processes
from qualplan.cli import app
from qualplan.commands.risk import run

DATA = Path(__file__).parent / "data"
LAB = DATA / "risk" / "lab.yaml"


def risk(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["risk", *args])
    return result.exit_code, result.stdout, result.stderr


def json_run(*args: str) -> str:
    code, out, err = risk(str(LAB), "--format", "json", "--iterations", "600", *args)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def reference() -> str:
    """The JSON of 600 iterations, seed 0, in this process: what every other way of running them must print."""
    return json_run("--workers", "1")


def test_json_has_the_specified_keys_in_order_and_sensible_figures(reference: str) -> None:
    document = json.loads(reference)
    assert list(document)[:8] == ["format", "plan", "iterations", "seed", "policy", "milestones", "tasks", "drivers"]
    assert (document["format"], document["plan"], document["iterations"], document["seed"]) == (1, "risk-lab", 600, 0)
    assert document["policy"] == "priority"
    milestones = {m["id"]: m for m in document["milestones"]}
    assert list(milestones) == ["dv-done", "vehicle", "line"]
    dv = milestones["dv-done"]
    assert list(dv)[:8] == ["id", "due", "p_met", "p10", "p50", "p80", "p90", "mean"]
    assert dv["due"] == "2026-12-31" and 0 < dv["p_met"] < 1
    assert dv["p10"] <= dv["p50"] <= dv["p80"] <= dv["p90"]
    assert milestones["line"] == {**milestones["line"], "p10": "2026-06-01", "p90": "2026-06-01", "p_met": None}
    tasks = {t["id"]: t for t in document["tasks"]}
    assert set(tasks["life"]["criticality"]) == {"dv-done", "vehicle"}  # not the fixed milestone
    assert tasks["life"]["criticality"]["dv-done"] > 0.9
    assert 0.2 < tasks["life"]["retests"] < 0.5  # 30 % per run, at most two failures
    drivers = [d for d in document["drivers"] if d["milestone"] == "dv-done"]
    assert drivers[0]["task"] == "life" and drivers[0]["spearman"] > 0.5


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_numbers(reference: str) -> None:
    assert json_run("--workers", "1") == reference
    assert json_run("--workers", "1", "--seed", "5") != reference


def test_two_local_worker_processes_give_the_same_json_as_one(reference: str) -> None:
    assert json_run("--workers", "2") == reference


def test_a_dask_cluster_on_loopback_gives_the_same_json(reference: str) -> None:
    """A scheduler and two workers on 127.0.0.1, reached as ``--scheduler`` over TCP, which carries
    the model and every batch's result as bytes. The workers are threads of this process: the
    test takes 0.4 s, where two worker processes took 5-12 s to start and load the kernel on the
    loaded 2-core machine; worker processes are the next test's, in the cluster that
    ``--backend dask`` starts."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not Dask's 8787, which may be taken
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        assert all(worker.startswith("tcp://127.0.0.1:") for worker in cluster.scheduler.workers)
        assert json_run("--backend", "dask", "--scheduler", address) == reference


@pytest.mark.slow
def test_the_backend_dask_starts_and_stops_its_own_local_cluster(
    reference: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker process (each takes seconds to start and load the kernel): the cluster that
    ``--backend dask`` starts, the numbers of a run here, nothing left running, and no warning
    when Dask's default port 8787 is taken, as it is wherever another Dask cluster runs."""
    started: list[tuple[distributed.LocalCluster, list[int]]] = []

    class Recorded(distributed.LocalCluster):
        def __init__(self, **options) -> None:
            super().__init__(**options)
            started.append((self, [nanny.pid for nanny in self.workers.values()]))

    monkeypatch.setattr(distributed, "LocalCluster", Recorded)
    with contextlib.ExitStack() as stack:
        taken = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):  # already taken: as good
            taken.bind(("127.0.0.1", 8787))
            taken.listen()
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        code, out, err = risk(
            str(LAB), "--format", "json", "--iterations", "600", "--backend", "dask", "--workers", "1"
        )
    assert (code, out, err) == (0, reference, "")
    assert [str(warning.message) for warning in caught if "8787" in str(warning.message)] == []
    ((cluster, pids),) = started
    assert len(pids) == 1 and all(pids)  # --workers 1: one worker process
    assert cluster.status.name == "closed"
    assert not {child.pid for child in multiprocessing.active_children()} & set(pids)


def test_text_output_has_the_table_drivers_and_convergence() -> None:
    code, out, _ = risk(str(LAB), "--iterations", "400", "--workers", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"risk-lab  ({LAB.as_posix()})"
    assert lines[1] == "risk: 400 iterations, seed 0, policy priority"
    assert lines[2].split() == ["milestone", "due", "P(met)", "P10", "P50", "P80", "P90", "mean"]
    assert lines[3].startswith("dv-done") and "%" in lines[3]
    assert any(line.startswith("dv-done: drivers (Spearman) life ") for line in lines)
    assert any(line.startswith("dv-done: most often critical ") for line in lines)
    assert lines[-1].startswith("convergence: P80 moved at most ")


def test_csv_output_has_one_row_per_milestone() -> None:
    code, out, _ = risk(str(LAB), "--iterations", "300", "--workers", "1", "--format", "csv")
    assert code == 0
    rows = out.splitlines()
    assert rows[0] == "milestone,due,p_met,p10,p50,p80,p90,mean,beyond_horizon,p80_moved_days"
    assert [row.split(",")[0] for row in rows[1:]] == ["dv-done", "vehicle", "line"]
    assert rows[3].startswith("line,,,2026-06-01,2026-06-01,2026-06-01,2026-06-01,2026-06-01,0.0,")


RIG = """qualplan: 1
id: rig
start: 2026-01-05
resources: {rig: {capacity: 1}}
tasks:
  - {id: long, duration: 10d, uses: {rig: 1}, risk: {duration: {low: 5d, likely: 10d, high: 40d}}}
  - {id: short, duration: 10d, uses: {rig: 1}, risk: {duration: {low: 5d, likely: 10d, high: 12d}}}
milestones:
  - {id: a, after: [long], due: 2026-01-17}
  - {id: b, after: [short], due: 2026-01-17}
"""


@pytest.mark.slow
def test_optimal_policy_reorders_where_the_check_order_is_worse_and_never_does_worse() -> None:
    # Both tests need the one rig; with planned lengths either order is as good, and the check
    # schedule runs `long` first. When `long` draws 35 days, `short` first is far better: the
    # optimal policy solves each iteration and finds it; the priority policy keeps the order.
    from qualplan.loader import load_plan_text
    from qualplan.problem import compile_plan
    from qualplan.risk import build_model
    from qualplan.risk.batches import run_batch
    from qualplan.solver import solve

    problem = compile_plan(load_plan_text(RIG, "rig.yaml").plan)
    model = build_model(problem, solve(problem, time_limit=5, workers=1).schedule)
    priority = run_batch(model, "priority", 0, 0, 30, 0.0)
    optimal = run_batch(model, "optimal", 0, 0, 30, 2.0)
    due = [spec.due for spec in problem.milestones.values()]

    def lateness(dates):
        return [sum(max(0, int(day) - d) for day, d in zip(row, due, strict=True)) for row in dates]

    pairs = list(zip(lateness(optimal.dates), lateness(priority.dates), strict=True))
    assert all(best <= kept for best, kept in pairs)
    assert any(best < kept for best, kept in pairs)
    assert (optimal.sampled == priority.sampled).all()  # the same draws under both policies


def test_optimal_policy_through_the_command(tmp_path: Path) -> None:
    plan = tmp_path / "rig.yaml"
    plan.write_text(RIG)
    out = io.StringIO()
    code = run(
        plan,
        iterations=8,
        seed=0,
        policy="optimal",
        workers=1,
        backend="local",
        scheduler=None,
        output_format="json",
        time_limit=5.0,
        iteration_time_limit=2.0,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == 0
    document = json.loads(out.getvalue())
    assert (document["policy"], document["iterations"]) == ("optimal", 8)
    assert [m["id"] for m in document["milestones"]] == ["a", "b"]


def test_a_bad_risk_key_exits_2_with_its_position(tmp_path: Path) -> None:
    code, out, err = risk(str(DATA / "invalid" / "risk-fail-out-of-range.yaml"))
    assert (code, out) == (2, "")
    assert "risk-fail-out-of-range.yaml:7:18: tasks.life.risk.fail: expected the chance" in err


def test_a_scheduler_without_the_dask_backend_is_a_command_line_error() -> None:
    code, out, err = risk(str(LAB), "--scheduler", "tcp://127.0.0.1:8786")
    assert (code, out) == (2, "")
    assert "--scheduler names a Dask scheduler; give it with --backend dask" in err


def test_an_unreachable_scheduler_exits_2_after_the_scheduler_timeout() -> None:
    options = "--iterations 50 --backend dask --scheduler tcp://127.0.0.1:9 --scheduler-timeout 0.5"
    code, out, err = risk(str(LAB), *options.split())
    assert (code, out) == (2, "")
    assert "qualplan risk: cannot reach the Dask scheduler at tcp://127.0.0.1:9: " in err
    assert "after 0.5 s (--scheduler-timeout SECONDS waits longer)" in err  # Dask's words: it waited 0.5 s


def test_the_scheduler_is_waited_for_10_seconds_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[object] = []

    def refused(address: str, *, timeout: object) -> None:
        waits.append(timeout)
        raise OSError("Connection refused")

    monkeypatch.setattr(distributed, "Client", refused)
    code, out, err = risk(str(LAB), "--iterations", "50", "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert (code, out, waits) == (2, "", [10.0])
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9: Connection refused" in err


def test_a_scheduler_timeout_without_a_scheduler_is_a_command_line_error() -> None:
    code, out, err = risk(str(LAB), "--backend", "dask", "--scheduler-timeout", "3")
    assert (code, out) == (2, "")
    assert "--scheduler-timeout waits for the scheduler at --scheduler; give it with --scheduler" in err


ENTRY = """
import sys
from pathlib import Path
import qualplan.risk.backends as backends

marker = Path(sys.argv[1])
real = backends.run_batch

def run_batch(*args):
    marker.write_text("iterating")
    return real(*args)

backends.run_batch = run_batch
sys.argv = ["qualplan", *sys.argv[2:]]
from qualplan.cli import main
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_between_batches_exits_130_and_prints_nothing(tmp_path: Path, workers: str) -> None:
    """In a process of its own, forked with qualplan imported (``forked_processes``)."""
    marker = tmp_path / "marker"
    arguments = ["risk", str(LAB), "--iterations", "5000000", "--workers", workers, "--format", "json"]
    child = forked_processes.start(ENTRY, str(marker), *arguments, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err) == (130, "", "qualplan: interrupted\n")


@pytest.mark.slow
def test_report_adds_a_risk_section_only_when_asked(tmp_path: Path) -> None:
    from qualplan.commands import report

    plain, with_risk = tmp_path / "plain.html", tmp_path / "risk.html"
    streams = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    assert report.run(LAB, plain, time_limit=5, workers=1, seed=0, **streams) == 0
    assert report.run(LAB, with_risk, time_limit=5, workers=1, seed=0, risk_iterations=300, **streams) == 0
    page = with_risk.read_text(encoding="utf-8")
    assert 'id="risk"' not in plain.read_text(encoding="utf-8")
    assert '<section id="risk">' in page and "300 iterations, seed 0, policy priority" in page
    for plot in ("qualplan-risk-curve", "qualplan-risk-criticality"):
        assert f'<div id="{plot}" class="plot"></div>' in page
        figure = json.loads(page.split(f'<script type="application/json" id="{plot}-data">')[1].split("</script>")[0])
        assert figure["data"]
    curve = json.loads(page.split('id="qualplan-risk-curve-data">')[1].split("</script>")[0])
    names = [trace["name"] for trace in curve["data"]]
    assert names[0].startswith("dv-done (P(met) ") and "vehicle due" in names
    due_line = next(trace for trace in curve["data"] if trace["name"] == "dv-done due")
    assert due_line["x"] == ["2026-12-31", "2026-12-31"]
    assert curve["data"][0]["y"][-1] == 1.0  # every iteration reaches it inside the horizon


def test_the_documented_example_is_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/risk.md and the README show `qualplan risk tests/data/risk/lab.yaml` as it prints."""
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    code, out, _ = risk("tests/data/risk/lab.yaml")
    assert code == 0
    for document in ("docs/risk.md", "README.md"):
        text = (root / document).read_text(encoding="utf-8")
        shown = text.split("$ qualplan risk tests/data/risk/lab.yaml\n", 1)[1].split("```", 1)[0]
        assert shown == out, document


def test_set_changes_a_risk_key_in_memory_and_a_bad_value_exits_2(reference: str) -> None:
    base = json.loads(reference)
    changed = json.loads(json_run("--workers", "1", "--set", "tasks.life.risk.fail=0.6"))
    retests = {task["id"]: task["retests"] for task in changed["tasks"]}
    assert retests["life"] > 0.8  # 0.6 + 0.6² failed runs per iteration, from about 0.39
    assert changed["milestones"][0]["p_met"] < base["milestones"][0]["p_met"]
    code, out, err = risk(str(LAB), "--set", "tasks.life.risk.fail=1.5")
    assert (code, out) == (2, "")
    assert "tasks.life.risk.fail: expected the chance that one run fails" in err
    assert "(after --set tasks.life.risk.fail=1.5)" in err
