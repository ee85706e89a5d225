"""Small table models beside the charts: latency stats per group, usage per model.

Rows are whole records replaced at once; when the keys are unchanged (a live refresh) only
``dataChanged`` is emitted, so the view keeps its selection and scroll position. ``SORT_ROLE``
gives raw numbers for a sort proxy; unknown values are ``None`` and sort first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from inspector.charts.stats import LatencyStats
from inspector.store.charts import ModelUsage
from inspector.ui.text import cost, count, one_line

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], object], Callable[[Any], str]]


def _ms(value: float) -> str:
    if math.isnan(value):
        return ""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.1f} ms"


def _num(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table of records, one column per (title, raw value, text) triple."""

    columns: Sequence[Column] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[T] = []

    def key(self, record: T) -> str:
        raise NotImplementedError

    def set_rows(self, rows: Sequence[T]) -> None:
        rows = list(rows)
        if [self.key(r) for r in rows] == [self.key(r) for r in self._rows]:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, len(self.columns) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._rows[row]

    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        _title, raw, text = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(record)
        if role == SORT_ROLE:
            return _num(raw(record))
        if role == KEY_ROLE:
            return self.key(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None


class LatencyTableModel(RecordTableModel[LatencyStats]):
    """Calls, errors and p50/p90/p99/mean/max latency per group."""

    columns = (
        ("Group", lambda s: s.key, lambda s: one_line(s.key, 120)),
        ("Calls", lambda s: s.count, lambda s: count(s.count)),
        ("Errors", lambda s: s.errors, lambda s: count(s.errors)),
        ("p50", lambda s: s.p50_ms, lambda s: _ms(s.p50_ms)),
        ("p90", lambda s: s.p90_ms, lambda s: _ms(s.p90_ms)),
        ("p99", lambda s: s.p99_ms, lambda s: _ms(s.p99_ms)),
        ("Mean", lambda s: s.mean_ms, lambda s: _ms(s.mean_ms)),
        ("Max", lambda s: s.max_ms, lambda s: _ms(s.max_ms)),
    )

    def key(self, record: LatencyStats) -> str:
        return record.key


def _priced(m: ModelUsage) -> str:
    if m.priced_calls == m.calls:
        return cost(m.cost_usd)
    if m.cost_usd is None:
        return "unknown"
    return f"{cost(m.cost_usd)} ({m.priced_calls}/{m.calls} priced)"


class ModelUsageTableModel(RecordTableModel[ModelUsage]):
    """Calls, tokens and cost per model; partly priced models say how many calls had a price."""

    columns = (
        ("Model", lambda m: m.model, lambda m: one_line(m.model, 120)),
        ("Calls", lambda m: m.calls, lambda m: count(m.calls)),
        ("Input tokens", lambda m: m.input_tokens, lambda m: count(m.input_tokens)),
        ("Output tokens", lambda m: m.output_tokens, lambda m: count(m.output_tokens)),
        ("Cost", lambda m: m.cost_usd, _priced),
    )

    def key(self, record: ModelUsage) -> str:
        return record.model
