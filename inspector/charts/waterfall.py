"""Waterfall layout of one run: a row per span in depth-first tree order, on a shared time axis.

Times are milliseconds from the run's earliest start (float, computed from integer ns so that
offsets stay exact to the microsecond over long runs). A running span (no end) is drawn up to
``now``; a span with no start time gets a zero-width bar at 0 and is flagged ``placed=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from inspector.model import SpanKind, Status
from inspector.model.tree import build_tree
from inspector.store.queries import SpanRow

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: the colour key of each kind is its index here (legend order: the usual nesting of a run)
KIND_ORDER: tuple[SpanKind, ...] = (
    SpanKind.AGENT,
    SpanKind.CHAIN,
    SpanKind.LLM,
    SpanKind.TOOL,
    SpanKind.RETRIEVER,
    SpanKind.RERANKER,
    SpanKind.EMBEDDING,
    SpanKind.GUARDRAIL,
    SpanKind.EVALUATOR,
    SpanKind.PROMPT,
    SpanKind.UNKNOWN,
)
KIND_KEY: dict[SpanKind, int] = {kind: i for i, kind in enumerate(KIND_ORDER)}
NS_PER_MS = 1_000_000


@dataclass(slots=True)
class WaterfallLayout:
    """Bars of one run, row ``i`` being the i-th span of the depth-first walk.

    Attributes:
        origin_ns: time 0 of the axis (the earliest start in the run).
        start_ms, width_ms: bar position and length; a running bar reaches ``now_ns``.
        kind_key: index into :data:`KIND_ORDER` (the colour of the bar).
        error, running, placed: flags per row (``placed`` false: the span has no start time).
        end_ns: the span's end as recorded (``None`` when running), for :func:`extend_running`.
    """

    trace_id: str = ""
    origin_ns: int = 0
    now_ns: int | None = None
    span_ids: list[str] = field(default_factory=list)
    parent_ids: list[str | None] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kinds: list[SpanKind] = field(default_factory=list)
    models: list[str | None] = field(default_factory=list)
    input_tokens: list[int | None] = field(default_factory=list)
    output_tokens: list[int | None] = field(default_factory=list)
    cost_usd: list[float | None] = field(default_factory=list)
    start_ns: list[int | None] = field(default_factory=list)
    end_ns: list[int | None] = field(default_factory=list)
    kind_key: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    depth: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    start_ms: FloatArray = field(default_factory=lambda: np.zeros(0))
    width_ms: FloatArray = field(default_factory=lambda: np.zeros(0))
    error: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    running: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    placed: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    row_of: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.span_ids)

    @property
    def end_ms(self) -> float:
        """Where the last bar ends (0 for an empty run)."""
        return float(np.max(self.start_ms + self.width_ms)) if len(self) else 0.0


def layout_waterfall(rows: Sequence[SpanRow], now_ns: int | None = None) -> WaterfallLayout:
    """Lay out the spans of one run.

    Args:
        rows: the run's spans (``StoreReader.span_rows``), in any order; tree rules (missing
            parents, cycles, duplicates) are those of :func:`inspector.model.tree.build_tree`.
        now_ns: where running spans end; default: the latest time seen in the run.
    """
    tree = build_tree(rows)
    order = tree.walk()
    spans = [tree.spans[sid] for sid in order]
    starts = [s.start_ns for s in spans]
    known = [t for t in starts if t is not None]
    origin = min(known) if known else 0
    times = known + [s.end_ns for s in spans if s.end_ns is not None]
    now = now_ns if now_ns is not None else (max(times) if times else origin)
    count = len(spans)
    layout = WaterfallLayout(
        trace_id=spans[0].trace_id if spans else "",
        origin_ns=origin,
        now_ns=now,
        span_ids=order,
        parent_ids=[s.parent_id for s in spans],
        names=[s.name for s in spans],
        kinds=[s.kind for s in spans],
        models=[s.model for s in spans],
        input_tokens=[s.input_tokens for s in spans],
        output_tokens=[s.output_tokens for s in spans],
        cost_usd=[s.cost_usd for s in spans],
        start_ns=starts,
        end_ns=[s.end_ns for s in spans],
        kind_key=np.fromiter((KIND_KEY[s.kind] for s in spans), np.int64, count),
        depth=np.fromiter((tree.depth[sid] for sid in order), np.int64, count),
        error=np.fromiter((s.status is Status.ERROR for s in spans), np.bool_, count),
        running=np.fromiter((s.end_ns is None for s in spans), np.bool_, count),
        placed=np.fromiter((t is not None for t in starts), np.bool_, count),
        row_of={sid: i for i, sid in enumerate(order)},
    )
    start_rel = np.fromiter(((t or origin) - origin for t in starts), np.int64, count)
    layout.start_ms = start_rel / NS_PER_MS
    layout.width_ms = _widths(layout, now)
    return layout


def _widths(layout: WaterfallLayout, now_ns: int) -> FloatArray:
    count = len(layout)
    ends = np.fromiter(
        (
            (now_ns if end is None else end) if start is not None else 0
            for start, end in zip(layout.start_ns, layout.end_ns, strict=True)
        ),
        np.int64,
        count,
    )
    starts = np.fromiter((s or 0 for s in layout.start_ns), np.int64, count)
    widths: FloatArray = np.maximum(ends - starts, 0) / NS_PER_MS
    return widths


def extend_running(layout: WaterfallLayout, now_ns: int) -> FloatArray:
    """Set running bars to end at ``now_ns``; returns (and stores) the new widths."""
    layout.now_ns = now_ns
    if not layout.running.any():
        return layout.width_ms
    rows = np.flatnonzero(layout.running & layout.placed)
    starts = np.fromiter((layout.start_ns[i] or 0 for i in rows), np.int64, len(rows))
    layout.width_ms[rows] = np.maximum(now_ns - starts, 0) / NS_PER_MS
    return layout.width_ms
