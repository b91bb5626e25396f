"""``programmes`` and includes against plans written out in one file: the same plan, the same schedule.

The oracle of every property here is the plan written by hand in one file, with
the programme prefixes applied by a renaming written in this test (not the
assembly's), so a reference the assembly forgets to prefix, or a definition it
puts in another order, shows up as a different plan or schedule.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from qualplan.assembly.portfolio import ID_FIELDS
from qualplan.commands import check, validate
from qualplan.commands import report as report_command
from qualplan.exitcodes import ExitCode
from qualplan.explain import explain
from qualplan.loader import LoadedPlan, load_plan, load_plan_text
from qualplan.model import Milestone, Stage, Task
from qualplan.problem import compile_plan
from qualplan.solver import solve
from qualplan.verify import ensure_verified

START = dt.date(2026, 1, 5)
LAB = {
    "calendars": {"workdays": {"weekends": ["sat", "sun"], "holidays": ["2026-01-07"]}},
    "windows": {"slot": {"dates": ["2026-01-05..2026-01-11", "2026-01-14..2026-01-22"]}},
    "resources": {"rig": {"capacity": 2, "changes": [{"from": "2026-01-09", "capacity": 1}]}, "oven": {"capacity": 1}},
}
MAPPED, LISTED = ("calendars", "windows", "resources"), ("stages", "tasks", "milestones")


# --- random small plans ---------------------------------------------------------------------------


@st.composite
def ladders(draw: st.DrawFn, start: dt.date = START) -> dict[str, Any]:
    """Stages, tasks and milestones of a small plan using every kind of reference (ids t0.., m0.., s0, s1)."""
    count = draw(st.integers(1, 5))
    staged = draw(st.integers(0, count))  # t0..t{staged-1} in stage s0, the rest in s1 (or in none)
    tasks: list[dict[str, Any]] = []
    for index in range(count):
        task: dict[str, Any] = {"id": f"t{index}", "name": f"Task number {index}", "duration": draw(st.integers(1, 3))}
        if index < staged:
            task["stage"] = "s0"
        elif draw(st.booleans()):
            task["stage"] = "s1"
        if draw(st.booleans()):
            task["uses"] = {draw(st.sampled_from(["rig", "oven"])): 1}
        if draw(st.integers(0, 3)) == 0:
            task["calendar"] = "workdays"
        if draw(st.integers(0, 4)) == 0:
            task["window"] = "slot"
        if draw(st.integers(0, 4)) == 0:
            task["not_before"] = (start + dt.timedelta(days=draw(st.integers(0, 6)))).isoformat()
        after: list[Any] = []
        for pred in range(index):
            choice = draw(st.integers(0, 3))
            if choice == 1:
                after.append(f"t{pred}")
            elif choice == 2:
                kind = draw(st.sampled_from(["finish", "start", "end"]))
                after.append({"on": f"t{pred}", "type": kind, "lag": f"{draw(st.integers(0, 2))}d"})
        if index >= staged > 0 and draw(st.integers(0, 2)) == 0:
            after.append({"on": "s0"})
        if after:
            task["after"] = after
        tasks.append(task)
    milestones: list[dict[str, Any]] = []
    for index in range(draw(st.integers(0, 2))):
        if draw(st.integers(0, 4)) == 0:
            milestone: dict[str, Any] = {"id": f"m{index}", "at": (start + dt.timedelta(days=3)).isoformat()}
        else:
            preds = draw(st.lists(st.sampled_from([task["id"] for task in tasks]), min_size=1, max_size=2, unique=True))
            milestone = {"id": f"m{index}", "after": preds, "priority": draw(st.integers(1, 3))}
            if draw(st.booleans()):
                milestone["due"] = (start + dt.timedelta(days=draw(st.integers(2, 10)))).isoformat()
        milestones.append(milestone)
    stages = [{"id": "s0", "name": "Stage s0"}, {"id": "s1"}]
    return {"stages": stages, "tasks": tasks, "milestones": milestones}


def renamed(ladder: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The oracle's prefixing: every id, ``stage`` and ``after`` entry, written out by hand."""

    def after(entries: list[Any]) -> list[Any]:
        return [
            prefix + entry if isinstance(entry, str) else {**entry, "on": prefix + entry["on"]} for entry in entries
        ]

    out: dict[str, Any] = {kind: [] for kind in LISTED}
    for kind in LISTED:
        for item in ladder[kind]:
            item = {**item, "id": prefix + item["id"]}
            if "stage" in item:
                item["stage"] = prefix + item["stage"]
            if "after" in item:
                item["after"] = after(item["after"])
            out[kind].append(item)
    return out


def write_files(root: Path, files: dict[str, Any]) -> None:
    """JSON is YAML 1.2: each file's data written as one JSON document."""
    (root / ".git").mkdir(exist_ok=True)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(data, indent=1), encoding="utf-8")


def same_plan(assembled: LoadedPlan, single: LoadedPlan) -> None:
    """The two loads hold the same plan, compile to the same problem and solve to the same schedule."""
    assert assembled.ok, [str(error) for error in assembled.errors]
    assert single.ok, [str(error) for error in single.errors]
    ignore = {"id", "title", "include", "programmes", "horizon"}
    assert assembled.plan.model_dump(exclude=ignore) == single.plan.model_dump(exclude=ignore)
    assert assembled.plan.horizon.days == single.plan.horizon.days
    one, other = compile_plan(assembled.plan), compile_plan(single.plan)
    for field in ("days", "tasks", "milestones", "links", "calendars", "capacity_steps"):
        assert getattr(one, field) == getattr(other, field), field
    first = ensure_verified(solve(one, time_limit=1.0, workers=1, seed=0))
    second = ensure_verified(solve(other, time_limit=1.0, workers=1, seed=0))
    assert (first.verdict, first.schedule) == (second.verdict, second.schedule)


# --- includes: a plan split into fragments is the same plan ----------------------------------------


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ladders(), st.data(), st.booleans())
def test_a_plan_split_into_fragments_is_the_plan_written_in_one_file(
    ladder: dict[str, Any], data: st.DataObject, chained: bool
) -> None:
    """Every kind is cut into three runs: the first two go to fragments, the rest stays in the plan.

    Fragments join before the plan's own definitions, depth first, so with
    ``chained`` (plan -> second -> first) and without (plan -> [first, second])
    the order is the one-file order.
    """
    whole = {"qualplan": 1, "id": "p", "start": START.isoformat(), "horizon": "20d", **LAB, **ladder}
    files: dict[str, dict[str, Any]] = {"first.yaml": {}, "second.yaml": {}, "plan.yaml": {}}
    for kind in (*MAPPED, *LISTED):
        items = list(whole[kind].items()) if kind in MAPPED else whole[kind]
        cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), min_size=2, max_size=2)))
        for name, part in zip(files, (items[: cuts[0]], items[cuts[0] : cuts[1]], items[cuts[1] :]), strict=True):
            if part:
                files[name][kind] = dict(part) if kind in MAPPED else part
    files["plan.yaml"].update(qualplan=1, id="p", start=START.isoformat(), horizon="20d")
    if chained:
        files["plan.yaml"]["include"] = ["labs/second.yaml"]
        files["second.yaml"]["include"] = ["first.yaml"]
    else:
        files["plan.yaml"]["include"] = ["labs/first.yaml", "labs/second.yaml"]
    files["plan.yaml"].setdefault("tasks", [])  # the schema's "tasks" is optional with include; the model's is not
    if not files["plan.yaml"]["tasks"]:
        del files["plan.yaml"]["tasks"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_files(
            root, {"plan.yaml": files["plan.yaml"], **{f"labs/{n}": files[n] for n in ("first.yaml", "second.yaml")}}
        )
        same_plan(load_plan(root / "plan.yaml"), load_plan_text(json.dumps(whole), "whole.yaml"))


# --- programmes: a portfolio is its programmes written out with their prefixes ------------------


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ladders(), ladders(START + dt.timedelta(days=2)), st.integers(0, 2), st.booleans())
def test_a_portfolio_is_its_programmes_written_out_with_their_prefixes(
    first: dict[str, Any], second: dict[str, Any], later: int, own_milestone: bool
) -> None:
    """Two programmes on one lab fragment; the second may start later, and its tasks then start no earlier."""
    second_start = START + dt.timedelta(days=later)
    programmes = {
        "a.yaml": {"qualplan": 1, "id": "a", "start": START.isoformat(), "horizon": "20d", "include": ["lab.yaml"]},
        "b.yaml": {
            "qualplan": 1,
            "id": "b",
            "start": second_start.isoformat(),
            "horizon": "20d",
            "include": ["lab.yaml"],
        },
    }
    programmes["a.yaml"].update(first)
    programmes["b.yaml"].update(second)
    portfolio: dict[str, Any] = {
        "qualplan": 1,
        "id": "both",
        "programmes": [{"file": "a.yaml", "prefix": "a-"}, {"file": "b.yaml", "prefix": "b."}],
    }
    expected_tasks = renamed(first, "a-")["tasks"]
    for task in renamed(second, "b.")["tasks"]:
        own = task.get("not_before")
        if later and (own is None or dt.date.fromisoformat(own) < second_start):
            task = {**task, "not_before": second_start.isoformat()}
        expected_tasks.append(task)
    whole = {
        "qualplan": 1,
        "id": "both",
        "start": START.isoformat(),
        "horizon": f"{20 + later}d",
        **LAB,
        "stages": renamed(first, "a-")["stages"] + renamed(second, "b.")["stages"],
        "tasks": expected_tasks,
        "milestones": renamed(first, "a-")["milestones"] + renamed(second, "b.")["milestones"],
    }
    if own_milestone:
        portfolio["milestones"] = [{"id": "both-done", "after": ["a-t0", "b.t0"], "due": "2026-01-20"}]
        whole["milestones"] = [*whole["milestones"], *portfolio["milestones"]]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_files(root, {**programmes, "lab.yaml": LAB, "portfolio.yaml": portfolio})
        assembled = load_plan(root / "portfolio.yaml")
        same_plan(assembled, load_plan_text(json.dumps(whole), "whole.yaml"))
        assert assembled.plan.start == START
        assert assembled.plan.last_day == second_start + dt.timedelta(days=19)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(ladders())
def test_prefixing_never_leaves_a_reference_unprefixed(ladder: dict[str, Any]) -> None:
    """No text anywhere in a programme's stages, tasks and milestones still reads as one of its own ids."""
    own_ids = {item["id"] for kind in LISTED for item in ladder[kind]}
    programme = {"qualplan": 1, "id": "a", "start": START.isoformat(), "horizon": "20d", **LAB, **ladder}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        portfolio = {"qualplan": 1, "id": "p", "programmes": [{"file": "a.yaml", "prefix": "x-"}]}
        write_files(root, {"a.yaml": programme, "portfolio.yaml": portfolio})
        loaded = load_plan(root / "portfolio.yaml")
    assert loaded.ok, [str(error) for error in loaded.errors]
    dumped = [
        item.model_dump(mode="json") for item in (*loaded.plan.stages, *loaded.plan.tasks, *loaded.plan.milestones)
    ]
    texts = list(_texts(dumped))
    assert not own_ids & set(texts)
    assert {text for text in texts if text.removeprefix("x-") in own_ids} >= {f"x-{node}" for node in own_ids}


def _texts(value: object) -> typing.Iterator[str]:
    """Every text in ``value``, keys of mappings included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _id_paths(model: type[BaseModel], path: tuple[str, ...] = ()) -> typing.Iterator[tuple[str, ...]]:
    """Key paths of every id-typed value (``Slug``) in ``model``, ``*`` for list entries and ``<key>`` for keys."""
    for name, field in model.model_fields.items():
        yield from _slug_paths(field.annotation, field.metadata, (*path, field.alias or name))


def _slug_paths(annotation: object, metadata: list[Any], path: tuple[str, ...]) -> typing.Iterator[tuple[str, ...]]:
    if any(getattr(getattr(item, "func", None), "__name__", "") == "_slug" for item in metadata):
        yield path
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _slug_paths(args[0], [*metadata, *args[1:]], path)
    elif origin in (typing.Union, __import__("types").UnionType):
        for arg in args:
            yield from _slug_paths(arg, metadata, path)
    elif origin is list:
        yield from _slug_paths(args[0], [], (*path, "*"))
    elif origin is dict:
        yield from _slug_paths(args[0], [], (*path, "<key>"))
        yield from _slug_paths(args[1], [], path)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _id_paths(annotation, path)


def test_every_id_field_of_the_model_is_prefixed_or_names_a_shared_definition() -> None:
    """A new key that holds ids (a retest's ``redo``) must be added to ID_FIELDS or listed here as shared."""
    shared = {("calendar",), ("window",), ("uses", "<key>")}  # calendars, windows, resources keep their names
    for kind, model in (("stages", Stage), ("tasks", Task), ("milestones", Milestone)):
        found = set(_id_paths(model)) - shared
        assert found <= set(ID_FIELDS[kind]), (kind, found - set(ID_FIELDS[kind]))


# --- the rules of names, starts and errors --------------------------------------------------------

PROGRAMME = """\
qualplan: 1
id: {id}
start: {start}
horizon: 1y
include: [labs/lab.yaml]
tasks:
  - {{id: build, duration: 10d, calendar: workdays}}
  - {{id: life, duration: 30d, uses: {{cycler: 2}}, after: [build]}}
milestones:
  - {{id: done, after: [life], due: 2026-03-01}}
"""
LAB_TEXT = """\
calendars:
  workdays: {weekends: [sat, sun]}
resources:
  cycler: {capacity: 2}
"""
PORTFOLIO = """\
qualplan: 1
id: both
programmes:
  - {file: a.yaml, prefix: a-}
  - {file: b.yaml, prefix: b-}
milestones:
  - {id: both-done, after: [a-done, b-done]}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "plans" / "labs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    files = {
        "plans/a.yaml": PROGRAMME.format(id="a", start="2026-01-05"),
        "plans/b.yaml": PROGRAMME.format(id="b", start="2026-02-02"),
        "plans/labs/lab.yaml": LAB_TEXT,
        "plans/both.yaml": PORTFOLIO,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_shared_lab_is_one_lab_and_each_programme_keeps_its_start(repo: Path) -> None:
    loaded = load_plan(Path("plans/both.yaml"))
    assert loaded.ok, [str(error) for error in loaded.errors]
    plan = loaded.plan
    assert list(plan.resources) == ["cycler"] and list(plan.calendars) == ["workdays"]
    assert [task.id for task in plan.tasks] == ["a-build", "a-life", "b-build", "b-life"]
    assert [m.id for m in plan.milestones] == ["a-done", "b-done", "both-done"]
    assert plan.start == dt.date(2026, 1, 5)  # the earliest programme's
    assert plan.last_day == dt.date(2027, 2, 1)  # b's: 2026-02-02 + 1y - 1 day
    assert plan.task("b-build").not_before == dt.date(2026, 2, 2)
    result = ensure_verified(solve(compile_plan(plan), time_limit=2.0, workers=1, seed=0))
    dates = {outcome.id: outcome.date.isoformat() for outcome in result.milestone_outcomes()}
    # a alone: build 2026-01-05..01-16 (10 working days), life 01-17..02-15. b waits for its own start (not for
    # the portfolio's), builds 02-02..02-13 and then for the two cyclers, which a holds until 02-15.
    assert dates == {"a-done": "2026-02-15", "b-done": "2026-03-17", "both-done": "2026-03-17"}


def test_the_same_resource_written_in_two_programmes_is_an_error_naming_both(repo: Path) -> None:
    (repo / "plans/b.yaml").write_text(
        PROGRAMME.format(id="b", start="2026-02-02").replace("include: [labs/lab.yaml]\n", LAB_TEXT), encoding="utf-8"
    )
    assert [str(error) for error in load_plan(Path("plans/both.yaml")).errors] == [
        "plans/b.yaml:6:3: calendars.workdays: calendar 'workdays' is also defined at plans/labs/lab.yaml:2:3 "
        "(included from plans/both.yaml:4 as programme a- -> plans/a.yaml:5); define it once, in a fragment that "
        "every plan using it includes (included from plans/both.yaml:5 as programme b-)",
        "plans/b.yaml:8:3: resources.cycler: resource 'cycler' is also defined at plans/labs/lab.yaml:4:3 "
        "(included from plans/both.yaml:4 as programme a- -> plans/a.yaml:5); define it once, in a fragment that "
        "every plan using it includes (included from plans/both.yaml:5 as programme b-)",
    ]


def test_programme_errors_name_the_programme_file(repo: Path) -> None:
    (repo / "plans/b.yaml").write_text(
        PROGRAMME.format(id="b", start="2026-02-02").replace("duration: 10d", "duraton: 10d") + "titel: B\n",
        encoding="utf-8",
    )
    more = "  - {file: labs/lab.yaml, prefix: l-}\n  - {file: a.yaml}\n  - {file: both.yaml, prefix: me-}\n"
    (repo / "plans/both.yaml").write_text(PORTFOLIO.replace("prefix: b-}\n", "prefix: b-}\n" + more), encoding="utf-8")
    code, out = _validated("plans/both.yaml")
    assert code == ExitCode.BAD_INPUT
    assert out == (
        "plans/both.yaml:6:12: programmes.#3.file: 'labs/lab.yaml' is not a whole plan (it has no 'qualplan: 1'); "
        "a programme is a plan file, and fragments are named under 'include'\n"
        "plans/both.yaml:7:5: programmes.#4.prefix: required key missing\n"
        "plans/both.yaml:8:12: programmes.#5.file: include cycle: plans/both.yaml -> plans/both.yaml; "
        "remove one of these includes\n"
        "plans/b.yaml:7:17: tasks.b-build.duraton: unknown key 'duraton'; did you mean 'duration'? "
        "(included from plans/both.yaml:5 as programme b-)\n"
        "plans/b.yaml:11:1: titel: unknown key 'titel'; did you mean 'title'? "
        "(included from plans/both.yaml:5 as programme b-)\n"
        "1 file: 0 valid, 1 invalid (5 errors, 0 warnings)\n"
    )


def test_a_programme_cannot_combine_programmes(repo: Path) -> None:
    (repo / "plans/b.yaml").write_text(
        PROGRAMME.format(id="b", start="2026-02-02") + "programmes: [{file: a.yaml, prefix: x-}]\n", encoding="utf-8"
    )
    assert [str(error) for error in load_plan(Path("plans/both.yaml")).errors] == [
        "plans/b.yaml:11:1: programmes: a programme is one plan and cannot combine programmes itself; list them "
        "in plans/both.yaml (included from plans/both.yaml:5 as programme b-)"
    ]


def test_a_portfolio_may_give_its_own_start_and_horizon(repo: Path) -> None:
    text = PORTFOLIO.replace("id: both\n", "id: both\nstart: 2026-01-12\nhorizon: 200d\n")
    (repo / "plans/both.yaml").write_text(text, encoding="utf-8")
    plan = load_plan(Path("plans/both.yaml")).plan
    assert (plan.start, plan.horizon.days) == (dt.date(2026, 1, 12), 200)
    assert plan.task("a-build").not_before is None  # a's start is before the portfolio's: the portfolio's holds


# --- check, explain and report on a portfolio -----------------------------------------------------


@pytest.mark.slow
def test_check_explain_and_report_work_on_a_portfolio(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "plans/b.yaml").write_text(
        PROGRAMME.format(id="b", start="2026-02-02").replace("due: 2026-03-01", "due: 2026-03-16"), encoding="utf-8"
    )
    assert check.run([Path("plans/both.yaml")], "json", time_limit=2.0, workers=1, seed=0) == ExitCode.MISSED
    document = json.loads(capsys.readouterr().out)
    assert document["plan"] == "both"
    assert [(m["id"], m["date"], m["late_days"]) for m in document["milestones"]] == [
        ("a-done", "2026-02-15", 0),
        ("b-done", "2026-03-17", 1),
        ("both-done", "2026-03-17", None),
    ]
    loaded = load_plan(Path("plans/both.yaml"))
    result = ensure_verified(solve(compile_plan(loaded.plan), time_limit=2.0, workers=1, seed=0))
    explained = explain(result, source=loaded.source, source_file="plans/both.yaml", conflict_time_limit=2.0)
    assert explained.conflict is not None
    # each rule of the conflict is named where it is written: the programme's file, the lab fragment
    assert {(rule.text, rule.file, rule.line) for rule in explained.conflict.rules} == {
        ("milestone a-done due 2026-03-01", "plans/a.yaml", 10),
        ("milestone b-done due 2026-03-16", "plans/b.yaml", 10),
        ("resource cycler capacity 2", "plans/labs/lab.yaml", 4),
    }
    output = repo / "both.html"
    assert report_command.run(Path("plans/both.yaml"), output, time_limit=2.0, workers=1, seed=0) is ExitCode.OK
    assert "b-life" in output.read_text(encoding="utf-8")


def _validated(*paths: str) -> tuple[ExitCode, str]:
    out = io.StringIO()
    code = validate.run([Path(path) for path in paths], "text", stdout=out)
    return code, out.getvalue()


def test_a_programme_needs_a_task_and_a_portfolio_at_most_max_programmes(repo: Path) -> None:
    from qualplan.assembly.portfolio import MAX_PROGRAMMES

    (repo / "plans/b.yaml").write_text("qualplan: 1\nid: b\nstart: 2026-01-05\ntasks: []\n", encoding="utf-8")
    many = "".join(f"  - {{file: a.yaml, prefix: a{index}-}}\n" for index in range(MAX_PROGRAMMES))
    twice = "qualplan: 1\nid: p\nprogrammes:\n  - {file: b.yaml, prefix: b-}\n  - {file: b.yaml, prefix: c-}\n"
    (repo / "plans/both.yaml").write_text(twice, encoding="utf-8")
    assert [str(error) for error in load_plan(Path("plans/both.yaml")).errors] == [
        "plans/both.yaml:1:1: tasks: a plan needs at least one task",  # the portfolio has none either
        # once, however many times the file is listed
        "plans/b.yaml:4:1: tasks: a programme needs at least one task (of its own or included) "
        "(included from plans/both.yaml:4 as programme b-)",
    ]
    text = "qualplan: 1\nid: many\nprogrammes:\n" + many + "  - {file: a.yaml, prefix: last-}\n"
    (repo / "plans/both.yaml").write_text(text, encoding="utf-8")
    assert [str(error) for error in load_plan(Path("plans/both.yaml")).errors] == [
        f"plans/both.yaml:{4 + MAX_PROGRAMMES}:5: programmes: a portfolio combines at most {MAX_PROGRAMMES} programmes"
    ]
