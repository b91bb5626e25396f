"""write_atomic: a written file exists whole or not at all, and a failure keeps the previous file."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from qualplan import atomic, cancel
from qualplan.atomic import TargetRefused, check_target, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_writes_text_as_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    written = write_atomic(target, "Tiāngōng\r\nline two\n")
    assert written == target
    assert target.read_bytes() == "Tiāngōng\r\nline two\n".encode()
    assert _leftovers(tmp_path) == []


def test_writes_bytes_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    write_atomic(target, b"\x89PNG\x00\xff")
    assert target.read_bytes() == b"\x89PNG\x00\xff"


def test_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_permissions_not_mkstemps_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "plan.yaml", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "plan.yaml").stat().st_mode) == 0o644


def test_a_failure_while_writing_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("the previous report")

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        write_atomic(target, "a new report that never lands")
    assert target.read_text() == "the previous report"
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_the_previous_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("the previous report")

    def refuse(source: str, destination: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(PermissionError, match="Permission denied"):
        write_atomic(target, "new")
    assert target.read_text() == "the previous report"
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_an_os_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No such file or directory"):
        write_atomic(tmp_path / "missing" / "report.html", "x")
    assert os.listdir(tmp_path) == []


def test_the_temporary_file_is_written_next_to_the_target(tmp_path: Path, monkeypatch) -> None:
    """os.replace is atomic only within one file system, so the temporary must share the folder."""
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, destination: object) -> None:
        seen.append(source)
        real_replace(source, destination)

    monkeypatch.setattr(atomic.os, "replace", spy)
    write_atomic(tmp_path / "report.html", "x")
    assert [Path(source).parent for source in seen] == [tmp_path]
    assert Path(seen[0]).name.startswith(".report.html.")


# --- what is never replaced (issue 12) ---------------------------------------------------------


@pytest.fixture
def no_stop_request():
    """Every test starts and ends without a stop request (the request is process-wide)."""
    cancel.reset()
    yield
    cancel.reset()


def test_a_symbolic_link_is_refused_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("the linked file")
    link = tmp_path / "report.html"
    link.symlink_to(real)
    with pytest.raises(TargetRefused, match=r"^it is a symbolic link \(to .*real\.html\), which writing would"):
        check_target(link)
    with pytest.raises(TargetRefused, match="symbolic link"):
        write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "the linked file"
    assert _leftovers(tmp_path) == []


def test_a_dangling_symbolic_link_is_refused_too(tmp_path: Path) -> None:
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "gone.html")
    with pytest.raises(TargetRefused, match="symbolic link"):
        write_atomic(link, "new")
    assert link.is_symlink() and not (tmp_path / "gone.html").exists()


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "report.html"
    os.mkfifo(fifo)
    with pytest.raises(TargetRefused, match=r"^it is a named pipe \(FIFO\), which writing would replace"):
        write_atomic(fifo, "new")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


def test_a_device_is_refused() -> None:
    # Only checked, never written: run as root, a write that got past the check would replace /dev/null.
    with pytest.raises(TargetRefused, match=r"^it is a device, which writing would replace"):
        check_target("/dev/null")


def test_a_folder_and_a_missing_folder_are_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(TargetRefused, match=r"^it is a folder; give a file name$"):
        check_target(tmp_path)
    with pytest.raises(TargetRefused, match=r"^folder .*missing does not exist$"):
        check_target(tmp_path / "missing" / "report.html")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(TargetRefused, match=r"^folder .*plain is not a folder$"):
        check_target(tmp_path / "plain" / "report.html")


def test_a_new_file_and_a_regular_file_are_accepted(tmp_path: Path) -> None:
    assert check_target(tmp_path / "new.html") == tmp_path / "new.html"
    (tmp_path / "old.html").write_text("x")
    assert check_target(str(tmp_path / "old.html")) == tmp_path / "old.html"


def test_a_stop_requested_during_the_write_lands_nothing_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch, no_stop_request
) -> None:
    """Ctrl-C while a report of several MB is written: the previous file stays, no `.NAME.XXXX.tmp`."""
    target = tmp_path / "report.html"
    target.write_text("the previous report")
    real_fsync = os.fsync

    def signal_arrives(descriptor: int) -> None:
        cancel.request(signal.SIGTERM)  # what the CLI's signal handler does
        real_fsync(descriptor)

    monkeypatch.setattr(atomic.os, "fsync", signal_arrives)
    with pytest.raises(cancel.Interrupted, match="interrupted by signal 15"):
        write_atomic(target, "x" * 5_000_000)
    assert target.read_text() == "the previous report"
    assert _leftovers(tmp_path) == []


def test_nothing_is_written_once_a_stop_was_requested(tmp_path: Path, no_stop_request) -> None:
    cancel.request(signal.SIGINT)
    with pytest.raises(cancel.Interrupted, match="interrupted by signal 2"):
        write_atomic(tmp_path / "report.html", "x")
    assert os.listdir(tmp_path) == []
