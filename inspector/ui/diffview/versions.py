"""Prompt versions of one LLM step across all loaded runs, and the diff of two of them.

Pick a step (a path of span names such as ``travel-agent ▸ plan ▸ ChatCompletion``); the
distinct system prompts / templates it was called with are listed with how their runs went.
Selecting two rows shows the diff of their representative calls below. The scan reads every
run's calls at that path, so it runs on a worker with a progress bar and is cancelled when
another step is picked.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.diff import LlmStep, PromptVersion, format_path
from inspector.diff.tree import Path
from inspector.ui.diffview import jobs
from inspector.ui.diffview.jobs import ReaderFactory, SpanRef
from inspector.ui.diffview.spandiff import SpanDiffWidget
from inspector.ui.diffview.versionmodel import PROMPT, VersionsModel
from inspector.ui.text import one_line
from inspector.ui.workers import TaskRunner

PICK_TWO = "Select two versions (Ctrl+click) to compare their first calls side by side."


class _Progress(QObject):
    """Carries a scan's progress from the worker to the GUI thread (queued)."""

    changed = Signal(int, int, int)  # serial, runs done, runs total


def step_label(step: LlmStep) -> str:
    calls = f"{step.calls} call{'s' if step.calls != 1 else ''}"
    return f"{one_line(format_path(step.path), 120)}  —  {calls} in {step.runs} runs"


class PromptVersionsWidget(QWidget):
    """A step picker, its versions table, and the diff of the two selected versions.

    Signals:
        versions_ready: the table shows the versions of the current step.
    """

    versions_ready = Signal()
    crashed = Signal(str)

    def __init__(self, reader_factory: ReaderFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader_factory = reader_factory
        self.runner = TaskRunner(self)
        self.runner.crashed.connect(self.crashed)
        self._serial = 0
        self._cancel = threading.Event()
        self._path: Path | None = None
        self._steps: list[LlmStep] = []
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)

        self.step = QComboBox()
        self.step.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.step.setPlaceholderText("Loading LLM steps…")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("Scanning runs… %v / %m")
        self.progress.hide()
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = VersionsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROMPT, QHeaderView.ResizeMode.Stretch)
        self.span_diff = SpanDiffWidget(reader_factory)
        self.span_diff.crashed.connect(self.crashed)
        self.span_diff.show_note(PICK_TWO)

        top = QHBoxLayout()
        top.addWidget(QLabel("LLM step"))
        top.addWidget(self.step, 1)
        top.addWidget(self.progress)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.status)
        upper_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.span_diff)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.step.activated.connect(self._step_picked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

    # steps ------------------------------------------------------------------------------------

    def load_steps(self, path: Sequence[str] | None = None, span: SpanRef | None = None) -> None:
        """Fill the step picker (on a worker), then scan ``path``, else the step of ``span``,
        else the most called step."""
        work = partial(self._steps_and_path, self.reader_factory, path, span)
        self.status.setText("Finding the LLM steps of all runs…")
        self.runner.submit(work, self._steps_ready, self._failed)

    @staticmethod
    def _steps_and_path(
        factory: ReaderFactory, path: Sequence[str] | None, span: SpanRef | None
    ) -> tuple[list[LlmStep], Path | None]:
        if path is None and span is not None:
            path = jobs.path_of(factory, span)
        return jobs.steps(factory), None if path is None else tuple(path)

    def _steps_ready(self, result: object) -> None:
        assert isinstance(result, tuple)
        steps: list[LlmStep] = result[0]
        path: Path | None = result[1]
        self._steps = steps
        self.step.clear()
        for step in self._steps:
            self.step.addItem(step_label(step), step.path)
        if not self._steps:
            self.status.setText("No LLM calls in the loaded runs.")
            return
        self.set_path(path if path is not None else self._steps[0].path)

    def _step_picked(self, row: int) -> None:
        path = self.step.itemData(row)
        if isinstance(path, tuple):
            self.set_path(path)

    def set_path(self, path: Sequence[str]) -> None:
        """Scan all runs for the versions of the step at ``path``."""
        self._path = tuple(path)
        found = next((i for i, s in enumerate(self._steps) if s.path == self._path), -1)
        self.step.setCurrentIndex(found)
        self._cancel.set()  # stop the scan of the previous step
        self._cancel = threading.Event()
        self._serial += 1
        serial = self._serial
        self.model.set_versions([])
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(
            f"Scanning runs for the prompts of {one_line(format_path(self._path), 120)}…"
        )
        progress = partial(self._progress.changed.emit, serial)
        work = partial(jobs.versions, self.reader_factory, self._path, progress, self._cancel)
        self.runner.submit(work, partial(self._versions_ready, serial), self._failed)

    def _on_progress(self, serial: int, done: int, total: int) -> None:
        if serial == self._serial:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _versions_ready(self, serial: int, versions: object) -> None:
        if serial != self._serial or versions is None:
            return
        assert isinstance(versions, list)
        self.progress.hide()
        self.model.set_versions(versions)
        runs = sum(v.runs for v in versions)
        plural = "s" if len(versions) != 1 else ""
        self.status.setText(
            f"{len(versions)} version{plural} of the prompt across {runs} runs "
            "(grouped by recorded version label, else by the system prompt's content)."
        )
        if len(versions) >= 2:
            self.select_rows(0, 1)
        else:
            self.span_diff.show_note("This step used one prompt in every run: nothing to compare.")
        self.versions_ready.emit()

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(f"Could not read the runs: {message}")

    # selection --------------------------------------------------------------------------------

    def select_rows(self, first: int, second: int) -> None:
        """Select two versions (which shows their diff)."""
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.clearSelection()
        for row in (first, second):
            selection.select(self.model.index(row, 0), flags.Select | flags.Rows)

    def _selection_changed(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        versions = self.model.versions
        if len(rows) < 2:
            self.span_diff.show_note(PICK_TWO)
            return
        a, b = versions[rows[0]], versions[rows[1]]
        self.span_diff.compare_versions(a, b, self.reader_factory)

    def selected_versions(self) -> list[PromptVersion]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.versions[row] for row in rows]

    def is_busy(self) -> bool:
        return self.progress.isVisibleTo(self)

    @property
    def path(self) -> Path | None:
        return self._path

    def shutdown(self) -> None:
        """Cancel a running scan (call before closing)."""
        self._cancel.set()
