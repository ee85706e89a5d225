"""The Attributes tab: a filterable key/value table of a span's attributes, resource and scope.

Cells show a one-line, shortened value; the full value is kept for copying (Ctrl+C, context menu)
and for the read-only viewer a double-click opens. The filter matches keys and full values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.model import Span
from inspector.ui.detail.display import value_text
from inspector.ui.detail.document import DocumentPane, DocWriter
from inspector.ui.text import one_line, tooltip

FULL_ROLE = Qt.ItemDataRole.UserRole + 1
"""The cell's full, untruncated text (what Copy copies and the filter matches)."""

CELL_LIMIT = 300
TOOLTIP_LIMIT = 2_000

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class AttributeRow:
    key: str
    value: str
    origin: str  # "span", "resource" or "scope"


def attribute_rows(span: Span) -> list[AttributeRow]:
    """Span attributes, then resource attributes, then the instrumentation scope, each by key."""
    rows: list[AttributeRow] = []
    groups: tuple[tuple[str, dict[str, Any]], ...] = (
        ("span", span.attributes),
        ("resource", span.resource),
        ("scope", span.scope),
    )
    for origin, values in groups:
        for key in sorted(values):
            rows.append(AttributeRow(key, value_text(values[key]), origin))
    return rows


class AttributeModel(QAbstractTableModel):
    """Rows of (key, value, from). A small list: replaced whole when another span is shown."""

    HEADERS = ("Key", "Value", "From")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AttributeRow] = []

    def set_rows(self, rows: list[AttributeRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> AttributeRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        text = (row.key, row.value, row.origin)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(text, CELL_LIMIT)
        if role == FULL_ROLE:
            return text
        if role == Qt.ItemDataRole.ToolTipRole and index.column() < 2:
            short = text if len(text) <= TOOLTIP_LIMIT else text[:TOOLTIP_LIMIT] + "…"
            return tooltip(short)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


class AttributeFilterModel(QSortFilterProxyModel):
    """Case-insensitive substring filter over keys and full values; sorts by the full text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(FULL_ROLE)
        self.setSortRole(FULL_ROLE)
        self.setFilterKeyColumn(-1)


class AttributeTable(QTableView):
    """Table whose Ctrl+C and context menu copy full values, not the shortened cells."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def selected_text(self) -> str:
        """Full text of the selected cells: columns joined by tabs, rows by newlines."""
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        rows: dict[int, list[str]] = {}
        for index in indexes:
            rows.setdefault(index.row(), []).append(str(index.data(FULL_ROLE)))
        return "\n".join("\t".join(cells) for cells in rows.values())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self._copy(self.selected_text())
            event.accept()
            return
        super().keyPressEvent(event)

    def _copy(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        model = self.model()
        key = str(model.index(index.row(), 0).data(FULL_ROLE))
        value = str(model.index(index.row(), 1).data(FULL_ROLE))
        menu = QMenu(self)
        for label, text in (
            ("Copy value", value),
            ("Copy key", key),
            ("Copy key and value", f"{key}\t{value}"),
        ):
            action = QAction(label, menu)
            action.triggered.connect(lambda _=False, t=text: self._copy(t))
            menu.addAction(action)
        menu.exec(self.viewport().mapToGlobal(pos))


class ValueViewer(QDialog):
    """A read-only window showing one full value (JSON pretty-printed and highlighted)."""

    def __init__(self, key: str, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(one_line(key, 120))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 520)
        self.pane = DocumentPane(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pane)
        self.pane.set_content(lambda w: _write_value(w, value))


def _write_value(w: DocWriter, value: str) -> None:
    w.paragraph()
    w.code(value)


class AttributesPane(QWidget):
    """Filter box over the attribute table; double-click a row to see its full value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AttributeModel(self)
        self.proxy = AttributeFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter keys and values")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = AttributeTable(self)
        self.table.setModel(self.proxy)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(self.open_viewer)
        self.viewer: ValueViewer | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)

    def show_span(self, span: Span | None) -> None:
        self.model.set_rows(attribute_rows(span) if span is not None else [])
        self._fit_key_column()

    def _fit_key_column(self) -> None:
        # Keys are short identifiers; size to them but never crowd out the values.
        self.table.resizeColumnToContents(0)
        width = self.table.columnWidth(0)
        self.table.setColumnWidth(0, max(120, min(width, 420)))

    def open_viewer(self, index: QModelIndex) -> ValueViewer | None:
        if not index.isValid():
            return None
        key = str(self.proxy.index(index.row(), 0).data(FULL_ROLE))
        value = str(self.proxy.index(index.row(), 1).data(FULL_ROLE))
        self.viewer = ValueViewer(key, value, self)
        self.viewer.show()
        return self.viewer
