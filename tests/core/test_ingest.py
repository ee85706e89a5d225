"""Reading a file in parallel pieces gives exactly what reading it in one process gives."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from inspector import ingest
from inspector.cli import summary_data
from inspector.workspace import Workspace
from tests import sdk


def _load(path: Path) -> tuple[dict[str, Any], dict[tuple[str, str], Any], Workspace]:
    """Summary and every span's full detail (attributes, events, location) of a file."""
    ws = Workspace(path)
    ws.load()
    reader = ws.reader()
    data = summary_data(ws.format, reader)
    details: dict[tuple[str, str], Any] = {}
    for run in reader.runs(0, 1000):
        for row in reader.span_rows(run.trace_id):
            span = reader.span(run.trace_id, row.span_id)
            assert span is not None
            details[(run.trace_id, row.span_id)] = (
                span.name,
                span.attributes,
                [(e.name, e.attributes) for e in span.events],
                span.location,
                span.kind,
            )
    reader.close()
    return data, details, ws


def _parallel(monkeypatch: pytest.MonkeyPatch, piece_bytes: int) -> None:
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "PIECE_BYTES", piece_bytes)
    monkeypatch.setattr(ingest, "FIRST_BATCH", 1)
    monkeypatch.setattr(ingest, "FIRST_PIECE_BYTES", piece_bytes)
    monkeypatch.setattr(
        ingest.pieces,
        "__defaults__",
        (piece_bytes, None),  # the defaults were bound at import time
    )


def _snapshot_spans(ws: Workspace) -> int:
    conn = sqlite3.connect(ws.store_path)
    try:
        return int(
            conn.execute("SELECT count(*) FROM spans WHERE raw_offset IS NOT NULL").fetchone()[0]
        )
    finally:
        conn.close()


def test_pieces_match_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spans = sdk.make_spans()
    path = sdk.write_otlp_lines(spans * 3, tmp_path / "t.jsonl", per_line=1)
    with path.open("a") as handle:
        handle.write("{broken\n")
    more = sdk.write_otlp_lines(spans, tmp_path / "more.jsonl", per_line=2)
    with path.open("a") as handle:
        handle.write(more.read_text())  # duplicates: merged
        handle.write('{"resourceSpans": [')  # truncated last line
    one_data, one_details, one_ws = _load(path)
    one_ws.close()
    _parallel(monkeypatch, 300)  # a piece every line or two
    assert len(list(ingest.pieces(path, 0, 0))) > 10
    data, details, ws = _load(path)
    try:
        assert _snapshot_spans(ws) > 0  # the workers' spans point into the snapshot
        folder = ws.store_path.parent
        assert sorted(p.name for p in folder.glob("*.db")) == ["index.db"]  # shards removed
        assert data == one_data
        assert details == one_details
        assert data["spans"] == 7
        assert [p["location"] for p in data["problems"]] == ["line 22", "line 27"]
    finally:
        ws.close()


def test_search_finds_text_only_in_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = sdk.make_spans()
    path = sdk.write_otlp_lines(spans, tmp_path / "t.jsonl", per_line=1)
    _, details, one_ws = _load(path)
    reader = one_ws.reader()
    # a word that is only in attribute values, and one with characters JSON may escape
    word = "Paris"
    expected = reader.search(word)
    tricky = reader.search('"role"')
    reader.close()
    one_ws.close()
    assert expected, "the test data should mention the word"
    _parallel(monkeypatch, 200)
    ws = Workspace(path)
    try:
        ws.load()
        assert _snapshot_spans(ws) == len(details) - 1  # all but the first batch (here)
        reader = ws.reader()
        assert reader.search(word) == expected
        assert reader.search(word.upper()) == expected
        assert reader.search('"role"') == tricky
        assert reader.search("no such text anywhere") == []
        reader.close()
    finally:
        ws.close()


def test_pretty_stream_cut_at_object_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sdk.write_console(sdk.make_spans(), tmp_path / "console.txt")
    one_data, one_details, one_ws = _load(path)
    one_ws.close()
    _parallel(monkeypatch, 100)
    cuts = list(ingest.pieces(path, 0, 0))
    assert len(cuts) > 3
    text = path.read_bytes()
    assert all(text[c.start : c.start + 1] == b"{" for c in cuts)
    data, details, ws = _load(path)
    ws.close()
    assert (data, details) == (one_data, one_details)


def test_worker_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _parallel(monkeypatch, 200)
    path = sdk.write_otlp_lines(sdk.make_spans(), tmp_path / "t.jsonl", per_line=1)
    ws = Workspace(path)
    monkeypatch.setattr(ingest, "read_piece", _failing_piece)
    with pytest.raises(OSError, match="disk on fire"):
        ws.load()
    ws.close()


def _failing_piece(*args: object) -> ingest.Step:
    raise OSError("disk on fire")


@pytest.mark.parametrize("size", [1, 7, 100, 5000, 1 << 20])
def test_pieces_cover_the_file_at_record_starts(tmp_path: Path, size: int) -> None:
    path = sdk.write_otlp_lines(sdk.make_spans() * 5, tmp_path / "t.jsonl", per_line=1)
    with path.open("ab") as handle:
        handle.write(b'{"no newline at the end": 1}')
    data = path.read_bytes()
    cuts = list(ingest.pieces(path, 0, 0, size))
    assert cuts[0].start == 0 and cuts[-1].end == len(data)
    for before, after in pairwise(cuts):
        assert before.end == after.start
        assert data[after.start - 1 : after.start + 1] == b"\n{"
        assert after.line_no == data[: after.start].count(b"\n")
    if size < 1000:
        assert len(cuts) == data.count(b"\n{") + 1  # every record is a boundary


def test_cancel_keeps_what_was_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from inspector.workspace import Cancelled

    _parallel(monkeypatch, 200)
    path = sdk.write_otlp_lines(sdk.make_spans() * 20, tmp_path / "t.jsonl", per_line=1)
    ws = Workspace(path)
    cancel = threading.Event()
    seen: list[int] = []

    def on_batch(change: object, progress: Any) -> None:
        seen.append(progress.spans)
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        ws.load(on_batch, cancel)
    reader = ws.reader()
    try:
        rows = sum(len(reader.span_rows(run.trace_id)) for run in reader.runs(0, 100))
        assert 0 < rows == reader.totals().spans == seen[-1]  # rollups match what is there
        assert len(seen) == 3
    finally:
        reader.close()
        ws.close()
    assert not ws.store_path.parent.exists()  # the index folder (shards, snapshot) is gone


def test_first_piece_has_its_own_size(tmp_path: Path) -> None:
    path = sdk.write_otlp_lines(sdk.make_spans() * 5, tmp_path / "t.jsonl", per_line=1)
    cuts = list(ingest.pieces(path, 0, 0, 1 << 20, first=1))
    assert cuts[0].end < cuts[1].end == path.stat().st_size  # one record, then the rest


def test_pretty_otlp_documents_take_the_slow_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretty-printed OTLP records have no snapshot position: their pieces are prepared the
    generic way (records kept in raws), with the same result and no scratch files left."""
    spans = sdk.make_spans()
    one = sdk.write_otlp_document(spans[:3], tmp_path / "a.json")
    two = sdk.write_otlp_document(spans[3:], tmp_path / "b.json")
    path = tmp_path / "pretty.json"
    path.write_bytes(one.read_bytes().rstrip() + b"\n" + two.read_bytes())
    one_data, one_details, one_ws = _load(path)
    one_ws.close()
    _parallel(monkeypatch, 10)
    assert len(list(ingest.pieces(path, 0, 0))) == 2
    data, details, ws = _load(path)
    try:
        assert (data, details) == (one_data, one_details)
        assert data["spans"] == 7
        assert _snapshot_spans(ws) == 0
        assert sorted(p.name for p in ws.store_path.parent.glob("*.db")) == ["index.db"]
    finally:
        ws.close()


def test_no_room_for_the_index_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil as real_shutil

    from inspector import workspace

    path = sdk.write_otlp_lines(sdk.make_spans(), tmp_path / "t.jsonl", per_line=1)
    folder = tmp_path / "indexes"
    folder.mkdir()
    monkeypatch.setenv(workspace.INDEX_DIR_ENV, str(folder))
    ws = Workspace(path)  # room enough: the index goes where the variable says
    assert ws.store_path.parent.parent == folder
    ws.close()

    full = real_shutil.disk_usage(folder)._replace(free=1 << 20)
    monkeypatch.setattr(workspace.shutil, "disk_usage", lambda _folder: full)
    with pytest.raises(ValueError, match=r"not enough free space .* TRACE_INSPECTOR_INDEX_DIR"):
        Workspace(path)
    assert list(folder.iterdir()) == []  # nothing written


@pytest.mark.skipif(not hasattr(os, "nice"), reason="os.nice is POSIX only")
def test_workers_run_below_the_window_without_cyclic_gc() -> None:
    code = (
        "import gc, os; from inspector.ingest import _worker_start; before = os.nice(0); "
        "_worker_start(); print(os.nice(0) - before, gc.isenabled())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(ingest.WORKER_NICENESS), "False"]


@pytest.mark.skipif(os.name != "posix", reason="liveness of a pid is only tested on POSIX")
def test_index_folders_of_ended_processes_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspector import workspace
    from inspector.indexdirs import PREFIX

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp_path / "indexes"
        left = folder / f"{PREFIX}{ended.pid}-abc123"  # what a crash leaves
        kept = [
            folder / f"{PREFIX}{running.pid}-def456",  # another window, still open
            folder / f"{PREFIX}{os.getpid()}-ghi789",  # this process's own
            folder / f"{PREFIX}old",  # not named by this version: not ours to judge
            folder / "something-else",
        ]
        for path in (left, *kept):
            path.mkdir(parents=True)
            (path / "snapshot-1.bin").write_bytes(b"x" * 1000)
        monkeypatch.setenv(workspace.INDEX_DIR_ENV, str(folder))
        trace = sdk.write_otlp_lines(sdk.make_spans(), tmp_path / "t.jsonl", per_line=1)
        ws = Workspace(trace)
        try:
            assert not left.exists()
            assert all(path.exists() for path in kept)
            assert ws.store_path.parent.name.startswith(f"{PREFIX}{os.getpid()}-")
        finally:
            ws.close()
        assert not ws.store_path.parent.exists()
    finally:
        running.kill()
        running.wait()
