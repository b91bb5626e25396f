"""A stand-in for an interactive stderr, for the tests of the progress displays."""

from __future__ import annotations

import io
import time


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def wait_for(stream: io.StringIO, text: str, seconds: float = 3.0) -> bool:
    """Whether ``text`` appears in ``stream`` within ``seconds`` (a display draws on its own thread)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in stream.getvalue():
            return True
        time.sleep(0.02)
    return False
