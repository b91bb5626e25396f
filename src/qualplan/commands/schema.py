"""``qualplan schema``: the JSON Schema of plan format 1, for editor completion and hover help.

The schema is pydantic's, generated from ``model.Plan`` so it cannot drift from
the validator, then completed with what pydantic cannot know: that an ``after``
entry may be a bare id, that a task has exactly one of ``duration`` and
``cycles``, the defaults as a plan writes them, and a description of every key.
The committed copy (``schema/qualplan-1.schema.json``) is compared with this
output by the tests.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from qualplan.commands.streams import Streams
from qualplan.exitcodes import ExitCode

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:qualplan:plan-format:1"
FRAGMENT_SCHEMA_ID = "urn:qualplan:plan-format:1:fragment"

#: Hover help for every key, as a plan writer reads it: {model: {key: description}}.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Plan": {
        "qualplan": "Format version of this file. Only 1 exists.",
        "id": "Id of the plan (a slug: lower-case letters, digits, '.', '_', '-').",
        "title": "A human-readable title.",
        "start": "First day of the plan (YYYY-MM-DD): day 0; no task starts earlier. "
        "In a portfolio it may be left out: it is then its programmes' earliest.",
        "horizon": "How far the schedule may reach: the latest end is start + horizon - 1. Default 8y. "
        "In a portfolio it may be left out: it then reaches the latest of its programmes'.",
        "status_date": "The data date (YYYY-MM-DD) that `actual` dates are recorded as of: no unstarted work "
        "begins before it, and milestones not reached fall on it at the earliest.",
        "include": "Fragments (files of calendars, windows, resources, stages, tasks, milestones) whose "
        "definitions join this plan's as if written here; paths relative to this file, inside its repository.",
        "programmes": "Whole plans combined into this portfolio; each programme's stage, task and milestone ids "
        "(and every reference to them) get its prefix, and calendars, windows and resources keep their names.",
        "calendars": "Working-day calendars by id; a task with `calendar` counts its duration in working days.",
        "windows": "Seasonal or booked windows by id; a task with `window` lies wholly inside one occurrence.",
        "resources": "Lab resources by id (cyclers, chambers, rigs) with the units available each day.",
        "stages": "Stages of the qualification ladder; they group tasks and can be named in `after`.",
        "tasks": "Tests and builds: each takes physical time and may hold resources. At least one.",
        "milestones": "Point events with optional due dates; the verdict is about these.",
        "risk": "Default risk of every task for the keys it does not give itself (`qualplan risk`); "
        "its duration spread must be relative (percentages).",
    },
    "Programme": {
        "file": "The programme's plan file, relative to this file.",
        "prefix": "Put before each of the programme's stage, task and milestone ids (e.g. 'hq-').",
    },
    "Calendar": {
        "weekends": "Weekdays that never work (mon..sun). Default: none, every day works.",
        "holidays": "Non-working dates: YYYY-MM-DD or an inclusive range FIRST..LAST.",
        "yearly_holidays": "Non-working days every year of the horizon: MM-DD or MM-DD..MM-DD "
        "(may wrap the year end, 12-31..01-01; not 02-29).",
        "working": "Make-up working days (调休): YYYY-MM-DD or FIRST..LAST; they work even on a weekend day "
        "or a yearly holiday. A date may not also be in `holidays`.",
    },
    "Window": {
        "yearly": "A span that recurs every year, MM-DD to MM-DD inclusive; may wrap the year end.",
        "dates": "Explicit inclusive date ranges FIRST..LAST (or single dates).",
    },
    "YearlySpan": {
        "from": "First day of each occurrence, MM-DD (must exist every year, so not 02-29).",
        "to": "Last day of each occurrence, MM-DD, inclusive.",
    },
    "Resource": {
        "capacity": "Units available on each day (an integer from 0 to 1,000,000,000).",
        "changes": "Capacity steps: from a date on, the resource has a new capacity.",
    },
    "CapacityChange": {
        "from": "The first day (YYYY-MM-DD) with the new capacity.",
        "capacity": "Units available from that day on (at most 1,000,000,000). One change per date.",
    },
    "Stage": {
        "id": "Id of the stage; shares one namespace with task and milestone ids.",
        "name": "A human-readable name.",
    },
    "Task": {
        "id": "Id of the task; shares one namespace with stage and milestone ids.",
        "name": "A human-readable name.",
        "stage": "The stage this task belongs to (a stage id).",
        "duration": "Length: <number><unit> (h, d, w = 7 d, mo = 30 d, y = 365 d) or whole days; "
        "fractions of a day round up. Give this or `cycles`.",
        "cycles": "A cycle-life test whose duration is derived from cycles and C-rates. Give this or `duration`.",
        "uses": "Resource id -> units held from start to end (at most 1,000,000,000).",
        "after": "Dependencies: ids of tasks, stages or milestones, or {on, type, lag} entries.",
        "calendar": "Count the duration in working days of this calendar (an id under `calendars`).",
        "window": "The task lies wholly inside one occurrence of this window (an id under `windows`).",
        "not_before": "Earliest start date (YYYY-MM-DD).",
        "samples": "Number of samples (informational in format 1).",
        "standard": "The standard and clause this test follows (informational).",
        "actual": "Progress as of `status_date`: {start} (running) or {start, end} (done). Facts: no rule moves them.",
        "remaining": "Work a running task has left from the status date: a duration (working days on a calendar) "
        "or a cycles mapping. Without it, the task ends where its planned duration from the actual start ends, "
        "but not before the status date.",
        "risk": "Uncertainty for `qualplan risk`: three-point duration, chance of failure, retest, attempts.",
    },
    "Risk": {
        "duration": "Three-point duration: {low, likely, high} as durations, or {low, high} as percentages "
        "of the planned duration (which is then the likely one).",
        "fail": "Chance that one run of this task fails, from 0 up to but not including 1.",
        "retest": "What follows a failed run: {fix, redo, found_after}.",
        "attempts": "Most runs of this task; the last one always passes. Default 3.",
    },
    "ThreePoint": {
        "low": "Shortest duration: a duration (300d) or a percentage of the planned one (-10%).",
        "likely": "Most likely duration (absolute form only); default: the planned duration.",
        "high": "Longest duration: a duration (380d) or a percentage of the planned one (+25%).",
    },
    "Retest": {
        "fix": "Time to fix the design after a failure, no resources held; starts the day after the failed run.",
        "redo": "Tasks (sample builds) run again, in this order, after the fix and before the test runs again.",
        "found_after": "Share of its drawn duration after which a failing run stops (above 0%, at most 100%). "
        "Default 100%.",
    },
    "Actual": {
        "start": "The day the task really started (YYYY-MM-DD), between the plan start and the status date.",
        "end": "The day it really ended (YYYY-MM-DD); leave out while it is still running.",
    },
    "Cycles": {
        "count": "Full cycles.",
        "charge_c": "C-rate of charge: a charge takes 1/charge_c hours.",
        "discharge_c": "C-rate of discharge: a discharge takes 1/discharge_c hours.",
        "cv_h": "Constant-voltage hold after each charge, hours. Default 0.",
        "rest_h": "Rest after charge and again after discharge, hours. Default 0.",
        "checkup_every": "A reference performance test every N cycles (give with checkup_h).",
        "checkup_h": "Hours each check-up takes (give with checkup_every).",
    },
    "After": {
        "on": "The task, stage (every task of it) or milestone depended on.",
        "type": "finish (default): start after its end; start: start after its start; end: end after its end.",
        "lag": "Extra time after the reference point, a non-negative duration. Default 0.",
    },
    "Milestone": {
        "id": "Id of the milestone; shares one namespace with stage and task ids.",
        "name": "A human-readable name.",
        "after": "Reached when all of these are done (non-empty); or give `at` instead.",
        "at": "A fixed date (YYYY-MM-DD) for an outside event; no `after` then.",
        "due": "Target date (YYYY-MM-DD): met when the milestone's date is on or before it.",
        "priority": "Weight of each day late, an integer from 1 to 1,000,000. Default 1.",
        "actual": "The day the milestone was reached (YYYY-MM-DD), on or before `status_date`; its date from then on.",
    },
}

#: Defaults as a plan writes them (pydantic would show the parsed Duration records).
_DEFAULTS = {
    ("Plan", "horizon"): "8y",
    ("After", "lag"): "0",
    ("Retest", "fix"): "0",
    ("Retest", "found_after"): "100%",
}
_SLUG_KEYS = {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$"}


def build_schema() -> dict[str, Any]:
    """The complete JSON Schema of plan format 1 (a fresh dict)."""
    from qualplan.model import SLUG_PATTERN, Plan

    schema = Plan.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    definitions["Plan"] = {key: value for key, value in schema.items() if key != "$defs"}
    for model, keys in DESCRIPTIONS.items():
        properties = definitions[model]["properties"]
        for key, text in keys.items():
            properties[key]["description"] = text
            properties[key].pop("title", None)
    for (model, key), value in _DEFAULTS.items():
        definitions[model]["properties"][key]["default"] = value

    after_entry = {"anyOf": [{"type": "string", "pattern": SLUG_PATTERN}, {"$ref": "#/$defs/After"}]}
    for model in ("Task", "Milestone"):
        after = definitions[model]["properties"]["after"]
        for option in [after, *after.get("anyOf", [])]:
            if option.get("type") == "array":
                option["items"] = after_entry
    definitions["Task"]["oneOf"] = [{"required": ["duration"]}, {"required": ["cycles"]}]
    definitions["Milestone"]["oneOf"] = [{"required": ["after"]}, {"required": ["at"]}]
    for key in ("calendars", "windows", "resources"):
        definitions["Plan"]["properties"][key]["propertyNames"] = dict(_SLUG_KEYS)
    # Fragments and programmes may bring the tasks, and a portfolio's start comes from its programmes.
    definitions["Plan"]["required"] = ["qualplan", "id"]
    definitions["Plan"]["allOf"] = [
        {"anyOf": [{"required": ["start"]}, {"required": ["programmes"]}]},
        {"anyOf": [{"required": ["tasks"]}, {"required": ["include"]}, {"required": ["programmes"]}]},
    ]
    definitions.pop("Fragment", None)

    plan = definitions.pop("Plan")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **plan,
        "title": "qualplan plan file, format 1",
        "description": "A battery qualification plan: tasks, resources, windows and milestones "
        "(see docs/plan-format.md).",
        "$defs": definitions,
    }


def build_fragment_schema() -> dict[str, Any]:
    """The JSON Schema of a fragment, a file named in ``include`` (a fresh dict).

    Its keys are the plan's, with the same definitions and descriptions.
    """
    from qualplan.plan_kind import FRAGMENT_KEYS

    plan = build_schema()
    properties = {key: value for key, value in plan["properties"].items() if key in FRAGMENT_KEYS}
    properties["include"] = {
        **properties["include"],
        "description": "More fragments whose definitions join the plan with this one's; paths relative to this file.",
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": FRAGMENT_SCHEMA_ID,
        "title": "qualplan fragment (a file for a plan's include), format 1",
        "description": "Calendars, windows, resources, stages, tasks and milestones that join the plans which "
        "include this file (see docs/plan-format.md).",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": plan["$defs"],
    }


def schema_text(fragment: bool = False) -> str:
    """The schema (of a plan, or of a fragment) as the committed file holds it: sorted keys, two-space
    indent, final newline."""
    schema = build_fragment_schema() if fragment else build_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run(fragment: bool = False, *, stdout: TextIO | None = None) -> ExitCode:
    """Print the schema of a plan (or of a fragment) on ``stdout`` (default: the process's)."""
    Streams.of(stdout).write(schema_text(fragment))
    return ExitCode.OK
