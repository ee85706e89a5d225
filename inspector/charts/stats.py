"""Latency statistics: percentiles per group and histograms with an overflow bin.

Percentiles use numpy's default (linear interpolation between closest ranks), so a table cell
equals ``numpy.percentile`` of the same durations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inspector.store.charts import LlmCalls

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ALL = "(all)"


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """Counts and latency percentiles of one group of calls (durations in ms)."""

    key: str
    count: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float


def latency_stats(
    key: str, durations_ns: IntArray, error: npt.NDArray[np.bool_] | None = None
) -> LatencyStats:
    """Stats of one group; percentiles of an empty group are NaN."""
    count = len(durations_ns)
    errors = int(error.sum()) if error is not None else 0
    if count == 0:
        nan = float("nan")
        return LatencyStats(key, 0, errors, nan, nan, nan, nan, nan)
    ms = durations_ns / 1e6
    p50, p90, p99 = np.percentile(ms, [50, 90, 99])
    return LatencyStats(
        key, count, errors, float(p50), float(p90), float(p99), float(ms.mean()), float(ms.max())
    )


def group_codes(calls: LlmCalls, by: str) -> tuple[IntArray, list[str]]:
    """The code column and its labels for grouping by ``"model"`` or ``"name"``."""
    if by == "model":
        return calls.model_code, calls.models
    if by == "name":
        return calls.name_code, calls.names
    raise ValueError(f"cannot group by {by!r}")


def grouped_stats(calls: LlmCalls, by: str = "model") -> list[LatencyStats]:
    """An ``(all)`` row, then one row per model (or span name), most calls first."""
    codes, labels = group_codes(calls, by)
    rows = [latency_stats(ALL, calls.duration_ns, calls.error)]
    if not len(calls):
        return rows
    # One sort instead of a mask per group: fine for thousands of distinct span names.
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    bounds = np.flatnonzero(np.diff(sorted_codes)) + 1
    groups = []
    for part in np.split(order, bounds):
        code = int(codes[part[0]])
        groups.append(latency_stats(labels[code], calls.duration_ns[part], calls.error[part]))
    groups.sort(key=lambda s: (-s.count, s.key))
    return rows + groups


def group_mask(calls: LlmCalls, by: str, key: str) -> npt.NDArray[np.bool_] | None:
    """Which calls belong to group ``key`` (``None`` for :data:`ALL`)."""
    if key == ALL:
        return None
    codes, labels = group_codes(calls, by)
    try:
        code = labels.index(key)
    except ValueError:
        return np.zeros(len(calls), np.bool_)
    mask: npt.NDArray[np.bool_] = codes == code
    return mask


@dataclass(frozen=True, slots=True)
class Histogram:
    """Bin edges (ms, ``len(counts) + 1``) and counts. Calls slower than ``edges[-1]`` are
    counted in the last bin; ``overflow`` says how many of them there are."""

    edges: FloatArray
    counts: IntArray
    overflow: int


def latency_histogram(
    durations_ns: IntArray, bins: int = 40, upper_percentile: float = 99.5
) -> Histogram:
    """Histogram of durations in ms from 0 to the ``upper_percentile``-th percentile.

    A long tail would squash everything into the first bin, so when the slowest call is more
    than 1.5x that percentile the range stops there and the slower calls go into the last bin
    (reported as ``overflow``).
    """
    if len(durations_ns) == 0:
        return Histogram(np.linspace(0.0, 1.0, bins + 1), np.zeros(bins, np.int64), 0)
    ms = durations_ns / 1e6
    upper = float(np.percentile(ms, upper_percentile))
    top = float(ms.max())
    if upper <= 0 or top <= 1.5 * upper:  # no long tail: show everything
        upper = top or 1.0
    overflow = int((ms > upper).sum())
    counts, edges = np.histogram(np.minimum(ms, upper), bins=bins, range=(0.0, upper))
    return Histogram(edges.astype(np.float64), counts.astype(np.int64), overflow)
