"""The critical chain, its labels and the three bounds on hand-built plans whose
answer is known by construction. The schedules are written by hand (each is the
unique best one for its plan) and checked by ``verify``, so these tests need no
solver; ``test_explain_solver.py`` runs the same plans through ``solve``."""

from __future__ import annotations

import datetime as dt

import pytest

from plan_factory import make_problem
from qualplan.explain import explain, render_json, render_text, why_line
from qualplan.problem import Problem
from qualplan.result import Schedule, SolveResult, SolveStatus, Verdict
from qualplan.verify import verify

START = dt.date(2026, 1, 5)  # a Monday


def result_of(problem: Problem, starts: dict[str, object]) -> SolveResult:
    """A feasible result for a hand-written schedule (dates or day numbers)."""
    days = {task: (value - START).days if isinstance(value, dt.date) else value for task, value in starts.items()}
    schedule = Schedule(days)
    assert verify(problem, schedule) == []
    return SolveResult(problem, SolveStatus.FEASIBLE, Verdict.UNKNOWN, False, schedule, None, 0, 0.0)


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - START).days


def kinds(link) -> list[str]:
    return [reason.kind for reason in link.reasons]


# --- 1. bound by a chain of tests ------------------------------------------------------

CHAIN = dict(
    tasks=[
        {"id": "build", "duration": "2w"},
        {
            "id": "cycle-life",
            "after": ["build"],
            "cycles": {
                "count": 1000,
                "charge_c": 0.5,
                "discharge_c": 1.0,
                "rest_h": 0.5,
                "checkup_every": 100,
                "checkup_h": 24,
            },
        },
        {"id": "abuse", "duration": "10d", "after": [{"on": "cycle-life", "lag": "1w"}]},
        {"id": "side-test", "duration": "30d", "after": ["build"]},
    ],
    milestones=[{"id": "sop", "after": ["abuse", "side-test"], "due": "2026-07-01"}],
)


def test_chain_of_tests_walks_back_to_the_plan_start_through_each_tight_link():
    problem = make_problem(**CHAIN)
    # build 0..13, cycle-life 14..190 (177 d), abuse 198..207 after a 7-day lag.
    result = result_of(problem, {"build": 0, "cycle-life": 14, "abuse": 198, "side-test": 14})
    item = explain(result).milestone("sop")

    assert [link.node for link in item.chain] == ["sop", "abuse", "cycle-life", "build"]
    assert [kinds(link) for link in item.chain] == [["dependency"], ["dependency"], ["dependency"], ["plan_start"]]
    lag = item.chain[1].reasons[0]
    assert (lag.on, lag.type, lag.lag) == ("cycle-life", "finish", 7)
    assert item.chain[2].arithmetic == "1000 cycles × 4 h + 10 check-ups × 24 h = 4240 h = 177 d"
    assert (item.date, item.due, item.late_days) == (207, day("2026-07-01"), 207 - day("2026-07-01"))
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (207, 207, 207)
    assert (item.bounds.seasons_cost, item.bounds.lab_cost) == (0, 0)


def test_chain_of_tests_text_says_equipment_will_not_help():
    problem = make_problem(**CHAIN)
    explanation = explain(result_of(problem, {"build": 0, "cycle-life": 14, "abuse": 198, "side-test": 14}))
    text = render_text(explanation)
    assert "sop: 2026-07-31 (due 2026-07-01, 30 days late)." in text
    assert "Set by abuse <- cycle-life (1000 cycles × 4 h + 10 check-ups × 24 h = 4240 h = 177 d) <- build." in text
    assert "Physics allow 2026-07-31; windows cost 0 days; lab capacity costs 0 days." in text
    assert (
        "To move it: the tests alone end 30 days after the due date even with unlimited equipment and no windows; "
        "adding equipment won't help, only shorter or overlapping tests will: cycle-life 177 d, build 14 d, abuse 10 d."
        in text
    )
    assert "abuse 2026-07-22..2026-07-31 (10 d): after cycle-life ends + 7 days" in text
    assert (
        "cycle-life 2026-01-19..2026-07-14 (1000 cycles × 4 h + 10 check-ups × 24 h = 4240 h = 177 d): "
        "after build ends\n" in text
    )
    assert why_line(explanation, "sop") == (
        "why: the tests alone end 2026-07-31, 30 days late (cycle-life 177 d, build 14 d): more equipment won't help"
    )


# --- 2. bound by a winter window ---------------------------------------------------------

WINTER = dict(
    windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
    tasks=[
        {"id": "build", "duration": "30d"},
        {"id": "cold-start", "duration": "60d", "after": ["build"], "window": "winter"},
    ],
    milestones=[{"id": "winter-done", "after": ["cold-start"], "due": "2026-06-30"}],
)


def test_winter_window_costs_the_wait_for_next_winter():
    problem = make_problem(**WINTER)
    # build ends 2026-02-03; 60 days from 02-04 overrun 03-10, so the test waits for 2026-12-15.
    result = result_of(problem, {"build": 0, "cold-start": dt.date(2026, 12, 15)})
    item = explain(result).milestone("winter-done")

    assert [link.node for link in item.chain] == ["winter-done", "cold-start", "build"]
    cold = item.chain[1]
    assert kinds(cold) == ["dependency", "window"]
    assert (cold.reasons[1].on, cold.reasons[1].day) == ("winter", day("2026-12-15"))
    physics = day("2026-02-04") + 59
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (
        physics,
        day("2027-02-12"),
        day("2027-02-12"),
    )
    assert item.bounds.seasons_cost == day("2027-02-12") - physics == 314
    assert item.bounds.window_costs == (("winter", 314),)
    assert item.bounds.lab_cost == 0

    explanation = explain(result)
    text = render_text(explanation)
    assert "window winter closed until 2026-12-15" in text
    assert "Physics allow 2026-04-04; windows cost 314 days (winter 314 d); lab capacity costs 0 days." in text
    assert "the chain waits for it to open on 2026-12-15" in text
    assert why_line(explanation, "winter-done") == "why: windows cost 314 days (winter 314 d)"


# --- 3. bound by a resource ---------------------------------------------------------------

LAB = dict(
    resources={"cycler": {"capacity": 1}, "chamber": {"capacity": 2}},
    tasks=[
        {"id": "a", "duration": "20d", "uses": {"cycler": 1, "chamber": 1}},
        {"id": "b", "duration": "20d", "uses": {"cycler": 1, "chamber": 1}},
    ],
    milestones=[{"id": "both", "after": ["a", "b"], "due": "2026-01-24"}],
)


def test_resource_at_capacity_is_the_label_and_the_bottleneck():
    problem = make_problem(**LAB)
    explanation = explain(result_of(problem, {"a": 0, "b": 20}))
    item = explanation.milestone("both")

    assert [link.node for link in item.chain] == ["both", "b", "a"]
    blocked = item.chain[1].reasons
    assert [reason.kind for reason in blocked] == ["resource"]
    assert (blocked[0].on, blocked[0].holders, blocked[0].day, blocked[0].delay) == ("cycler", ("a",), 19, 20)
    assert (blocked[0].used, blocked[0].capacity, blocked[0].units) == (1, 1, 1)
    assert kinds(item.chain[2]) == ["plan_start"]
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (19, 19, 39)
    assert item.bounds.lab_cost == 20
    assert item.bounds.resource_costs == (("cycler", 20),)
    assert explanation.bottleneck == "cycler"
    cycler = next(use for use in explanation.resources if use.id == "cycler")
    assert (cycler.blocked_days, cycler.months[0].month, cycler.months[0].used, cycler.months[0].available) == (
        20,
        "2026-01",
        27,
        27,
    )
    chamber = next(use for use in explanation.resources if use.id == "chamber")
    assert chamber.blocked_days == 0

    text = render_text(explanation)
    assert "lab capacity costs 20 days, mostly cycler." in text
    assert "more cycler capacity (the bottleneck here) can win back up to 20 days, to 2026-01-24" in text
    assert (
        "b 2026-01-25..2026-02-13 (20 d): cycler full on 2026-01-24 (1 of 1 held by a; needs 1); waits 20 days" in text
    )
    assert "Bottleneck: cycler." in text
    assert "  cycler   ██  peak 100% in 2026-01; blocks 20 days (50%)\n" in text
    assert "  chamber  ▄▄  peak 50% in 2026-01; blocks 0 days (0%)\n" in text
    assert why_line(explanation, "both") == "why: lab capacity costs 20 days, mostly cycler"


def test_resource_chain_continues_through_the_holder_that_releases_last():
    problem = make_problem(
        resources={"bunker": {"capacity": 1}},
        tasks=[
            {"id": "short", "duration": "5d", "uses": {"bunker": 1}},
            {"id": "long", "duration": "9d", "uses": {"bunker": 1}},
            {"id": "last", "duration": "3d", "uses": {"bunker": 1}},
        ],
        milestones=[{"id": "m", "after": ["last"]}],
    )
    item = explain(result_of(problem, {"short": 0, "long": 5, "last": 14})).milestone("m")
    assert [link.node for link in item.chain] == ["m", "last", "long", "short"]
    assert [kinds(link) for link in item.chain[1:]] == [["resource"], ["resource"], ["plan_start"]]


# --- 4. bound by a holiday calendar --------------------------------------------------------

HOLIDAY = dict(
    calendars={"works": {"weekends": ["sat", "sun"], "holidays": ["2026-02-16..2026-02-22"]}},
    tasks=[
        {"id": "build", "duration": "40d"},  # ends Friday 2026-02-13
        {"id": "teardown", "duration": "5d", "after": ["build"], "calendar": "works"},
    ],
    milestones=[{"id": "report", "after": ["teardown"], "due": "2026-02-20"}],
)


def test_holiday_week_is_named_in_the_chain_and_belongs_to_physics():
    problem = make_problem(**HOLIDAY)
    explanation = explain(result_of(problem, {"build": 0, "teardown": dt.date(2026, 2, 23)}))
    item = explanation.milestone("report")

    teardown = item.chain[1]
    assert kinds(teardown) == ["dependency", "non_working"]
    holiday = teardown.reasons[1]
    assert (holiday.on, holiday.day, holiday.holiday, holiday.weekday) == (
        "works",
        day("2026-02-22"),
        "2026-02-16..2026-02-22",
        None,
    )
    # Calendars are physics: the holiday week is in the physics bound, not a cost of windows or the lab.
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == ((day("2026-02-27"),) * 3)
    assert item.late_days == 7
    assert "2026-02-22 is a holiday (2026-02-16..2026-02-22) of calendar works" in render_text(explanation)


def test_weekend_is_named_when_the_day_before_is_a_plain_weekend():
    problem = make_problem(
        calendars={"works": {"weekends": ["sat", "sun"]}},
        tasks=[
            {"id": "build", "duration": "5d"},
            {"id": "t", "duration": "2d", "after": ["build"], "calendar": "works"},
        ],
        milestones=[{"id": "m", "after": ["t"]}],
    )
    link = explain(result_of(problem, {"build": 0, "t": 7})).milestone("m").chain[1]
    assert kinds(link) == ["dependency", "non_working"]
    assert (link.reasons[1].weekday, link.reasons[1].holiday) == ("Sunday", None)


# --- the other labels ---------------------------------------------------------------------


def test_not_before_fixed_date_start_to_start_and_finish_to_finish_labels():
    problem = make_problem(
        tasks=[
            {"id": "gate", "duration": "3d", "not_before": "2026-03-02"},
            {"id": "follow", "duration": "10d", "after": [{"on": "gate", "type": "start", "lag": "2d"}]},
            {"id": "close", "duration": "4d", "after": [{"on": "follow", "type": "end"}]},
            {"id": "line-run", "duration": "2d", "after": ["line-ready"]},
        ],
        milestones=[
            {"id": "line-ready", "at": "2026-06-01"},
            {"id": "done", "after": ["close"]},
            {"id": "run", "after": ["line-run"]},
        ],
    )
    gate = day("2026-03-02")
    result = result_of(problem, {"gate": gate, "follow": gate + 2, "close": gate + 8, "line-run": day("2026-06-02")})
    explanation = explain(result)
    done = explanation.milestone("done")
    assert [link.node for link in done.chain] == ["done", "close", "follow", "gate"]
    close, follow, first = done.chain[1:]
    assert [(r.kind, r.on, r.type) for r in close.reasons] == [("dependency", "follow", "end")]
    assert [(r.kind, r.on, r.type, r.lag) for r in follow.reasons] == [("dependency", "gate", "start", 2)]
    assert [(r.kind, r.day) for r in first.reasons] == [("not_before", gate)]

    run = explanation.milestone("run")
    assert [link.node for link in run.chain] == ["run", "line-run", "line-ready"]
    assert [(r.kind, r.day) for r in run.chain[2].reasons] == [("fixed_date", day("2026-06-01"))]
    text = render_text(explanation, chains=True)
    assert "not_before 2026-03-02" in text
    assert "fixed date (at) 2026-06-01" in text
    assert "must not end before follow ends (finish-to-finish)" in text
    assert "starts with gate + 2 days (start-to-start)" in text


def test_a_late_start_with_nothing_binding_is_reported_as_slack_not_invented():
    problem = make_problem(tasks=[{"id": "a", "duration": "5d"}], milestones=[{"id": "m", "after": ["a"]}])
    link = explain(result_of(problem, {"a": 10})).milestone("m").chain[1]
    assert [(r.kind, r.day) for r in link.reasons] == [("slack", 9)]


def test_the_walk_goes_on_past_slack_through_the_predecessor_that_bounds_most():
    problem = make_problem(
        tasks=[
            {"id": "short", "duration": "3d"},
            {"id": "long", "duration": "8d"},
            {"id": "last", "duration": "2d", "after": ["short", "long"]},
        ],
        milestones=[{"id": "m", "after": ["last"]}],
    )
    item = explain(result_of(problem, {"short": 0, "long": 0, "last": 12})).milestone("m")
    assert [link.node for link in item.chain] == ["m", "last", "long"]
    assert [(r.kind, r.day) for r in item.chain[1].reasons] == [("slack", 11)]
    assert "not tight: this schedule could start it on 2026-01-16" in render_text(
        explain(result_of(problem, {"short": 0, "long": 0, "last": 12}))
    )


def test_stage_links_name_the_stage():
    problem = make_problem(
        stages=[{"id": "cells"}],
        tasks=[
            {"id": "c1", "duration": "4d", "stage": "cells"},
            {"id": "c2", "duration": "6d", "stage": "cells"},
            {"id": "pack", "duration": "2d", "after": [{"on": "cells", "lag": "1d"}]},
        ],
        milestones=[{"id": "m", "after": ["pack"]}],
    )
    link = explain(result_of(problem, {"c1": 0, "c2": 0, "pack": 7})).milestone("m").chain[1]
    assert [(r.on, r.via_stage, r.lag) for r in link.reasons] == [("c2", "cells", 1)]


def test_chains_are_listed_for_late_milestones_only_unless_asked():
    problem = make_problem(
        tasks=[{"id": "a", "duration": "5d"}, {"id": "b", "duration": "50d"}],
        milestones=[
            {"id": "early", "after": ["a"], "due": "2026-02-01"},
            {"id": "late", "after": ["b"], "due": "2026-02-01"},
        ],
    )
    explanation = explain(result_of(problem, {"a": 0, "b": 0}))
    text = render_text(explanation)
    assert text.count("Critical chain") == 1
    assert "    b 2026-01-05..2026-02-23 (50 d): plan start 2026-01-05" in text
    assert "    a 2026-01-05" not in text
    assert render_text(explanation, chains=True).count("Critical chain") == 2
    assert render_text(explain(result_of(problem, {"a": 0, "b": 0}), milestone="early")).count("Critical chain") == 1


def test_json_carries_the_same_facts_and_is_deterministic():
    problem = make_problem(**LAB)
    explanation = explain(result_of(problem, {"a": 0, "b": 20}))
    first = render_json(explanation)
    assert first == render_json(explain(result_of(problem, {"a": 0, "b": 20})))
    import json

    data = json.loads(first)
    milestone = data["milestones"][0]
    assert milestone["bounds"] == {
        "physics": "2026-01-24",
        "seasons": "2026-01-24",
        "lab": "2026-02-13",
        "seasons_cost_days": 0,
        "lab_cost_days": 20,
        "windows": [],
        "resources": [{"id": "cycler", "blocked_days": 20}],
    }
    assert [link["id"] for link in milestone["chain"]] == ["both", "b", "a"]
    assert milestone["chain"][1]["reasons"] == [
        {
            "kind": "resource",
            "on": "cycler",
            "date": "2026-01-24",
            "units": 1,
            "capacity": 1,
            "used": 1,
            "holders": ["a"],
            "delay_days": 20,
        }
    ]
    assert data["bottleneck"] == "cycler"
    assert milestone["why"] == "why: lab capacity costs 20 days, mostly cycler"


def test_unknown_milestone_is_refused():
    problem = make_problem(**LAB)
    with pytest.raises(KeyError, match="no milestone 'nope'"):
        explain(result_of(problem, {"a": 0, "b": 20}), milestone="nope")


def test_no_schedule_names_the_window_that_leaves_no_room():
    problem = make_problem(
        horizon="100d",
        windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
        tasks=[
            {"id": "build", "duration": "30d"},
            {"id": "cold", "duration": "60d", "after": ["build"], "window": "winter"},
        ],
        milestones=[{"id": "m", "after": ["cold"], "due": "2026-06-30"}],
    )
    result = SolveResult(problem, SolveStatus.INFEASIBLE, Verdict.MISSED, True, None, None, 1, 0.0)
    explanation = explain(result, conflicts=False)
    item = explanation.milestone("m")
    assert (item.date, item.chain) == (None, ())
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (89, None, None)
    assert item.bounds.window_costs == (("winter", None),)
    text = render_text(explanation)
    assert "m: no date fits in the horizon (due 2026-06-30)." in text
    assert "Physics allow 2026-04-04; with windows nothing fits inside the horizon (winter)." in text
    assert "the winter window leaves no room at all: widen it" in text
    assert why_line(explanation, "m") == "why: no window occurrence leaves room (winter)"


def test_why_lines_cover_only_late_milestones():
    from qualplan.explain import why_lines

    problem = make_problem(
        resources={"cycler": {"capacity": 1}},
        tasks=[
            {"id": "a", "duration": "20d", "uses": {"cycler": 1}},
            {"id": "b", "duration": "20d", "uses": {"cycler": 1}},
        ],
        milestones=[
            {"id": "a-done", "after": ["a"], "due": "2026-01-24"},
            {"id": "b-done", "after": ["b"], "due": "2026-01-24"},
            {"id": "all", "after": ["a-done", "b-done"]},
        ],
    )
    assert why_lines(result_of(problem, {"a": 0, "b": 20})) == {
        "b-done": "why: lab capacity costs 20 days, mostly cycler"
    }


def test_a_chain_rooted_at_a_fixed_date_names_that_date_as_a_lever():
    problem = make_problem(
        tasks=[{"id": "line-run", "duration": "20d", "after": ["line-ready"]}],
        milestones=[
            {"id": "line-ready", "at": "2026-06-01"},
            {"id": "sop", "after": ["line-run"], "due": "2026-06-10"},
        ],
    )
    explanation = explain(result_of(problem, {"line-run": day("2026-06-02")}))
    text = render_text(explanation)
    assert "  Set by line-run <- line-ready (fixed at 2026-06-01).\n" in text
    assert (
        "only shorter or overlapping tests will: line-run 20 d; and it waits for line-ready's fixed date 2026-06-01."
        in text
    )
    assert why_line(explanation, "sop") == (
        "why: the tests alone end 2026-06-21, 11 days late (line-run 20 d; and it waits for line-ready's fixed date "
        "2026-06-01): more equipment won't help"
    )


def test_a_resource_wait_that_a_window_absorbs_is_no_bottleneck():
    problem = make_problem(
        windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
        resources={"rig": {"capacity": 1}},
        tasks=[
            {"id": "a", "duration": "10d", "uses": {"rig": 1}},
            {"id": "b", "duration": "10d", "uses": {"rig": 1}},
            {"id": "cold", "duration": "60d", "after": ["b"], "window": "winter"},
        ],
        milestones=[{"id": "m", "after": ["cold"]}],
    )
    explanation = explain(result_of(problem, {"a": 0, "b": 10, "cold": dt.date(2026, 12, 15)}))
    item = explanation.milestone("m")
    assert [link.node for link in item.chain] == ["m", "cold", "b", "a"]
    assert item.chain[2].reasons[0].kind == "resource"
    assert (item.bounds.lab_cost, item.bounds.seasons_cost) == (0, day("2026-12-15") - 10)
    assert explanation.bottleneck is None
    assert "  Bottleneck: none; lab capacity makes no milestone later.\n" in render_text(explanation)


def test_a_time_out_without_a_schedule_claims_nothing():
    problem = make_problem(
        tasks=[{"id": "a", "duration": "5d"}], milestones=[{"id": "m", "after": ["a"], "due": "2026-01-31"}]
    )
    result = SolveResult(problem, SolveStatus.UNKNOWN, Verdict.UNKNOWN, False, None, None, 0, 10.0)
    explanation = explain(result)
    assert explanation.conflict is None
    text = render_text(explanation)
    assert "m: no schedule found in time (due 2026-01-31)." in text
    assert "Physics allow 2026-01-09; windows cost 0 days." in text
    assert "fits" not in text


def test_the_window_opening_comes_from_the_seasons_chain_when_the_lab_chain_takes_another_branch():
    problem = make_problem(
        windows={"winter": {"yearly": {"from": "12-15", "to": "03-10"}}},
        resources={"rig": {"capacity": 1}},
        tasks=[
            {"id": "build", "duration": "30d"},
            {"id": "cold", "duration": "60d", "after": ["build"], "window": "winter"},
            {"id": "x", "duration": "220d", "uses": {"rig": 1}},
            {"id": "y", "duration": "220d", "uses": {"rig": 1}},
        ],
        milestones=[{"id": "m", "after": ["cold", "x", "y"], "due": "2026-06-30"}],
    )
    explanation = explain(result_of(problem, {"build": 0, "cold": dt.date(2026, 12, 15), "x": 0, "y": 220}))
    item = explanation.milestone("m")
    assert [link.node for link in item.chain] == ["m", "y", "x"]
    assert [link.node for link in item.seasons_chain] == ["m", "cold", "build"]
    assert (item.bounds.physics, item.bounds.seasons, item.bounds.lab) == (219, 403, 439)
    assert explanation.bottleneck == "rig"
    assert (
        render_text(explanation).count(
            "the winter window costs 184 days: a slot in an earlier or other season would recover them; "
            "it next opens for this chain on 2026-12-15"
        )
        == 1
    )


# --- what a calendar costs, and which days a length counts (issue 12 item 9) -----------------

SPRING_FESTIVAL = dict(
    calendars={"works": {"weekends": ["sat", "sun"], "holidays": ["2026-02-15..2026-02-23"]}},
    tasks=[
        {"id": "build", "duration": "36d"},  # 2026-01-05 (Mon) .. 2026-02-09 (Mon)
        {"id": "teardown", "duration": "5d", "after": ["build"], "calendar": "works"},
    ],
    milestones=[{"id": "report", "after": ["teardown"], "due": "2026-02-13"}],
)


def test_a_working_day_task_across_the_spring_festival_names_its_weekends_and_the_holiday():
    problem = make_problem(**SPRING_FESTIVAL)
    # By hand: teardown works Tue 02-10, Wed 11, Thu 12, Fri 13 and Tue 24: 5 working days over 15 days.
    # Not worked: Sat 14, Sun 15, Sat 21, Sun 22 (weekend days, 15/21/22 inside the holiday too)
    # and Mon 16 .. Fri 20, Mon 23 (the 6 days the Spring Festival adds to an ordinary week).
    explanation = explain(result_of(problem, {"build": 0, "teardown": dt.date(2026, 2, 10)}))
    link = explanation.milestone("report").chain[1]
    assert (link.start, link.end, link.span) == (day("2026-02-10"), day("2026-02-24"), 15)
    cost = link.calendar_cost
    assert (cost.span, cost.working, cost.weekend_days, cost.holidays, cost.unnamed) == (
        15,
        5,
        4,
        (("2026-02-15..2026-02-23", 6),),
        0,
    )
    text = render_text(explanation)
    assert (
        "    teardown 2026-02-10..2026-02-24 (5 working days of works span 15 d, "
        "with 4 weekend days and 6 days of holiday 2026-02-15..2026-02-23): after build ends\n"
    ) in text
    # The short forms say which days they count: working days, and the elapsed span beside them.
    assert "only shorter or overlapping tests will: build 36 d, teardown 5 working days (15 d elapsed)." in text
    assert why_line(explanation, "report") == (
        "why: the tests alone end 2026-02-24, 11 days late (build 36 d, teardown 5 working days (15 d elapsed)): "
        "more equipment won't help"
    )

    import json

    chain = json.loads(render_json(explanation))["milestones"][0]["chain"]
    teardown, build = chain[1], chain[2]
    assert {key: teardown[key] for key in ("duration_days", "duration_unit", "elapsed_days", "calendar")} == {
        "duration_days": 5,
        "duration_unit": "working_days",
        "elapsed_days": 15,
        "calendar": "works",
    }
    assert teardown["calendar_cost"] == {
        "span_days": 15,
        "working_days": 5,
        "weekend_days": 4,
        "holidays": [{"range": "2026-02-15..2026-02-23", "days": 6}],
        "other_days_off": 0,
        "make_up_days": [],
    }
    assert teardown["duration_text"] == (
        "5 working days of works span 15 d, with 4 weekend days and 6 days of holiday 2026-02-15..2026-02-23"
    )
    assert (build["duration_unit"], build["elapsed_days"], build["calendar_cost"], build["duration_text"]) == (
        "elapsed_days",
        36,
        None,
        "36 d",
    )
    assert chain[0]["duration_unit"] is None  # the milestone


def test_the_longest_tests_are_ranked_by_elapsed_days_not_by_their_count_of_working_days():
    problem = make_problem(
        calendars={"works": {"weekends": ["sat", "sun"]}},
        tasks=[
            {"id": "build", "duration": "50d", "calendar": "works"},  # 2026-01-05 .. 2026-03-13: 68 days
            {"id": "soak", "duration": "60d", "after": ["build"]},
        ],
        milestones=[{"id": "m", "after": ["soak"], "due": "2026-03-31"}],
    )
    explanation = explain(result_of(problem, {"build": 0, "soak": day("2026-03-14")}))
    link = explanation.milestone("m").chain[2]
    assert (link.node, link.span, link.calendar_cost.weekend_days, link.calendar_cost.holidays) == ("build", 68, 18, ())
    text = render_text(explanation)
    assert "    build 2026-01-05..2026-03-13 (50 working days of works span 68 d, with 18 weekend days): " in text
    assert why_line(explanation, "m").startswith(
        "why: the tests alone end 2026-05-12, 42 days late (build 50 working days (68 d elapsed), soak 60 d)"
    )


def test_a_cycle_life_test_on_a_calendar_counts_its_derived_days_as_working_days():
    problem = make_problem(
        calendars={"works": {"weekends": ["sat", "sun"]}},
        tasks=[
            {
                "id": "life",
                "calendar": "works",
                "cycles": {"count": 30, "charge_c": 1, "discharge_c": 1, "checkup_every": 10, "checkup_h": 24},
            }
        ],
        milestones=[{"id": "m", "after": ["life"]}],
    )
    # 30 × 2 h + 3 × 24 h = 132 h = 6 working days: Mon 01-05 .. Mon 01-12, 8 days with one weekend.
    explanation = explain(result_of(problem, {"life": 0}))
    text = render_text(explanation)
    assert "  Set by life (30 cycles × 2 h + 3 check-ups × 24 h = 132 h = 6 working days).\n" in text
    assert (
        "    life 2026-01-05..2026-01-12 (30 cycles × 2 h + 3 check-ups × 24 h = 132 h = 6 working days of works "
        "span 8 d, with 2 weekend days): plan start 2026-01-05\n"
    ) in text


# --- explain --milestone: the resource picture is about that milestone (issue 12 item 9) -----

TWO_LABS = dict(
    resources={"cycler": {"capacity": 1}, "bunker": {"capacity": 1}, "shaker": {"capacity": 1}},
    tasks=[
        {"id": "life-a", "duration": "20d", "uses": {"cycler": 1}},
        {"id": "life-b", "duration": "20d", "uses": {"cycler": 1}},
        {"id": "nail", "duration": "10d", "uses": {"bunker": 1}},
        {"id": "crush", "duration": "5d", "after": ["nail"], "uses": {"bunker": 1}},
        {"id": "vibration", "duration": "50d", "uses": {"shaker": 1}},
    ],
    milestones=[
        {"id": "cells-done", "after": ["life-a", "life-b"], "due": "2026-01-24"},
        {"id": "abuse-done", "after": ["crush"], "due": "2026-02-28"},
        {"id": "sop", "after": ["cells-done", "abuse-done"]},
    ],
)


def test_explaining_one_milestone_shows_only_the_resources_its_tasks_hold_and_its_own_bottleneck():
    problem = make_problem(**TWO_LABS)
    result = result_of(problem, {"life-a": 0, "life-b": 20, "nail": 0, "crush": 10, "vibration": 0})

    # The whole plan: the cycler makes cells-done 20 days late.
    assert explain(result).bottleneck == "cycler"

    # abuse-done waits only for the bunker tests, which nothing delays: its picture is the bunker alone,
    # up to its own date, and its bottleneck is none, without a word about the whole plan's.
    explanation = explain(result, milestone="abuse-done")
    assert (explanation.scope, explanation.scope_tasks, explanation.bottleneck) == ("abuse-done", 2, None)
    assert [use.id for use in explanation.resources] == ["bunker"]
    assert [month.month for month in explanation.resources[0].months] == ["2026-01"]
    text = render_text(explanation)
    assert (
        "Resources that the 2 tasks before abuse-done hold (all tasks' use by month 2026-01..2026-01, "
        "one bar per month; peak; days each blocks abuse-done's critical chain):\n"
        "  bunker  █  peak 100% in 2026-01; blocks 0 days (0%)\n"  # busy every day up to 2026-01-19
        "  Bottleneck for abuse-done: none; lab capacity does not make it later.\n"
    ) in text
    assert "cycler" not in text and "makes no milestone later" not in text

    # cells-done: its own bottleneck, the cycler.
    text = render_text(explain(result, milestone="cells-done"))
    assert "Resources that the 2 tasks before cells-done hold (" in text
    assert "  Bottleneck for cells-done: cycler.\n" in text
    assert "bunker" not in text

    # A milestone whose tasks hold nothing says so.
    problem = make_problem(
        **{
            **TWO_LABS,
            "tasks": [*TWO_LABS["tasks"], {"id": "paper", "duration": "3d"}],
            "milestones": [*TWO_LABS["milestones"], {"id": "filed", "after": ["paper"]}],
        }
    )
    result = result_of(problem, {"life-a": 0, "life-b": 20, "nail": 0, "crush": 10, "vibration": 0, "paper": 0})
    text = render_text(explain(result, milestone="filed"))
    assert text.endswith(
        "\nResources: the 1 task before filed holds no lab resource, so lab capacity cannot delay filed.\n"
    )

    import json

    data = json.loads(render_json(explain(result, milestone="abuse-done")))
    assert data["resource_scope"] == {"milestone": "abuse-done", "tasks_before": 2}
    assert [use["id"] for use in data["resources"]] == ["bunker"]
    assert data["bottleneck"] is None
    assert json.loads(render_json(explain(result)))["resource_scope"] is None


def test_no_bottleneck_is_named_but_the_delay_is_not_denied_when_a_schedule_has_slack():
    problem = make_problem(
        resources={"rig": {"capacity": 1}},
        tasks=[{"id": "a", "duration": "5d", "uses": {"rig": 1}}],
        milestones=[{"id": "m", "after": ["a"]}],
    )
    explanation = explain(result_of(problem, {"a": 10}))  # a schedule not proved optimal: 10 days of slack
    assert (explanation.milestone("m").bounds.lab_cost, explanation.bottleneck) == (10, None)
    text = render_text(explanation)
    assert (
        "  Bottleneck: none named; lab capacity makes m later, but no resource holds its critical chain back.\n" in text
    )
    assert "makes no milestone later" not in text


def test_window_costs_that_do_not_add_up_are_said_to_be_each_window_alone():
    problem = make_problem(
        windows={
            "winter": {"yearly": {"from": "12-15", "to": "03-10"}},
            "summer": {"yearly": {"from": "06-15", "to": "08-31"}},
        },
        tasks=[
            {"id": "build", "duration": "30d"},  # 2026-01-05 .. 02-03
            {"id": "cold", "duration": "60d", "after": ["build"], "window": "winter"},
            {"id": "hot", "duration": "30d", "after": ["cold"], "window": "summer"},
        ],
        milestones=[{"id": "m", "after": ["hot"]}],
    )
    # cold 2026-12-15 .. 2027-02-12, hot 2027-06-15 .. 07-14. Physics: cold 02-04 .. 04-04, hot 04-05 .. 05-04.
    # Without winter, hot waits for summer 2026: 2026-07-14; without summer, hot runs 2027-02-13 .. 03-14.
    explanation = explain(result_of(problem, {"build": 0, "cold": dt.date(2026, 12, 15), "hot": dt.date(2027, 6, 15)}))
    bounds = explanation.milestone("m").bounds
    d = dt.date
    assert bounds.seasons_cost == (d(2027, 7, 14) - d(2026, 5, 4)).days == 436
    assert bounds.window_costs == (("winter", 365), ("summer", (d(2027, 7, 14) - d(2027, 3, 14)).days))
    assert "windows cost 436 days (lifting one alone wins: winter 365 d, summer 122 d)" in render_text(explanation)
    assert (
        why_line(explanation, "m") == "why: windows cost 436 days (lifting one alone wins: winter 365 d, summer 122 d)"
    )
