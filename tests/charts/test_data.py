"""The charts' numbers, without Qt: layout, critical path, stats, decimation, usage, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from inspector.charts.critical import critical_path
from inspector.charts.decimate import decimate, decimate_capped, pyramid
from inspector.charts.export import latency_csv, runs_csv, to_csv, waterfall_csv
from inspector.charts.loaders import load_latency, load_tokens
from inspector.charts.stats import ALL, grouped_stats, latency_histogram, latency_stats
from inspector.charts.usage import cumulative_cost, run_usage
from inspector.charts.waterfall import KIND_KEY, extend_running, layout_waterfall
from inspector.model import SpanKind
from inspector.resources import demo_trace
from inspector.store.charts import (
    ChartScope,
    LlmCalls,
    call_ids,
    llm_calls,
    model_usage,
    more_llm_calls,
    scoped_runs,
)
from inspector.store.queries import RunRow, StoreReader
from inspector.workspace import Workspace
from tests.charts.data import HAND_ORDER, MS, T0, TRACE, hand_run, row, usage_store


@pytest.fixture(scope="module")
def demo() -> Iterator[StoreReader]:
    workspace = Workspace(demo_trace())
    workspace.load()
    reader = workspace.reader()
    yield reader
    reader.close()
    workspace.close()


@pytest.fixture
def usage(tmp_path: Path) -> StoreReader:
    return usage_store(tmp_path / "usage.db")[1]


# waterfall layout ------------------------------------------------------------------------------


def test_layout_rows_follow_the_tree_and_times_are_exact() -> None:
    rows = hand_run()
    shuffled = rows[::-1]  # input order must not matter
    layout = layout_waterfall(shuffled)
    assert layout.span_ids == HAND_ORDER
    assert layout.trace_id == TRACE
    assert layout.origin_ns == T0
    by_id = {r.span_id: r for r in rows}
    for i, sid in enumerate(layout.span_ids):
        span = by_id[sid]
        assert layout.start_ms[i] == pytest.approx((span.start_ns - T0) / MS, abs=1e-9)
        assert layout.width_ms[i] == pytest.approx((span.end_ns - span.start_ns) / MS, abs=1e-9)
        assert layout.kind_key[i] == KIND_KEY[span.kind]
    assert layout.depth.tolist() == [0, 1, 2, 2, 1, 2, 2, 2, 1, 1, 2]
    assert [layout.span_ids[i] for i in np.flatnonzero(layout.error)] == ["c1"]
    assert not layout.running.any()
    assert layout.end_ms == pytest.approx(100.0)
    assert layout.row_of["b2"] == 6


def test_layout_running_span_grows_to_now() -> None:
    rows = [row("r", None, 0, None, SpanKind.AGENT), row("x", "r", 10, 40)]
    layout = layout_waterfall(rows)
    # default "now": the latest time seen in the run
    assert layout.running.tolist() == [True, False]
    assert layout.width_ms.tolist() == pytest.approx([40.0, 30.0])
    layout = layout_waterfall(rows, now_ns=T0 + 250 * MS)
    assert layout.width_ms[0] == pytest.approx(250.0)
    widths = extend_running(layout, T0 + 400 * MS)
    assert widths.tolist() == pytest.approx([400.0, 30.0])
    assert layout.end_ms == pytest.approx(400.0)


def test_layout_orphans_and_missing_start() -> None:
    rows = [
        row("r", None, 5, 50),
        row("o", "gone", 20, 30, SpanKind.TOOL),  # parent never arrived: its own root
        row("n", "r", None, None),
    ]
    layout = layout_waterfall(rows)
    assert layout.span_ids == ["r", "n", "o"]
    assert layout.origin_ns == T0 + 5 * MS
    assert layout.placed.tolist() == [True, False, True]
    assert layout.width_ms[1] == 0
    assert layout.start_ms[2] == pytest.approx(15.0)


# critical path ---------------------------------------------------------------------------------


def test_critical_path_of_a_hand_made_run() -> None:
    path = critical_path(hand_run())
    # a1 and a2 overlap but a2 ends last and a1 ran before a2 started; of the parallel tools only
    # the slowest (b2) counts; the side task d never delayed anything.
    assert set(path) == {"root", "a", "a1", "a2", "b", "b2", "c", "c1"}
    starts = {r.span_id: r.start_ns for r in hand_run()}
    assert [starts[s] for s in path] == sorted(starts[s] for s in path)


def test_critical_path_running_child_and_overrun() -> None:
    rows = [
        row("r", None, 0, 100),
        row("fast", "r", 20, 50),  # ran entirely while "late" was running
        row("late", "r", 10, None),  # still running: ends "now"
    ]
    assert critical_path(rows, now_ns=T0 + 200 * MS) == ["r", "late"]
    rows = [row("r", None, 0, 100), row("x", "r", 0, 60), row("y", "r", 40, 70)]
    # y ended last; x started before y did, so it is on the path too
    assert critical_path(rows) == ["r", "x", "y"]
    assert critical_path([]) == []
    # parents come before their children when they start together
    assert critical_path([row("k", "p", 0, 10), row("p", None, 0, 10)]) == ["p", "k"]


# stats -----------------------------------------------------------------------------------------


def _calls(durations_ms: list[float], models: list[int], errors: list[bool]) -> LlmCalls:
    n = len(durations_ms)
    return LlmCalls(
        row_id=np.arange(1, n + 1, dtype=np.int64),
        start_ns=T0 + np.arange(n, dtype=np.int64) * MS,
        duration_ns=(np.asarray(durations_ms) * MS).astype(np.int64),
        model_code=np.asarray(models, np.int64),
        name_code=np.zeros(n, np.int64),
        error=np.asarray(errors, np.bool_),
        models=["m0", "m1"],
        names=["chat"],
        last_id=n,
    )


def test_percentiles_match_numpy() -> None:
    rng = np.random.default_rng(5)
    durations = rng.lognormal(6.5, 0.6, 501)
    models = (rng.random(501) < 0.3).astype(int).tolist()
    errors = (rng.random(501) < 0.05).tolist()
    calls = _calls(durations.tolist(), models, errors)
    stats = {s.key: s for s in grouped_stats(calls, "model")}
    assert list(stats) == [ALL, "m0", "m1"]
    ms = calls.duration_ns / 1e6
    for key, mask in (
        (ALL, slice(None)),
        ("m0", calls.model_code == 0),
        ("m1", calls.model_code == 1),
    ):
        group = ms[mask]
        s = stats[key]
        assert s.count == len(group)
        assert s.errors == int(calls.error[mask].sum())
        assert [s.p50_ms, s.p90_ms, s.p99_ms] == pytest.approx(np.percentile(group, [50, 90, 99]))
        assert s.mean_ms == pytest.approx(group.mean())
        assert s.max_ms == pytest.approx(group.max())
    assert stats[ALL].count == stats["m0"].count + stats["m1"].count
    empty = latency_stats("none", np.zeros(0, np.int64))
    assert empty.count == 0 and np.isnan(empty.p50_ms)


def test_histogram_bins() -> None:
    hist = latency_histogram((np.arange(1, 11) * MS).astype(np.int64), bins=5)
    assert hist.edges.tolist() == pytest.approx([0, 2, 4, 6, 8, 10])
    assert hist.counts.tolist() == [1, 2, 2, 2, 3]  # the last bin is closed: 8, 9, 10
    assert hist.overflow == 0


def test_histogram_long_tail_goes_to_the_last_bin() -> None:
    durations = np.r_[np.full(99, 1 * MS), [1000 * MS]].astype(np.int64)
    hist = latency_histogram(durations, bins=10)
    assert hist.edges[-1] == pytest.approx(np.percentile(durations / 1e6, 99.5))
    assert hist.overflow == 1
    assert hist.counts.sum() == 100
    assert hist.counts[0] == 99 and hist.counts[-1] == 1


# decimation ------------------------------------------------------------------------------------


def test_decimation_keeps_extremes_and_bounds_the_count() -> None:
    rng = np.random.default_rng(1)
    n = 200_000
    x = np.sort(rng.random(n) * 1000)
    y = rng.lognormal(0, 0.5, n)
    y[1234] = 50.0  # a lonely outlier
    y[99_999] = 1e-4
    size = (800, 400)
    keep = decimate(x, y, (0, 1000), (0, 60), size)
    assert len(keep) < n / 10
    assert len(keep) <= -(-800 // 3) * (400 // 3) + 2 * -(-800 // 3)
    assert np.all(np.diff(keep) > 0)
    assert 1234 in keep and 99_999 in keep
    # every column of cells (3 px) keeps its highest and lowest point
    col = np.clip((x * 800 / 1000).astype(int), 0, 799) // 3
    for c in (0, 17, 100, 266):
        members = np.flatnonzero(col == c)
        assert members[np.argmax(y[members])] in keep
        assert members[np.argmin(y[members])] in keep


def test_decimation_of_a_window_returns_indices_into_the_full_arrays() -> None:
    x = np.arange(10_000, dtype=np.float64)
    y = (x % 7).astype(np.float64)
    keep = decimate(x, y, (5000, 5100), (0, 10), (2000, 300), cell=1)
    # zoomed in far enough, every visible point is kept
    assert keep.tolist() == list(range(5000, 5101))
    assert decimate(x, y, (20_000, 30_000), (0, 10), (100, 100)).size == 0
    assert decimate(x, y, (0, 100), (50, 60), (100, 100)).size == 0


def test_pyramid_overview_keeps_outliers_and_maps_back() -> None:
    rng = np.random.default_rng(2)
    n = 400_000
    x = np.sort(rng.random(n) * 86_400)
    y = rng.lognormal(0, 0.5, n)
    y[12_345] = 80.0
    pyr = pyramid(x, y)
    assert pyr.overview is not None and len(pyr.overview) < n
    full_view = ((0.0, 86_400.0), (0.0, 85.0), (1200, 500))
    keep = pyr.pick(*full_view, max_points=6000)
    assert 12_345 in keep and len(keep) <= 6000 + 2 * 400
    assert np.all(np.diff(keep) > 0) and keep.max() < n
    # zoomed into ten minutes, points are picked from the full series, not the overview
    lo, hi = np.searchsorted(x, [40_000, 40_600])
    window = ((40_000.0, 40_600.0), (0.0, 5.0), (1200, 500))
    zoomed = pyr.pick(*window, max_points=6000)
    assert zoomed.tolist() == decimate_capped(x, y, *window, max_points=6000).tolist()
    assert lo <= zoomed.min() and zoomed.max() < hi
    assert not set(zoomed.tolist()) <= set(pyr.overview.tolist())
    assert len(pyramid(x[:1000], y[:1000]).pick(*full_view, max_points=6000)) <= 1000


# store queries ---------------------------------------------------------------------------------


def test_llm_calls_of_the_demo(demo: StoreReader) -> None:
    calls = llm_calls(demo)
    assert len(calls) == 24
    assert int(calls.error.sum()) == 1
    assert np.all(np.diff(calls.start_ns) >= 0)
    assert sorted(calls.models) == ["claude-sonnet-4-5", "gpt-4o-mini"]
    # the map back to span ids: the failed call is the demo's failing ChatCompletion
    failed = int(np.flatnonzero(calls.error)[0])
    trace_id, span_id = call_ids(demo, [int(calls.row_id[failed])])[0]
    span = demo.span(trace_id, span_id)
    assert span is not None and span.name == "ChatCompletion" and span.status.name == "ERROR"
    assert span.end_ns - span.start_ns == calls.duration_ns[failed]
    slow = llm_calls(demo, ChartScope(model="claude-sonnet-4-5"))
    assert len(slow) == 4 and slow.models == ["claude-sonnet-4-5"]


def test_incremental_read_adds_what_is_new(demo: StoreReader) -> None:
    full = llm_calls(demo)
    cut = int(np.sort(full.row_id)[10])
    kept = full.row_id <= cut
    before = LlmCalls(
        row_id=full.row_id[kept], start_ns=full.start_ns[kept],
        duration_ns=full.duration_ns[kept], model_code=full.model_code[kept],
        name_code=full.name_code[kept], error=full.error[kept], models=list(full.models),
        names=list(full.names), last_id=cut,
    )  # fmt: skip
    after = more_llm_calls(demo, before)
    assert after.row_id.tolist() == full.row_id.tolist()
    assert after.duration_ns.tolist() == full.duration_ns.tolist()
    assert after.last_id == int(full.row_id.max())


def test_running_calls_are_listed_not_plotted(usage: StoreReader) -> None:
    calls = llm_calls(usage)
    assert len(calls) == 5 and len(calls.open_ids) == 1
    again = more_llm_calls(usage, calls)
    assert len(again) == 5 and again.open_ids == calls.open_ids


def test_model_usage_agrees_with_the_store_aggregates(demo: StoreReader) -> None:
    ours = {m.model: m for m in model_usage(demo)}
    for agg in demo.aggregates("model"):
        mine = ours[agg.key]
        assert (mine.calls, mine.errors, mine.input_tokens, mine.output_tokens) == (
            agg.count, agg.errors, agg.input_tokens, agg.output_tokens,
        )  # fmt: skip
        assert mine.cost_usd == pytest.approx(agg.cost_usd)
        assert mine.priced_calls == mine.calls


def test_scope_filters_runs_by_time(demo: StoreReader) -> None:
    runs = demo.runs(0, 100, descending=False)
    middle = runs[3].start_ns
    assert middle is not None
    inside = scoped_runs(demo, ChartScope(start_ns=middle))
    assert [r.trace_id for r in inside] == [r.trace_id for r in runs[3:]]
    assert len(scoped_runs(demo, ChartScope(end_ns=middle))) == 3
    assert len(scoped_runs(demo, ChartScope(model="claude-sonnet-4-5"))) == 4


# tokens and cost -------------------------------------------------------------------------------


def _run(trace: str, start: int, cost: float | None, calls: int, priced: int,
         tokens: tuple[int, int] = (10, 5)) -> RunRow:  # fmt: skip
    return RunRow(trace, trace, None, 3, 0, calls, tokens[0], tokens[1], cost, priced,
                  start, start + 1, False, None, None, "")  # fmt: skip


def test_run_usage_keeps_unknown_cost_out_of_sums() -> None:
    runs = [
        _run("c", 3, 0.25, 2, 1, (300, 30)),  # partly priced
        _run("a", 1, 0.5, 1, 1, (100, 10)),
        _run("b", 2, None, 2, 0, (200, 20)),  # unknown
        _run("d", 4, None, 0, 0, (0, 0)),  # no LLM calls: costs nothing
    ]
    usage = run_usage(runs)
    assert usage.trace_ids == ["a", "b", "c", "d"]
    assert usage.cost_known.tolist() == [True, False, True, True]
    assert usage.unknown_runs == 1
    assert usage.partial.tolist() == [False, False, True, False]
    assert usage.total_cost == pytest.approx(0.75)
    assert np.isnan(usage.cost_usd[1])
    bottom, top = usage.token_tops
    assert bottom.tolist() == [100, 200, 300, 0]
    assert top.tolist() == [110, 220, 330, 0]


def test_cumulative_cost_is_sorted_by_time() -> None:
    series = cumulative_cost([30, 10, 20], [0.3, 0.1, 0.2], unpriced_calls=2)
    assert series.time_ns.tolist() == [10, 20, 30]
    assert series.cumulative_usd.tolist() == pytest.approx([0.1, 0.3, 0.6])
    assert series.total_usd == pytest.approx(0.6)
    assert series.unpriced_calls == 2


def test_load_tokens_from_a_store_with_unknown_costs(usage: StoreReader) -> None:
    data = load_tokens(usage)
    runs = data.runs
    assert runs.names == ["run-1", "run-2", "run-3"]
    assert runs.unknown_runs == 1 and not runs.cost_known[1]
    assert runs.partial.tolist() == [False, False, True]
    assert runs.total_cost == pytest.approx(0.0036 + 0.00361)
    # the line sums priced calls only; the two mystery-model calls are counted as unpriced
    assert data.cost.unpriced_calls == 2
    assert data.cost.total_usd == pytest.approx(runs.total_cost)
    models = {m.model: m for m in data.models}
    assert models["mystery-model"].cost_usd is None and models["mystery-model"].calls == 2
    assert models["gpt-4o-mini"].priced_calls == 4


# CSV ---------------------------------------------------------------------------------------------


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_waterfall_csv() -> None:
    layout = layout_waterfall(hand_run())
    lines = _parse(waterfall_csv(layout))
    assert [line["span_id"] for line in lines] == HAND_ORDER
    b2 = lines[HAND_ORDER.index("b2")]
    assert (b2["kind"], float(b2["start_ms"]), float(b2["duration_ms"])) == ("TOOL", 31.0, 54.0)
    c1 = lines[HAND_ORDER.index("c1")]
    assert (c1["error"], c1["input_tokens"], c1["output_tokens"], c1["cost_usd"]) == (
        "1",
        "50",
        "",
        "",
    )


def test_latency_and_runs_csv(demo: StoreReader) -> None:
    data = load_latency(demo)
    lines = _parse(latency_csv(data.by_model, "model"))
    assert [line["model"] for line in lines] == [s.key for s in data.by_model]
    assert int(lines[0]["count"]) == 24
    assert float(lines[0]["p50_ms"]) == pytest.approx(data.by_model[0].p50_ms)
    usage = run_usage([_run("a", 1, None, 1, 0), _run("b", 2, 0.5, 1, 1)])
    rows = _parse(runs_csv(usage))
    assert [(r["trace_id"], r["cost_usd"]) for r in rows] == [("a", ""), ("b", "0.5")]


def test_csv_defuses_formulas() -> None:
    text = to_csv(("name", "value"), [("=HYPERLINK(1)", -3), ("@x", None)])
    assert text.splitlines() == ["name,value", "'=HYPERLINK(1),-3", "'@x,"]
