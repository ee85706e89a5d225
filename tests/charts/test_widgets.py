"""The chart widgets offscreen: view ranges, clicks, highlights, live updates, exports, pixels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inspector.charts.export import waterfall_csv
from inspector.charts.loaders import LatencyData, latency_data, load_latency, load_tokens
from inspector.charts.stats import ALL
from inspector.model import SpanKind
from inspector.resources import demo_trace
from inspector.store.charts import LlmCalls
from inspector.store.queries import StoreReader
from inspector.ui.charts.export import save_csv
from inspector.ui.charts.latency import LatencyWidget
from inspector.ui.charts.tables import LatencyTableModel, ModelUsageTableModel
from inspector.ui.charts.theme import KIND_COLOURS
from inspector.ui.charts.tokens import TokensWidget
from inspector.ui.charts.waterfall import WaterfallWidget
from inspector.workspace import Workspace
from tests.charts.data import HAND_ORDER, MS, T0, TRACE, hand_run, row, usage_store

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo() -> Iterator[StoreReader]:
    workspace = Workspace(demo_trace())
    workspace.load()
    reader = workspace.reader()
    yield reader
    reader.close()
    workspace.close()


def shown(qtbot: QtBot, widget: object, size: tuple[int, int] = (1000, 600)) -> None:
    qtbot.addWidget(widget)
    widget.resize(*size)  # type: ignore[attr-defined]
    widget.show()  # type: ignore[attr-defined]
    qtbot.waitExposed(widget)


def view_point(plot_widget: object, view_box: object, x: float, y: float) -> QPoint:
    """Widget (viewport) pixel of a point in view coordinates."""
    scene = view_box.mapViewToScene(QPointF(x, y))  # type: ignore[attr-defined]
    return plot_widget.mapFromScene(scene)  # type: ignore[attr-defined,no-any-return]


def close_colour(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


# waterfall -------------------------------------------------------------------------------------


@pytest.fixture
def waterfall(qtbot: QtBot) -> WaterfallWidget:
    widget = WaterfallWidget()
    shown(qtbot, widget)
    widget.set_run(hand_run())
    return widget


def test_waterfall_view_covers_the_run(waterfall: WaterfallWidget) -> None:
    (x0, x1), (y0, y1) = waterfall.view_box.viewRange()
    assert x0 <= 0 and x1 >= 100 and x1 < 110
    assert y0 == pytest.approx(0) and y1 >= 11
    assert waterfall.layout_data.span_ids == HAND_ORDER
    assert len(waterfall.bars) == 11
    assert waterfall.bars.paint_count >= 0
    assert not waterfall.row_scroll.isVisible()
    assert "11 spans" in waterfall.summary.text() and "1 error" in waterfall.summary.text()


def test_clicking_a_bar_emits_its_ids(qtbot: QtBot, waterfall: WaterfallWidget) -> None:
    row = HAND_ORDER.index("b2")
    pos = view_point(waterfall.plot_widget, waterfall.view_box, 31 + 54 / 2, row + 0.5)
    with qtbot.waitSignal(waterfall.spanClicked) as blocker:
        qtbot.mouseClick(waterfall.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [TRACE, "b2"]
    assert waterfall.bars._highlight == row
    # a click on an empty part of a row selects nothing
    empty = view_point(waterfall.plot_widget, waterfall.view_box, 5, row + 0.5)
    with qtbot.assertNotEmitted(waterfall.spanClicked):
        qtbot.mouseClick(waterfall.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=empty)


def test_hover_text_and_pixel_probe(waterfall: WaterfallWidget) -> None:
    row = HAND_ORDER.index("a2")
    text = waterfall.describe(row)
    assert "step a2" in text and "LLM" in text and "23.0 ms" in text
    assert "100 in / 20 out" in text and "$0.010" in text
    assert waterfall.row_at(waterfall.view_box.mapViewToScene(QPointF(50, row + 0.5))) is None
    image = waterfall.plot_widget.grab().toImage()
    pos = view_point(waterfall.plot_widget, waterfall.view_box, 5 + 23 / 2, row + 0.5)
    assert close_colour(image.pixelColor(pos), QColor(KIND_COLOURS[SpanKind.LLM]))
    tool = view_point(waterfall.plot_widget, waterfall.view_box, 57.3, HAND_ORDER.index("b2") + 0.5)
    assert close_colour(image.pixelColor(tool), QColor(KIND_COLOURS[SpanKind.TOOL]))


def test_tooltips_show_trace_text_literally(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextDocument

    from inspector.ui.text import tooltip

    name = "<b>bold</b> <img src=x>"
    widget = WaterfallWidget()
    shown(qtbot, widget)
    widget.set_run([row("r", None, 0, 10)])
    widget.layout_data.names[0] = name
    document = QTextDocument()
    document.setHtml(tooltip(widget.describe(0)))
    assert document.toPlainText().splitlines()[0].startswith(name)


def test_highlight_scrolls_into_view(qtbot: QtBot) -> None:
    widget = WaterfallWidget()
    shown(qtbot, widget, (900, 400))
    rows = [row("r", None, 0, 1000, SpanKind.AGENT)] + [
        row(f"s{i:03d}", "r", i * 5, i * 5 + 4, SpanKind.TOOL) for i in range(200)
    ]
    widget.set_run(rows)
    (_, _), (top, bottom) = widget.view_box.viewRange()
    assert top == 0 and bottom < 30  # a readable row height, not 201 squeezed rows
    assert widget.row_scroll.isVisible()
    widget.view_box.setXRange(0, 50, padding=0)  # zoomed into the start
    widget.highlight_span("s180")
    target = widget.layout_data.row_of["s180"]
    (x0, x1), (top, bottom) = widget.view_box.viewRange()
    assert top <= target < bottom
    assert x0 <= 900 and x1 >= 904
    assert widget.row_scroll.value() == round(top)
    widget.highlight_span(None)
    assert widget.bars._highlight is None


def test_critical_path_toggle(waterfall: WaterfallWidget) -> None:
    waterfall.critical_button.setChecked(True)
    assert set(waterfall.critical_ids) == {"root", "a", "a1", "a2", "b", "b2", "c", "c1"}
    rows = sorted(waterfall.bars._critical.tolist())
    assert rows == sorted(HAND_ORDER.index(s) for s in waterfall.critical_ids)
    waterfall.set_critical_path(False)
    assert not waterfall.critical_button.isChecked() and len(waterfall.bars._critical) == 0


def test_live_run_grows_and_ticks(qtbot: QtBot) -> None:
    widget = WaterfallWidget()
    shown(qtbot, widget)
    widget.set_run([row("r", None, 0, None, SpanKind.AGENT), row("x", "r", 0, 40)],
                   now_ns=T0 + 50 * MS)  # fmt: skip
    item = widget.bars
    assert widget.layout_data.width_ms.tolist() == pytest.approx([50.0, 40.0])
    widget.highlight_span("x")
    widget.tick(T0 + 80 * MS)
    assert widget.layout_data.width_ms[0] == pytest.approx(80.0)
    assert item.boundingRect().right() == pytest.approx(80.0)
    widget.update_spans(
        [row("r", None, 0, None, SpanKind.AGENT), row("x", "r", 0, 40), row("y", "r", 45, 120)],
        now_ns=T0 + 130 * MS,
    )
    assert widget.bars is item  # the same item, new data
    assert widget.layout_data.span_ids == ["r", "x", "y"]
    assert item._highlight == 1  # the selection survived the update
    assert widget.view_box.viewRange()[0][1] >= 130  # it was showing everything: it follows


def test_waterfall_exports(tmp_path: Path, waterfall: WaterfallWidget) -> None:
    assert waterfall.csv_text() == waterfall_csv(waterfall.layout_data)
    path = tmp_path / "waterfall.png"
    assert waterfall.export_png(path)
    assert path.stat().st_size > 1000
    save_csv(waterfall.csv_text(), tmp_path / "w.csv")
    assert (tmp_path / "w.csv").read_text(encoding="utf-8-sig").startswith("row,depth,span_id")
    waterfall.export_button._fill()
    labels = [a.text() for a in waterfall.export_button.menu().actions()]
    assert labels == ["Image (PNG)…", "Spans (CSV)…"]


def test_waterfall_of_a_demo_run_with_an_error(qtbot: QtBot, demo: StoreReader) -> None:
    failing = next(r for r in demo.runs(0, 50) if r.errors)
    widget = WaterfallWidget()
    shown(qtbot, widget, (1200, 700))
    widget.set_run(demo.span_rows(failing.trace_id))
    layout = widget.layout_data
    assert len(layout) == failing.spans
    assert int(layout.error.sum()) == failing.errors
    assert layout.end_ms == pytest.approx((failing.end_ns - failing.start_ns) / MS)
    x0, x1 = widget.view_box.viewRange()[0]
    assert x0 <= 0 and x1 >= layout.end_ms


# latency -----------------------------------------------------------------------------------------


def test_latency_table_model(qtmodeltester: ModelTester, demo: StoreReader) -> None:
    model = LatencyTableModel()
    model.set_rows(load_latency(demo).by_model)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.index(0, 0).data() == ALL and model.index(0, 1).data() == "24"
    model.set_rows([])
    qtmodeltester.check(model)


def test_latency_widget_on_the_demo(qtbot: QtBot, demo: StoreReader) -> None:
    widget = LatencyWidget()
    shown(qtbot, widget, (1200, 700))
    widget.refresh(demo)
    assert widget.table_model.rowCount() == 3
    _, counts = widget.hist_curve.getData()
    assert int(np.sum(counts)) == 24
    stats = widget.group_stats()
    assert widget.lines["p90"].value() == pytest.approx(stats.p90_ms / 1e3)
    widget.select_group("claude-sonnet-4-5")
    assert int(np.sum(widget.hist_curve.getData()[1])) == 4
    assert len(widget.scatter) + len(widget.scatter_errors) == 4
    widget.set_group_by("name")
    assert [widget.table_model.record(r).key for r in range(2)] == [ALL, "ChatCompletion"]
    assert widget.csv_text().splitlines()[0].startswith("name,count")


def test_clicking_a_point_emits_its_ids(qtbot: QtBot, demo: StoreReader) -> None:
    widget = LatencyWidget()
    shown(qtbot, widget, (1200, 700))
    widget.refresh(demo)
    calls = widget.data.calls
    failed = int(np.flatnonzero(calls.error)[0])
    pos = view_point(widget.scatter_widget, widget.scatter_view,
                     calls.start_ns[failed] / 1e9, calls.duration_ns[failed] / 1e9)  # fmt: skip
    with qtbot.waitSignal(widget.spanClicked) as blocker:
        qtbot.mouseClick(widget.scatter_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    span = demo.span(*blocker.args)
    assert span is not None and span.status.name == "ERROR" and span.name == "ChatCompletion"


def _many_calls(n: int) -> LatencyData:
    rng = np.random.default_rng(3)
    start = T0 + np.sort(rng.integers(0, 3600 * 10**9, n))
    duration = (rng.lognormal(0, 0.4, n) * 10**9).astype(np.int64)
    duration[n // 2] = 60 * 10**9  # one very slow call
    calls = LlmCalls(
        row_id=np.arange(1, n + 1, dtype=np.int64), start_ns=start.astype(np.int64),
        duration_ns=duration, model_code=(np.arange(n) % 2).astype(np.int64),
        name_code=np.zeros(n, np.int64), error=np.zeros(n, np.bool_), models=["a", "b"],
        names=["chat"], last_id=n,
    )  # fmt: skip
    return latency_data(calls)


def test_scatter_draws_a_decimated_subset(qtbot: QtBot) -> None:
    widget = LatencyWidget()
    shown(qtbot, widget, (1200, 700))
    n = 200_000
    widget.set_data(_many_calls(n))  # this many points are picked on the worker
    qtbot.waitUntil(lambda: widget.shown_count > 0)
    assert widget.shown_count < n / 4
    positions = widget.shown_calls()
    calls = widget.data.calls
    assert n // 2 in positions  # the outlier is drawn
    (x0, x1), (_, y1) = widget.scatter_view.viewRange()
    assert x0 <= calls.start_ns[0] / 1e9 and x1 >= calls.start_ns[-1] / 1e9 and y1 >= 60
    # zoom into one minute: points are re-picked for it, and each maps back to its call
    middle = float(calls.start_ns[n // 2]) / 1e9
    widget.scatter_view.setRange(xRange=(middle - 30, middle + 30), yRange=(0, 5), padding=0)
    widget.redecimate()
    xs, ys = widget.scatter.getData()
    inside = (calls.start_ns / 1e9 >= middle - 30) & (calls.start_ns / 1e9 <= middle + 30)
    assert 0 < len(xs) <= int(inside.sum()) * 3
    positions = widget.shown_calls()[: len(xs)]
    assert np.allclose(xs, calls.start_ns[positions] / 1e9)
    assert np.allclose(ys, calls.duration_ns[positions] / 1e9)


# tokens and cost -------------------------------------------------------------------------------


@pytest.fixture
def usage(tmp_path: Path) -> Iterator[StoreReader]:
    writer, reader = usage_store(tmp_path / "usage.db")
    yield reader
    writer.conn.close()


def test_model_usage_table(qtmodeltester: ModelTester, usage: StoreReader) -> None:
    model = ModelUsageTableModel()
    model.set_rows(load_tokens(usage).models)
    qtmodeltester.check(model)
    cells = {model.index(r, 0).data(): model.index(r, 4).data() for r in range(model.rowCount())}
    assert cells["mystery-model"] == "unknown"
    assert cells["gpt-4o-mini"].startswith("$")


def test_tokens_widget_shows_unknown_cost_as_unknown(
    qtbot: QtBot, tmp_path: Path, usage: StoreReader
) -> None:
    widget = TokensWidget()
    shown(qtbot, widget, (1200, 700))
    widget.refresh(usage)
    assert widget.input_bars.opts["height"].tolist() == [3000, 500, 3710]
    assert widget.output_bars.opts["y0"].tolist() == [3000, 500, 3710]
    assert widget.output_bars.opts["height"].tolist() == [300, 50, 370]
    assert widget.unknown_bars.opts["x"].tolist() == [1.0]
    assert widget.partial_bars.opts["x"].tolist() == [2.0]
    assert widget.cost_bars.opts["height"].tolist() == pytest.approx([0.0036])
    assert "cost unknown for 1 run" in widget.cost_plot.titleLabel.text
    assert "priced calls only" in widget.cumulative_plot.titleLabel.text
    assert widget.unpriced_note.text() == "2 unpriced calls not included"
    _, ys = widget.cumulative_line.getData()
    assert ys[-1] == pytest.approx(0.0036 + 0.00361)
    assert "cost unknown for 1 runs" in widget.summary.text()
    assert "cost unknown" in widget.describe(1)
    # a click on a run's bar names the run
    box = widget.tokens_plot.getViewBox()
    pos = view_point(widget.tokens_view, box, 1, 200)
    with qtbot.waitSignal(widget.runClicked) as blocker:
        qtbot.mouseClick(widget.tokens_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [widget.data.runs.trace_ids[1]]
    assert set(widget.csv_exports()) == {"Runs", "Cumulative cost", "Models"}
    assert widget.export_png(tmp_path / "tokens.png")
    assert (tmp_path / "tokens.png").stat().st_size > 1000


def test_tokens_refresh_reuses_items(qtbot: QtBot, demo: StoreReader, usage: StoreReader) -> None:
    widget = TokensWidget()
    shown(qtbot, widget)
    widget.refresh(demo)
    items = set(widget.tokens_plot.items)
    assert len(widget.input_bars.opts["height"]) == 8
    widget.refresh(usage)
    assert set(widget.tokens_plot.items) == items
    assert len(widget.input_bars.opts["height"]) == 3
