"""Item model of a run-vs-run diff: the two span trees aligned, one row per span pair.

Built from :class:`~inspector.diff.RunDiff`'s flat pre-order list (each pair knows its
parent's index), so the tree costs one pass to index and nothing per lookup. A span present
in only one run is marked in words ("only in B") and with a green (added) or red (removed)
background; deltas are coloured green when B is faster or cheaper and red when it is not.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette

from inspector.diff import Change, RunDiff, SpanPair
from inspector.store.queries import SpanRow
from inspector.ui.diffview.colours import DiffColours
from inspector.ui.diffview.figures import MINUS, status_text
from inspector.ui.text import cost, count, duration, one_line, tooltip

PAIR_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The row's :class:`SpanPair`."""

COLUMNS = ("Span in A", "Span in B", "Δ duration", "Δ tokens", "Δ cost", "Status A → B")
NAME_A, NAME_B, DURATION, TOKENS, COST, STATUS = range(len(COLUMNS))

ONLY_IN_B = "— only in B (added)"
ONLY_IN_A = "— only in A (removed)"

Index = QModelIndex | QPersistentModelIndex


def _signed(value: float, text: str) -> str:
    return ("+" if value > 0 else MINUS if value < 0 else "±") + text


def tokens_delta(pair: SpanPair) -> int | None:
    deltas = [d for d in (pair.input_tokens_delta, pair.output_tokens_delta) if d is not None]
    return sum(deltas) if deltas else None


def cell_text(pair: SpanPair, column: int) -> str:
    """What a cell shows (plain text, control characters made visible)."""
    if column == NAME_A:
        return one_line(pair.a.name) if pair.a is not None else ONLY_IN_B
    if column == NAME_B:
        return one_line(pair.b.name) if pair.b is not None else ONLY_IN_A
    if column == DURATION:
        ns = pair.duration_delta_ns
        return "" if ns is None else _signed(ns, duration(abs(ns)))
    if column == TOKENS:
        tokens = tokens_delta(pair)
        return "" if tokens is None else _signed(tokens, count(abs(tokens)))
    if column == COST:
        usd = pair.cost_delta_usd
        return "" if usd is None else _signed(usd, cost(abs(usd)))
    return _status(pair)


def _status(pair: SpanPair) -> str:
    a = status_text(pair.a.status.name) if pair.a is not None else ""
    b = status_text(pair.b.status.name) if pair.b is not None else ""
    if not a or not b:
        return a or b
    return a if a == b else f"{a} → {b}"


def _describe(row: SpanRow | None, side: str) -> str:
    if row is None:
        return f"{side}: —"
    model = f", model {row.model}" if row.model else ""
    return (
        f"{side}: {row.name} ({row.kind.value}{model})\n"
        f"    span {row.span_id} · {duration(row.duration_ns) or 'no duration'} · "
        f"{row.status.name}"
    )


class RunDiffModel(QAbstractItemModel):
    """The aligned span trees of two runs (set with :meth:`set_diff`)."""

    def __init__(self, palette: QPalette | None = None) -> None:
        super().__init__()
        self._pairs: tuple[SpanPair, ...] = ()
        self._children: dict[int | None, list[int]] = {None: []}
        self._row: list[int] = []
        self._colours = DiffColours.from_palette(palette or QPalette())

    def set_palette(self, palette: QPalette) -> None:
        self._colours = DiffColours.from_palette(palette)
        if self._pairs:
            last = self.index(self.rowCount() - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_diff(self, diff: RunDiff | None) -> None:
        self.beginResetModel()
        self._pairs = diff.pairs if diff is not None else ()
        children: dict[int | None, list[int]] = {None: []}
        rows: list[int] = []
        for number, pair in enumerate(self._pairs):
            siblings = children.setdefault(pair.parent, [])
            rows.append(len(siblings))
            siblings.append(number)
        self._children, self._row = children, rows
        self.endResetModel()

    @property
    def pairs(self) -> tuple[SpanPair, ...]:
        return self._pairs

    def pair(self, index: Index) -> SpanPair | None:
        return self._pairs[index.internalId()] if index.isValid() else None

    def index_of(self, number: int, column: int = 0) -> QModelIndex:
        """The index of pair ``number`` of the diff's list."""
        return self.createIndex(self._row[number], column, number)

    # QAbstractItemModel -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        siblings = self._children.get(parent.internalId() if parent.isValid() else None, [])
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._pairs[index.internalId()].parent
        return QModelIndex() if parent is None else self.createIndex(self._row[parent], 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() and parent.column() != 0:
            return 0
        key = parent.internalId() if parent.isValid() else None
        return len(self._children.get(key, ()))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return self.rowCount(parent) > 0

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        pair = self._pairs[index.internalId()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(pair, column)
        if role == PAIR_ROLE:
            return pair
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{_describe(pair.a, 'A')}\n{_describe(pair.b, 'B')}")
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(pair)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(pair, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (DURATION, TOKENS, COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _background(self, pair: SpanPair) -> QBrush | None:
        if pair.change is Change.ADDED:
            return QBrush(self._colours.added_line)
        if pair.change is Change.REMOVED:
            return QBrush(self._colours.removed_line)
        return None

    def _foreground(self, pair: SpanPair, column: int) -> QColor | None:
        colours = self._colours
        if (column == NAME_A and pair.a is None) or (column == NAME_B and pair.b is None):
            return colours.muted
        value: float | None = None
        if column == DURATION:
            value = pair.duration_delta_ns
        elif column == TOKENS:
            value = tokens_delta(pair)
        elif column == COST:
            value = pair.cost_delta_usd
        elif column == STATUS and pair.status_changed:
            return colours.worse if pair.b is not None and pair.b.is_error else colours.better
        if value:
            return colours.better if value < 0 else colours.worse
        return None
