"""write_atomic: a written file exists whole or not at all, and a failure keeps the previous file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qualplan import atomic
from qualplan.atomic import write_atomic


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
