"""Waiting for a path to appear: what counts as there, and retrying what cannot be opened yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.live.appear import missing_folder, open_when_present, present


def test_present_needs_content_or_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    assert not present(path)
    path.touch()
    assert not present(path)  # an empty file: SQLite's header (or the first line) is to come
    path.write_bytes(b"{")
    assert present(path)
    assert present(tmp_path)


def test_missing_folder_names_the_folder(tmp_path: Path) -> None:
    assert missing_folder(tmp_path / "later.jsonl") is None
    (tmp_path / "file").touch()
    assert missing_folder(tmp_path / "file" / "x.jsonl") == (
        f"{tmp_path / 'file' / 'x.jsonl'}: no such file or folder, "
        f"and its folder {tmp_path / 'file'} is not a folder"
    )


def test_a_path_not_readable_yet_is_retried(tmp_path: Path) -> None:
    """A database whose header is written but whose tables are not yet: open it once it is."""
    path = tmp_path / "run.db"
    path.write_bytes(b"SQLite format 3\x00")
    calls: list[Path] = []

    def opener(given: Path) -> str:
        calls.append(given)
        if len(calls) < 3:
            raise ValueError("no tables yet")
        return "opened"

    assert open_when_present(path, opener, poll_s=0.001) == "opened"
    assert calls == [path, path, path]


def test_a_path_that_stays_unreadable_is_an_error_after_the_grace(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a trace")
    calls = 0

    def opener(given: Path) -> str:
        nonlocal calls
        calls += 1
        raise ValueError(f"{given}: not a trace file")

    with pytest.raises(ValueError, match="not a trace file"):
        open_when_present(path, opener, poll_s=0.001, grace_s=0.0)
    assert calls == 2  # the first failure starts the grace; the next one, past it, is final


def test_a_missing_folder_is_not_waited_for(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        open_when_present(tmp_path / "gone" / "run.jsonl", str, poll_s=0.001)
