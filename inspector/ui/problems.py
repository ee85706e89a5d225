"""The Problems panel: every input record that could not be read, with where and why."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from inspector.model import Problem
from inspector.store.queries import StoreReader
from inspector.ui import text

Index = QModelIndex | QPersistentModelIndex

LIMIT = 10_000  # rows shown; the count in the status bar is exact


class ProblemsModel(QAbstractTableModel):
    """Problems of one store; refreshing appends the new ones (problems are never removed)."""

    COLUMNS: ClassVar[list[str]] = ["Source", "Location", "Reason"]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Problem] = []

    def reset(self, rows: list[Problem]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def refresh(self, reader: StoreReader) -> None:
        """Append problems recorded since the last refresh."""
        rows = reader.problems(LIMIT)
        if len(rows) < len(self._rows) or rows[: len(self._rows)] != self._rows:
            self.reset(rows)
            return
        new = rows[len(self._rows) :]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()

    def problem(self, row: int) -> Problem:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or index.row() >= len(self._rows):
            return None
        problem = self._rows[index.row()]
        value = (problem.source, problem.location, problem.message)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text.one_line(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text.tooltip(value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class ProblemsWidget(QWidget):
    """A table of problems with a one-line explanation above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ProblemsModel(self)
        self.summary = QLabel("No problems: every record was read.")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 320)
        header.resizeSection(1, 110)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def refresh(self, reader: StoreReader | None, total: int) -> None:
        if reader is None:
            self.model.reset([])
        else:
            self.model.refresh(reader)
        self.set_total(total)

    def set_total(self, total: int) -> None:
        if total == 0:
            self.summary.setText("No problems: every record was read.")
        else:
            shown = "" if total <= LIMIT else f" (first {LIMIT:,} shown)"
            self.summary.setText(
                f"{total:,} record{'s' if total != 1 else ''} could not be read{shown}. "
                "The rest of the data loaded normally."
            )
