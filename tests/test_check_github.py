"""``check --format github`` (issue 16 item 4): GitHub Actions annotations at the ``due:`` of each missed date.

``missed.yaml``: cells-done (due 2026-02-20, line 23) is proved late; winter-done is met.
``undecided.yaml``: an open PSPLIB instance that nobody decides in 0.1 s: a warning, never an error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qualplan.commands import check
from qualplan.exitcodes import ExitCode
from qualplan.report.github import annotation

DATA = Path(__file__).parent / "data" / "check"


def github(*paths: Path, time_limit: float = 1.0, sets=()) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check.run(list(paths), "github", time_limit=time_limit, workers=1, seed=0, sets=sets, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_a_missed_due_date_is_an_error_at_its_due_line():
    code, out, err = github(DATA / "missed.yaml")
    file = (DATA / "missed.yaml").as_posix()
    assert (code, err) == (ExitCode.MISSED, "")
    assert out == (
        f"::error file={file.replace(':', '%3A')},line=23,col=65::cells-done missed (proved): 2026-03-03 is 11 days "
        "after its due date 2026-02-20; why: lab capacity costs 10 days, mostly chamber; the tests alone end "
        "2026-02-21, 1 day late (cycle-life 30 d, build 14 working days (18 d elapsed)): so more equipment alone "
        "cannot meet it\n"
        f"cells-missed: missed, 1 milestone late ({file})\n"
    )


def test_a_met_plan_has_no_annotation_and_one_line():
    code, out, _ = github(DATA / "met.yaml")
    assert (code, out) == (ExitCode.OK, f"cells-met: met ({(DATA / 'met.yaml').as_posix()})\n")


@pytest.mark.slow
def test_an_undecided_plan_is_a_warning_not_an_error():
    code, out, _ = github(DATA / "undecided.yaml", time_limit=0.1)
    assert code == ExitCode.UNDECIDED
    first, last = out.splitlines()
    assert first.startswith("::warning file=")
    assert ",line=137,col=64::project-end late in the best schedule found (undecided): " in first
    assert last.startswith("j12060-10-due: unknown, 1 milestone late (")


def test_a_plan_where_nothing_fits_is_an_error_at_its_id():
    code, out, _ = github(DATA / "infeasible.yaml")
    assert code == ExitCode.MISSED
    assert out.startswith("::error file=")
    assert ",line=4,col=5::plan no-slot: no schedule fits inside the horizon (proved): task cold-drive " in out


def test_several_plans_end_with_the_summary_line():
    code, out, _ = github(DATA / "met.yaml", DATA / "missed.yaml")
    assert code == ExitCode.MISSED
    assert out.endswith("\n2 plans: 1 met, 1 missed\n")


def test_a_due_date_changed_with_set_is_annotated_where_it_is_written():
    code, out, _ = github(DATA / "met.yaml", sets=["milestones.cells-done.due=2026-02-01"])
    assert code == ExitCode.MISSED
    assert ",line=23,col=65::cells-done missed (proved): " in out


def test_properties_and_messages_are_escaped_as_github_reads_them():
    assert annotation("error", "a,b:c.yaml", 3, 4, "50% late\nsecond line") == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=4::50%25 late%0Asecond line"
    )
