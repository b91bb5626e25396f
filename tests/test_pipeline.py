"""The command pipeline shared by check, explain and report (issue 13), and what it guarantees.

- one plan's bug (exit 4) is one line on stderr and never hides the other plans (issue 12);
- every command writes only to the streams it is given;
- warnings read ``FILE:LINE:COL: warning: key.path: message`` in every command;
- ``explain`` and ``report`` give the conflict search the same capped budget;
- plan changes (``--status-date``, ``--set`` to come) run after loading and before compiling;
- an output path that is not a regular file is refused before solving.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from qualplan.commands import check, explain, import_psplib, pipeline, report
from qualplan.commands.pipeline import CONFLICT_STEP_LIMIT, Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode
from qualplan.loader import PlanError

DATA = Path(__file__).parent / "data"
CHECK = DATA / "check"
FAST = {"time_limit": 1.0, "workers": 1, "seed": 0}
INTERNAL = "qualplan: internal error (a bug, please report it)"


def streams() -> tuple[io.StringIO, io.StringIO]:
    return io.StringIO(), io.StringIO()


@pytest.fixture
def three_plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("infeasible.yaml", "met.yaml", "missed.yaml"):
        shutil.copy(CHECK / name, folder / name)
    return folder


@pytest.fixture
def solver_crashes_on_cells_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solver raises for plan `cells-met` only, as a bug inside CP-SAT's wrapper would."""
    import qualplan.solver

    real_solve = qualplan.solver.solve

    def solve(problem, **options):
        if problem.plan.id == "cells-met":
            raise RuntimeError("simulated crash in the solver")
        return real_solve(problem, **options)

    monkeypatch.setattr(qualplan.solver, "solve", solve)


# --- one plan's bug does not hide the others ---------------------------------------------------


def test_a_crash_in_one_plan_of_three_is_one_line_and_the_others_are_printed_as_text(
    three_plans: Path, solver_crashes_on_cells_met: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = streams()
    code = check.run([three_plans], "text", stdout=out, stderr=err, **FAST)
    assert code == ExitCode.INTERNAL  # 4 wins over the 1 of the other two
    assert (
        err.getvalue()
        == f"{INTERNAL}: {three_plans.as_posix()}/met.yaml: RuntimeError: simulated crash in the solver\n"
    )
    text = out.getvalue()
    assert text.startswith("no-slot ")
    assert "\ncells-missed " in text and "cells-met " not in text
    assert text.endswith("\n3 plans: 2 missed, 1 internal error\n")
    assert capsys.readouterr() == ("", "")  # nothing went to the process's own streams


def test_a_crash_in_one_plan_of_three_leaves_the_other_two_in_the_json(
    three_plans: Path, solver_crashes_on_cells_met: None
) -> None:
    out, err = streams()
    code = check.run([three_plans], "json", stdout=out, stderr=err, **FAST)
    assert code == ExitCode.INTERNAL
    assert [document["plan"] for document in json.loads(out.getvalue())] == ["no-slot", "cells-missed"]
    assert len(err.getvalue().splitlines()) == 1 and err.getvalue().startswith(f"{INTERNAL}: ")


def test_a_crash_while_rendering_one_plan_fails_only_that_plan(three_plans: Path, monkeypatch) -> None:
    from qualplan.report import json_doc

    real_document = json_doc.document

    def document(result, path):
        if result.problem.plan.id == "no-slot":
            raise KeyError("simulated renderer bug")
        return real_document(result, path)

    monkeypatch.setattr(json_doc, "document", document)
    out, err = streams()
    assert check.run([three_plans], "json", stdout=out, stderr=err, **FAST) == ExitCode.INTERNAL
    assert [document["plan"] for document in json.loads(out.getvalue())] == ["cells-met", "cells-missed"]
    assert err.getvalue() == (
        f"{INTERNAL}: {three_plans.as_posix()}/infeasible.yaml: KeyError: 'simulated renderer bug'\n"
    )


def test_explain_and_report_report_a_bug_in_one_line_with_exit_4(tmp_path: Path, solver_crashes_on_cells_met) -> None:
    line = f"{INTERNAL}: {(CHECK / 'met.yaml').as_posix()}: RuntimeError: simulated crash in the solver\n"
    out, err = streams()
    assert explain.run(CHECK / "met.yaml", None, "text", stdout=out, stderr=err, **FAST) == ExitCode.INTERNAL
    assert (out.getvalue(), err.getvalue()) == ("", line)
    out, err = streams()
    output = tmp_path / "report.html"
    assert report.run(CHECK / "met.yaml", output, stdout=out, stderr=err, **FAST) == ExitCode.INTERNAL
    assert (out.getvalue(), err.getvalue()) == ("", line)
    assert not output.exists()


# --- the same steps, the same way --------------------------------------------------------------


def _plan_with_an_unused_resource(tmp_path: Path) -> Path:
    plan = tmp_path / "warned.yaml"
    text = (CHECK / "met.yaml").read_text(encoding="utf-8")
    plan.write_text(text.replace("  chamber: {capacity: 1}\n", "  chamber: {capacity: 1}\n  rig: {capacity: 2}\n"))
    return plan


@pytest.mark.slow
def test_every_command_prints_warnings_the_same_way(tmp_path: Path) -> None:
    """`report` printed warnings without `warning:` (issue 13)."""
    plan = _plan_with_an_unused_resource(tmp_path)
    warning = f"{plan}:15:3: warning: resources.rig: no task uses resource 'rig'\n"
    runs = {
        "check": lambda out, err: check.run([plan], "json", stdout=out, stderr=err, **FAST),
        "explain": lambda out, err: explain.run(plan, None, "json", stdout=out, stderr=err, **FAST),
        "report": lambda out, err: report.run(plan, tmp_path / "r.html", stdout=out, stderr=err, **FAST),
    }
    for name, run in runs.items():
        out, err = streams()
        assert run(out, err) == ExitCode.OK, name
        assert err.getvalue() == warning, name


def test_explain_and_report_cap_the_conflict_search_the_same_way(tmp_path: Path, monkeypatch) -> None:
    """`report`'s conflict search had no budget at all, so it could run far past --time-limit (issue 13)."""
    import qualplan.explain

    seen: list[dict] = []
    real_explain = qualplan.explain.explain

    def spy(result, **options):
        seen.append({key: value for key, value in options.items() if key.startswith("conflict") or key == "seed"})
        return real_explain(result, **options)

    monkeypatch.setattr(qualplan.explain, "explain", spy)
    options = {"time_limit": 3.0, "workers": 1, "seed": 5}
    out, err = streams()
    assert explain.run(CHECK / "infeasible.yaml", None, "json", stdout=out, stderr=err, **options) == ExitCode.OK
    assert report.run(CHECK / "infeasible.yaml", tmp_path / "r.html", stdout=out, stderr=err, **options) == 0
    budget = {"conflict_time_limit": CONFLICT_STEP_LIMIT, "conflict_first_limit": 3.0, "conflict_budget": 3.0}
    assert seen == [{**budget, "seed": 5}, {**budget, "seed": 5}]


def test_one_conflict_step_limit_for_every_command() -> None:
    assert not hasattr(explain, "CONFLICT_STEP_LIMIT") and not hasattr(report, "CONFLICT_STEP_LIMIT")
    assert pipeline.CONFLICT_STEP_LIMIT == 2.0


# --- the request and the outcome ---------------------------------------------------------------


def test_an_outcome_holds_the_loaded_plan_the_problem_and_the_verified_result() -> None:
    out, err = streams()
    outcome = pipeline.process(Request(CHECK / "missed.yaml", SolveSettings(1.0, 1, 0)), Streams(out, err))
    assert outcome.code == ExitCode.MISSED and outcome.messages == ()
    assert outcome.plan is not None and outcome.plan.id == "cells-missed"
    assert outcome.problem is outcome.result.problem
    assert outcome.result.verdict.value == "missed"
    assert outcome.deadline.left() > 0
    assert (out.getvalue(), err.getvalue()) == ("", "")


def test_an_invalid_plan_stops_after_loading_with_its_errors_as_messages() -> None:
    out, err = streams()
    outcome = pipeline.process(Request(CHECK / "invalid.yaml"), Streams(out, err))
    assert outcome.code == ExitCode.BAD_INPUT and outcome.result is None and outcome.plan is None
    assert len(outcome.messages) == 2 and err.getvalue() == "".join(line + "\n" for line in outcome.messages)


def test_plan_changes_run_after_loading_and_before_compiling() -> None:
    """What `--status-date` and `--set` will be: a change of the loaded plan, then the usual steps."""

    def due_later(loaded):
        plan = loaded.plan
        milestones = [
            milestone.model_copy(update={"due": milestone.due + dt.timedelta(days=60)}) if milestone.due else milestone
            for milestone in plan.milestones
        ]
        return loaded.__class__(
            loaded.path, plan.model_copy(update={"milestones": milestones}), (), loaded.warnings, loaded.source
        )

    settings = SolveSettings(1.0, 1, 0)
    out, err = streams()
    unchanged = pipeline.process(Request(CHECK / "missed.yaml", settings), Streams(out, err))
    changed = pipeline.process(Request(CHECK / "missed.yaml", settings, changes=(due_later,)), Streams(out, err))
    assert (unchanged.code, changed.code) == (ExitCode.MISSED, ExitCode.OK)
    assert str(changed.plan.milestone("cells-done").due) == "2026-04-21"


def test_a_change_that_makes_the_plan_invalid_stops_it_with_exit_2_and_its_errors() -> None:
    def bad_set(loaded):
        error = PlanError("--set", 1, 1, "resources.chamber.capacity", "expected a whole number, got 'six'")
        return loaded.__class__(loaded.path, None, (error,), loaded.warnings, loaded.source)

    out, err = streams()
    outcome = pipeline.process(Request(CHECK / "met.yaml", changes=(bad_set,)), Streams(out, err))
    assert (outcome.code, outcome.result) == (ExitCode.BAD_INPUT, None)
    assert err.getvalue() == "--set:1:1: resources.chamber.capacity: expected a whole number, got 'six'\n"


def test_a_stop_request_passes_through_the_pipeline_and_is_never_an_internal_error(monkeypatch) -> None:
    from qualplan import cancel

    def stop(problem, **options):
        raise cancel.Interrupted(15)

    import qualplan.solver

    monkeypatch.setattr(qualplan.solver, "solve", stop)
    out, err = streams()
    with pytest.raises(cancel.Interrupted, match="interrupted by signal 15"):
        check.run([CHECK / "met.yaml"], "json", stdout=out, stderr=err, **FAST)
    assert (out.getvalue(), err.getvalue()) == ("", "")


# --- output files that are not regular files ----------------------------------------------------


@pytest.fixture
def solving_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import qualplan.solver

    def never(problem, **options):
        raise AssertionError("the command solved before refusing its output path")

    monkeypatch.setattr(qualplan.solver, "solve", never)


def test_report_refuses_a_symlink_a_fifo_and_a_device_before_solving(tmp_path: Path, solving_fails) -> None:
    """`report -o` replaced the path itself by a regular file; as root, `-o /dev/full` replaced the device."""
    real = tmp_path / "kept.html"
    real.write_text("kept")
    (tmp_path / "link.html").symlink_to(real)
    os.mkfifo(tmp_path / "pipe.html")
    expected = {
        tmp_path / "link.html": f"it is a symbolic link (to {real}), which writing would replace; "
        "give the path of a regular file or a new one",
        tmp_path / "pipe.html": "it is a named pipe (FIFO), which writing would replace; "
        "give the path of a regular file or a new one",
        Path("/dev/full"): "it is a device, which writing would replace; give the path of a regular file or a new one",
        tmp_path: "it is a folder; give a file name",
    }
    for output, reason in expected.items():
        out, err = streams()
        assert report.run(CHECK / "met.yaml", output, stdout=out, stderr=err, **FAST) == ExitCode.BAD_INPUT
        assert (out.getvalue(), err.getvalue()) == ("", f"qualplan report: cannot write {output}: {reason}\n")
    assert (tmp_path / "link.html").is_symlink() and real.read_text() == "kept"
    assert Path("/dev/full").is_char_device()


def test_import_psplib_refuses_a_symlink_through_the_same_helper(tmp_path: Path) -> None:
    source = DATA / "psplib" / "j301_1.sm"
    link = tmp_path / "plan.yaml"
    link.symlink_to(tmp_path / "elsewhere.yaml")
    out, err = streams()
    assert import_psplib.run(source, link, stdout=out, stderr=err) == ExitCode.BAD_INPUT
    assert err.getvalue().startswith(f"qualplan import psplib: cannot write {link}: it is a symbolic link (to ")
    assert link.is_symlink() and not (tmp_path / "elsewhere.yaml").exists()


def test_numbers_at_the_limits_solve_and_verify(tmp_path: Path) -> None:
    """At 2**63 - 1 the solver's sums overflowed and the verifier rejected the schedule (exit 4)."""
    plan = tmp_path / "limits.yaml"
    plan.write_text(
        "qualplan: 1\nid: limits\nstart: 2026-01-05\n"
        "resources:\n  rig: {capacity: 1000000000}\n"
        "tasks:\n"
        "  - {id: a, duration: 10d, uses: {rig: 1000000000}}\n"
        "  - {id: b, duration: 10d, uses: {rig: 1}}\n"
        "milestones:\n  - {id: m, after: [a, b], due: 2026-01-30, priority: 1000000}\n"
    )
    out, err = streams()
    assert check.run([plan], "json", stdout=out, stderr=err, **FAST) == ExitCode.OK, err.getvalue()
    document = json.loads(out.getvalue())
    assert document["milestones"][0]["date"] == "2026-01-24"  # a and b one after the other: 20 days
