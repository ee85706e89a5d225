"""Everything one chart needs, read and computed in one call: run these on a worker thread.

Each returns a plain object that the matching widget's ``set_data`` draws on the GUI thread,
e.g. ``session.run_in_background(lambda r: load_tokens(r, scope), tokens_widget.set_data)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from inspector.charts.critical import critical_path
from inspector.charts.decimate import ScatterSeries, scatter_series
from inspector.charts.stats import Histogram, LatencyStats, grouped_stats, latency_histogram
from inspector.charts.usage import CostSeries, RunUsage, cost_series, run_usage
from inspector.charts.waterfall import WaterfallLayout, layout_waterfall
from inspector.store.charts import (
    ChartScope,
    LlmCalls,
    ModelUsage,
    llm_calls,
    model_usage,
    more_llm_calls,
    scoped_runs,
)
from inspector.store.queries import SpanRow, StoreReader


@dataclass(slots=True)
class LatencyData:
    """The LLM calls in scope and their stats grouped by model and by span name."""

    calls: LlmCalls = field(default_factory=LlmCalls)
    by_model: list[LatencyStats] = field(default_factory=list)
    by_name: list[LatencyStats] = field(default_factory=list)
    scope: ChartScope = field(default_factory=ChartScope)
    histogram: Histogram | None = None  # of all calls
    points: ScatterSeries | None = None  # of all calls


def latency_data(calls: LlmCalls, scope: ChartScope | None = None) -> LatencyData:
    """Stats and the all-calls histogram of ``calls`` (the heavy part: run it on a worker)."""
    return LatencyData(
        calls,
        grouped_stats(calls, "model"),
        grouped_stats(calls, "name"),
        scope or ChartScope(),
        latency_histogram(calls.duration_ns),
        scatter_series(
            calls.start_ns, calls.duration_ns, calls.error, np.arange(len(calls), dtype=np.int64)
        ),
    )


def load_latency(reader: StoreReader, scope: ChartScope | None = None) -> LatencyData:
    """Every LLM call in scope with its stats."""
    return latency_data(llm_calls(reader, scope), scope)


def load_more_latency(reader: StoreReader, before: LatencyData) -> LatencyData:
    """``before`` plus the calls that landed (or ended) since it was read (live updates)."""
    return latency_data(more_llm_calls(reader, before.calls, before.scope), before.scope)


@dataclass(slots=True)
class TokensData:
    runs: RunUsage = field(default_factory=RunUsage)
    cost: CostSeries = field(default_factory=CostSeries)
    models: list[ModelUsage] = field(default_factory=list)
    scope: ChartScope = field(default_factory=ChartScope)


def load_tokens(reader: StoreReader, scope: ChartScope | None = None) -> TokensData:
    """Per-run usage, the cumulative cost line and the per-model table for a scope."""
    scope = scope or ChartScope()
    return TokensData(
        run_usage(scoped_runs(reader, scope)),
        cost_series(reader, scope),
        model_usage(reader, scope),
        scope,
    )


@dataclass(slots=True)
class WaterfallData:
    """One run laid out for the waterfall, with its critical path when it was asked for.

    Attributes:
        rows: the run's spans as read (kept to work out the critical path later).
        critical_ids: the critical path (:func:`critical_path`); ``None``: not worked out.
    """

    rows: list[SpanRow] = field(default_factory=list)
    layout: WaterfallLayout = field(default_factory=WaterfallLayout)
    critical_ids: list[str] | None = None


def waterfall_data(
    rows: list[SpanRow], now_ns: int | None = None, *, critical: bool = False
) -> WaterfallData:
    """The layout of a run's spans (and its critical path with ``critical``)."""
    layout = layout_waterfall(rows, now_ns)
    path = critical_path(rows, layout.now_ns) if critical else None
    return WaterfallData(rows, layout, path)


def load_waterfall(
    reader: StoreReader, trace_id: str, *, live: bool = False, critical: bool = False
) -> WaterfallData:
    """A run's waterfall; with ``live``, running spans reach the time it was read."""
    rows = reader.span_rows(trace_id)
    # "now" once the rows are in: a span that started during the read still has a length
    return waterfall_data(rows, time.time_ns() if live else None, critical=critical)
