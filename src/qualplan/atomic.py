"""Write a file so that it either exists whole or not at all.

Every file qualplan writes (reports, imported plans) goes through
``write_atomic``: the bytes go to a temporary file in the same folder, are
flushed to disk, and the temporary file is renamed over the target. A rename
within one file system is atomic, so a reader (or a crash, a full disk, a
Ctrl-C) sees either the previous file, intact, or the new one, complete;
never a half-written report.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path | str, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` atomically and return the path written.

    Text is encoded with ``encoding`` and written as is (no newline
    translation), so the file has the same bytes on every platform. The new
    file keeps the permissions of the file it replaces, or gets the usual
    ``0o666 & ~umask`` when it is new (``mkstemp`` alone would make it 0600).
    Raises ``OSError`` when the folder is missing or not writable; the
    previous file is then untouched and no temporary file is left behind.
    """
    target = Path(path)
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
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)
    return target


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
