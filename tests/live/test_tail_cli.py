"""``trace-inspector tail`` as a real process, following files another real process writes."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import orjson
import pytest

from inspector.cli import main
from tests.live.helpers import DEADLINE_S, WriterProcess
from tests.live.writer import run_id


class TailProcess:
    """The command in its own process; its output lines are collected as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "inspector.cli", "tail", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        self.err_lines: list[str] = []
        self._threads = [
            threading.Thread(target=_pump, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=_pump, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stdout_lines(self, count: int) -> list[str]:
        deadline = time.monotonic() + DEADLINE_S
        lines: list[str] = []
        while len(lines) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"got only {lines} of {count} lines; stderr: {self.err_lines}"
            try:
                lines.append(self.out.get(timeout=left))
            except queue.Empty:
                continue
        return lines

    def stderr_until(self, done: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + DEADLINE_S
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"stderr so far: {self.err_lines}"
            try:
                line = self.err.get(timeout=left)
            except queue.Empty:
                continue
            self.err_lines.append(line)
            if done(line):
                return line

    def interrupt(self) -> tuple[int, list[str], list[str]]:
        """Ctrl+C; the exit status and whatever it printed after the lines already taken."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=DEADLINE_S)
        for thread in self._threads:
            thread.join(timeout=DEADLINE_S)
        return code, _all(self.out), self.err_lines + _all(self.err)


def _pump(stream: IO[str] | None, into: queue.Queue[str]) -> None:
    assert stream is not None
    for line in stream:
        into.put(line.rstrip("\n"))
    stream.close()


def _all(q: queue.Queue[str]) -> list[str]:
    out = []
    while not q.empty():
        out.append(q.get_nowait())
    return out


def test_tail_json_prints_only_new_spans_then_exits_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    a, b = folder / "a.jsonl", folder / "b.jsonl"
    with WriterProcess() as writer:
        writer.send(f"append {a} 2", f"bad {a}")  # there before tail starts: not printed
        tail = TailProcess(str(folder), "--json")
        tail.stderr_until(lambda line: line.startswith("following "))
        writer.send(f"append {a} 2", f"append {b} 1 3")  # the known run grows; a new run
        records = sorted(
            (orjson.loads(line) for line in tail.stdout_lines(3)), key=lambda r: r["name"]
        )  # two files: which is read first is up to the follower
        writer.send(f"bad {a}")
        problem = tail.stderr_until(lambda line: line.startswith("problem: "))
        code, more_out, err = tail.interrupt()
    assert code == 0
    assert more_out == []
    assert problem.startswith(f"problem: {a}: line 6: ")
    assert [r["trace_id"] for r in records] == [run_id(1), run_id(1), run_id(3)]
    assert [r["name"] for r in records] == ["step-3", "step-4", "step-5"]
    first = records[0]
    assert {"trace_id", "span_id", "name", "kind", "status", "start", "end"} <= first.keys()
    assert (first["kind"], first["status"], first["running"]) == ("LLM", "UNSET", False)
    assert (first["input_tokens"], first["model"]) == (7, None)
    assert first["duration_ms"] == 1.0
    assert len([line for line in err if line.startswith("problem: ")]) == 1
    assert not any("Traceback" in line for line in err)


def test_tail_since_start_replays_a_file_in_human_lines(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with WriterProcess() as writer:
        writer.send(f"append {path} 2", f"bad {path}")
        tail = TailProcess(str(path), "--since-start")
        lines = tail.stdout_lines(2)
        problem = tail.stderr_until(lambda line: line.startswith("problem: "))
        writer.send(f"append {path} 1 5")
        lines += tail.stdout_lines(1)
        code, more_out, _ = tail.interrupt()
    assert code == 0 and more_out == []
    assert problem.startswith(f"problem: {path}: line 3: ")
    assert [line.split()[2] for line in lines] == ["step-1", "step-2", "step-3"]
    assert [line.split()[1] for line in lines] == [run_id(1)[:8], run_id(1)[:8], run_id(5)[:8]]
    assert all(" LLM " in line and "1.0ms" in line and "in 7 out ?" in line for line in lines)


def test_tail_waits_for_a_file_written_after_it_started(tmp_path: Path) -> None:
    path = tmp_path / "later.jsonl"
    with WriterProcess() as writer:
        tail = TailProcess(str(path), "--json")
        waiting = tail.stderr_until(lambda line: line.startswith("waiting for "))
        assert not path.exists()
        writer.send(f"append {path} 2")  # the agent's first write: all of it is new
        records = [orjson.loads(line) for line in tail.stdout_lines(2)]
        tail.stderr_until(lambda line: line.startswith("following "))
        writer.send(f"append {path} 1 5")
        records += [orjson.loads(line) for line in tail.stdout_lines(1)]
        code, more_out, err = tail.interrupt()
    assert waiting == f"waiting for {path} to appear… (Ctrl+C to stop)"
    assert code == 0 and more_out == []
    assert [r["name"] for r in records] == ["step-1", "step-2", "step-3"]
    assert [r["trace_id"] for r in records] == [run_id(1), run_id(1), run_id(5)]
    assert list(records[0]) == [*RECORD_FIELDS]  # the same contract as for a file already there
    assert not any(line.startswith("problem: ") or "Traceback" in line for line in err)


RECORD_FIELDS = (
    "trace_id",
    "span_id",
    "parent_id",
    "name",
    "kind",
    "status",
    "start",
    "end",
    "duration_ms",
    "running",
    "model",
    "input_tokens",
    "output_tokens",
    "total_tokens",
)


def test_tail_waits_for_a_folder_then_reads_all_of_it(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    with WriterProcess() as writer:
        tail = TailProcess(str(folder))
        tail.stderr_until(lambda line: line.startswith("waiting for "))
        folder.mkdir()
        writer.send(f"append {folder / 'a.jsonl'} 2 4")
        lines = tail.stdout_lines(2)
        code, more_out, err = tail.interrupt()
    assert code == 0 and more_out == []
    assert [line.split()[1:3] for line in lines] == [[run_id(4)[:8], f"step-{n}"] for n in (1, 2)]
    assert any(line == f"following {folder} (Ctrl+C to stop)" for line in err)


def test_tail_stops_waiting_on_ctrl_c(tmp_path: Path) -> None:
    tail = TailProcess(str(tmp_path / "never.jsonl"))
    tail.stderr_until(lambda line: line.startswith("waiting for "))
    code, out, err = tail.interrupt()
    assert code == 0 and out == []
    assert not any("Traceback" in line for line in err)


def test_tail_of_a_path_in_a_missing_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no-such-folder" / "run.jsonl"
    assert main(["tail", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"trace-inspector: {path}: no such file or folder, "
        f"and its folder {path.parent} does not exist\n"
    )
