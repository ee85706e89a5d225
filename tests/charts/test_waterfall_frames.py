"""The waterfall's frames: laid out and recorded off the GUI thread, applied on it; unchanged
blocks of bars reused when a live run grows; a long run painted block by block."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from inspector.model import SpanKind
from inspector.store.queries import SpanRow
from inspector.ui.charts.bars import BLOCK_ROWS
from inspector.ui.charts.theme import KIND_COLOURS
from inspector.ui.charts.waterfall import WaterfallFrame, WaterfallWidget, prepare_frame
from tests.charts.data import HAND_ORDER, MS, T0, hand_run, row
from tests.charts.test_widgets import close_colour, shown, view_point

pytestmark = pytest.mark.gui


def long_run(count: int) -> list[SpanRow]:
    """A root (10 s) and ``count`` children one after the other, alternating LLM and tool
    calls."""
    kinds = (SpanKind.LLM, SpanKind.TOOL)
    return [row("r", None, 0, 10_000, SpanKind.AGENT)] + [
        row(f"s{i:05d}", "r", i * 10, i * 10 + 8, kinds[i % 2]) for i in range(count)
    ]


def on_worker(work: Callable[[], WaterfallFrame]) -> tuple[WaterfallFrame, str]:
    """Run ``work`` on a plain thread, as the session's pool does."""
    out: list[tuple[WaterfallFrame, str]] = []
    thread = threading.Thread(target=lambda: out.append((work(), threading.current_thread().name)))
    thread.start()
    thread.join(10)
    return out[0]


def test_a_frame_prepared_on_a_worker_draws_like_set_run(qtbot: QtBot) -> None:
    frame, thread = on_worker(lambda: prepare_frame(hand_run(), critical=True))
    assert thread != threading.main_thread().name
    widget = WaterfallWidget()
    shown(qtbot, widget)
    widget.critical_button.setChecked(True)
    widget.set_frame(frame)
    assert widget.layout_data.span_ids == HAND_ORDER
    assert len(widget.bars) == len(HAND_ORDER)
    # the critical path came with the frame (worked out on the worker)
    assert set(widget.critical_ids) == {"root", "a", "a1", "a2", "b", "b2", "c", "c1"}
    assert "11 spans" in widget.summary.text()
    image = widget.plot_widget.grab().toImage()
    row_a2 = HAND_ORDER.index("a2")
    pos = view_point(widget.plot_widget, widget.view_box, 5 + 23 / 2, row_a2 + 0.5)
    assert close_colour(image.pixelColor(pos), QColor(KIND_COLOURS[SpanKind.LLM]))


def test_a_grown_run_reuses_the_blocks_that_did_not_change() -> None:
    first = prepare_frame(long_run(3 * BLOCK_ROWS))
    blocks = len(first.bars.finished)
    assert blocks == 4  # 385 rows (the root too) in blocks of 128
    grown = prepare_frame(long_run(3 * BLOCK_ROWS + 5), previous=first.bars)
    reused = [new is old for new, old in zip(grown.bars.finished, first.bars.finished, strict=True)]
    assert reused == [True, True, True, False]  # only the last block got new bars
    assert len(grown.bars.finished) == blocks

    # a span in the first block changed (it failed): that block is recorded again
    rows = long_run(3 * BLOCK_ROWS + 5)
    rows[3] = row(rows[3].span_id, "r", 20, 28, SpanKind.LLM, error=True)
    changed = prepare_frame(rows, previous=grown.bars)
    reused = [
        new is old for new, old in zip(changed.bars.finished, grown.bars.finished, strict=True)
    ]
    assert reused == [False, True, True, True]


def test_running_bars_grow_without_breaking_reuse() -> None:
    rows = [row("r", None, 0, None, SpanKind.AGENT), *long_run(200)[1:]]
    first = prepare_frame(rows, now_ns=T0 + 2500 * MS)
    # the GUI thread ticks the running root while the next frame is prepared
    first.bars.width[0] = 3000.0
    grown = prepare_frame(rows, now_ns=T0 + 2600 * MS, previous=first.bars)
    assert all(
        new is old for new, old in zip(grown.bars.finished, first.bars.finished, strict=True)
    )
    assert grown.bars.live[0] is not first.bars.live[0]  # running bars are always recorded
    assert grown.data.layout.width_ms[0] == pytest.approx(2600.0)


def test_bars_far_down_a_long_run_are_painted(qtbot: QtBot) -> None:
    widget = WaterfallWidget()
    shown(qtbot, widget, (900, 500))
    widget.set_run(long_run(5 * BLOCK_ROWS))
    target = 4 * BLOCK_ROWS + 7  # in the fifth block
    widget.highlight_span(f"s{target - 1:05d}")  # row 0 is the root
    top, bottom = widget.view_box.viewRange()[1]
    assert top <= target < bottom and top > 3 * BLOCK_ROWS
    widget.view_box.setXRange(target * 10 - 30, target * 10 + 30, padding=0)  # bars ~100 px
    image = widget.plot_widget.grab().toImage()
    for below in (target + 1, target + 2):  # rows under the highlight: child below - 1
        child = below - 1
        pos = view_point(widget.plot_widget, widget.view_box, child * 10 + 4, below + 0.5)
        colour = KIND_COLOURS[SpanKind.LLM if child % 2 == 0 else SpanKind.TOOL]
        assert close_colour(image.pixelColor(pos), QColor(colour))


def test_the_critical_path_is_worked_out_in_the_background(qtbot: QtBot) -> None:
    jobs: list[tuple[Callable[[], object], Callable[[object], None]]] = []
    widget = WaterfallWidget()
    shown(qtbot, widget)
    widget.background = lambda work, done: jobs.append((work, done))
    widget.set_run(hand_run())
    widget.critical_button.setChecked(True)
    assert widget.critical_ids == [] and len(jobs) == 1  # not on the GUI thread
    work, done = jobs.pop()
    done(work())
    assert set(widget.critical_ids) == {"root", "a", "a1", "a2", "b", "b2", "c", "c1"}
    assert len(widget.bars._critical) == 8

    # a result that lands after the run changed is dropped (the new frame asks again)
    widget.critical_button.setChecked(False)
    widget.critical_button.setChecked(True)
    stale_work, stale_done = jobs.pop()
    widget.update_frame(prepare_frame(hand_run()[:4]))
    assert len(jobs) == 1  # the new frame has no path: it is asked for again
    stale_done(stale_work())
    assert widget.critical_ids == []
    work, done = jobs.pop()
    done(work())
    assert set(widget.critical_ids) <= set(widget.layout_data.span_ids)
    assert np.all(widget.bars._critical < 4)
