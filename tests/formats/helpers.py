"""Shared by the format tests: loading into a workspace, hashes, writer locks, real-package runs."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from inspector.cli import main
from inspector.model import Span
from inspector.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    """SHA-256 of a file, or of every file in a folder (to prove a source was not written)."""
    if path.is_dir():
        return hashlib.sha256(
            b"".join(digest(p).encode() for p in sorted(path.rglob("*")) if p.is_file())
        ).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary(path: Path, capsys: pytest.CaptureFixture[str], code: int = 0) -> dict[str, Any]:
    """``trace-inspector summary PATH --json`` as a dict (asserting its exit code)."""
    assert main(["summary", str(path), "--json"]) == code
    out = capsys.readouterr().out
    data: dict[str, Any] = json.loads(out) if out.strip() else {}
    return data


def all_spans(path: Path) -> list[Span]:
    """Every span of ``path`` read back from the index, run by run, by start time."""
    workspace = Workspace(path)
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            found = []
            for run in reader.runs(0, 10_000, descending=False):
                for row in reader.span_rows(run.trace_id):
                    span = reader.span(run.trace_id, row.span_id)
                    assert span is not None
                    found.append(span)
            return found
        finally:
            reader.close()
    finally:
        workspace.close()


def load_spans(path: Path) -> dict[str, Span]:
    """Every span of ``path`` read back from the index, by span name (names must be unique)."""
    spans = all_spans(path)
    by_name = {span.name: span for span in spans}
    assert len(by_name) == len(spans), "span names repeat: use all_spans"
    return by_name


def run_sessions(path: Path) -> dict[str, str | None]:
    """Run name -> the session id the store rolled up for it."""
    workspace = Workspace(path)
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            return {r.name: r.session_id for r in reader.runs(0, 10_000)}
        finally:
            reader.close()
    finally:
        workspace.close()


@contextmanager
def write_transaction(db: Path, statement: str) -> Iterator[sqlite3.Connection]:
    """Another program mid-write: ``BEGIN IMMEDIATE`` plus an uncommitted ``statement``."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(statement)
        yield conn
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def run_module(module: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``python -m module args`` in a fresh interpreter; return its stdout."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
