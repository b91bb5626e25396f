"""The HTML report of a plan with progress: work done by the status date in grey, a running
task's remaining days in their usual colour, and a status-date line on every chart."""

from __future__ import annotations

import json
from pathlib import Path

from qualplan.explain import explain
from qualplan.loader import load_plan
from qualplan.problem import compile_plan
from qualplan.report import figures, html
from qualplan.report.rows import critical_map, milestone_rows, stage_groups, task_rows
from qualplan.solver import solve
from qualplan.verify import ensure_verified

EXAMPLE = Path(__file__).parent / "data" / "progress" / "c60-requal.yaml"
DAY = figures.DAY_MS


def _solved():
    result = ensure_verified(solve(compile_plan(load_plan(EXAMPLE).plan), time_limit=2.0))
    return result, explain(result, conflicts=False)


def _gantt(result, explanation) -> dict:
    tasks = task_rows(result, critical_map(explanation))
    chains = {m.id: tuple(link.node for link in m.chain if not link.is_milestone) for m in explanation.milestones}
    figure = figures.gantt_figure(result, stage_groups(result, tasks), milestone_rows(result), chains)
    return json.loads(figure.to_json())


def _bars(figure: dict, name: str) -> dict[str, tuple[str, int]]:
    trace = next(trace for trace in figure["data"] if trace.get("name") == name)
    bars = zip(trace["y"], trace["base"], trace["x"], strict=True)
    return {task: (base[:10], width // DAY) for task, base, width in bars}


def _status_lines(shapes: list[dict]) -> list[dict]:
    return [shape for shape in shapes if shape.get("line", {}).get("color") == figures.STATUS_LINE]


def test_done_work_is_grey_and_running_tasks_split_at_the_status_date() -> None:
    result, explanation = _solved()
    figure = _gantt(result, explanation)
    # Status date 2026-03-02. build: done 2025-09-01..10-20 (50 d); life running since 2025-11-03
    # (119 days before the status date); abuse running since 2026-01-12 (49 days before it).
    assert _bars(figure, "Work done by the status date") == {
        "c60-b-build": ("2025-09-01", 50),
        "c60-b-life": ("2025-11-03", 119),
        "c60-b-abuse": ("2026-01-12", 49),
    }
    to_come = {
        **_bars(figure, "Critical chain (milestone not late)"),
        **_bars(figure, "Other tasks"),
    }
    # The remaining days from the status date: life to 2026-06-11 (102 d), abuse to 2026-03-17 (16 d).
    assert to_come["c60-b-life"] == ("2026-03-02", 102)
    assert to_come["c60-b-abuse"] == ("2026-03-02", 16)
    assert to_come["c60-b-calendar"] == ("2026-03-18", 90)
    assert "c60-b-build" not in to_come
    [line] = _status_lines(figure["layout"]["shapes"])
    assert (line["x0"], line["x1"], line["y0"], line["y1"]) == ("2026-03-02", "2026-03-02", 0, 1)
    assert any(note["text"] == "status date 2026-03-02" for note in figure["layout"]["annotations"])


def test_the_hover_of_a_running_task_says_how_far_it_is() -> None:
    result, explanation = _solved()
    figure = _gantt(result, explanation)
    trace = next(trace for trace in figure["data"] if trace.get("name") == "Work done by the status date")
    hover = trace["customdata"][trace["y"].index("c60-b-abuse")]
    assert "<b>running</b>: 49 of 65 days done by the status date 2026-03-02" in hover
    hover = trace["customdata"][trace["y"].index("c60-b-build")]
    assert "<b>done</b> (actual dates)" in hover


def test_every_resource_chart_has_the_status_line_and_the_page_says_where_we_stand() -> None:
    result, explanation = _solved()
    tasks = task_rows(result, critical_map(explanation))
    first, last = figures.x_range(result, tasks, milestone_rows(result))
    resources = json.loads(figures.resource_figure(result, tasks, first, last).to_json())
    lines = _status_lines(resources["layout"]["shapes"])
    assert len(lines) == 2 and all(shape["x0"] == "2026-03-02" for shape in lines)
    page = html.render(result, explanation)
    assert "progress as of 2026-03-02: 1 task done, 2 running, 2 planned; 1 of 2 milestones reached" in page
    assert "<th>State</th>" in page and "<td>running</td>" in page
