"""Where a command writes: the streams it was given, else the process's own.

Every command's ``run`` takes ``stdout`` and ``stderr`` parameters (default:
``sys.stdout`` and ``sys.stderr`` as they are when it runs, so pytest's capture
and typer's runner see the output) and writes only through them, so tests can
call it with ``StringIO``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO


class OutputLost(BaseException):
    """Writing to a command's output failed (a full disk, a closed pipe): not a bug of ours.

    A ``BaseException``, like ``KeyboardInterrupt``, so that the handlers that keep one
    plan's bug from hiding the others do not take it for one; ``cli.main`` reports it.
    """

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(f"cannot write to {stream}: {error.strerror or error}")


@dataclass(frozen=True)
class Streams:
    """A command's output (``out``) and everything else: errors, warnings, progress (``err``)."""

    out: TextIO
    err: TextIO

    @classmethod
    def of(cls, stdout: TextIO | None = None, stderr: TextIO | None = None) -> Streams:
        """The given streams, or the process's own as they are now."""
        return cls(stdout if stdout is not None else sys.stdout, stderr if stderr is not None else sys.stderr)

    def write(self, text: str) -> None:
        """Output, as is."""
        try:
            self.out.write(text)
            self.out.flush()
        except OSError as error:
            raise OutputLost("standard output", error) from error

    def error(self, line: str) -> None:
        """One line on the error stream."""
        try:
            self.err.write(line + "\n")
            self.err.flush()
        except OSError as error:
            raise OutputLost("standard error", error) from error
