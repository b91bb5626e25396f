"""GitHub Actions workflow commands: ``::error file=F,line=L,col=C::message`` annotations.

An annotation shows on the pull request's "Files changed" tab at that line, so a
missed due date is marked where the ``due:`` is written. ``validate --format
github`` annotates plan errors; ``check --format github`` annotates missed due
dates (``::error``) and undecided plans (``::warning``). Plain text only: nothing
here imports the solver.
"""

from __future__ import annotations


def annotation(level: str, file: str, line: int, column: int, message: str) -> str:
    """One workflow command line: ``::LEVEL file=…,line=…,col=…::message`` (``level``: error, warning, notice)."""
    properties = ",".join(
        f"{name}={escape_property(str(value))}" for name, value in (("file", file), ("line", line), ("col", column))
    )
    return f"::{level} {properties}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (also ':' and ',')."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
