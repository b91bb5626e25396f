"""Write a file so that it either exists whole or not at all.

Every file qualplan writes (reports, imported plans) goes through
``write_atomic``: the bytes go to a temporary file in the same folder, are
flushed to disk, and the temporary file is renamed over the target. A rename
within one file system is atomic, so a reader (or a crash, a full disk, a
Ctrl-C) sees either the previous file, intact, or the new one, complete;
never a half-written report.

Two things a rename must never do (issue 12): replace something that is not a
regular file (``-o /dev/full`` run as root replaced the device node; a symbolic
link or a FIFO was replaced by a plain file), and land after the user asked the
command to stop. ``check_target`` refuses the first before any work starts (the
commands call it before solving) and ``write_atomic`` checks again; a stop
request (``qualplan.cancel``) is checked just before the rename, and the
temporary file is removed whatever ends the write.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from qualplan import cancel


class TargetRefused(OSError):
    """The output path cannot be written safely; ``str()`` says why, for ``cannot write PATH: ...``."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def check_target(path: Path | str) -> Path:
    """``path`` as a ``Path`` if a file may be written there; else raise ``TargetRefused``.

    A file may be written where nothing exists yet, or over a regular file, in
    a folder that exists. Anything else (a folder, a symbolic link, a FIFO, a
    device, a socket) would be replaced by the rename, so it is refused.
    Commands call this before doing any work, so a bad ``-o`` costs no solve.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise TargetRefused(target, f"folder {folder} {what}")
    _refuse_special(target)
    return target


def write_atomic(path: Path | str, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` atomically and return the path written.

    Text is encoded with ``encoding`` and written as is (no newline
    translation), so the file has the same bytes on every platform. The new
    file keeps the permissions of the file it replaces, or gets the usual
    ``0o666 & ~umask`` when it is new (``mkstemp`` alone would make it 0600).
    Raises ``TargetRefused`` when ``path`` exists and is not a regular file,
    ``OSError`` when the folder is missing or not writable, and
    ``cancel.Interrupted`` when a stop was requested before the rename; in
    every case the previous file is untouched and no temporary file is left.
    """
    target = Path(path)
    _refuse_special(target)
    cancel.check()
    data = content.encode(encoding) if isinstance(content, str) else bytes(content)
    mode = _mode_for(target)
    # The temporary file must live in the target's folder: os.replace is only
    # atomic within one file system.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        # A Ctrl-C or SIGTERM during the (possibly long) write only sets the stop request:
        # honour it here, before the file lands, so an interrupted command writes nothing.
        cancel.check()
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)
    return target


def _refuse_special(target: Path) -> None:
    """Raise ``TargetRefused`` when ``target`` exists and is not a regular file (links are not followed)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # unreadable: the write itself will say why
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        kind = f"a symbolic link (to {os.readlink(target)})"
    elif stat.S_ISDIR(mode):
        raise TargetRefused(target, "it is a folder; give a file name")
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:  # pragma: no cover - every file type POSIX defines is named above
        kind = "not a regular file"
    raise TargetRefused(
        target, f"it is {kind}, which writing would replace; give the path of a regular file or a new one"
    )


def _mode_for(target: Path) -> int:
    """The permission bits the written file should end up with."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        # The only way to read the umask is to set it and put it back (a command runs one thread here).
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk, where the platform allows opening a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename still happened
    finally:
        os.close(descriptor)
