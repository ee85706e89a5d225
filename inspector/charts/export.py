"""CSV text of what each chart draws, made from the same data the chart was drawn from.

Cells holding trace text (span names, models) could start with ``=``, ``+``, ``-`` or ``@`` and
run as a formula in a spreadsheet; such text is prefixed with ``'`` (the OWASP advice). Unknown
values are empty cells, never 0.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

from inspector.charts.stats import LatencyStats
from inspector.charts.usage import CostSeries, RunUsage
from inspector.charts.waterfall import WaterfallLayout
from inspector.store.charts import ModelUsage

Cell = str | int | float | None
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else round(value, 9)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """CSV text (``\\n`` line ends) of a header and rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def waterfall_csv(layout: WaterfallLayout) -> str:
    """One line per bar, in row order."""
    header = (
        "row", "depth", "span_id", "parent_id", "name", "kind", "start_ms", "duration_ms",
        "running", "error", "model", "input_tokens", "output_tokens", "cost_usd",
    )  # fmt: skip
    rows = (
        (
            i,
            int(layout.depth[i]),
            layout.span_ids[i],
            layout.parent_ids[i],
            layout.names[i],
            layout.kinds[i].value,
            float(layout.start_ms[i]) if layout.placed[i] else None,
            float(layout.width_ms[i]) if layout.placed[i] else None,
            int(layout.running[i]),
            int(layout.error[i]),
            layout.models[i],
            layout.input_tokens[i],
            layout.output_tokens[i],
            layout.cost_usd[i],
        )
        for i in range(len(layout))
    )
    return to_csv(header, rows)


def latency_csv(stats: Sequence[LatencyStats], by: str = "model") -> str:
    header = (by, "count", "errors", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "max_ms")
    rows = ((s.key, s.count, s.errors, s.p50_ms, s.p90_ms, s.p99_ms, s.mean_ms, s.max_ms)
            for s in stats)  # fmt: skip
    return to_csv(header, rows)


def runs_csv(usage: RunUsage) -> str:
    """Per-run tokens and cost; unknown cost is an empty cell."""
    header = (
        "trace_id", "name", "start_ns", "input_tokens", "output_tokens", "llm_calls",
        "priced_calls", "cost_usd",
    )  # fmt: skip
    rows = (
        (
            usage.trace_ids[i],
            usage.names[i],
            int(usage.start_ns[i]),
            int(usage.input_tokens[i]),
            int(usage.output_tokens[i]),
            int(usage.llm_calls[i]),
            int(usage.priced_calls[i]),
            float(usage.cost_usd[i]) if usage.cost_known[i] else None,
        )
        for i in range(len(usage))
    )
    return to_csv(header, rows)


def cost_csv(series: CostSeries) -> str:
    rows = zip(series.time_ns.tolist(), series.cumulative_usd.tolist(), strict=True)
    return to_csv(("end_ns", "cumulative_cost_usd"), rows)


def models_csv(models: Sequence[ModelUsage]) -> str:
    header = (
        "model", "calls", "errors", "input_tokens", "output_tokens", "priced_calls", "cost_usd",
        "total_duration_ms",
    )  # fmt: skip
    rows = (
        (m.model, m.calls, m.errors, m.input_tokens, m.output_tokens, m.priced_calls, m.cost_usd,
         m.duration_ns / 1e6)
        for m in models
    )  # fmt: skip
    return to_csv(header, rows)
