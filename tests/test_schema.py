"""``qualplan schema``: the committed schema matches the model, and it accepts and rejects what the loader does."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from qualplan.cli import app
from qualplan.commands.schema import (
    FRAGMENT_SCHEMA_ID,
    SCHEMA_DIALECT,
    SCHEMA_ID,
    build_fragment_schema,
    build_schema,
    schema_text,
)
from qualplan.loader import load_plan

ROOT = Path(__file__).parent.parent
COMMITTED = ROOT / "schema" / "qualplan-1.schema.json"
COMMITTED_FRAGMENT = ROOT / "schema" / "qualplan-1-fragment.schema.json"
VALID = sorted((Path(__file__).parent / "data" / "valid").glob("*.yaml"))


def test_the_committed_schema_has_not_drifted_from_the_model() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schema/qualplan-1.schema.json is stale: run `qualplan schema > schema/qualplan-1.schema.json`"
    )


def test_qualplan_schema_prints_it() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == COMMITTED.read_text(encoding="utf-8")


def test_schema_names_its_dialect_and_id_and_describes_every_key() -> None:
    schema = build_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == SCHEMA_ID
    # start and tasks: unless a portfolio's programmes or the plan's fragments bring them
    assert schema["required"] == ["qualplan", "id"]
    for name, definition in [("Plan", schema), *schema["$defs"].items()]:
        for key, prop in definition["properties"].items():
            assert prop.get("description"), f"{name}.{key} has no description"
    assert schema["properties"]["horizon"]["default"] == "8y"


def _documents() -> list[tuple[str, object]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return [(path.name, json.loads(json.dumps(yaml.load(path), default=str))) for path in VALID]


def test_valid_plans_satisfy_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(build_schema())
    for name, document in _documents():
        assert load_plan(Path(__file__).parent / "data" / "valid" / name).ok
        assert list(validator.iter_errors(document)) == [], name


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(build_schema())
    good = {"qualplan": 1, "id": "p", "start": "2026-01-05", "tasks": [{"id": "a", "duration": "2w"}]}
    assert validator.is_valid(good)
    assert validator.is_valid({**good, "tasks": [{"id": "a", "duration": "2w", "after": ["b", {"on": "c"}]}]})
    for bad in (
        {**good, "qualplan": 2},
        {**good, "taks": []},
        {**good, "tasks": [{"id": "a", "duraton": "2w"}]},
        {**good, "tasks": [{"id": "a"}]},
        {**good, "tasks": [{"id": "a", "duration": "2w", "cycles": {"count": 1, "charge_c": 1, "discharge_c": 1}}]},
        {**good, "tasks": [{"id": "A", "duration": "2w"}]},
        {**good, "milestones": [{"id": "m"}]},
        {**good, "resources": {"Oven": {"capacity": 1}}},
    ):
        assert not validator.is_valid(bad), bad


def test_every_bundled_plan_names_the_schema_on_its_first_line() -> None:
    for plan in sorted((ROOT / "plans").glob("*.y*ml")):
        first = plan.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/qualplan-1.schema.json", plan.name


def test_the_committed_fragment_schema_has_not_drifted_and_qualplan_schema_fragment_prints_it() -> None:
    assert COMMITTED_FRAGMENT.read_text(encoding="utf-8") == schema_text(fragment=True), (
        "schema/qualplan-1-fragment.schema.json is stale: "
        "run `qualplan schema --fragment > schema/qualplan-1-fragment.schema.json`"
    )
    result = CliRunner().invoke(app, ["schema", "--fragment"])
    assert result.exit_code == 0
    assert result.stdout == COMMITTED_FRAGMENT.read_text(encoding="utf-8")
    assert build_fragment_schema()["$id"] == FRAGMENT_SCHEMA_ID


def test_the_schemas_take_includes_and_portfolios_as_the_loader_does() -> None:
    plan = jsonschema.Draft202012Validator(build_schema())
    fragment = jsonschema.Draft202012Validator(build_fragment_schema())
    portfolio = {"qualplan": 1, "id": "p", "programmes": [{"file": "a.yaml", "prefix": "a-"}]}
    assert plan.is_valid(portfolio)
    assert plan.is_valid({"qualplan": 1, "id": "p", "start": "2026-01-05", "include": ["labs/lab.yaml"]})
    for bad in (
        {"qualplan": 1, "id": "p", "include": ["labs/lab.yaml"]},  # no start, and no programmes to bring one
        {"qualplan": 1, "id": "p", "start": "2026-01-05"},  # no tasks, and nothing to bring them
        {**portfolio, "programmes": [{"file": "a.yaml"}]},  # a programme needs its prefix
        {**portfolio, "programmes": [{"file": "a.yaml", "prefix": "A-"}]},
        {**portfolio, "include": [""]},
    ):
        assert not plan.is_valid(bad), bad
    lab = {"include": ["sites.yaml"], "resources": {"oven": {"capacity": 1}}, "tasks": [{"id": "a", "duration": 3}]}
    assert fragment.is_valid(lab)
    for bad in ({**lab, "start": "2026-01-05"}, {**lab, "qualplan": 1}, {**lab, "resources": {"oven": {}}}):
        assert not fragment.is_valid(bad), bad


def test_every_bundled_fragment_names_the_fragment_schema_on_its_first_line() -> None:
    fragments = sorted((ROOT / "plans").glob("*/*.y*ml"))
    assert fragments, "the bundled plans include at least one fragment"
    for path in fragments:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/qualplan-1-fragment.schema.json", path.name
