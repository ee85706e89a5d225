"""The runs table with its filter box and "errors only" toggle."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.store.queries import RunRow
from inspector.ui.costdelegate import CostDelegate
from inspector.ui.models.runs import COST_SAMPLES, RUN_ROLE, RunsModel


class RunsPanel(QWidget):
    """The runs table with its filter box and "errors only" toggle.

    Several runs can be selected (to compare two); the current one is the one shown.
    """

    #: the filter text and "errors only", once applied
    filter_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RunsModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter runs by name, trace id, session or model…")
        self.search.setClearButtonEnabled(True)
        self.errors_only = QCheckBox("Errors only")
        self.count = QLabel("")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        for column, width in enumerate((150, 200, 80, 60, 80, 80, 76, 86, 150)):
            if column != 1:
                header.resizeSection(column, width)
        cost = RunsModel.COLUMNS.index(("Cost", "cost"))
        self.table.setItemDelegateForColumn(cost, CostDelegate(self.table))
        header.resizeSection(cost, max(header.sectionSize(cost), self._cost_width()))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.errors_only.toggled.connect(lambda _on: self._apply_filter())

        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        title = QLabel("Runs")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addWidget(self.search, 1)
        top.addWidget(self.errors_only)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def _cost_width(self) -> int:
        """Room for the widest cost text (a fixed width cut "$0.000036" to "$0.00000…")."""
        metrics = self.table.fontMetrics()
        style = self.table.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        widest = max(metrics.horizontalAdvance(sample) for sample in COST_SAMPLES)
        return widest + 2 * margin + 6  # a little air before the next column

    def _apply_filter(self) -> None:
        self._debounce.stop()
        text, errors = self.search.text().strip(), self.errors_only.isChecked()
        self.model.set_filter(text, errors)
        self.filter_changed.emit(text, errors)

    def set_filter_text(self, text: str) -> None:
        """Filter by ``text`` now (as if typed)."""
        self.search.setText(text)
        self._apply_filter()

    def update_count(self) -> None:
        total = self.model.total
        self.count.setText(f"{total:,} run{'s' if total != 1 else ''}")

    def selected_run(self) -> RunRow | None:
        index = self.table.currentIndex()
        run = index.data(RUN_ROLE) if index.isValid() else None
        return run if isinstance(run, RunRow) else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        if index.isValid():
            self.table.selectRow(row)
            self.table.scrollTo(index)
