"""Following our SQLite store while another process (the SDK + our exporter) writes it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import TracebackType

import pytest

from inspector.formats.readonly import connect_readonly
from inspector.live import follower
from inspector.semconv import llm_view
from tests.live.helpers import Harness

AGENT = Path(__file__).with_name("agent.py")


class AgentProcess:
    def __init__(self, target: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(AGENT), str(target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._answer() == "ready"

    def _answer(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        assert self._answer() == "ok", f"agent failed on {command!r}"

    def __enter__(self) -> AgentProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=20)
        self.proc.stdout.close()


def _running_llm(h: Harness) -> bool:
    return any(s.name == "ChatCompletion" and s.end_ns is None for s in h.spans)


def test_store_written_in_wal_mode_by_another_process(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    db = folder / "agent.db"
    steps = 20
    expected = steps + 2  # agent + LLM call + tool steps
    with AgentProcess(db) as agent:
        conn = connect_readonly(db)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        # The same database followed in place, and as a file in a followed folder.
        with Harness(db) as direct, Harness(folder) as indexed:
            agent.send("start")
            for h in (direct, indexed):
                h.pump_until(lambda h=h: _running_llm(h), "the LLM call while it runs")
            agent.send(f"steps {steps}")
            agent.send("end")
            for h in (direct, indexed):
                h.pump_until(lambda h=h: len(h.ended()) == expected, f"{expected} ended spans")
                h.look()
                stored = h.stored()
                assert len(stored) == expected
                assert all(end is not None for _, _, end in stored)
                assert set(Counter(s.span_id for s in h.spans if s.end_ns).values()) == {1}
                assert h.problems == []
                llm = [s for s in h.spans if s.name == "ChatCompletion"]
                assert [s.end_ns is None for s in llm] == [True, False]  # running, then ended
                assert (llm[-1].input_tokens, llm[-1].output_tokens) == (12, 5)
                reader = h.workspace.reader()
                try:
                    span = reader.span(llm[-1].trace_id, llm[-1].span_id)
                    run = reader.run(llm[-1].trace_id)
                finally:
                    reader.close()
                assert span is not None and run is not None
                view = llm_view(span)
                assert [m.text for m in view.output_messages] == ["Rainy, 12 C."]
                assert (run.spans, run.llm_calls, run.running) == (expected, 1, False)


def test_store_followed_from_now_skips_what_is_there(tmp_path: Path) -> None:
    db = tmp_path / "agent.db"
    with AgentProcess(db) as agent:
        agent.send("start")
        agent.send("steps 3")
        with Harness(db, from_start=False) as h:
            h.look()
            assert h.spans == []
            agent.send("end")  # the two spans that were running end now
            h.pump_until(lambda: len(h.ended()) == 2, "the running spans to end")
            assert {s.name for s in h.spans} == {"agent", "ChatCompletion"}


def test_unreadable_database_in_folder_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follower, "DB_GRACE_S", 0.3)
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with Harness(tmp_path, rescan_s=0.05) as h:
        h.look()
        assert h.problems == []  # a database may be half-made: not a problem yet
        h.pump_until(lambda: bool(h.problems), "the database to stay unreadable")
        for _ in range(3):  # retried, but reported once
            h.follower.wait(timeout=0.1)
            h.look()
        assert [(p.source, p.location) for p in h.problems] == [(str(db), "file")]
        assert h.problems[0].message.startswith("skipped: ")
        assert h.spans == []


def test_empty_file_that_becomes_a_store_while_followed(tmp_path: Path) -> None:
    """The store is made in place (not linked in whole): its tables appear one by one."""
    db = tmp_path / "agent.db"
    db.touch()
    with Harness(tmp_path, load=True) as h:  # the load saw an empty file and took it for JSON
        with AgentProcess(db) as agent:
            agent.send("start")
            agent.send("steps 2")
            agent.send("end")
        h.pump_until(lambda: len(h.ended()) == 4, "the store's 4 spans")
        assert h.problems == []


def test_another_tools_database_is_followed_by_its_reader(tmp_path: Path) -> None:
    """Any reader that can be asked again (``read(final=False)``) is followed: a Phoenix db."""
    from tests.formats.test_phoenix import add_span, add_trace, build

    db = tmp_path / "phoenix.db"
    conn = build(db)
    trace_row = add_trace(conn, "c" * 32)
    add_span(conn, trace_row, "1" * 16)
    with Harness(db, load=True) as h:
        h.look()
        assert h.spans == []  # the load read it: not news
        add_span(conn, trace_row, "2" * 16, parent="1" * 16)
        add_span(conn, trace_row, "3" * 16, parent="1" * 16, kind="LLM", prompt=4, completion=2)
        h.pump_until(lambda: len(h.ended()) == 2, "the 2 rows added")
        assert sorted(h.ended()) == ["2" * 16, "3" * 16]
        assert len(h.stored()) == 3 and h.problems == []
    conn.close()
