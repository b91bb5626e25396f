"""``--set PATH=VALUE`` (issue 16 item 1): what-if changes made in memory and validated like a file.

The plans are in ``tests/data/whatif``:

- ``one-chamber.yaml``: two 10-day tests share one chamber; the milestone is due when the
  first could end, so the second chamber recovers exactly the 10 days of lateness;
- ``cycles.yaml``: 1000 cycles × 3 h = 125 d after a 10-day build;
- ``window-late.yaml``: a cold test waits for the winter window (from 12-01).

The oracle of the property tests: a change made with ``--set`` gives the same plan, and
the same errors at the same positions, as the same change written into the file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualplan.commands import check, explain
from qualplan.exitcodes import ExitCode
from qualplan.loader import load_plan, load_plan_text
from qualplan.overrides import Assignment, BadAssignment, apply, parse_all

DATA = Path(__file__).parent / "data" / "whatif"
FAST = {"time_limit": 1.0, "workers": 1, "seed": 0}


def checked(plan: str, *sets: str) -> tuple[ExitCode, dict | None, str]:
    """``check --format json`` of a data plan with ``--set`` arguments: exit code, document, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = check.run([DATA / plan], "json", sets=sets, stdout=out, stderr=err, **FAST)
    return code, json.loads(out.getvalue()) if out.getvalue() else None, err.getvalue()


def dates(document: dict) -> dict[str, str]:
    return {milestone["id"]: milestone["date"] for milestone in document["milestones"]}


def changed(plan: str, *sets: str):
    return apply(load_plan(DATA / plan), parse_all(sets))


# --- every kind of path ------------------------------------------------------------------------


def test_a_resource_capacity_recovers_the_lateness_it_causes():
    code, document, _ = checked("one-chamber.yaml")
    assert (code, dates(document)) == (ExitCode.MISSED, {"cells-done": "2026-01-24"})
    code, document, err = checked("one-chamber.yaml", "resources.chamber.capacity=2")
    assert (code, dates(document), err) == (ExitCode.OK, {"cells-done": "2026-01-14"}, "")
    assert document["set"] == ["resources.chamber.capacity=2"]


def test_a_cycle_count_changes_the_derived_duration():
    _, document, _ = checked("cycles.yaml")
    assert dates(document) == {"life-done": "2026-05-19"}  # day 10 + 125 d - 1 = day 134
    _, document, _ = checked("cycles.yaml", "tasks.life.cycles.count=800")
    assert dates(document) == {"life-done": "2026-04-24"}  # 800 × 3 h = 2400 h = 100 d: 25 days earlier
    assert {task["id"]: task["duration_days"] for task in document["tasks"]}["life"] == 100


def test_a_due_date_moved_turns_missed_into_met():
    code, document, _ = checked("one-chamber.yaml", "milestones.cells-done.due=2026-01-24")
    assert code == ExitCode.OK
    assert document["milestones"][0]["due"] == "2026-01-24"


def test_a_window_set_to_null_is_removed_and_the_test_runs_at_once():
    code, document, _ = checked("window-late.yaml")
    assert dates(document)["winter-done"] == "2026-12-30"
    code, document, _ = checked("window-late.yaml", "tasks.cold-test.window=null")
    assert (code, dates(document)["winter-done"]) == (ExitCode.OK, "2026-05-10")  # build ends day 9, +30 d


@pytest.mark.parametrize("null", ["null", "~", ""])
def test_every_yaml_null_removes_the_key(null):
    loaded = changed("window-late.yaml", f"tasks.cold-test.window={null}")
    assert loaded.ok and loaded.plan.task("cold-test").window is None


def test_a_key_that_is_not_there_yet_is_added():
    loaded = changed("cycles.yaml", "tasks.build.not_before=2026-02-01")
    assert loaded.plan.task("build").not_before.isoformat() == "2026-02-01"


def test_changes_that_only_hold_together_are_accepted_together():
    """Capacity 0 alone breaks the uses; with the uses removed too the plan is valid."""
    alone = changed("one-chamber.yaml", "resources.chamber.capacity=0")
    assert not alone.ok
    both = changed(
        "one-chamber.yaml",
        "resources.chamber.capacity=0",
        "tasks.storage.uses.chamber=null",
        "tasks.thermal.uses={cycler: 1}",
    )
    assert both.ok, both.errors
    assert both.plan.resources["chamber"].capacity == 0


def test_a_whole_task_is_replaced_keeping_its_id_or_added_when_new():
    replaced = changed("cycles.yaml", "tasks.build={duration: 3d}")
    assert [(task.id, task.days) for task in replaced.plan.tasks] == [("build", 3), ("life", 125)]
    added = changed("cycles.yaml", "tasks.audit={duration: 5d, after: [life]}")
    assert [task.id for task in added.plan.tasks] == ["build", "life", "audit"]
    assert added.plan.task("audit").after[0].on == "life"


def test_an_after_entry_written_as_a_bare_id_takes_a_lag():
    loaded = changed("cycles.yaml", "tasks.life.after.build.lag=2w")
    (entry,) = loaded.plan.task("life").after
    assert (entry.on, entry.type, entry.lag.days) == ("build", "finish", 14)


def test_removing_a_task_leaves_its_dependants_pointing_at_nothing_and_says_which_set():
    loaded = changed("cycles.yaml", "tasks.build=null")
    assert [str(error) for error in loaded.errors] == [
        f"{DATA / 'cycles.yaml'}:13:13: tasks.life.after.build: unknown task, stage or milestone 'build' "
        "(after --set tasks.build=null)"
    ]


def test_the_original_plan_is_not_modified():
    loaded = load_plan(DATA / "one-chamber.yaml")
    apply(loaded, parse_all(["resources.chamber.capacity=5"]))
    assert loaded.plan.resources["chamber"].capacity == 1
    again = apply(loaded, parse_all(["tasks.storage.duration=3d"]))
    assert again.plan.resources["chamber"].capacity == 1


# --- bad paths and values: exit 2, the argument named --------------------------------------------


def bad(plan: str, *sets: str) -> str:
    code, document, err = checked(plan, *sets)
    assert code == ExitCode.BAD_INPUT and document is None
    return err


def test_an_unknown_id_suggests_the_whole_path_with_the_closest_id():
    assert bad("cycles.yaml", "tasks.lfe.cycles.count=800") == (
        f"{DATA / 'cycles.yaml'}:9:3: --set tasks.lfe.cycles.count=800: no task 'lfe' in 'tasks'; "
        "did you mean 'tasks.life.cycles.count'?\n"
    )


def test_an_unknown_key_suggests_the_closest_key():
    assert bad("cycles.yaml", "tasks.life.cycle.count=800") == (
        f"{DATA / 'cycles.yaml'}:10:5: --set tasks.life.cycle.count=800: unknown key 'cycle' in "
        "'tasks.life'; did you mean 'tasks.life.cycles.count'?\n"
    )


def test_an_unknown_resource_suggests_the_closest_resource():
    assert bad("one-chamber.yaml", "resources.chamber2.capacity=3") == (
        f"{DATA / 'one-chamber.yaml'}:8:3: --set resources.chamber2.capacity=3: no resource 'chamber2' in "
        "'resources'; did you mean 'resources.chamber.capacity'?\n"
    )


def test_a_bad_value_is_reported_at_the_value_it_replaces_naming_the_argument():
    assert bad("one-chamber.yaml", "resources.chamber.capacity=-1") == (
        f"{DATA / 'one-chamber.yaml'}:8:23: resources.chamber.capacity: must be at least 0, got the number -1 "
        "(after --set resources.chamber.capacity=-1)\n"
    )


def test_a_bad_value_of_a_new_key_is_reported_at_the_mapping_it_joins():
    assert bad("cycles.yaml", "milestones.life-done.priority=0") == (
        f"{DATA / 'cycles.yaml'}:15:5: milestones.life-done.priority: must be at least 1, got the number 0 "
        "(after --set milestones.life-done.priority=0)\n"
    )


def test_a_path_below_a_plain_value_says_to_set_the_value_itself():
    assert bad("cycles.yaml", "tasks.build.duration.days=3") == (
        f"{DATA / 'cycles.yaml'}:9:27: --set tasks.build.duration.days=3: 'tasks.build.duration' is '10d', "
        "which has no 'days' inside; set 'tasks.build.duration' itself\n"
    )


def test_a_key_missing_in_the_middle_of_the_path_must_be_set_whole():
    assert bad("cycles.yaml", "tasks.build.cycles.count=3") == (
        f"{DATA / 'cycles.yaml'}:9:5: --set tasks.build.cycles.count=3: 'tasks.build' has no 'cycles' to change "
        "inside; set it whole, e.g. --set tasks.build.cycles={...}\n"
    )


def test_removing_what_is_not_there_is_an_error():
    assert "nothing to remove: 'tasks.build' has no 'window'" in bad("cycles.yaml", "tasks.build.window=null")


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("resources", "expected PATH=VALUE, e.g. resources.climate-chamber.capacity=6"),
        ("=3", "expected PATH=VALUE"),
        ("tasks..life=3", "the path 'tasks..life' has an empty part"),
        ("tasks.life.name=[a", "the value is not valid YAML: YAML syntax error"),
        ("tasks.life.name=a: b", "the value reads as a YAML block mapping; write a flow mapping {key: value}"),
    ],
)
def test_a_malformed_argument_is_a_bad_command_line(argument, message):
    err = bad("cycles.yaml", argument)
    assert err.startswith(f"qualplan check: --set {argument}: ")
    assert message in err


def test_explain_takes_set_too_and_says_it_is_a_what_if():
    out, err = io.StringIO(), io.StringIO()
    code = explain.run(
        DATA / "one-chamber.yaml", None, "text", sets=["resources.chamber.capacity=2"], stdout=out, stderr=err, **FAST
    )
    assert code == ExitCode.OK
    assert out.getvalue().startswith("what if: --set resources.chamber.capacity=2\none-chamber: verdict met")


def test_parse_refuses_what_is_not_an_assignment():
    with pytest.raises(BadAssignment, match=r"--set x: expected PATH=VALUE"):
        Assignment.parse("x")


# --- the oracle: --set means the same as editing the file --------------------------------------

ONE_CHAMBER = (DATA / "one-chamber.yaml").read_text(encoding="utf-8")


def same_as_file(argument: str, old: str, new: str) -> None:
    """``--set argument`` on one-chamber.yaml equals the file with ``old`` replaced by ``new``."""
    assert old in ONE_CHAMBER
    edited = load_plan_text(ONE_CHAMBER.replace(old, new), str(DATA / "one-chamber.yaml"))
    via_set = apply(load_plan(DATA / "one-chamber.yaml"), parse_all([argument]))
    assert via_set.plan == edited.plan
    suffix = f" (after --set {argument})"
    assert [(e.file, e.line, e.path, e.message) for e in edited.errors] == [
        (e.file, e.line, e.path, e.message.removesuffix(suffix)) for e in via_set.errors
    ]
    assert all(error.message.endswith(suffix) for error in via_set.errors)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(capacity=st.integers(min_value=-2, max_value=4))
def test_setting_a_capacity_equals_writing_it_in_the_file(capacity):
    same_as_file(
        f"resources.chamber.capacity={capacity}", "chamber: {capacity: 1}", f"chamber: {{capacity: {capacity}}}"
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    days=st.integers(min_value=0, max_value=400),
    unit=st.sampled_from(["d", "w", "h", "mo", ""]),
)
def test_setting_a_duration_equals_writing_it_in_the_file(days, unit):
    same_as_file(
        f"tasks.storage.duration={days}{unit}",
        "{id: storage, duration: 10d,",
        f"{{id: storage, duration: {days}{unit},",
    )


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    day=st.integers(min_value=1, max_value=28),
    month=st.integers(min_value=1, max_value=14),
)
def test_setting_a_due_date_equals_writing_it_in_the_file(day, month):
    text = f"2026-{month:02d}-{day:02d}"
    same_as_file(f"milestones.cells-done.due={text}", "due: 2026-01-14", f"due: {text}")


def test_each_problem_names_the_set_it_comes_from():
    loaded = changed("cycles.yaml", "tasks.audit={duration: 0d}", "resources.cycler.capacity=-1")
    assert sorted(error.message for error in loaded.errors) == [
        "duration '0d' comes to 0 days; a task lasts at least 1 day (use a milestone for a point event) "
        "(after --set tasks.audit={duration: 0d})",
        "must be at least 0, got the number -1 (after --set resources.cycler.capacity=-1)",
    ]


def test_a_change_to_an_included_resource_is_reported_in_the_file_it_is_written_in(tmp_path):
    """The plan's lab comes from a fragment: a bad capacity is at the fragment's line, with the include chain."""
    (tmp_path / "lab.yaml").write_text("resources:\n  chamber: {capacity: 1}\n", encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "qualplan: 1\nid: p\nstart: 2026-01-05\ninclude: [lab.yaml]\n"
        "tasks:\n  - {id: t, duration: 3d, uses: {chamber: 1}}\n",
        encoding="utf-8",
    )
    loaded = apply(load_plan(plan), parse_all(["resources.chamber.capacity=-1"]))
    assert [str(error) for error in loaded.errors] == [
        f"{tmp_path / 'lab.yaml'}:2:23: resources.chamber.capacity: must be at least 0, got the number -1 "
        f"(included from {plan}:4) (after --set resources.chamber.capacity=-1)"
    ]
    grown = apply(load_plan(plan), parse_all(["resources.chamber.capacity=3"]))
    assert grown.ok and grown.plan.resources["chamber"].capacity == 3
