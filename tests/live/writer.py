"""A trace writer run as a separate process by the live tests: commands on stdin, "ok" on stdout.

    python tests/live/writer.py

Commands (one per line, paths absolute; each is done and flushed before "ok N" is printed, N
being the spans written so far):

    append PATH COUNT [RUN]   COUNT spans, one OTLP JSON line each, in run RUN (default: 1)
    partial PATH [RUN]        the first half of one span's line (no newline)
    finish PATH               the rest of that line, with its newline
    bad PATH                  one line that is not JSON
    logs PATH SPAN [RUN]      an OTLP logs line: one event for span number SPAN
    rename SRC DEST           os.rename
    truncate PATH             cut the file to 0 bytes
    replace PATH COUNT [RUN]  an editor's atomic save: temp file = old content + COUNT spans,
                              renamed over PATH
    delete PATH               remove the file
    quit

Spans are plain OTLP JSON made here (no SDK import, so the process starts fast); their ids are
unique per process run (span ids count up from the ``--first`` argument).
"""

from __future__ import annotations

import os
import sys
import time

import orjson


def run_id(run: str | int) -> str:
    """The trace id of run ``run``: the number first, so ``tail`` shows it in its run column."""
    return f"{int(run):08x}" + "ab" * 12


class Writer:
    def __init__(self, first: int) -> None:
        self.next_span = first
        self.written = 0
        self.held = b""

    def line(self, run: str) -> bytes:
        self.next_span += 1
        now = time.time_ns()
        span = {
            "traceId": run_id(run),
            "spanId": f"{self.next_span:016x}",
            "name": f"step-{self.next_span}",
            "kind": 1,
            "startTimeUnixNano": str(now - 1_000_000),
            "endTimeUnixNano": str(now),
            "attributes": [
                {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
                {"key": "llm.token_count.prompt", "value": {"intValue": "7"}},
            ],
            "status": {},
        }
        record = {
            "resourceSpans": [
                {
                    "resource": {
                        "attributes": [{"key": "service.name", "value": {"stringValue": "w"}}]
                    },
                    "scopeSpans": [{"scope": {"name": "writer"}, "spans": [span]}],
                }
            ]
        }
        self.written += 1
        return orjson.dumps(record) + b"\n"

    def lines(self, count: int, run: str) -> bytes:
        return b"".join(self.line(run) for _ in range(count))

    def do(self, words: list[str]) -> None:
        command, args = words[0], words[1:]
        if command == "append":
            _append(args[0], self.lines(int(args[1]), args[2] if len(args) > 2 else "1"))
        elif command == "partial":
            data = self.line(args[1] if len(args) > 1 else "1")
            half = len(data) // 2
            self.held = data[half:]
            _append(args[0], data[:half])
        elif command == "finish":
            _append(args[0], self.held)
            self.held = b""
        elif command == "logs":
            run = args[2] if len(args) > 2 else "1"
            log = {
                "traceId": run_id(run),
                "spanId": f"{int(args[1]):016x}",
                "timeUnixNano": str(time.time_ns()),
                "eventName": "gen_ai.user.message",
                "body": {
                    "kvlistValue": {"values": [{"key": "content", "value": {"stringValue": "hi"}}]}
                },
            }
            record = {"resourceLogs": [{"scopeLogs": [{"scope": {}, "logRecords": [log]}]}]}
            _append(args[0], orjson.dumps(record) + b"\n")
        elif command == "bad":
            _append(args[0], b'{"resourceSpans": [this is not json}\n')
        elif command == "rename":
            os.rename(args[0], args[1])
        elif command == "truncate":
            os.truncate(args[0], 0)
        elif command == "replace":
            with open(args[0], "rb") as handle:
                old = handle.read()
            temp = os.path.join(os.path.dirname(args[0]), "." + os.path.basename(args[0]) + ".tmp")
            new = self.lines(int(args[1]), args[2] if len(args) > 2 else "1")
            with open(temp, "wb") as handle:
                handle.write(old + new)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, args[0])
        elif command == "delete":
            os.remove(args[0])
        else:
            raise ValueError(f"unknown command {command!r}")


def _append(path: str, data: bytes) -> None:
    with open(path, "ab", buffering=0) as handle:
        handle.write(data)


def main() -> None:
    first = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    writer = Writer(first)
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        writer.do(words)
        sys.stdout.write(f"ok {writer.written}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
