"""``qualplan diff OLD NEW``: what a change to a plan file does to its dates.

Each side is a plan file, or ``GITREF:PATH`` read with ``git show GITREF:PATH``
in the current directory's repository (so ``origin/main:plans/x.yaml`` is the
file as the base branch has it; git reads PATH from the repository's root, or
from the current directory when it starts with ``./``). Messages name that side
``GITREF:PATH``. A name that exists as a file is always the file.

Both plans go through the shared pipeline with the same seed and limits, then
``plan_diff.compare`` and a renderer. Exit 0, or 1 with ``--fail-on-slip DAYS``
when a due-dated milestone moves later by more than DAYS; 2 for bad input (a side
that cannot be read, an invalid plan), 4 for a bug. An undecided solve is not an
error here: the diff reports what was found.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualplan import cancel
from qualplan.commands import pipeline
from qualplan.commands.pipeline import Request, SolveSettings, Streams
from qualplan.exitcodes import ExitCode, combine
from qualplan.loader import MAX_BYTES

#: Seconds ``git`` may take to answer (a local object read takes milliseconds).
GIT_TIMEOUT = 30


class Unreadable(ValueError):
    """A side of the diff that cannot be read; the message says why."""


def run(
    old: str,
    new: str,
    *,
    output_format: str = "text",
    fail_on_slip: int | None = None,
    time_limit: float,
    workers: int,
    seed: int,
    sets: Sequence[str] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ExitCode:
    """Solve both sides, print the difference, and return the exit code (module docstring).

    ``sets`` (``--set``) change both sides the same way.
    """
    streams = Streams.of(stdout, stderr)
    changes = pipeline.plan_changes("diff", sets, streams)
    if changes is None:
        return ExitCode.BAD_INPUT
    settings = SolveSettings(time_limit=time_limit, workers=workers, seed=seed)
    requests = []
    for label, side in (("OLD", old), ("NEW", new)):
        try:
            requests.append(read_side(side, settings, changes))
        except Unreadable as why:
            streams.error(f"qualplan diff: {label} {side}: {why}")
            return ExitCode.BAD_INPUT
    outcomes = [pipeline.process(request, streams) for request in requests]
    if any(outcome.result is None for outcome in outcomes):
        return combine(outcome.code for outcome in outcomes if outcome.result is None)

    from qualplan.plan_diff import compare
    from qualplan.report import diff_report

    before, after = outcomes
    assert before.result is not None and after.result is not None
    try:
        found = compare(before.result, after.result, old, new)
        streams.write(diff_report.render(found, output_format))
    except cancel.Interrupted:
        raise
    except Exception as error:  # a bug: one line, exit 4
        return pipeline.failed(after, error, streams).code
    if fail_on_slip is not None and found.slips(fail_on_slip):
        return ExitCode.MISSED
    return ExitCode.OK


def read_side(side: str, settings: SolveSettings, changes) -> Request:
    """The request for one side: the file when ``side`` names one, else ``GITREF:PATH`` read from git."""
    path = Path(side)
    if path.exists() or path.is_symlink():
        return Request(path, settings, changes)
    ref, colon, inside = side.partition(":")
    if not colon or not ref or not inside:
        raise Unreadable("no such file (for a file in git, write GITREF:PATH, e.g. origin/main:plans/x.yaml)")
    return Request(Path(side), settings, changes, text=git_show(ref, inside))


def git_show(ref: str, path: str, cwd: Path | None = None) -> bytes:
    """The bytes of ``path`` at ``ref`` in the repository of ``cwd`` (default: the current directory)."""
    if _git(["rev-parse", "--git-dir"], cwd).returncode != 0:
        raise Unreadable(
            "no such file, and the current directory is not in a git repository, where GITREF:PATH would be read"
        )
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd).returncode != 0:
        raise Unreadable(f"no commit '{ref}' in this git repository (a branch, tag or commit, e.g. origin/main)")
    shown = _git(["show", f"{ref}:{path}"], cwd)
    if shown.returncode != 0:
        detail = shown.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1].removeprefix("fatal: ") if detail else "git show failed"
        raise Unreadable(f"cannot read '{path}' at {ref}: {reason}")
    if len(shown.stdout) > MAX_BYTES:
        return shown.stdout[: MAX_BYTES + 1]  # the loader refuses it with its own message
    return shown.stdout


def _git(arguments: list[str], cwd: Path | None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise Unreadable("no such file, and git is not installed to read GITREF:PATH") from None
    except subprocess.TimeoutExpired:
        raise Unreadable(f"git did not answer within {GIT_TIMEOUT} s") from None
