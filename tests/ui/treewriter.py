"""A trace writer process for the window's live tests: spans of a tree, one command at a time.

    python -m tests.ui.treewriter PATH

:class:`TreeWriter` runs it from a test.

Commands on stdin (one per line); each is appended and flushed before "ok" is printed:

    span TRACE SPAN PARENT NAME [running]   one span (PARENT "-": a root); "running": no end
    spans TRACE FIRST COUNT PARENT          COUNT spans "step-N" with ids FIRST, FIRST+1 … (hex)
    quit

Spans are plain OTLP JSON lines (no SDK: the process starts fast), started now and 1 ms long.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import orjson

from tests.commandproc import CommandProcess


class TreeWriter(CommandProcess):
    """``tests/ui/treewriter.py`` in its own process; :meth:`send` returns once written."""

    def __init__(self, path: Path) -> None:
        super().__init__("-m", "tests.ui.treewriter", str(path))

    def send(self, *commands: str) -> None:
        for command in commands:
            answer = self.ask(command)
            assert answer == "ok\n", f"writer failed on {command!r}: {answer!r}"


def span(trace: str, span_id: str, parent: str, name: str, *, running: bool) -> dict[str, object]:
    now = time.time_ns()
    record: dict[str, object] = {
        "traceId": trace,
        "spanId": span_id,
        "name": name,
        "kind": 1,
        "startTimeUnixNano": str(now - 1_000_000),
        "endTimeUnixNano": "0" if running else str(now),
        "attributes": [{"key": "openinference.span.kind", "value": {"stringValue": "CHAIN"}}],
        "status": {},
    }
    if parent != "-":
        record["parentSpanId"] = parent
    return record


def line(spans: list[dict[str, object]]) -> bytes:
    document = {"resourceSpans": [{"scopeSpans": [{"scope": {"name": "w"}, "spans": spans}]}]}
    return orjson.dumps(document) + b"\n"


def main() -> None:
    path = sys.argv[1]
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "span":
            trace, span_id, parent, name = words[1:5]
            data = line([span(trace, span_id, parent, name, running="running" in words[5:])])
        elif words[0] == "spans":
            trace, first, count, parent = words[1], int(words[2], 16), int(words[3]), words[4]
            data = b"".join(
                line([span(trace, f"{n:016x}", parent, f"step-{n}", running=False)])
                for n in range(first, first + count)
            )
        else:
            raise ValueError(f"unknown command {words[0]!r}")
        with open(path, "ab", buffering=0) as handle:
            handle.write(data)
        sys.stdout.write("ok\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
