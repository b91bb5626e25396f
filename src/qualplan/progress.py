"""A transient status line on stderr while a solve runs longer than a second.

Issue 3: "while solving longer than a second on an interactive terminal, show
progress on stderr (best schedule so far and the bound)". The line appears only
when stderr is a terminal, only after ``delay`` seconds (a quick solve shows
nothing, so nothing flickers), and is erased when the solve ends, so it never
mixes with the results on stdout or with a log captured from stderr.

The solver calls ``report`` from its solution callback, on the solver's thread;
rich's refresh thread reads the latest event. A single attribute assignment
hands the event over, so no lock is needed there.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

if TYPE_CHECKING:
    from qualplan.solver.progress import ProgressEvent

#: Seconds a solve must run before the status line appears.
DELAY = 1.0


class _DelayedDisplay:
    """What both displays share: shown on a terminal only, once ``delay`` seconds have passed
    (by a timer thread), and stopped (erased) when the ``with`` block ends, in whichever
    order the two happen. Subclasses build their rich display in ``_start`` and return it."""

    def __init__(self, label: str, stream: TextIO | None, delay: float | None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = DELAY if delay is None else delay
        self.enabled = _is_terminal(self.stream)
        self._lock = threading.Lock()  # orders showing the display against closing it
        self._timer: threading.Timer | None = None
        self._display = None
        self._closed = False

    @property
    def report(self):
        """The callback to pass to the work being shown (None when nothing is shown)."""
        return self._receive if self.enabled else None

    def __enter__(self):
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._display is not None:
                self._display.stop()

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._display = self._start(Console(file=self.stream, stderr=True, highlight=False))

    def _receive(self, *args) -> None:
        raise NotImplementedError

    def _start(self, console: Console):
        raise NotImplementedError


class SolveProgress(_DelayedDisplay):
    """``with SolveProgress(label) as progress: solve(..., progress=progress.report)``.

    ``report`` is None when nothing will be shown (stderr is not a terminal), so
    the solver can skip building events altogether.
    """

    def __init__(self, label: str, *, stream: TextIO | None = None, delay: float | None = None) -> None:
        super().__init__(label, stream, delay)
        self.latest: ProgressEvent | None = None
        self._began = 0.0

    def __enter__(self) -> SolveProgress:
        self._began = time.monotonic()
        return super().__enter__()

    def status(self) -> str:
        """The line as it reads now: elapsed time, then the best schedule and bound so far."""
        elapsed = time.monotonic() - self._began
        text = f"{self.label}: solving {elapsed:.0f} s"
        event = self.latest
        if event is None:
            return f"{text} — no schedule yet"
        text += f" — best schedule: lateness {event.lateness} (bound {event.lateness_bound})"
        if event.phase != "lateness":
            # Lateness is settled; the solver is now making milestones (then the last task) earlier.
            what = "milestone dates" if event.phase == "dates" else "last end"
            text += f", {what} {event.objective} (bound {event.bound})"
        return text

    def _receive(self, event: ProgressEvent) -> None:
        self.latest = event

    def _start(self, console: Console) -> Live:
        spinner = Spinner("dots")

        def current() -> Text:
            # One line, cut rather than wrapped: a wrapped transient line leaves debris when erased.
            line = Text.assemble(spinner.render(console.get_time()), " ", self.status())
            line.no_wrap, line.overflow = True, "ellipsis"
            return line

        live = Live(
            get_renderable=current,
            console=console,
            transient=True,
            refresh_per_second=4,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        live.start()
        return live


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: show nothing
        return False


class IterationProgress(_DelayedDisplay):
    """A progress bar of a risk run's iterations on stderr: ``with IterationProgress(label, total)
    as progress: simulate(..., progress=progress.report)``.

    Like ``SolveProgress``: only on a terminal, only once the run has taken ``delay``
    seconds, erased at the end. ``report`` is called from the thread that collects batches.
    """

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, delay: float | None = None) -> None:
        super().__init__(label, stream, delay)
        self.total = total
        self.done = 0
        self._task = None

    def _receive(self, done: int) -> None:
        with self._lock:
            self.done = done
            if self._display is not None:
                self._display.update(self._task, completed=done)

    def _start(self, console: Console):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            TextColumn(f"{self.label}: iterations"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = bar.add_task("risk", total=self.total, completed=self.done)
        bar.start()
        return bar
