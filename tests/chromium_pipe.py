"""A minimal headless-Chromium driver over the DevTools protocol, standard library only.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands on
file descriptor 3 and writes replies and events on descriptor 4, each message
JSON terminated by a NUL byte. That needs no websocket library and no port,
and it is all the report's end-to-end test needs: open a page, collect console
messages, exceptions and network requests, evaluate JavaScript, move the mouse
and take a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXECUTABLES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests often run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The path of an installed Chromium or Chrome, or None."""
    for name in EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


class ChromiumError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Page:
    """One tab, with every event it produced recorded in ``events``."""

    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def evaluate(self, expression: str, *, timeout: float = 30) -> Any:
        """The value of a JavaScript expression (awaited if it is a promise)."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in reply:
            raise ChromiumError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, expression: str, *, timeout: float = 30) -> Any:
        """Wait until a JavaScript expression is truthy; its value.

        The page itself re-evaluates the expression every few milliseconds and answers as soon as it
        holds, so a wait costs no round trips and no fixed sleep (a poll from here every 0.1 s made
        every wait last 0.1 s at least).
        """
        poll = (
            "new Promise((resolve, reject) => {"
            f" const until = performance.now() + {timeout * 1000:.0f};"
            " (function poll() {"
            f"  let value; try {{ value = ({expression}); }} catch (error) {{ reject(error); return; }}"
            "  if (value) { resolve(value); } else if (performance.now() > until) { resolve(null); }"
            "  else { setTimeout(poll, 5); }"
            " })(); })"
        )
        value = self.evaluate(poll, timeout=timeout + 10)
        if not value:
            raise ChromiumError(f"timed out waiting for {expression!r}")
        return value

    def settle(self) -> None:
        """Let the page run everything it has queued: two animation frames, then the tasks queued
        by them. What that work logs arrives before the answer, so ``events`` then holds it.

        This replaces a fixed sleep: an error raised by a drawing step that plotly deferred to the
        next frame, or by a timer the page set, is in ``events`` when this returns
        (``test_the_browser_checks_can_fail`` shows both).
        """
        self.evaluate(
            "new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame("
            "() => setTimeout(() => resolve(true), 0))))"
        )

    def open(self, url: str) -> None:
        """Load ``url`` and wait for its load event; then report console calls and exceptions.

        The Runtime domain is switched on only now: on during the load, it makes the page's
        scripts cost a third more CPU (a bundled plan's report: 3.9 s against 3.1 s of the
        browser's CPU, measured). Nothing is lost by waiting: V8 keeps the page's console
        messages and uncaught exceptions, and reports them all when Runtime is switched on
        (``test_the_browser_checks_can_fail`` relies on it).
        """
        self.send("Page.navigate", {"url": url})
        self.wait_for_event("Page.loadEventFired")
        self.send("Runtime.enable")

    def wait_for_event(self, method: str, *, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method:
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChromiumError(f"timed out waiting for {method}")
            self.browser.pump(min(remaining, 0.2))

    def events_of(self, method: str) -> list[dict[str, Any]]:
        self.browser.pump(0)
        return [event["params"] for event in self.events if event["method"] == method]

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """A PNG of the viewport at ``path``; of the whole page with ``full_page``.

        The whole page costs seconds on a long report: the browser lays the page out at its full
        height, which makes plotly's responsive charts draw again, and encodes a tall image.
        """
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        reply = self.send("Page.captureScreenshot", params)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(reply["data"]))
        return path

    def bring_to_front(self) -> None:
        """Make this the tab in front, the one that draws (see ``Browser.new_page``)."""
        self.send("Page.bringToFront")

    def close(self) -> None:
        """Close the tab (its events stay readable)."""
        self.browser.send("Target.closeTarget", {"targetId": self.target})
        self.browser.forget(self.session)


class Browser:
    """A headless Chromium process driven over ``--remote-debugging-pipe``."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="qualplan-chromium-")
        to_browser, self._writer = os.pipe()
        self._reader, from_browser = os.pipe()

        def onto_fds_3_and_4() -> None:
            # Runs in the child before exec: the protocol's fixed descriptors.
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=onto_fds_3_and_4,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._pages: dict[str, Page] = {}

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (ChromiumError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None, timeout: float = 30
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while self._next_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChromiumError(f"no reply to {method} within {timeout} s")
            self.pump(remaining)
        reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise ChromiumError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def pump(self, timeout: float) -> None:
        """Read whatever the browser sent within ``timeout`` seconds and file it."""
        ready, _, _ = select.select([self._reader], [], [], timeout)
        if not ready:
            return
        chunk = os.read(self._reader, 1 << 20)
        if not chunk:
            raise ChromiumError("the browser closed the pipe")
        self._buffer += chunk
        while b"\0" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\0", 1)
            message = json.loads(raw)
            if "id" in message:
                self._replies[message["id"]] = message
            elif message.get("sessionId") in self._pages:
                self._pages[message["sessionId"]].events.append(message)

    def forget(self, session: str) -> None:
        """Stop filing the events of a closed tab's session."""
        self._pages.pop(session, None)

    def new_page(self, width: int = 1400, height: int = 1000) -> Page:
        """A fresh tab in front, with log, network and page events switched on (console and
        exceptions: ``open``). A tab behind another is hidden, and a hidden page draws no animation
        frames, so plotly and ``settle`` wait on it for ever: ``bring_to_front`` it first. (A
        window per tab would spare that, but costs a third more CPU per report opened.)
        """
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        self._pages[session] = page
        for domain in ("Log", "Network", "Page"):
            page.send(f"{domain}.enable")
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return page


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    browser = Browser(executable)
    try:
        yield browser
    finally:
        browser.close()
