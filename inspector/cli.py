"""The ``trace-inspector`` command: the window by default, and headless subcommands.

``summary PATH [--json]`` reads through the same reader -> store path as the window and answers
from the store's queries, so its speed is the app's loading speed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from inspector.diff import DiffOptions, diff_spans
from inspector.diff.report import format_span_diff, printable
from inspector.model.pricing import Pricing
from inspector.store.queries import StoreReader
from inspector.workspace import Workspace

EXIT_OK = 0
EXIT_NOTHING = 2


def iso(ns: int | None) -> str | None:
    """UTC nanoseconds as ISO-8601 with microseconds and a ``Z``."""
    if ns is None:
        return None
    moment = datetime.fromtimestamp(ns // 1_000_000_000, tz=UTC).replace(
        microsecond=(ns % 1_000_000_000) // 1000
    )
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def summary_data(fmt: str, reader: StoreReader) -> dict[str, Any]:
    """The ``summary --json`` object (its fields are a contract with scripts: keep them)."""
    totals = reader.totals()
    runs = reader.runs(0, 1_000_000, sort="start", descending=False)
    return {
        "format": fmt,
        "traces": totals.traces,
        "spans": totals.spans,
        "errors": totals.errors,
        "llm_calls": totals.llm_calls,
        "input_tokens": totals.input_tokens,
        "output_tokens": totals.output_tokens,
        "cost_usd": totals.cost_usd,
        "models": totals.models,
        "problems": [
            {"source": p.source, "location": p.location, "message": p.message}
            for p in reader.problems()
        ],
        "runs": [
            {
                "trace_id": r.trace_id,
                "name": r.name,
                "spans": r.spans,
                "errors": r.errors,
                "start": iso(r.start_ns),
                "duration_ms": None if r.duration_ns is None else r.duration_ns / 1e6,
                "input_tokens": r.input_tokens,
                "output_tokens": r.output_tokens,
            }
            for r in runs
        ],
    }


def _human(data: dict[str, Any], priced: int) -> str:
    cost = data["cost_usd"]
    if cost is None:
        cost_text = "unknown"
    else:
        cost_text = f"${cost:.4f}"
        if priced < data["llm_calls"]:
            cost_text += f" ({data['llm_calls'] - priced} LLM calls unpriced)"
    lines = [
        f"format    {data['format']}",
        f"traces    {data['traces']}",
        f"spans     {data['spans']}  ({data['errors']} errors, {data['llm_calls']} LLM calls)",
        f"tokens    {data['input_tokens']} in / {data['output_tokens']} out",
        f"cost      {cost_text}",
        f"models    {', '.join(data['models']) or '-'}",
        f"problems  {len(data['problems'])}",
        "",
    ]
    header = (
        f"{'start (UTC)':<27} {'name':<32} {'spans':>6} {'err':>4} {'ms':>10} {'in':>8} {'out':>8}"
    )
    lines.append(header)
    for run in data["runs"][:50]:
        ms = "running" if run["duration_ms"] is None else f"{run['duration_ms']:.1f}"
        name = run["name"].replace("\n", " ")[:32]
        lines.append(
            f"{run['start'] or '-':<27} {name:<32} {run['spans']:>6} {run['errors']:>4} "
            f"{ms:>10} {run['input_tokens']:>8} {run['output_tokens']:>8}"
        )
    if len(data["runs"]) > 50:
        lines.append(f"... and {len(data['runs']) - 50} more runs (use --json for all)")
    for problem in data["problems"][:20]:
        lines.append(f"problem: {problem['source']}: {problem['location']}: {problem['message']}")
    return "\n".join(lines)


def cmd_summary(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        workspace = Workspace(path)
    except (FileNotFoundError, ValueError, PermissionError, IsADirectoryError) as exc:
        print(f"trace-inspector: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            data = summary_data(workspace.format, reader)
            totals = reader.totals()
        finally:
            reader.close()
    finally:
        workspace.close()
    if data["spans"] == 0:
        reasons = "; ".join(
            f"{p['source']}: {p['location']}: {p['message']}" for p in data["problems"][:5]
        )
        print(
            f"trace-inspector: no spans could be read from {path}"
            + (f" ({reasons})" if reasons else ""),
            file=sys.stderr,
        )
        if args.json:
            sys.stdout.write(orjson.dumps(data).decode() + "\n")
        return EXIT_NOTHING
    if args.json:
        sys.stdout.write(orjson.dumps(data).decode() + "\n")
    else:
        print(_human(data, totals.priced_calls))
    return EXIT_OK


_CANDIDATES_SHOWN = 10


def find_span(reader: StoreReader, prefix: str) -> tuple[str, str] | str:
    """``(trace_id, span_id)`` of the one span whose id starts with ``prefix``, or why not."""
    found = reader.find_spans(prefix, limit=1000)
    exact = [ref for ref in found if ref[1].lower() == prefix.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        return f"no span id starts with {printable(prefix)!r}"
    shown = "".join(f"\n  {span} (run {trace})" for trace, span in found[:_CANDIDATES_SHOWN])
    more = len(found) - _CANDIDATES_SHOWN
    more_text = f"\n  ... and {more}{'+' if len(found) == 1000 else ''} more" if more > 0 else ""
    return f"span id prefix {printable(prefix)!r} is ambiguous; it matches:{shown}{more_text}"


def cmd_diff(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        workspace = Workspace(path)
    except (FileNotFoundError, ValueError, PermissionError, IsADirectoryError) as exc:
        reason = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
        print(f"trace-inspector: {reason}", file=sys.stderr)
        return EXIT_NOTHING
    try:
        workspace.load()
        reader = workspace.reader()
        try:
            if reader.totals().spans == 0:
                print(f"trace-inspector: no spans could be read from {path}", file=sys.stderr)
                return EXIT_NOTHING
            spans = []
            for which, prefix in (("SPAN_A", args.span_a), ("SPAN_B", args.span_b)):
                found = find_span(reader, prefix)
                span = None if isinstance(found, str) else reader.span(*found)
                if span is None:
                    print(f"trace-inspector: {which}: {found}", file=sys.stderr)
                    return EXIT_NOTHING
                spans.append(span)
        finally:
            reader.close()
    finally:
        workspace.close()
    options = DiffOptions(ignore_whitespace=args.ignore_whitespace)
    diff = diff_spans(spans[0], spans[1], options, pricing=Pricing.load())
    if args.json:
        records = [m.to_dict(args.context) for m in diff.messages]
        sys.stdout.write(orjson.dumps(records).decode() + "\n")
    else:
        print(format_span_diff(diff, args.context))
    return EXIT_OK


def cmd_tail(args: argparse.Namespace) -> int:
    from inspector.live.tail import run_tail  # watchdog is loaded only for tail

    return run_tail(Path(args.path), as_json=args.json, since_start=args.since_start)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trace-inspector",
        description="Inspect LLM agent traces: OTLP JSON, OpenInference, OTel GenAI, SQLite.",
    )
    sub = parser.add_subparsers(dest="command")
    summary = sub.add_parser("summary", help="print counts, tokens, cost and runs of a trace")
    summary.add_argument("path", help="a trace file, a folder, or a SQLite database")
    summary.add_argument("--json", action="store_true", help="machine-readable output")
    summary.set_defaults(func=cmd_summary)
    diff = sub.add_parser("diff", help="diff two spans' prompts and responses message by message")
    diff.add_argument("path", help="a trace file, a folder, or a SQLite database")
    diff.add_argument("span_a", metavar="SPAN_A", help="span id or a unique prefix of one")
    diff.add_argument("span_b", metavar="SPAN_B", help="span id or a unique prefix of one")
    diff.add_argument("--json", action="store_true", help="a JSON list of message-level changes")
    diff.add_argument(
        "-w", "--ignore-whitespace", action="store_true", help="ignore whitespace in lines"
    )
    diff.add_argument(
        "-U", "--context", type=int, default=3, metavar="N", help="lines of context (default 3)"
    )
    diff.set_defaults(func=cmd_diff)
    tail = sub.add_parser("tail", help="print spans as they are written, until Ctrl+C")
    tail.add_argument(
        "path",
        help="a trace file, a folder, or a SQLite database to follow (waited for if it does "
        "not exist yet)",
    )
    tail.add_argument("--json", action="store_true", help="one JSON object per span per line")
    tail.add_argument(
        "--since-start", action="store_true", help="print the spans already there first"
    )
    tail.set_defaults(func=cmd_tail)
    return parser


SUBCOMMANDS = frozenset({"summary", "diff", "tail"})


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        args = build_parser().parse_args(args_list)
        return int(args.func(args))
    if args_list and args_list[0] in ("-h", "--help") and len(args_list) == 1:
        build_parser().print_help()
        return EXIT_OK
    from inspector.ui.app import run_gui  # Qt is imported only for the window

    return run_gui(args_list)


if __name__ == "__main__":
    raise SystemExit(main())
