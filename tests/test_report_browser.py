"""The report in a real browser: headless Chromium opens the file with no network.

Checks what a planner relies on when opening ``report.html`` on a laptop: the
charts draw (SVG present, one bar per task), nothing logs an error, no request
leaves the file, a task named like a script stays text, and zooming the
schedule zooms the resource charts with it. Screenshots land in
``test-artifacts/`` for a human to look at: one screen of each report (of a
bundled plan's, its schedule), not the whole page, which costs seconds.

Opening a report costs seconds of CPU (plotly.js is 4.6 MB of script to compile
and run), so the ladder report is opened once and shared by the tests that only
read or zoom it; each puts the zoom back (``ladder``).

Chromium is driven over ``--remote-debugging-pipe`` (``chromium_pipe.py``, standard
library only). Skipped, saying so, where Chromium is not installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chromium_pipe import Browser, Page, chromium, find_chromium
from qualplan.commands import report as report_command
from qualplan.exitcodes import ExitCode
from qualplan.explain import explain
from qualplan.loader import load_plan
from qualplan.report import html
from report_support import INJECTED, earliest_result, ladder_problem

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,  # Chromium
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium); the report's browser test needs it",
    ),
]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
BUNDLED = sorted((ROOT / "plans").glob("*.y*ml"))

BARS = "#qualplan-gantt .cartesianlayer .bars .point path"
DIAMONDS = "#qualplan-gantt .cartesianlayer .scatter .points path.point"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with chromium(CHROMIUM) as running:
        yield running


def open_page(browser: Browser, path: Path) -> Page:
    """Open ``path`` in a new tab and wait for its load event (plotly draws before it)."""
    page = browser.new_page()
    page.open(path.as_uri())
    return page


@pytest.fixture
def opener(browser: Browser) -> Iterator[Callable[[Path], Page]]:
    """``open_page`` for one test: its tabs are closed after it, passed or failed."""
    pages: list[Page] = []

    def open_file(path: Path) -> Page:
        pages.append(open_page(browser, path))
        return pages[-1]

    yield open_file
    for page in pages:
        page.close()


def errors(page: Page) -> list[str]:
    """Console errors and assertions, uncaught exceptions, and browser log errors (CSP, network)."""
    found = [
        " ".join(str(arg.get("value", arg.get("description", ""))) for arg in event["args"])
        for event in page.events_of("Runtime.consoleAPICalled")
        if event["type"] in {"error", "assert"}
    ]
    found += [
        " ".join(filter(None, (details["text"], details.get("exception", {}).get("description"))))
        for details in (event["exceptionDetails"] for event in page.events_of("Runtime.exceptionThrown"))
    ]
    found += [
        event["entry"]["text"] for event in page.events_of("Log.entryAdded") if event["entry"]["level"] == "error"
    ]
    return found


def requests(page: Page, path: Path) -> list[str]:
    """Every URL the page asked for besides the report file itself."""
    urls = [event["request"]["url"] for event in page.events_of("Network.requestWillBeSent")]
    return [url for url in urls if url != path.as_uri()]


def count(page: Page, selector: str) -> int:
    """How many elements match ``selector`` and can be seen (plotly draws some points with opacity 0)."""
    return page.evaluate(
        f"Array.from(document.querySelectorAll({selector!r})).filter(e => getComputedStyle(e).opacity !== '0').length"
    )


def hover_text(page: Page, selector: str, index: int) -> str:
    """Move the mouse onto the ``index``-th element matching ``selector``; the hover label's text."""
    x, y = page.evaluate(
        f"(() => {{ const r = document.querySelectorAll({selector!r})[{index}].getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x - 5, "y": y - 5})
    page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    return page.wait_for("(document.querySelector('#qualplan-gantt .hoverlayer .hovertext') || {}).textContent")


def _ladder_report(folder: Path) -> Path:
    problem = ladder_problem(
        top={"resources": {"chamber": {"capacity": 2, "changes": [{"from": "2026-03-01", "capacity": 3}]}}},
        **{
            "cell-build": {"name": INJECTED},
            "cell-cycle": {"uses": {"chamber": 1}},
            "module-abuse": {"uses": {"chamber": 1}},
        },
    )
    result = earliest_result(problem)
    path = folder / "ladder.html"
    path.write_text(html.render(result, explain(result, conflicts=False)))
    return path


@pytest.fixture(scope="module")
def ladder_page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, Path]]:
    """The ladder report, opened once for the tests below, with both figures drawn."""
    path = _ladder_report(tmp_path_factory.mktemp("ladder"))
    page = open_page(browser, path)
    page.wait_for("document.querySelectorAll('#qualplan-resources svg').length > 0")
    yield page, path
    page.close()


#: The x-axis range of each chart of the ladder report, as a JavaScript expression.
RANGES = "['qualplan-gantt', 'qualplan-resources'].map(id => document.getElementById(id).layout.xaxis.range.slice())"


@pytest.fixture
def ladder(ladder_page: tuple[Page, Path]) -> Iterator[tuple[Page, Path]]:
    """The shared ladder page as it was drawn: after each test the mouse leaves the charts and the
    schedule's zoom is put back, which zooms the resource charts back with it."""
    page, path = ladder_page
    page.bring_to_front()  # a bundled plan's test may have opened a tab over it since
    shown = page.evaluate(RANGES)
    yield page, path
    page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 0, "y": 0})
    page.evaluate(
        f"Plotly.relayout(document.getElementById('qualplan-gantt'), {{'xaxis.range': {json.dumps(shown[0])}}})"
        ".then(() => true)"
    )
    page.wait_for(f"JSON.stringify({RANGES}) === {json.dumps(json.dumps(shown, separators=(',', ':')))}")


def test_the_report_draws_offline_without_errors_and_an_injected_name_stays_text(
    ladder: tuple[Page, Path],
) -> None:
    page, path = ladder
    page.wait_for(f"document.querySelectorAll({BARS!r}).length === 4")

    assert count(page, "#qualplan-gantt svg") > 0
    assert count(page, DIAMONDS) == 2  # cells-done and sop
    assert page.evaluate("document.title") == "qualplan report: Ladder plan"
    assert page.evaluate("document.scripts.length") == 4  # plotly.js, two figures' data, the drawing code
    ticks = page.evaluate(
        "Array.from(document.querySelectorAll('#qualplan-gantt .ytick text')).map(e => e.textContent)"
    )
    assert ticks[:3] == ["10Ah cell", INJECTED, "Cycle life: 1000 cycles; 25 °C #1"]
    first_bar = hover_text(page, BARS, 0)
    assert first_bar.startswith(INJECTED), first_bar  # the bar of cell-build, its name shown as written
    assert "standard" not in first_bar and "2026-01-05 → 2026-01-14" in first_bar
    page.settle()  # let any late error surface before looking
    assert errors(page) == []
    assert requests(page, path) == []
    assert page.evaluate("document.title") == "qualplan report: Ladder plan"
    shot = page.screenshot(ARTIFACTS / "report-ladder.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_zooming_the_schedule_zooms_the_resource_charts(ladder: tuple[Page, Path]) -> None:
    page, _ = ladder
    page.evaluate(
        "Plotly.relayout(document.getElementById('qualplan-gantt'), {'xaxis.range': ['2026-01-01', '2026-04-01']})"
        ".then(() => true)"
    )
    synced = page.wait_for(
        "(() => { const r = document.getElementById('qualplan-resources').layout.xaxis.range;"
        " return r[0].startsWith('2026-01-01') && r[1].startsWith('2026-04-01') ? r : null; })()"
    )
    assert synced
    page.settle()
    assert errors(page) == []


def axis_ticks(page: Page, axis: str) -> list[list[str]]:
    """The Gantt's ticks on ``axis`` as drawn: [the instant as an ISO time, its label]."""
    return page.evaluate(
        f"document.getElementById('qualplan-gantt')._fullLayout.{axis}._vals"
        ".map(v => [new Date(v.x).toISOString(), v.text])"
    )


def test_the_top_and_bottom_date_axes_agree_on_every_gridline(ladder: tuple[Page, Path]) -> None:
    """Each gridline is labelled, on both axes, with the month that starts at it (issue 12: the top axis
    read "2026-06" at the gridline of 1 July, the bottom axis "2026-07")."""
    page, _ = ladder
    page.wait_for("document.querySelector('#qualplan-gantt .x2tick') !== null")
    bottom, top = axis_ticks(page, "xaxis"), axis_ticks(page, "xaxis2")
    assert top == bottom
    assert len(bottom) >= 4
    for instant, label in bottom:
        assert instant == f"{label}-01T00:00:00.000Z"  # a month's first midnight, named by that month
    drawn = page.evaluate(
        "['xtick', 'x2tick'].map(c => Array.from(document.querySelectorAll('#qualplan-gantt .' + c + ' text'))"
        ".map(e => e.textContent))"
    )
    assert drawn[0] == drawn[1] == [label for _, label in bottom]
    page.screenshot(ARTIFACTS / "report-ladder-axes.png")

    # Zoomed in to a few weeks, ticks fall on days and name the whole date, the same on both axes.
    page.evaluate(
        "Plotly.relayout(document.getElementById('qualplan-gantt'), {'xaxis.range': ['2026-06-20', '2026-07-12']})"
        ".then(() => true)"
    )
    page.wait_for("document.getElementById('qualplan-gantt')._fullLayout.xaxis2._vals[0].text.length === 10")
    bottom, top = axis_ticks(page, "xaxis"), axis_ticks(page, "xaxis2")
    assert top == bottom
    assert all(instant == f"{label}T00:00:00.000Z" for instant, label in bottom)
    page.settle()
    assert errors(page) == []


@pytest.mark.parametrize("plan", BUNDLED, ids=[path.stem for path in BUNDLED])
def test_every_bundled_plan_gives_a_report_that_draws(
    opener: Callable[[Path], Page], tmp_path: Path, plan: Path
) -> None:
    output = tmp_path / f"{plan.stem}.html"
    assert report_command.run(plan, output, time_limit=1.0, workers=1, seed=0) is ExitCode.OK
    page = opener(output)
    if page.evaluate("document.getElementById('qualplan-gantt') !== null"):
        loaded = load_plan(plan).plan
        status_date = loaded.status_date
        # A bar for every task, and a second (grey, the work done) for a task running at the status date.
        running = sum(
            1
            for task in loaded.tasks
            if task.actual is not None and task.actual.end is None and task.actual.start < status_date
        )
        bars = len(loaded.tasks) + running
        page.wait_for(f"document.querySelectorAll({BARS!r}).length === {bars}")
    else:
        assert page.evaluate("document.querySelector('#schedule p').textContent")  # says why there is no chart
    page.settle()
    assert errors(page) == []
    assert requests(page, output) == []
    # The schedule, not the top of the page: a long milestone table fills the first screen.
    page.evaluate("document.getElementById('schedule').scrollIntoView()")
    page.screenshot(ARTIFACTS / f"report-{plan.stem}.png")


def test_the_browser_checks_can_fail(opener: Callable[[Path], Page], tmp_path: Path) -> None:
    """A page that logs errors, throws and fetches from the network must be caught, or the checks above
    prove nothing: what it logged and threw while it loaded (before ``Page.open`` switched the console
    reports on), and what came late, two frames or a task after it looked done (``Page.settle``)."""
    path = tmp_path / "bad.html"
    path.write_text(
        "<!DOCTYPE html><html><body><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('broken'); document.title = 'pwned';"
        " requestAnimationFrame(() => requestAnimationFrame(() => {"
        "  console.error('two frames later'); setTimeout(() => { throw new Error('a task later'); }, 0); }));"
        "</script><script>throw new TypeError('while loading');</script></body></html>"
    )
    page = opener(path)
    page.wait_for("document.title === 'pwned'")
    page.settle()
    found = [error.splitlines()[0] for error in errors(page)]  # an exception's first line, not its stack
    for error in ("broken", "Uncaught TypeError: while loading", "two frames later", "Uncaught Error: a task later"):
        assert error in found, found
    assert requests(page, path) == ["http://127.0.0.1:9/x.png"]
