"""Run against run: both span trees aligned above, the selected pair's span diff below.

The runs to compare are picked in two combo boxes (filled from the store on a worker) or set
with :meth:`RunDiffWidget.set_runs`. Aligning the trees runs on a worker too.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.diff import Change, RunDiff, SpanPair
from inspector.store.queries import RunRow
from inspector.ui.diffview import jobs
from inspector.ui.diffview.jobs import ReaderFactory
from inspector.ui.diffview.runmodel import COLUMNS, RunDiffModel
from inspector.ui.diffview.spandiff import SpanDiffWidget
from inspector.ui.text import local_time, one_line
from inspector.ui.workers import TaskRunner

HINT = "Select a span pair above to compare its inputs and outputs."


def run_label(run: RunRow) -> str:
    errors = f" · {run.errors} error{'s' if run.errors != 1 else ''}" if run.errors else ""
    return (
        f"{local_time(run.start_ns)} · {one_line(run.name, 60)} · {run.trace_id[:8]} "
        f"({run.spans} spans{errors})"
    )


def counts_text(diff: RunDiff) -> str:
    counts = diff.counts()
    matched = counts[Change.EQUAL] + counts[Change.CHANGED]
    return (
        f"{matched} matched spans ({counts[Change.CHANGED]} changed) · "
        f"{counts[Change.ADDED]} only in B · {counts[Change.REMOVED]} only in A"
    )


class RunDiffWidget(QWidget):
    """Two runs' span trees side by side, aligned, with the selected pair's diff below.

    Signals:
        pairSelected: ``(trace_a, span_a, trace_b, span_b)`` of the selected row; the ids of a
            side the span is missing from are empty.
        diff_ready: the run alignment is shown.
    """

    pairSelected = Signal(str, str, str, str)  # noqa: N815 - Qt signal naming
    diff_ready = Signal()
    crashed = Signal(str)

    def __init__(
        self,
        reader_factory: ReaderFactory,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader_factory = reader_factory
        self.runner = runner or TaskRunner(self)
        self.runner.crashed.connect(self.crashed)
        self._serial = 0
        self._runs_loaded = False
        self._traces: tuple[str, str] | None = None
        self._diff: RunDiff | None = None

        self.run_a = QComboBox()
        self.run_b = QComboBox()
        for combo in (self.run_a, self.run_b):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(30)
            combo.setPlaceholderText("Loading runs…")
        self.swap = QToolButton()
        self.swap.setText("⇄ Swap")
        self.swap.setToolTip("Swap run A and run B")
        self.counts = QLabel()
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumSize(120, 8)
        self.busy.hide()

        self.model = RunDiffModel(self.palette())
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            mode = (
                QHeaderView.ResizeMode.Stretch if column < 2 else QHeaderView.ResizeMode.Interactive
            )
            header.setSectionResizeMode(column, mode)
        for column, width in ((2, 110), (3, 90), (4, 110), (5, 130)):
            header.resizeSection(column, width)
        self.span_diff = SpanDiffWidget(reader_factory)
        self.span_diff.crashed.connect(self.crashed)
        self.span_diff.show_note(HINT)

        top = QHBoxLayout()
        top.addWidget(QLabel("Run A"))
        top.addWidget(self.run_a, 1)
        top.addWidget(self.swap)
        top.addWidget(QLabel("Run B"))
        top.addWidget(self.run_b, 1)
        counts_row = QHBoxLayout()
        counts_row.addWidget(self.counts, 1)
        counts_row.addWidget(self.busy)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addLayout(counts_row)
        upper_layout.addWidget(self.tree, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.span_diff)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.run_a.activated.connect(self._picked)
        self.run_b.activated.connect(self._picked)
        self.swap.clicked.connect(self._swap)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)

    # runs -----------------------------------------------------------------------------------

    def load_runs(self) -> None:
        """Fill the run pickers from the store (on a worker)."""
        self.runner.submit(partial(jobs.all_runs, self.reader_factory), self._runs_ready)

    def _runs_ready(self, runs: object) -> None:
        assert isinstance(runs, list)
        for combo in (self.run_a, self.run_b):
            combo.clear()
            for run in runs:
                combo.addItem(run_label(run), run.trace_id)
            combo.setPlaceholderText("Pick a run")
        self._runs_loaded = True
        if self._traces is not None:
            self._select_in_combos(*self._traces)
        elif len(runs) >= 2:
            self.set_runs(runs[0].trace_id, runs[1].trace_id)

    def _select_in_combos(self, trace_a: str, trace_b: str) -> None:
        self.run_a.setCurrentIndex(self.run_a.findData(trace_a))
        self.run_b.setCurrentIndex(self.run_b.findData(trace_b))

    def _picked(self) -> None:
        a, b = self.run_a.currentData(), self.run_b.currentData()
        if isinstance(a, str) and isinstance(b, str):
            self.set_runs(a, b)

    def _swap(self) -> None:
        if self._traces is not None:
            self.set_runs(self._traces[1], self._traces[0])

    def set_runs(self, trace_a: str, trace_b: str) -> None:
        """Align runs ``trace_a`` (A) and ``trace_b`` (B) on a worker and show them."""
        self._traces = (trace_a, trace_b)
        if self._runs_loaded:
            self._select_in_combos(trace_a, trace_b)
        self._serial += 1
        serial = self._serial
        self.busy.show()
        self.counts.setText("Aligning the two runs…")
        self.runner.submit(
            partial(jobs.run_diff, self.reader_factory, trace_a, trace_b),
            partial(self._aligned, serial),
            partial(self._align_failed, serial),
        )

    def _aligned(self, serial: int, diff: object) -> None:
        if serial != self._serial:
            return
        assert isinstance(diff, RunDiff)
        self.busy.hide()
        self._diff = diff
        self.model.set_diff(diff)
        self.tree.expandToDepth(3)
        self.counts.setText(counts_text(diff) if diff.pairs else "Both runs are empty.")
        self.span_diff.show_note(HINT)
        self.diff_ready.emit()

    def _align_failed(self, serial: int, message: str) -> None:
        if serial != self._serial:
            return
        self.busy.hide()
        self.counts.setText(f"Could not compare the runs: {message}")

    @property
    def traces(self) -> tuple[str, str] | None:
        return self._traces

    def is_busy(self) -> bool:
        return self.busy.isVisibleTo(self)

    # selection --------------------------------------------------------------------------------

    def select_pair(self, number: int) -> None:
        """Select pair ``number`` of the alignment (its index in ``RunDiff.pairs``)."""
        index = self.model.index_of(number)
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index,
            self.tree.selectionModel().SelectionFlag.ClearAndSelect
            | self.tree.selectionModel().SelectionFlag.Rows,
        )

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        pair = self.model.pair(indexes[0]) if indexes else None
        if pair is not None:
            self._open_pair(pair)

    def _open_pair(self, pair: SpanPair) -> None:
        trace_a, trace_b = self._traces or ("", "")
        span_a = pair.a.span_id if pair.a is not None else ""
        span_b = pair.b.span_id if pair.b is not None else ""
        self.pairSelected.emit(trace_a if span_a else "", span_a, trace_b if span_b else "", span_b)
        if pair.a is not None and pair.b is not None:
            self.span_diff.compare((trace_a, span_a), (trace_b, span_b))
        else:
            side, other = ("B", "A") if pair.a is None else ("A", "B")
            self.span_diff.show_note(
                f"“{one_line(pair.name, 80)}” is only in run {side}: run {other} has no span "
                "at this place in its tree, so there is nothing to compare it with."
            )

    def current_pair(self) -> SpanPair | None:
        return self.model.pair(self.tree.currentIndex())

    def first_index(self, change: Change | None = None, name: str | None = None) -> int | None:
        """The first pair with ``change`` and/or ``name`` (for callers choosing a selection)."""
        for number, pair in enumerate(self.model.pairs):
            if (change is None or pair.change is change) and (name is None or pair.name == name):
                return number
        return None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model.set_palette(self.palette())
