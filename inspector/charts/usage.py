"""Token and cost series: per run, cumulative over time, per model.

Unknown stays unknown: a run whose cost the store could not price (``cost_usd is None`` with LLM
calls) is counted in ``unknown_runs`` and left out of every sum, never added as 0. A run that
had no LLM calls costs nothing (there was nothing to price). Runs where only some calls had a
price are *partially priced*: their cost is a lower bound, flagged in ``partial``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from inspector.store.charts import ChartScope
from inspector.store.queries import RunRow, StoreReader

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(slots=True)
class RunUsage:
    """One entry per run, oldest first. ``cost_usd`` is NaN where ``cost_known`` is false."""

    trace_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    start_ns: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    input_tokens: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    output_tokens: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    llm_calls: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    priced_calls: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    cost_usd: FloatArray = field(default_factory=lambda: np.zeros(0))
    cost_known: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))

    def __len__(self) -> int:
        return len(self.trace_ids)

    @property
    def unknown_runs(self) -> int:
        """Runs with LLM calls but no known cost."""
        return int((~self.cost_known).sum())

    @property
    def partial(self) -> BoolArray:
        """Runs whose cost is known for only some of their LLM calls (a lower bound)."""
        return self.cost_known & (self.priced_calls < self.llm_calls)

    @property
    def total_cost(self) -> float:
        """Sum of the known costs (unknown runs excluded)."""
        return float(self.cost_usd[self.cost_known].sum())

    @property
    def token_tops(self) -> tuple[IntArray, IntArray]:
        """Stacked bars: input from 0 to ``input``, output from ``input`` to ``input+output``."""
        return self.input_tokens, self.input_tokens + self.output_tokens


def run_usage(runs: Sequence[RunRow]) -> RunUsage:
    """Per-run tokens and cost, oldest run first (runs with no start time go first)."""
    ordered = sorted(runs, key=lambda r: (r.start_ns is not None, r.start_ns or 0, r.trace_id))
    count = len(ordered)
    known = np.fromiter(
        (r.cost_usd is not None or r.llm_calls == 0 for r in ordered), np.bool_, count
    )
    cost = np.fromiter(
        (
            (r.cost_usd if r.cost_usd is not None else (0.0 if r.llm_calls == 0 else np.nan))
            for r in ordered
        ),
        np.float64,
        count,
    )
    return RunUsage(
        trace_ids=[r.trace_id for r in ordered],
        names=[r.name for r in ordered],
        start_ns=np.fromiter((r.start_ns or 0 for r in ordered), np.int64, count),
        input_tokens=np.fromiter((r.input_tokens for r in ordered), np.int64, count),
        output_tokens=np.fromiter((r.output_tokens for r in ordered), np.int64, count),
        llm_calls=np.fromiter((r.llm_calls for r in ordered), np.int64, count),
        priced_calls=np.fromiter((r.priced_calls for r in ordered), np.int64, count),
        cost_usd=cost,
        cost_known=known,
    )


@dataclass(slots=True)
class CostSeries:
    """Cumulative cost of the priced LLM calls, in the order they ended.

    ``time_ns[i]`` is when call ``i`` ended and ``cumulative_usd[i]`` the cost of calls
    ``0..i``; ``unpriced_calls`` ended in scope without a price and are not in the line.
    """

    time_ns: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    cumulative_usd: FloatArray = field(default_factory=lambda: np.zeros(0))
    unpriced_calls: int = 0

    @property
    def total_usd(self) -> float:
        return float(self.cumulative_usd[-1]) if len(self.cumulative_usd) else 0.0


def cost_series(reader: StoreReader, scope: ChartScope | None = None) -> CostSeries:
    """Cumulative cost over time of the priced LLM calls in scope."""
    where, params = (scope or ChartScope()).span_filter()
    extra = f" AND {where}" if where else ""
    sql = (
        "SELECT coalesce(s.end_ns, s.start_ns) AS t, s.cost_usd FROM spans s "
        f"WHERE s.kind = 'LLM' AND s.cost_usd IS NOT NULL AND t IS NOT NULL{extra} ORDER BY t"
    )
    rows = reader.conn.execute(sql, params).fetchall()
    unpriced = reader.conn.execute(
        f"SELECT count(*) FROM spans s WHERE s.kind = 'LLM' AND s.cost_usd IS NULL{extra}", params
    ).fetchone()[0]
    return cumulative_cost([r[0] for r in rows], [r[1] for r in rows], int(unpriced))


def cumulative_cost(
    time_ns: Sequence[int], cost_usd: Sequence[float], unpriced_calls: int = 0
) -> CostSeries:
    """The step line's points from per-call (end time, cost) pairs (any order)."""
    times = np.asarray(time_ns, np.int64)
    costs = np.asarray(cost_usd, np.float64)
    order = np.argsort(times, kind="stable")
    return CostSeries(times[order], np.cumsum(costs[order]), unpriced_calls)
