"""The exit codes of every command (plan format 1), decided in this one place."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class ExitCode(enum.IntEnum):
    OK = 0  # plan(s) valid; for `check`, every due date met
    MISSED = 1  # `check`: a due date is missed
    BAD_INPUT = 2  # an invalid plan file or a bad command line; nothing was written
    UNDECIDED = 3  # `check`: undecided within the time limit
    INTERNAL = 4  # a bug


#: Several plans: the first of these that applies to any of them wins.
_PRECEDENCE = (ExitCode.INTERNAL, ExitCode.BAD_INPUT, ExitCode.UNDECIDED, ExitCode.MISSED)


def combine(codes: Iterable[ExitCode]) -> ExitCode:
    """The exit code for several plans: the first of 4, 2, 3, 1 that applies, else 0."""
    seen = set(codes)
    return next((code for code in _PRECEDENCE if code in seen), ExitCode.OK)
