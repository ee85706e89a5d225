"""Test data for the charts: hand-made span rows, and small real stores written through the
store's own writer (so unknown costs and running calls are exactly what ingest produces)."""

from __future__ import annotations

from pathlib import Path

from inspector.model import Span, SpanKind, Status
from inspector.model.pricing import Price, Pricing
from inspector.store.connection import create
from inspector.store.queries import SpanRow, StoreReader
from inspector.store.writer import StoreWriter

T0 = 1_763_630_000_000_000_000  # 2025-11-20, in ns
MS = 1_000_000
TRACE = "ab" * 16


def row(
    sid: str,
    parent: str | None,
    start_ms: float | None,
    end_ms: float | None,
    kind: SpanKind = SpanKind.CHAIN,
    *,
    error: bool = False,
    model: str | None = None,
    tokens: tuple[int | None, int | None] = (None, None),
    cost: float | None = None,
) -> SpanRow:
    """A span row ``start_ms``..``end_ms`` after :data:`T0` (``None`` end: still running)."""
    return SpanRow(
        span_id=sid,
        parent_id=parent,
        name=f"step {sid}",
        kind=kind,
        status=Status.ERROR if error else Status.OK,
        start_ns=None if start_ms is None else T0 + round(start_ms * MS),
        end_ns=None if end_ms is None else T0 + round(end_ms * MS),
        model=model,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        total_tokens=None,
        cost_usd=cost,
        trace_id=TRACE,
    )


def hand_run() -> list[SpanRow]:
    """root 0-100 ms: a (0-30, children a1 0-10 and a2 5-28), b (30-90, parallel tools b1 31-50,
    b2 31-85, b3 32-60), d 40-45 (a side task), c (90-100, child LLM call c1 91-99, failed)."""
    return [
        row("root", None, 0, 100, SpanKind.AGENT),
        row("a", "root", 0, 30),
        row("a1", "a", 0, 10, SpanKind.RETRIEVER),
        row("a2", "a", 5, 28, SpanKind.LLM, model="m", tokens=(100, 20), cost=0.01),
        row("b", "root", 30, 90),
        row("b1", "b", 31, 50, SpanKind.TOOL),
        row("b2", "b", 31, 85, SpanKind.TOOL),
        row("b3", "b", 32, 60, SpanKind.TOOL),
        row("d", "root", 40, 45, SpanKind.GUARDRAIL),
        row("c", "root", 90, 100),
        row("c1", "c", 91, 99, SpanKind.LLM, error=True, model="m", tokens=(50, None)),
    ]


#: depth-first order of :func:`hand_run` (children by start time)
HAND_ORDER = ["root", "a", "a1", "a2", "b", "b1", "b2", "b3", "d", "c", "c1"]


def _span(
    trace: str, sid: str, parent: str | None, start: int, end: int | None, **attrs: object
) -> Span:
    return Span(
        trace,
        sid,
        parent,
        str(attrs.pop("name", f"span-{sid}")),
        start,
        end,
        attributes=dict(attrs),
    )


def _llm(
    trace: str,
    sid: str,
    parent: str,
    start: int,
    end: int | None,
    model: str,
    prompt: int,
    completion: int,
) -> Span:
    return _span(
        trace,
        sid,
        parent,
        start,
        end,
        name="chat",
        **{
            "openinference.span.kind": "LLM",
            "llm.model_name": model,
            "llm.token_count.prompt": prompt,
            "llm.token_count.completion": completion,
        },
    )


def usage_store(path: Path) -> tuple[StoreWriter, StoreReader]:
    """Three runs, one second apart: run 1 priced (2 gpt-4o-mini calls), run 2 unpriced (a
    model missing from the price table), run 3 partly priced and with a call still running.

    Prices: gpt-4o-mini $1 per million input and $2 per million output tokens.
    """
    conn = create(path, live=True)
    writer = StoreWriter(conn, Pricing({"gpt-4o-mini": Price(1.0, 2.0)}))
    spans: list[Span] = []
    for n, calls in enumerate(
        [
            [("gpt-4o-mini", 1000, 100), ("gpt-4o-mini", 2000, 200)],
            [("mystery-model", 500, 50)],
            [("gpt-4o-mini", 3000, 300), ("mystery-model", 700, 70)],
        ]
    ):
        trace = f"{n + 1:032x}"
        start = T0 + n * 1000 * MS
        root = f"{n + 1:x}".rjust(16, "0")
        spans.append(
            _span(
                trace,
                root,
                None,
                start,
                start + 900 * MS,
                name=f"run-{n + 1}",
                **{"openinference.span.kind": "AGENT"},
            )
        )
        for i, (model, prompt, completion) in enumerate(calls):
            begin = start + (10 + 300 * i) * MS
            spans.append(
                _llm(
                    trace,
                    f"{n + 1:x}{i:x}".rjust(16, "c"),
                    root,
                    begin,
                    begin + (100 + 50 * i) * MS,
                    model,
                    prompt,
                    completion,
                )
            )
    running = _llm(
        "3".rjust(32, "0"), "f" * 16, "3".rjust(16, "0"), T0 + 2800 * MS, None, "gpt-4o-mini", 10, 0
    )
    writer.write([*spans, running], [])
    return writer, StoreReader(conn)
