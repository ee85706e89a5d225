"""The follower on real files written by another process: growth, cut lines, rotation, replace."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from inspector.live import follower
from tests.live.helpers import Harness, WriterProcess
from tests.live.writer import run_id


def _once_each(h: Harness) -> Counter[str]:
    """How often each span was reported finished (every count must be 1)."""
    return Counter(s.span_id for s in h.spans if s.end_ns is not None)


def test_folder_new_files_growth_subfolder_and_one_bad_line(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    with WriterProcess() as writer, Harness(folder) as h:
        h.look()
        assert h.spans == [] and h.problems == []
        writer.send(f"append {folder / 'a.jsonl'} 5")
        h.pump_until(lambda: len(h.ended()) == 5, "the first file's 5 spans")
        (folder / "sub").mkdir()
        total = writer.send(
            f"append {folder / 'sub' / 'b.jsonl'} 3 2",
            f"bad {folder / 'a.jsonl'}",
            f"append {folder / 'a.jsonl'} 2",
        )
        h.pump_until(lambda: len(h.ended()) == total, f"all {total} spans")
        h.look()
        assert total == 10
        assert set(_once_each(h).values()) == {1}
        assert len(h.stored()) == total
        assert h.written == total  # nothing was read twice
        assert [(p.source, p.location) for p in h.problems] == [(str(folder / "a.jsonl"), "line 6")]
        assert "not JSON" in h.problems[0].message or "invalid" in h.problems[0].message
        assert {s.trace_id for s in h.spans} == {run_id(1), run_id(2)}
        assert sorted(h.names("opened")) == [str(folder / "a.jsonl"), str(folder / "sub/b.jsonl")]


def test_single_growing_file_resumes_after_load(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer:
        writer.send(f"append {path} 2")
        with Harness(path, load=True) as h:
            assert len(h.stored()) == 2  # the load indexed what was there
            for _ in range(3):
                writer.send(f"append {path} 1")
            h.pump_until(lambda: len(h.ended()) == 3, "3 appended spans")
            h.look()
            assert len(h.ended()) == 3  # the 2 loaded before following are not news
            assert len(h.stored()) == 5
            assert h.problems == []


def test_line_cut_mid_way_is_held_back_until_complete(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer:
        writer.send(f"append {path} 1", f"partial {path}")
        with Harness(path) as h:
            h.pump_until(lambda: len(h.ended()) == 1, "the complete line")
            size = path.stat().st_size
            h.look()
            h.look()
            assert path.stat().st_size == size  # the cut line is on disk, and was looked at
            assert len(h.ended()) == 1 and h.problems == []
            writer.send(f"finish {path}")
            h.pump_until(lambda: len(h.ended()) == 2, "the completed line")
            h.look()
            assert h.problems == []
            assert len(h.stored()) == 2 and h.written == 2


def test_rotation_renamed_away_and_fresh_file_in_folder(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    live = folder / "spans.jsonl"
    with WriterProcess() as writer, Harness(folder) as h:
        writer.send(f"append {live} 3")
        h.pump_until(lambda: len(h.ended()) == 3, "3 spans before rotation")
        # Lines land just before the rename, so the follower may first see them after it.
        total = writer.send(
            f"append {live} 2",
            f"rename {live} {folder / 'spans-1.jsonl'}",
            f"append {live} 4",
        )
        h.pump_until(lambda: len(h.ended()) == total, "every span across the rotation")
        h.look()
        assert set(_once_each(h).values()) == {1}
        assert len(h.stored()) == total == 9
        assert h.written == total  # the rotated file was not read again from its start
        assert h.problems == []


def test_rotation_of_a_single_followed_file_reads_the_last_lines(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer:
        writer.send(f"append {path} 1")
        with Harness(path) as h:
            h.pump_until(lambda: len(h.ended()) == 1, "the first span")
            total = writer.send(
                f"append {path} 2", f"rename {path} {tmp_path / 'run.jsonl.1'}", f"append {path} 3"
            )
            h.pump_until(lambda: len(h.ended()) == total, "spans from both files")
            assert len(h.stored()) == total == 6 and h.written == total


def test_truncated_file_restarts_without_recounting(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer, Harness(tmp_path) as h:
        writer.send(f"append {path} 4")
        h.pump_until(lambda: len(h.ended()) == 4, "4 spans")
        total = writer.send(f"truncate {path}", f"append {path} 2")
        h.pump_until(lambda: len(h.ended()) == total, "spans written after the truncation")
        assert h.names("restarted") == [str(path)]
        assert set(_once_each(h).values()) == {1}
        assert len(h.stored()) == 6
        assert h.problems == []


def test_atomic_save_rereads_the_file_but_reports_only_new_spans(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer, Harness(tmp_path) as h:
        writer.send(f"append {path} 3")
        h.pump_until(lambda: len(h.ended()) == 3, "3 spans")
        total = writer.send(f"replace {path} 2")
        h.pump_until(lambda: len(h.ended()) == total, "the saved file's new spans")
        h.look()
        assert set(_once_each(h).values()) == {1}
        assert len(h.stored()) == 5
        assert h.problems == []


def test_deleted_file_is_closed_and_its_spans_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follower, "MISSING_GRACE_S", 0.1)
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer, Harness(tmp_path, rescan_s=0.1) as h:
        writer.send(f"append {path} 2")
        h.pump_until(lambda: len(h.ended()) == 2, "2 spans")
        writer.send(f"delete {path}")
        h.pump_until(lambda: str(path) in h.names("closed"), "the file to be closed")
        assert h.follower.files == {}
        assert len(h.stored()) == 2
        # A new file under the old name is a new file, read from its start.
        writer.send(f"append {path} 1")
        h.pump_until(lambda: len(h.ended()) == 3, "the new file's span")


def test_watchdog_events_alone_deliver_spans(tmp_path: Path) -> None:
    """With the periodic rescan an hour away, only watchdog can have said the file grew."""
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer, Harness(tmp_path, rescan_s=3600.0) as h:
        h.look()  # the first poll is a full look; after it, only events trigger reads
        writer.send(f"append {path} 2")
        h.pump_until(lambda: len(h.ended()) == 2, "spans announced by watchdog", timeout=5)
        writer.send(f"append {path} 1")
        h.pump_until(lambda: len(h.ended()) == 3, "an appended span", timeout=5)


def test_rescan_finds_changes_watchdog_never_reported(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer, Harness(tmp_path, watch=False, rescan_s=0.05) as h:
        writer.send(f"append {path} 2")
        h.pump_until(lambda: len(h.ended()) == 2, "spans found by the rescan")
        total = writer.send(f"append {path} 1", f"rename {path} {tmp_path / 'old.jsonl'}")
        h.pump_until(lambda: len(h.ended()) == total, "the span written before the rename")
        assert h.written == total


def test_rotation_whose_move_event_comes_late_is_not_read_twice(tmp_path: Path) -> None:
    """watchdog holds a rename back (up to 0.5 s) while the new file's events pass: the
    rotated file must be recognised when it turns up, not read again as a new one."""
    live, rotated = tmp_path / "spans.jsonl", tmp_path / "spans-1.jsonl"
    with WriterProcess() as writer, Harness(tmp_path, watch=False, rescan_s=3600.0) as h:
        writer.send(f"append {live} 3")
        h.look()
        total = writer.send(f"append {live} 2", f"rename {live} {rotated}", f"append {live} 4")
        h.follower.queue.add(live)  # only the new file's writes are reported...
        h.take(h.follower.poll())
        assert len(h.ended()) == 7 and h.names("closed") == []
        h.follower.queue.moved(live, rotated)  # ...then the rename
        h.take(h.follower.poll())
        assert len(h.ended()) == total == 9
        assert h.written == total
        assert h.names("closed") == []


def test_wake_ends_a_wait_from_another_thread(tmp_path: Path) -> None:
    with Harness(tmp_path, rescan_s=3600.0) as h:
        h.look()
        timer = threading.Timer(0.05, h.follower.wake)
        timer.start()
        started = time.monotonic()
        assert h.follower.wait(timeout=30) is True
        assert time.monotonic() - started < 5
        timer.join()


def test_log_records_arriving_later_attach_to_their_span(tmp_path: Path) -> None:
    """GenAI prompts may come on the logs pipeline, in a file of their own, after the span."""
    with WriterProcess() as writer, Harness(tmp_path) as h:
        writer.send(f"append {tmp_path / 'spans.jsonl'} 1")
        h.pump_until(lambda: len(h.ended()) == 1, "the span")
        writer.send(f"logs {tmp_path / 'logs.jsonl'} 1")
        h.pump_until(lambda: run_id(1) in h.names("changed"), "its run to change")
        reader = h.workspace.reader()
        try:
            span = reader.span(run_id(1), f"{1:016x}")
        finally:
            reader.close()
        assert span is not None
        assert [e.name for e in span.events] == ["gen_ai.user.message"]
        assert h.problems == []
