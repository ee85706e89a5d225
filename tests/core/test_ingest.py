"""The child-process reader gives exactly what the in-process reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector import ingest
from inspector.cli import summary_data
from inspector.workspace import Workspace
from tests import sdk


def _summary(path: Path) -> dict:  # type: ignore[type-arg]
    ws = Workspace(path)
    try:
        ws.load()
        reader = ws.reader()
        data = summary_data(ws.format, reader)
        reader.close()
        assert ws.source is not None
        return data
    finally:
        ws.close()


def test_child_process_matches_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spans = sdk.make_spans()
    path = sdk.write_otlp_lines(spans * 1, tmp_path / "t.jsonl", per_line=1)
    with path.open("a") as handle:
        handle.write("{broken\n")
    sdk.write_otlp_lines(spans, tmp_path / "more.jsonl", per_line=1)
    with path.open("a") as handle:
        handle.write((tmp_path / "more.jsonl").read_text())  # duplicates: merged
    in_process = _summary(path)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    started: list[str] = []
    real_context = ingest.multiprocessing.get_context

    def counting_context(method: str) -> object:
        ctx = real_context(method)
        real_process = ctx.Process

        def process(*args: object, **kwargs: object) -> object:
            started.append(str(kwargs.get("name")))
            return real_process(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(ctx, "Process", process)
        return ctx

    monkeypatch.setattr(ingest.multiprocessing, "get_context", counting_context)
    in_child = _summary(path)
    assert started == ["trace-inspector-reader"]
    assert in_child == in_process
    assert in_child["spans"] == 7 and len(in_child["problems"]) == 1
    assert in_child["problems"][0]["location"] == "line 8"


def test_child_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    path = sdk.write_otlp_lines(sdk.make_spans(), tmp_path / "t.jsonl", per_line=1)
    ws = Workspace(path)
    path.unlink()  # the child cannot open it any more
    with pytest.raises((RuntimeError, FileNotFoundError)):
        ws.load()
    ws.close()
