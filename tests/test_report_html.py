"""The HTML report without a browser: figure data (bars, markers, colours, shading), escaping,
the page's promises (offline, deterministic) and the ``report`` command."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from qualplan.commands import report as report_command
from qualplan.exitcodes import ExitCode
from qualplan.explain import explain
from qualplan.report import figures, html
from qualplan.report.rows import critical_map, milestone_rows, stage_groups, task_rows
from qualplan.result import SolveResult, SolveStatus, Verdict
from report_support import INJECTED, earliest_result, ladder_problem

DAY = figures.DAY_MS


def _ladder(**overrides):
    result = earliest_result(ladder_problem(**overrides))
    return result, explain(result, conflicts=False)


def _gantt(result: SolveResult, explanation) -> dict:
    tasks = task_rows(result, critical_map(explanation))
    milestones = milestone_rows(result)
    chains = {m.id: tuple(link.node for link in m.chain if not link.is_milestone) for m in explanation.milestones}
    figure = figures.gantt_figure(result, stage_groups(result, tasks), milestones, chains)
    return json.loads(figure.to_json())


def _trace(figure: dict, name: str) -> dict:
    return next(trace for trace in figure["data"] if trace.get("name") == name)


# --- the Gantt chart's data ---------------------------------------------------------------


def test_rows_are_grouped_by_stage_with_a_header_each_then_the_milestones() -> None:
    figure = _gantt(*_ladder())
    axis = figure["layout"]["yaxis"]
    assert axis["categoryarray"] == [
        "stage:cell",
        "cell-build",
        "cell-cycle",
        "stage:module",
        "module-abuse",
        "stage:pack",
        "pack-winter",
        figures.MILESTONE_HEADER,
        "cells-done",
        "sop",
    ]
    assert axis["ticktext"][0] == "<b>10Ah cell</b>"
    assert axis["range"] == [9.5, -0.5]  # the first stage on top


def test_bars_span_their_days_and_are_coloured_by_the_chain_they_are_on() -> None:
    """sop (13 days late) is set by pack-winter <- module-abuse <- cell-build; cells-done (met) by cell-cycle."""
    figure = _gantt(*_ladder())
    late = _trace(figure, "On the critical chain of a late milestone")
    assert late["marker"]["color"] == figures.LATE_CHAIN
    bars = dict(zip(late["y"], zip(late["base"], late["x"], strict=True), strict=True))
    assert bars == {
        "cell-build": ("2026-01-05", 10 * DAY),
        "module-abuse": ("2026-01-15", 84 * DAY),  # 60 working days span 84 calendar days
        "pack-winter": ("2026-12-15", 30 * DAY),
    }
    on_time = _trace(figure, "Critical chain (milestone not late)")
    assert (on_time["y"], on_time["base"], on_time["marker"]["color"]) == (
        ["cell-cycle"],
        ["2026-01-15"],
        figures.CRITICAL,
    )
    assert all(trace.get("name") != "Other tasks" for trace in figure["data"])


def test_a_task_off_every_chain_is_drawn_plainly() -> None:
    result, explanation = _ladder(**{"cell-cycle": {"after": [{"on": "cell-build", "type": "start"}], "stage": None}})
    figure = _gantt(result, explanation)
    other = _trace(figure, "Other tasks")
    assert (other["y"], other["marker"]["color"], other["marker"]["line"]["width"]) == (
        ["cell-cycle"],
        figures.OTHER,
        0,
    )


def test_milestones_sit_at_the_close_of_their_date_late_in_warning_colour() -> None:
    figure = _gantt(*_ladder())
    late = _trace(figure, "Milestone late")
    met = _trace(figure, "Milestone met")
    assert (late["y"], late["x"], late["marker"]["color"]) == (["sop"], ["2027-01-14"], figures.LATE_CHAIN)
    assert (met["y"], met["x"], met["marker"]["color"]) == (["cells-done"], ["2026-02-14"], figures.MET)
    assert late["marker"]["symbol"] == "diamond"


def test_due_dates_are_dashed_lines_and_a_late_milestone_shows_its_lateness() -> None:
    figure = _gantt(*_ladder())
    lines = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert [(line["x0"], line["line"]["color"], line["line"]["dash"]) for line in lines] == [
        ("2026-03-02", figures.NO_DUE, "dash"),  # cells-done due 2026-03-01, met
        ("2027-01-01", figures.LATE_CHAIN, "dash"),  # sop due 2026-12-31, late
    ]
    assert [label["text"] for label in figure["layout"]["annotations"]] == ["due cells-done", "due sop"]
    stroke = next(trace for trace in figure["data"] if trace.get("mode") == "lines")
    assert (stroke["x"], stroke["y"]) == (["2027-01-01", "2027-01-14"], ["sop", "sop"])


def test_a_windowed_task_has_its_window_shaded_in_its_own_row() -> None:
    figure = _gantt(*_ladder())
    row = figure["layout"]["yaxis"]["categoryarray"].index("pack-winter")
    shades = [s for s in figure["layout"]["shapes"] if s["type"] == "rect" and s["xref"] == "x"]
    assert {(s["y0"], s["y1"]) for s in shades} == {(row - 0.45, row + 0.45)}
    # Winters 12-15..03-10, clipped to the chart's dates (it opens 2025-12-29 and closes after 2027-01-14).
    first, last = figure["layout"]["xaxis"]["range"]
    assert [(s["x0"], s["x1"]) for s in shades] == [("2026-01-05", "2026-03-11"), ("2026-12-15", last)]
    assert first == "2025-12-27"
    assert _trace(figure, "window winter (open)")["marker"]["color"] == shades[0]["fillcolor"]


def test_hover_gives_dates_duration_arithmetic_resources_and_standard() -> None:
    result, explanation = _ladder(
        top={"resources": {"cycler": {"capacity": 8}}}, **{"cell-cycle": {"uses": {"cycler": 3}}}
    )
    figure = _gantt(result, explanation)
    trace = _trace(figure, "Critical chain (milestone not late)")
    assert trace["customdata"][0] == (
        "<b>Cycle life: 1000 cycles; 25 °C #1</b><br>cell-cycle · stage 10Ah cell<br>"
        "2026-01-15 → 2026-02-13 (30 d elapsed)<br>duration: 30d = 30 d<br>"
        "resources: cycler × 3<br>standard: GB/T 31484-2015 6.4<br>critical for: cells-done"
    )
    module = _trace(figure, "On the critical chain of a late milestone")
    # A task on a calendar says which days its duration counts, and what fills the rest of its span.
    assert (
        "2026-01-15 → 2026-04-08 (84 d elapsed: 60 working days and 24 weekend days)<br>"
        "duration: 60d = 60 working days of calendar workdays<br>"
    ) in module["customdata"][1]
    assert module["customdata"][1].endswith("critical for: sop (13 days late)")


def test_cycle_arithmetic_reaches_the_hover() -> None:
    cycles = {"count": 1000, "charge_c": 0.5, "discharge_c": 1.0, "checkup_every": 100, "checkup_h": 24}
    result, explanation = _ladder(**{"cell-cycle": {"duration": None, "cycles": cycles}})
    figure = _gantt(result, explanation)
    # 135 days of cycling make cells-done (due 2026-03-01) late too, so the task is on a late chain.
    late = _trace(figure, "On the critical chain of a late milestone")
    hover = late["customdata"][late["y"].index("cell-cycle")]
    assert "duration: 1000 cycles × 3 h + 10 check-ups × 24 h = 3240 h = 135 d" in hover


def test_plan_text_is_escaped_for_plotly_labels_and_hover() -> None:
    result, explanation = _ladder(
        top={"stages": [{"id": "cell", "name": "<b>cells</b>"}, {"id": "module"}, {"id": "pack"}]},
        **{"cell-build": {"name": INJECTED, "standard": '<a href="javascript:alert(1)">x</a>'}},
    )
    figure = _gantt(result, explanation)
    labels = figure["layout"]["yaxis"]["ticktext"]
    assert labels[:2] == [
        "<b>&lt;b&gt;cells&lt;/b&gt;</b>",
        "&lt;/script&gt;&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;",
    ]
    hover = _trace(figure, "On the critical chain of a late milestone")["customdata"][0]
    assert "standard: &lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;" in hover
    assert "<script" not in json.dumps(figure) and "<a " not in json.dumps(figure)


def test_long_names_are_shortened_on_the_axis_but_whole_in_the_hover() -> None:
    long_name = "Thermal propagation test of the full pack at 100 % SOC with trigger cell in the centre"
    result, explanation = _ladder(**{"pack-winter": {"name": long_name}})
    figure = _gantt(result, explanation)
    axis = figure["layout"]["yaxis"]
    label = axis["ticktext"][axis["categoryarray"].index("pack-winter")]
    assert len(label) == figures.LABEL_CHARS and label.endswith("…")
    assert long_name in _trace(figure, "On the critical chain of a late milestone")["customdata"][2]


def test_the_timeline_zooms_and_pans() -> None:
    figure = _gantt(*_ladder())
    assert figure["layout"]["xaxis"]["rangeslider"]["visible"] is True
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["yaxis"]["fixedrange"] is True  # zoom along time only
    assert html.PLOT_CONFIG["scrollZoom"] is True


def test_the_top_and_bottom_date_axes_label_each_gridline_with_the_month_it_starts() -> None:
    """plotly.js defaults an overlaying axis to ``tickmode: "sync"``, which put the top axis's ticks
    minutes before midnight: the gridline of 1 July read "2026-06" on top and "2026-07" below."""
    layout = _gantt(*_ladder())["layout"]
    bottom, top = layout["xaxis"], layout["xaxis2"]
    assert (top["overlaying"], top["matches"], top["side"]) == ("x", "x", "top")
    for axis in (bottom, top):
        assert (axis["type"], axis["tickmode"], axis["ticklabelmode"], axis["tickformat"]) == (
            "date",
            "auto",  # each axis places its own ticks at midnight, never synced by pixel
            "instant",  # a label names the instant of its gridline: the month that starts there
            "%Y-%m",
        )
    # Zoomed in, ticks less than a month apart name their day (and below a day their hour), not a month again.
    assert (
        top["tickformatstops"]
        == bottom["tickformatstops"]
        == [
            {"dtickrange": [None, DAY - 1], "value": "%Y-%m-%d %H:%M"},
            {"dtickrange": [DAY - 1, 28 * DAY - 1], "value": "%Y-%m-%d"},
            {"dtickrange": [28 * DAY - 1, None], "value": "%Y-%m"},
        ]
    )


# --- resources ------------------------------------------------------------------------------


def _resource_result():
    return _ladder(
        top={
            "resources": {
                "chamber": {"capacity": 2, "changes": [{"from": "2026-02-01", "capacity": 3}]},
                "cycler": {"capacity": 8},
            }
        },
        **{"cell-cycle": {"uses": {"chamber": 1}}, "module-abuse": {"uses": {"chamber": 2}}},
    )


def test_resource_steps_count_units_in_use_and_who_holds_them() -> None:
    result, _ = _resource_result()
    tasks = task_rows(result)
    steps = figures.resource_steps(tasks, "chamber", dt.date(2025, 12, 29), dt.date(2027, 2, 1))
    assert [(s.day.isoformat(), s.units, s.holders) for s in steps] == [
        ("2025-12-29", 0, ()),
        ("2026-01-15", 3, (("cell-cycle", 1), ("module-abuse", 2))),
        ("2026-02-14", 2, (("module-abuse", 2),)),
        ("2026-04-09", 0, ()),
    ]


def test_capacity_steps_follow_the_capacity_changes() -> None:
    result, _ = _resource_result()
    steps = figures.capacity_steps(result, "chamber", dt.date(2025, 12, 29), dt.date(2027, 2, 1))
    assert steps == [(dt.date(2026, 1, 5), 2), (dt.date(2026, 2, 1), 3)]


def test_one_resource_chart_per_resource_on_a_shared_time_axis() -> None:
    result, _ = _resource_result()
    tasks = task_rows(result)
    figure = json.loads(figures.resource_figure(result, tasks, dt.date(2025, 12, 29), dt.date(2027, 2, 1)).to_json())
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["chamber", "cycler"]
    in_use = [t for t in figure["data"] if t["name"] == "in use"]
    capacity = [t for t in figure["data"] if t["name"] == "capacity"]
    assert [t["yaxis"] for t in in_use] == ["y", "y2"]
    assert in_use[0]["y"] == [0, 3, 2, 0, 0]
    assert capacity[0]["x"] == ["2026-01-05", "2026-02-01", "2027-02-01"]
    assert capacity[0]["y"] == [2, 3, 3]
    assert in_use[0]["customdata"][1] == (
        "<b>chamber</b> from 2026-01-15: 3 in use<br>Cycle life: 1000 cycles; 25 °C #1 × 1<br>Section 5 abuse tests × 2"
    )
    assert figure["layout"]["xaxis"]["matches"] == "x2"  # zooming one resource zooms them all


def test_no_resource_chart_without_resources() -> None:
    result, _ = _ladder()
    assert figures.resource_figure(result, task_rows(result), dt.date(2026, 1, 1), dt.date(2027, 1, 1)) is None


# --- the page -------------------------------------------------------------------------------


def _page(result: SolveResult, explanation=None) -> str:
    return html.render(result, explanation)


def test_the_page_needs_no_network() -> None:
    result, explanation = _resource_result()
    page = _page(result, explanation)
    assert f'content="{html.CSP}"' in page and "default-src 'none'" in html.CSP
    own = page.replace(get_plotlyjs(), "")
    assert re.findall(r"https?://", own) == []
    assert re.findall(r"<(?:script|link|img|iframe)[^>]*\b(?:src|href)=", own) == []
    assert page.count("<script>") == 2 and page.count('<script type="application/json"') == 2


def test_an_injected_script_in_a_task_name_stays_text() -> None:
    result, explanation = _ladder(top={"title": INJECTED}, **{"cell-build": {"name": INJECTED}})
    page = _page(result, explanation)
    assert INJECTED not in page
    assert "document.title='pwned'" not in page
    assert "<title>qualplan report: &lt;/script&gt;&lt;script&gt;" in page
    assert page.count("<script") == 3  # plotly.js, the figure data, the drawing code: nothing else


def test_the_page_holds_the_verdict_milestones_and_explanations() -> None:
    result, explanation = _ladder()
    page = _page(result, explanation)
    assert '<span class="badge missed">missed</span>' in page
    assert "weighted lateness is at least 26 days; this schedule has 26" in page
    row = re.search(r'<tr class="late">.*?</tr>', page).group()
    assert "2026-12-31" in row and "2027-01-13" in row and "13 d late" in row
    # A date is never broken across lines at its hyphens in a narrow column.
    assert '<td class="date">2026-12-31</td><td class="date">2027-01-13</td>' in row
    assert "td.date { white-space: nowrap; }" in page
    # The chain at a glance: its stages nearest first, its longest tests, a link to the whole chain.
    assert '<span class="stages">Pack ← Module ← 10Ah cell</span>' in row
    # The same length in the chain column as in the "why": working days, with the elapsed days beside them.
    assert (
        "longest: <code>module-abuse</code> 60 working days (84 d elapsed), <code>pack-winter</code> 30 d, "
        '<code>cell-build</code> 10 d · <a href="#explain-sop">all 3 tasks</a>'
    ) in row
    assert "windows cost 250 days (winter 250 d)" in row
    assert '<article class="milestone" id="explain-sop">' in page
    assert "window winter closed until 2026-12-15" in page
    assert (
        '<td class="date">2026-01-15 → 2026-04-08</td>'
        "<td>60 working days of workdays span 84 d, with 24 weekend days</td>"
    ) in page
    assert "<td>60d = 60 working days of calendar workdays (84 d elapsed)</td>" in page  # the task table
    # The late milestone's chain table is open, the met one's folded.
    assert re.search(r'id="explain-sop">.*?<details open>', page, re.S)
    assert re.search(r'id="explain-cells-done">\n[^\n]*\n[^\n]*\n[^\n]*\n<details><summary>', page)


@pytest.mark.slow
def test_without_an_explanation_nothing_is_highlighted_or_guessed() -> None:
    result, _ = _ladder()
    page = _page(result)
    assert "No critical chain is highlighted" in page
    assert 'id="explanation"' not in page
    data = re.search(r'id="qualplan-gantt-data">(.*?)</script>', page).group(1)
    names = [trace.get("name") for trace in json.loads(data)["data"]]
    assert "Other tasks" in names and "On the critical chain of a late milestone" not in names


@pytest.mark.slow
def test_the_same_result_gives_the_same_bytes_whatever_the_wall_time() -> None:
    result, explanation = _resource_result()
    slower = SolveResult(**{**result.__dict__, "wall_time": 9.75})
    assert _page(result, explanation) == _page(slower, explanation)


@pytest.mark.parametrize(
    ("status", "verdict", "conflicts", "says"),
    [
        (
            SolveStatus.INFEASIBLE,
            Verdict.MISSED,
            ("window slot too short",),
            "Proved: no schedule fits inside the horizon.",
        ),
        (SolveStatus.UNKNOWN, Verdict.UNKNOWN, (), "Undecided: the time limit ran out before any schedule was found."),
    ],
)
def test_without_a_schedule_the_page_says_why_and_draws_no_chart(status, verdict, conflicts, says) -> None:
    problem = ladder_problem()
    result = SolveResult(problem, status, verdict, status is SolveStatus.INFEASIBLE, None, None, 0, 1.0, conflicts)
    page = _page(result)
    assert says in page
    assert "<script" not in page  # no chart, so not even plotly.js
    for conflict in conflicts:
        assert f"<li>{conflict}</li>" in page


def test_an_undecided_schedule_is_never_called_missed() -> None:
    result, _ = _ladder()
    undecided = SolveResult(
        **{
            **result.__dict__,
            "status": SolveStatus.FEASIBLE,
            "verdict": Verdict.UNKNOWN,
            "proven": False,
            "lateness_bound": 0,
        }
    )
    page = _page(undecided)
    assert '<span class="badge unknown">unknown</span>' in page
    assert "not proved that the due dates cannot be met" in page
    assert "Proved" not in page


# --- the command ------------------------------------------------------------------------------

PLAN = """\
qualplan: 1
id: small
title: Small plan
start: 2026-01-05
resources:
  chamber: {capacity: 1}
stages:
  - {id: cell, name: Cell}
tasks:
  - {id: build, name: Build, stage: cell, duration: 10d}
  - {id: soak, name: Soak, stage: cell, duration: 5d, after: [build], uses: {chamber: 1}}
  - {id: abuse, name: Abuse, stage: cell, duration: 5d, after: [build], uses: {chamber: 1}}
milestones:
  - {id: done, after: [cell], due: 2026-01-30}
"""


def _plan_file(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(text)
    return path


def test_report_command_writes_the_page_and_prints_its_path(tmp_path: Path, capsys) -> None:
    output = tmp_path / "out.html"
    code = report_command.run(_plan_file(tmp_path), output, time_limit=2.0, workers=1, seed=0)
    assert code is ExitCode.OK
    assert capsys.readouterr().out == f"{output}\n"
    page = output.read_text()
    assert '<span class="badge met">met</span>' in page
    # build 01-05..01-14, then soak and abuse share one chamber: 01-15..01-19 and 01-20..01-24.
    assert "2026-01-24" in page


@pytest.mark.slow
def test_report_command_is_deterministic(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    for name in ("a.html", "b.html"):
        report_command.run(plan, tmp_path / name, time_limit=2.0, workers=1, seed=0)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_an_invalid_plan_writes_nothing_and_keeps_the_previous_report(tmp_path: Path, capsys) -> None:
    output = tmp_path / "out.html"
    output.write_text("previous report")
    plan = _plan_file(tmp_path, PLAN.replace("duration: 10d", "duration: 10x"))
    code = report_command.run(plan, output, time_limit=2.0, workers=1, seed=0)
    assert code is ExitCode.BAD_INPUT
    assert re.search(r"small\.yaml:\d+:\d+: tasks\.build\.duration: '10x' is not a duration", capsys.readouterr().err)
    assert output.read_text() == "previous report"


def test_a_failed_write_keeps_the_previous_report(tmp_path: Path, capsys, monkeypatch) -> None:
    import qualplan.atomic

    output = tmp_path / "out.html"
    output.write_text("previous report")

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qualplan.atomic.os, "fsync", disk_full)
    code = report_command.run(_plan_file(tmp_path), output, time_limit=2.0, workers=1, seed=0)
    assert code is ExitCode.BAD_INPUT
    assert capsys.readouterr().err == f"qualplan report: cannot write {output}: No space left on device\n"
    assert output.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "small.yaml"]


def test_a_missing_output_folder_is_refused_before_solving(tmp_path: Path, capsys) -> None:
    output = tmp_path / "nowhere" / "out.html"
    code = report_command.run(_plan_file(tmp_path), output, time_limit=2.0, workers=1, seed=0)
    assert code is ExitCode.BAD_INPUT
    assert capsys.readouterr().err == (
        f"qualplan report: cannot write {output}: folder {output.parent} does not exist\n"
    )


def test_the_schedule_and_resource_charts_share_their_dates_and_left_edge() -> None:
    """Same x range and same left margin: a date sits at the same place in both charts."""
    result, explanation = _resource_result()
    page = _page(result, explanation)
    gantt, resources = (
        json.loads(re.search(rf'id="{div}-data">(.*?)</script>', page).group(1))["layout"]
        for div in (html.GANTT_ID, html.RESOURCES_ID)
    )
    assert gantt["xaxis"]["range"] == resources["xaxis2"]["range"] == ["2025-12-27", "2027-01-23"]
    assert (
        gantt["margin"]["l"]
        == resources["margin"]["l"]
        == figures.CHAR_PX * len("Cycle life: 1000 cycles; 25 °C #1") + 20
    )
    assert gantt["xaxis2"]["side"] == "top" and gantt["xaxis2"]["matches"] == "x"
