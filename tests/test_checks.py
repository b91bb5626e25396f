"""Static checks: references, cycles, capacities, calendars, windows and the horizon, with exact messages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from largest_files import COSTLY
from plan_factory import unchecked_plan
from qualplan import checks
from qualplan.graph import find_cycle
from qualplan.loader import load_plan_text
from qualplan.problem import dependency_links

HEAD = "qualplan: 1\nid: demo\nstart: 2026-01-05\n"


def problems(body: str) -> tuple[list[str], list[str]]:
    loaded = load_plan_text(HEAD + body, "p.yaml")
    return [str(e) for e in loaded.errors], [str(w) for w in loaded.warnings]


def errors(body: str) -> list[str]:
    return problems(body)[0]


def test_model_errors_and_reference_errors_are_reported_together() -> None:
    body = "tasks:\n  - {id: a, duration: 2x}\n  - {id: b, duration: 1w, after: [c]}\n"
    assert errors(body) == [
        "p.yaml:5:23: tasks.a.duration: '2x' is not a duration; write <number><unit> with unit h, d, w, mo "
        "or y (e.g. '12w', '30h', '1.5mo')",
        "p.yaml:6:35: tasks.b.after.c: unknown task, stage or milestone 'c'",
    ]


def test_a_reference_to_an_invalid_task_is_not_called_unknown() -> None:
    body = "tasks:\n  - {id: a, duration: 2x}\n  - {id: b, duration: 1w, after: [a]}\n"
    assert len(errors(body)) == 1


def test_cycle_is_named_whole_and_reported_at_the_closing_dependency() -> None:
    body = (
        "tasks:\n"
        "  - {id: a, duration: 1w, after: [d]}\n"
        "  - {id: b, duration: 1w, after: [a]}\n"
        "  - {id: c, duration: 1w, after: [b]}\n"
        "  - {id: d, duration: 1w, after: [c]}\n"
    )
    assert errors(body) == [
        "p.yaml:5:35: tasks.a.after.d: dependency cycle: a -> b -> c -> d -> a; no schedule can satisfy it, "
        "remove one of these dependencies"
    ]


def test_cycle_through_a_milestone_and_a_stage() -> None:
    body = (
        "stages:\n  - {id: pack}\n"
        "tasks:\n"
        "  - {id: pack-build, stage: pack, duration: 1w, after: [{on: gate, lag: 1w}]}\n"
        "milestones:\n  - {id: gate, after: [pack]}\n"
    )
    assert errors(body) == [
        "p.yaml:7:62: tasks.pack-build.after.gate.on: dependency cycle: pack-build -> gate -> pack-build; "
        "no schedule can satisfy it, remove one of these dependencies"
    ]


def test_no_cycle_in_a_chain() -> None:
    body = "tasks:\n" + "".join(f"  - {{id: t{i}, duration: 1d, after: [t{i - 1}]}}\n" for i in range(1, 50))
    body = body.replace(", after: [t0]", "")
    assert errors(body) == []


def test_capacity_steps_count_towards_the_largest_capacity() -> None:
    body = (
        "resources:\n  chamber: {capacity: 4, changes: [{from: 2026-07-01, capacity: 6}]}\n"
        "tasks:\n  - {id: a, duration: 1w, uses: {chamber: 6}}\n"
    )
    assert errors(body) == []
    assert errors(body.replace("chamber: 6}", "chamber: 7}")) == [
        "p.yaml:7:43: tasks.a.uses.chamber: uses 7 units of 'chamber', but it never has more than 6"
    ]


@pytest.mark.parametrize(
    ("duration", "fits"),
    [("86d", True), ("87d", True), ("88d", False)],  # the 2027/28 winter holds 29 February
)
def test_a_wrapping_yearly_window_fits_its_longest_winter(duration: str, fits: bool) -> None:
    body = (
        "windows:\n  winter: {yearly: {from: 12-15, to: 03-10}}\n"
        f"tasks:\n  - {{id: cold, duration: {duration}, window: winter}}\n"
    )
    assert (errors(body) == []) is fits


def test_window_fit_respects_the_horizon() -> None:
    # with a horizon of one year only the first winter's tail (2026-01-05..2026-03-10, 65 days) and the
    # start of the next (2026-12-15..2027-01-04, 21 days) are inside it
    body = "horizon: 1y\nwindows:\n  winter: {yearly: {from: 12-15, to: 03-10}}\ntasks:\n"
    assert errors(body + "  - {id: cold, duration: 65d, window: winter}\n") == []
    assert errors(body + "  - {id: cold, duration: 66d, window: winter}\n") == [
        "p.yaml:8:39: tasks.cold.window: a task of 66 days cannot fit inside any occurrence of window "
        "'winter' within the horizon (the longest holds 65 days)"
    ]


def test_a_calendar_task_counts_working_days_against_the_horizon() -> None:
    body = (
        "horizon: 2w\ncalendars:\n  workdays: {weekends: [sat, sun]}\n"
        "tasks:\n  - {id: a, duration: 10, calendar: workdays}\n"
    )
    assert errors(body) == []  # 2026-01-05 is a Monday: two working weeks fit in 14 days
    assert errors(body.replace("duration: 10", "duration: 11")) == [
        "p.yaml:8:23: tasks.a.duration: '11' = 11 d is longer than the horizon '2w' "
        "(10 working days, 2026-01-05 to 2026-01-18)"
    ]


def test_not_before_pushes_a_task_out_of_the_horizon() -> None:
    body = "horizon: 30d\ntasks:\n  - {id: a, duration: 10d, not_before: 2026-01-25}\n"
    assert errors(body) == []
    assert errors(body.replace("01-25", "01-26")) == [
        "p.yaml:6:40: tasks.a.not_before: a task of 10 days starting no earlier than 2026-01-26 cannot end "
        "by the horizon's last day 2026-02-03"
    ]


def test_an_unknown_id_without_a_close_match_gets_no_guess() -> None:
    body = "tasks:\n  - {id: build, duration: 1w, after: [zzz]}\n"
    assert errors(body) == ["p.yaml:5:39: tasks.build.after.zzz: unknown task, stage or milestone 'zzz'"]


def test_references_when_nothing_of_that_kind_exists() -> None:
    body = "tasks:\n  - {id: build, duration: 1w, uses: {oven: 1}, window: winter}\n"
    assert errors(body) == [
        "p.yaml:5:38: tasks.build.uses.oven: unknown resource 'oven'; the plan defines no resources",
        "p.yaml:5:56: tasks.build.window: unknown window 'winter'; the plan defines no windows",
    ]


def test_warnings_do_not_make_a_plan_invalid() -> None:
    loaded = load_plan_text(
        HEAD + "resources:\n  oven: {capacity: 1}\ntasks:\n  - {id: a, duration: 1w}\n"
        "milestones:\n  - {id: m, after: [a], due: 2026-01-04}\n",
        "p.yaml",
    )
    assert loaded.ok and loaded.plan is not None
    assert [str(w) for w in loaded.warnings] == [
        "p.yaml:5:3: resources.oven: no task uses resource 'oven'",
        "p.yaml:9:30: milestones.m.due: due 2026-01-04 is before the plan start 2026-01-05; it can never be met",
    ]


def test_a_due_on_the_start_day_is_no_warning() -> None:
    body = "tasks:\n  - {id: a, duration: 1w}\nmilestones:\n  - {id: m, after: [a], due: 2026-01-05}\n"
    assert problems(body) == ([], [])


def test_a_stage_with_tasks_is_a_fine_dependency() -> None:
    body = (
        "stages:\n  - {id: cell}\ntasks:\n  - {id: a, stage: cell, duration: 1w}\n"
        "  - {id: b, duration: 1w, after: [cell]}\n"
    )
    assert errors(body) == []


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=14), st.booleans())
def test_the_quick_cycle_test_agrees_with_networkx(edges: list[tuple[int, int]], staged: bool) -> None:
    """The pure-Python pre-check that spares networkx on acyclic plans must never miss a cycle."""
    tasks = []
    for node in range(8):
        after = sorted({f"t{pred}" for pred, succ in edges if succ == node})
        if staged and node == 7:
            after = ["first-half"]  # a stage: every task of it
        task = {"id": f"t{node}", "duration": "1d", "after": after}
        if node < 4:
            task["stage"] = "first-half"
        tasks.append(task)
    plan = unchecked_plan(tasks, id="p", stages=[{"id": "first-half"}])  # the checks would reject a cycle
    parts = checks._Parts.of({}, plan)
    links = dependency_links(plan.stages, plan.tasks, plan.milestones)
    assert checks._may_have_cycle(parts) == (find_cycle([task.id for task in plan.tasks], links) is not None)


# What these costly files cost is measured by ``benchmarks/validate_speed.py --largest``.
def _errors(name: str) -> list[str]:
    return [str(error) for error in load_plan_text(COSTLY[name], "p.yaml").errors]


def test_a_holiday_range_over_centuries_says_no_working_day() -> None:
    found = _errors("holidays-over-centuries")
    assert found == [
        "p.yaml:5:3: calendars.w: calendar 'w' has no working day within the horizon "
        "(every day is a weekend or holiday)"
    ]


@pytest.mark.slow
def test_thousands_of_overlapping_holidays_leave_the_days_outside_them() -> None:
    assert _errors("overlapping-holidays") == []  # 2026-01-05 and 2034-01-02 remain: two working days


@pytest.mark.slow
def test_many_tasks_against_many_short_window_slots_name_the_first_that_fits_none() -> None:
    found = _errors("window-slots")
    assert found[0].endswith(
        "tasks.t0.window: a task of 2 days starting no earlier than 2026-01-05 cannot fit inside any occurrence "
        "of window 'slots' within the horizon (the longest holds 1 day)"
    )


def test_weeks_on_a_working_day_calendar_warn_that_they_count_working_days() -> None:
    body = (
        "calendars:\n  workdays: {weekends: [sat, sun]}\n"
        "tasks:\n  - {id: build, duration: 8w, calendar: workdays}\n  - {id: soak, duration: 8w}\n"
    )
    found_errors, warnings = problems(body)
    assert found_errors == []
    assert warnings == [
        "p.yaml:7:27: tasks.build.duration: '8w' on calendar 'workdays' means 56 working days; "
        "write working days (e.g. '40d' for five-day weeks) if that is what you mean"
    ]


# --- working-day calendars: weeks and cycles (issue 12) -----------------------------------------


def test_a_fraction_of_a_week_on_a_calendar_suggests_a_valid_duration() -> None:
    """'0.1w' suggested '0d', which is itself an error."""
    body = (
        "calendars:\n  workdays: {weekends: [sat, sun]}\ntasks:\n  - {id: build, duration: 0.1w, calendar: workdays}\n"
    )
    assert problems(body) == (
        [],
        [
            "p.yaml:7:27: tasks.build.duration: '0.1w' on calendar 'workdays' means 1 working day; "
            "write working days (e.g. '1d' for five-day weeks) if that is what you mean"
        ],
    )


@given(st.integers(1, 400), st.sampled_from(["w", "mo", "y"]))
def test_the_suggested_working_days_are_valid_and_cover_the_five_day_share(number: int, unit: str) -> None:
    body = f"calendars:\n  c: {{weekends: [sat, sun]}}\ntasks:\n  - {{id: t, duration: {number}{unit}, calendar: c}}\n"
    _, warnings = problems(body)
    suggested = int(warnings[0].split("(e.g. '")[1].split("d'")[0])
    days = number * {"w": 7, "mo": 30, "y": 365}[unit]
    assert suggested >= 1
    assert (suggested - 1) * 7 < days * 5 <= suggested * 7  # the ceiling of 5/7 of the days


def test_cycles_on_a_working_day_calendar_warn_what_happens_and_how_to_write_it() -> None:
    """177 days of cycling silently became 177 working days (issue 12, item 9)."""
    body = (
        "calendars:\n  workdays: {weekends: [sat, sun]}\n"
        "tasks:\n"
        "  - id: life\n"
        "    cycles: {count: 1000, charge_c: 0.5, discharge_c: 1.0, cv_h: 0.5, rest_h: 0.25, "
        "checkup_every: 100, checkup_h: 24}\n"
        "    calendar: workdays\n"
        "  - {id: free-running, cycles: {count: 10, charge_c: 1, discharge_c: 1}}\n"
    )
    assert problems(body) == (
        [],
        [
            "p.yaml:9:15: tasks.life.calendar: on calendar 'workdays' the cycling (1000 cycles × 4 h + "
            "10 check-ups × 24 h = 4240 h = 177 d) counts as 177 working days, so weekends and holidays stretch "
            "the test; a cycler runs every day: remove 'calendar', or if the test really pauses on non-working "
            "days, write 'duration: 177d' instead of 'cycles'"
        ],
    )


# --- capacity changes: one per date (issue 12) ----------------------------------------------------


@pytest.mark.slow
@given(st.lists(st.integers(-30, 30), min_size=1, max_size=6))
def test_capacity_changes_are_an_error_exactly_at_each_repeated_date(offsets: list[int]) -> None:
    """Oracle: the i-th change is an error iff an earlier change has its date, whatever the start."""
    start = dt.date(2026, 1, 5)
    changes = "".join(
        f"      - {{from: {start + dt.timedelta(days=offset)}, capacity: {number + 1}}}\n"
        for number, offset in enumerate(offsets)
    )
    body = (
        f"resources:\n  rig:\n    capacity: 1\n    changes:\n{changes}"
        "tasks:\n  - {id: t, duration: 1d, uses: {rig: 1}}\n"
    )
    found = errors(body)
    repeated = [index for index, offset in enumerate(offsets) if offset in offsets[:index]]
    assert [error.split(": ")[1] for error in found] == [
        f"resources.rig.changes.#{index + 1}.from" for index in repeated
    ]
    if not repeated:
        plan = load_plan_text(HEAD + body, "p.yaml").plan
        assert plan is not None
        from qualplan.problem import compile_plan

        # on or before the start, the latest change sets the capacity from the first day
        before = [(offset, number + 1) for number, offset in enumerate(offsets) if offset <= 0]
        day_zero = max(before)[1] if before else 1
        assert compile_plan(plan).capacity_on("rig", 0) == day_zero
