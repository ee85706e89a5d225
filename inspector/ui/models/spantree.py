"""The span tree of one run: a lazy item model.

Children are fetched when a node is expanded: from the store (``StoreReader.children``, one
bounded query) until the run's :class:`RunIndex` arrives from its worker, and from that index
afterwards. Large child lists are inserted in chunks from the event loop, so expanding a span
with 50,000 children never freezes the window. When a new index arrives (the run grew while
loading or live-tailing) every fetched node is reconciled in place: rows are inserted, updated
or removed, never reset, so selection and scroll position survive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from inspector.model import SpanKind, Status
from inspector.store.queries import RunRow, SpanRow, StoreReader
from inspector.ui import text
from inspector.ui.badges import badge_icon, kind_label
from inspector.ui.models.runindex import Rollup, RunIndex

Index = QModelIndex | QPersistentModelIndex

SPAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SPAN_ROW_ROLE = Qt.ItemDataRole.UserRole + 2
#: ``(start_ns, end_ns, run_start_ns, run_end_ns)`` for the timeline bar
TIMELINE_ROLE = Qt.ItemDataRole.UserRole + 3
IS_ERROR_ROLE = Qt.ItemDataRole.UserRole + 4
MORE_ROLE = Qt.ItemDataRole.UserRole + 5  # true on "show more" rows

ERROR_RED = QColor(220, 50, 47)
MATCH_BACKGROUND = QColor(255, 196, 0, 90)  # translucent amber: visible on light and dark
PARENT_MISSING = "⚠ parent missing"

PAGE = 500  # children shown per page

# Role numbers as plain ints: comparing against enum members costs an attribute lookup each
# time, and data() runs thousands of times per repaint.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_HANDLED_ROLES = frozenset(
    {_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _BACKGROUND, _FONT, _ALIGNMENT}
    | {int(r) for r in (SPAN_ID_ROLE, SPAN_ROW_ROLE, TIMELINE_ROLE, IS_ERROR_ROLE, MORE_ROLE)}
)
_bold: QFont | None = None


def _bold_font() -> QFont:
    global _bold  # noqa: PLW0603 - one font, made once a QApplication exists
    if _bold is None:
        _bold = QFont(QApplication.font())
        _bold.setBold(True)
    return _bold


_COLUMN_COUNT = 6


class _Node:
    """One row of the tree (``row is None`` for the invisible root and for "more" rows).

    ``pending`` holds fetched children not shown yet; while there are any, a "show more" row
    (``more``) follows the shown children.
    """

    __slots__ = (
        "children",
        "expanded",
        "fetched",
        "more",
        "parent",
        "pending",
        "position",
        "row",
        "waiting",
    )

    def __init__(self, row: SpanRow | None, parent: _Node | None, position: int) -> None:
        self.row = row
        self.parent = parent
        self.position = position
        self.children: list[_Node] = []
        self.pending: list[SpanRow] = []
        self.more: _Node | None = None
        self.fetched = False
        self.expanded = False
        self.waiting = 0  # on a "more" row: the pending count it shows

    @property
    def span_id(self) -> str | None:
        return None if self.row is None else self.row.span_id


class SpanTreeModel(QAbstractItemModel):
    """Spans of one run as a tree; columns name, duration, tokens, cost, model, status.

    A node shows its children a page at a time (:data:`PAGE`), followed by a "show more" row:
    a tree view lays out every row of an expanded node at once, so 20,000 siblings appearing
    together would freeze it for a second.
    """

    COLUMNS: ClassVar[list[str]] = [
        "Span",
        "Duration",
        "Tokens in / out",
        "Cost",
        "Model",
        "Status",
    ]
    NAME, DURATION, TOKENS, COST, MODEL, STATUS = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader: StoreReader | None = None
        self._run: RunRow | None = None
        self._index: RunIndex | None = None
        self._root = _Node(None, None, 0)
        self._nodes: dict[str, _Node] = {}
        self._visible: set[str] | None = None  # filter: spans shown (matches + ancestors)
        self._filter_matches: set[str] = set()
        self._predicate: Callable[[SpanRow], bool] | None = None
        self._highlight: set[str] = set()
        self._focus: str | None = None  # a span shown as the only top-level row
        self.page = PAGE
        self.fetching_for_view = False

    # configuration -------------------------------------------------------------------------

    @property
    def trace_id(self) -> str | None:
        return None if self._run is None else self._run.trace_id

    @property
    def run(self) -> RunRow | None:
        return self._run

    @property
    def run_index(self) -> RunIndex | None:
        return self._index

    def set_run(
        self,
        reader: StoreReader | None,
        run: RunRow | None,
        index: RunIndex | None = None,
        *,
        focus: str | None = None,
    ) -> None:
        """Show another run (its top level at once; children on demand).

        ``focus`` (needs the index) shows only the subtree of that span: views cannot lay out
        chains thousands of levels deep, so deep spans are shown below a nearer ancestor.
        """
        self.beginResetModel()
        self._reader = reader
        self._run = run
        self._index = (
            index
            if index is not None and run is not None and (index.trace_id == run.trace_id)
            else None
        )
        self._focus = focus if self._index is not None and focus in self._index.rows else None
        self._highlight = set()
        self._recompute_filter()
        self._release()
        self._root = _Node(None, None, 0)
        self._nodes = {}
        if run is not None:
            self._root.fetched = True
            self._root.pending = self._child_rows(None)
            self._show(self._root, self.page, signal=False)
        self.endResetModel()

    def set_index(self, index: RunIndex) -> None:
        """Adopt a (newer) index of the current run and reconcile every fetched node with it."""
        if self._run is None or index.trace_id != self._run.trace_id:
            return
        self._index = index
        if self._reader is not None:
            fresh = self._reader.run(index.trace_id)
            if fresh is not None:
                self._run = fresh
        self._recompute_filter()
        stack = [self._root]
        while stack:
            node = stack.pop()
            if node.fetched:
                self._sync(node, self._child_rows(node.span_id))
                stack.extend(node.children)

    def set_span_filter(self, predicate: Callable[[SpanRow], bool] | None) -> None:
        """Show only spans the predicate accepts, with their ancestors (needs the index)."""
        self._predicate = predicate
        self.set_run(self._reader, self._run, self._index, focus=self._focus)

    def set_focus(self, span_id: str | None) -> None:
        """Show only the subtree of ``span_id`` (``None``: the whole run)."""
        self.set_run(self._reader, self._run, self._index, focus=span_id)

    @property
    def focus(self) -> str | None:
        return self._focus

    def depth_of(self, span_id: str) -> int:
        """Levels above a span in the whole run (0 at the top; needs the index)."""
        return len(self._index.ancestors(span_id)) if self._index is not None else 0

    @property
    def filter_active(self) -> bool:
        return self._predicate is not None

    @property
    def filter_matches(self) -> set[str]:
        return self._filter_matches

    @property
    def visible(self) -> set[str] | None:
        """Spans the filter shows (``None``: no filter)."""
        return self._visible

    def set_highlight(self, span_ids: Iterable[str]) -> None:
        """Mark find matches (a background colour on the whole row)."""
        old, self._highlight = self._highlight, set(span_ids)
        for span_id in old ^ self._highlight:
            node = self._nodes.get(span_id)
            if node is not None:
                self._row_changed(node)

    def set_expanded(self, index: Index, expanded: bool) -> None:
        """Views report expansion so collapsed rows can show their subtree totals."""
        node = self._node(index)
        if node.row is not None and node.expanded != expanded:
            node.expanded = expanded
            self._row_changed(node)

    def _recompute_filter(self) -> None:
        if self._predicate is None or self._index is None:
            self._visible = None
            self._filter_matches = set()
            return
        matches = self._index.matching(self._predicate)
        self._filter_matches = set(matches)
        self._visible = self._index.with_ancestors(matches)

    def _release(self) -> None:
        """Break the parent/child cycles of the old tree so reference counting frees it
        at once (the cyclic collector is slow with large heaps and may not even see frozen
        objects)."""
        stack = [self._root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            node.children = []
            node.parent = None
            node.more = None

    # fetching ------------------------------------------------------------------------------

    def _child_rows(self, span_id: str | None) -> list[SpanRow]:
        if self._run is None:
            return []
        if self._index is not None:
            if span_id is None and self._focus is not None:
                return [self._index.rows[self._focus]]
            ids = self._index.child_ids(span_id)
            if self._visible is not None:
                ids = [i for i in ids if i in self._visible]
            return [self._index.rows[i] for i in ids]
        if self._reader is None:
            return []
        return self._reader.children(self._run.trace_id, span_id)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        # called for every row the view lays out: keep it lean
        node: _Node = parent.internalPointer() if parent.isValid() else self._root
        if node.children or node.more is not None:
            return True
        row = node.row
        if node.fetched or row is None:
            return False
        index = self._index
        if index is None:
            return True  # unknown until the index arrives or the node is expanded
        ids = index.children.get(row.span_id)
        if not ids:
            return False
        visible = self._visible
        return visible is None or any(i in visible for i in ids)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        node = self._node(parent)
        return not node.fetched and node.row is not None and self.hasChildren(parent)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        # Views call this while laying out the row they expand; SpanTreeView uses the flag to
        # skip the full relayout QTreeView would otherwise start for rows inserted there.
        self.fetching_for_view = True
        try:
            self.ensure_fetched(parent)
        finally:
            self.fetching_for_view = False

    def ensure_fetched(self, index: Index) -> None:
        """Query a node's children and show the first page of them."""
        node = self._node(index)
        if node.fetched or node.row is None:
            return
        node.fetched = True
        node.pending = self._child_rows(node.span_id)
        self._show(node, self.page)

    def show_more(self, index: Index, count: int | None = None) -> int:
        """Show the next page of a node's children; ``index`` is the node or its "more" row.

        Returns how many rows were added.
        """
        node = self._node(index)
        if node.row is None and node.parent is not None:  # a "more" row: its parent's
            node = node.parent
        return self._show(node, self.page if count is None else count)

    def _show(self, node: _Node, limit: int, *, signal: bool = True) -> int:
        """Move up to ``limit`` pending rows into the shown children, keeping the more row."""
        batch, rest = node.pending[:limit], node.pending[limit:]
        if not batch:
            return 0
        parent_index = self._index_of(node)
        first = len(node.children)
        had_more = node.more is not None
        last = first + len(batch) - 1 + (0 if had_more or not rest else 1)
        if signal:
            self.beginInsertRows(parent_index, first, last)
        nodes = self._nodes
        children = node.children
        for offset, row in enumerate(batch):
            child = _Node(row, node, first + offset)
            children.append(child)
            nodes[row.span_id] = child
        node.pending = rest
        if rest and node.more is None:
            node.more = _Node(None, node, 0)
            node.more.waiting = len(rest)
        if node.more is not None:
            node.more.position = len(children)
        if signal:
            self.endInsertRows()
        if had_more and not rest:
            self._drop_more(node)
        elif had_more and node.more is not None:
            node.more.waiting = len(rest)
            if signal:
                self._row_changed(node.more)
        return len(batch)

    def _drop_more(self, node: _Node) -> None:
        if node.more is None:
            return
        position = len(node.children)
        self.beginRemoveRows(self._index_of(node), position, position)
        node.more = None
        self.endRemoveRows()

    def _add_more(self, node: _Node) -> None:
        if node.more is not None or not node.pending:
            return
        position = len(node.children)
        self.beginInsertRows(self._index_of(node), position, position)
        node.more = _Node(None, node, position)
        node.more.waiting = len(node.pending)
        self.endInsertRows()

    # reconciling with a newer index -------------------------------------------------------

    def _sync(self, node: _Node, target: list[SpanRow]) -> None:
        """Make a fetched node's children equal to ``target`` with inserts/removes/changes."""
        wanted = {r.span_id for r in target}
        parent_index = self._index_of(node)
        for position in range(len(node.children) - 1, -1, -1):
            child = node.children[position]
            if child.span_id not in wanted:
                self.beginRemoveRows(parent_index, position, position)
                del node.children[position]
                self._forget(child)
                self._renumber(node, position)
                self.endRemoveRows()
        kept = [c.span_id for c in node.children]
        kept_set = set(kept)
        if kept != [r.span_id for r in target if r.span_id in kept_set]:
            # spans changed order (a start time arrived late): rebuild this level
            self._drop_more(node)
            if node.children:
                self.beginRemoveRows(parent_index, 0, len(node.children) - 1)
                for child in node.children:
                    self._forget(child)
                node.children = []
                self.endRemoveRows()
            node.pending = list(target)
            self._show(node, self.page)
            return
        position = 0
        new_rows: list[SpanRow] = []
        tail: list[SpanRow] = []
        for row in target:
            if position < len(node.children) and node.children[position].span_id == row.span_id:
                self._insert_at(node, position, new_rows)
                position += len(new_rows)
                new_rows = []
                child = node.children[position]
                if child.row != row:
                    child.row = row
                    self._row_changed(child)
                position += 1
            elif position >= len(node.children):
                tail.append(row)
            else:
                new_rows.append(row)
        self._insert_at(node, position, new_rows)
        # rows after the shown ones (a live run grew): a page straight in, the rest behind "more"
        pending_before = len(node.pending)
        node.pending = tail
        if node.more is None:
            self._show(node, self.page)
        elif not tail:
            self._drop_more(node)
        elif len(tail) != pending_before:
            node.more.waiting = len(tail)
            self._row_changed(node.more)

    def _insert_at(self, node: _Node, position: int, rows: list[SpanRow]) -> None:
        if not rows:
            return
        self.beginInsertRows(self._index_of(node), position, position + len(rows) - 1)
        fresh = [_Node(r, node, 0) for r in rows]
        node.children[position:position] = fresh
        for child in fresh:
            self._nodes[child.span_id or ""] = child
        self._renumber(node, position)
        self.endInsertRows()

    def _renumber(self, node: _Node, start: int) -> None:
        for i in range(start, len(node.children)):
            node.children[i].position = i
        if node.more is not None:
            node.more.position = len(node.children)

    def _forget(self, node: _Node) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.span_id is not None and self._nodes.get(current.span_id) is current:
                del self._nodes[current.span_id]
            stack.extend(current.children)
            current.children = []
            current.more = None

    def _row_changed(self, node: _Node) -> None:
        index = self._index_of(node)
        if index.isValid():
            self.dataChanged.emit(index, index.siblingAtColumn(self.columnCount() - 1))

    # lookup ----------------------------------------------------------------------------------

    def index_of_span(self, span_id: str, *, fetch: bool = False) -> QModelIndex:
        """The index of a span; with ``fetch`` (needs the run index), fetch and page in its
        ancestors first."""
        node = self._nodes.get(span_id)
        if node is not None or not fetch or self._index is None:
            return self._index_of(node) if node is not None else QModelIndex()
        path = self._index.path(span_id)
        if self._focus is not None:
            if self._focus not in path:
                return QModelIndex()
            path = path[path.index(self._focus) :]
        parent = QModelIndex()
        for step in path:
            if self._visible is not None and step not in self._visible:
                return QModelIndex()
            self.ensure_fetched(parent)
            found = self._nodes.get(step)
            if found is None:
                holder = self._node(parent)
                position = next(
                    (i for i, r in enumerate(holder.pending) if r.span_id == step), None
                )
                if position is None:
                    return QModelIndex()
                self._show(holder, position + 1)
                found = self._nodes.get(step)
                if found is None:
                    return QModelIndex()
            parent = self._index_of(found)
        return parent

    def is_more(self, index: Index) -> bool:
        """Whether a row is a "show more" row."""
        return index.isValid() and self._node(index).row is None

    def span_row(self, index: Index) -> SpanRow | None:
        node = self._node(index)
        return node.row

    def _index_of(self, node: _Node | None, column: int = 0) -> QModelIndex:
        if node is None or node.row is None:
            return QModelIndex()
        return self.createIndex(node.position, column, node)

    def _node(self, index: Index) -> _Node:
        # called for every row the view lays out: keep it lean (no isinstance check)
        return cast(_Node, index.internalPointer()) if index.isValid() else self._root

    # Qt model API ------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node: _Node = parent.internalPointer() if parent.isValid() else self._root
        children = node.children
        if 0 <= column < _COLUMN_COUNT:
            if 0 <= row < len(children):
                return self.createIndex(row, column, children[row])
            if row == len(children) and node.more is not None:
                return self.createIndex(row, column, node.more)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        # called O(depth) times per painted row (branch lines): keep it lean
        if not index.isValid():
            return QModelIndex()
        parent: _Node | None = index.internalPointer().parent
        if parent is None or parent.row is None:
            return QModelIndex()
        return self.createIndex(parent.position, 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            node = self._root
        elif parent.column() != 0:
            return 0
        else:
            node = parent.internalPointer()
        return len(node.children) + (node.more is not None)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return _HEADER_TIPS.get(section)
        return None

    # flags() is not overridden on purpose: the C++ default (enabled, selectable) is what we
    # want, and the view asks for it for every row it lays out.

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Painting asks for ~10 roles per cell: answer the unused ones before any other work.
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        node: _Node = index.internalPointer()
        row = node.row
        column = index.column()
        if row is None:
            return self._more_data(node, column, role)
        if role == _DISPLAY:
            return self._display(node, row, column)
        if role == _DECORATION:
            return badge_icon(row.kind) if column == 0 else None
        if role == _FOREGROUND:
            return self._foreground(node, row, column)
        if role == _BACKGROUND:
            return MATCH_BACKGROUND if row.span_id in self._highlight else None
        if role == _FONT:
            return _bold_font() if row.span_id in self._highlight else None
        if role == _ALIGNMENT:
            return _RIGHT if column in (self.TOKENS, self.COST) else None
        if role == _TOOLTIP:
            return self._tooltip(node, row, column)
        if role == SPAN_ID_ROLE:
            return row.span_id
        if role == SPAN_ROW_ROLE:
            return row
        if role == TIMELINE_ROLE:
            start, end = self._run_range()
            return (row.start_ns, row.end_ns, start, end)
        if role == IS_ERROR_ROLE:
            return row.status is Status.ERROR
        return None

    # cell contents -------------------------------------------------------------------------

    def _more_data(self, node: _Node, column: int, role: int) -> Any:
        waiting = node.waiting
        if role == MORE_ROLE:
            return True
        if column != self.NAME:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            shown = min(waiting, self.page)
            return f"⋯ {waiting:,} more spans: double-click or Enter to show {shown:,}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QApplication.palette().color(QPalette.ColorRole.Link)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(QApplication.font())
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return text.tooltip(
                "Spans are shown a page at a time so that huge runs stay responsive; "
                "scrolling down to this row shows the next page."
            )
        return None

    def _rollup(self, node: _Node, row: SpanRow) -> Rollup | None:
        """Subtree totals, shown only on collapsed rows that have children."""
        if node.expanded or self._index is None or not self._index.has_children(row.span_id):
            return None
        return self._index.rollups.get(row.span_id)

    def _parent_missing(self, node: _Node, row: SpanRow) -> bool:
        return (
            node.parent is self._root
            and row.parent_id not in (None, row.span_id)
            and (self._index is None or row.parent_id not in self._index.rows)
        )

    def _display(self, node: _Node, row: SpanRow, column: int) -> str:
        if column == self.NAME:
            name = text.one_line(row.name) or "(unnamed)"
            return f"{name}   {PARENT_MISSING}" if self._parent_missing(node, row) else name
        if column == self.DURATION:
            return "running" if row.end_ns is None else text.duration(row.duration_ns)
        rollup = self._rollup(node, row)
        if column == self.TOKENS:
            if rollup is not None and rollup.llm_calls:
                return (
                    f"Σ {text.compact(rollup.input_tokens)} / {text.compact(rollup.output_tokens)}"
                )
            if row.input_tokens is None and row.output_tokens is None:
                return ""
            return f"{text.compact(row.input_tokens)} / {text.compact(row.output_tokens)}"
        if column == self.COST:
            if rollup is not None and rollup.llm_calls:
                total = text.cost(rollup.cost_usd)
                return f"Σ {total}{'*' if rollup.unpriced and rollup.cost_usd else ''}"
            if row.cost_usd is not None:
                return text.cost(row.cost_usd)
            return "?" if row.kind is SpanKind.LLM else ""
        if column == self.MODEL:
            return text.one_line(row.model or "")
        if column == self.STATUS:
            own = {Status.ERROR: "error", Status.OK: "ok", Status.UNSET: ""}[row.status]
            if row.end_ns is None and row.status is not Status.ERROR:
                own = "running"
            below = (rollup.errors - int(row.status is Status.ERROR)) if rollup else 0
            if below > 0:
                return f"{own}, {below} below" if own else f"{below} failed below"
            return own
        return ""

    def _tooltip(self, node: _Node, row: SpanRow, column: int) -> str | None:
        if column == self.NAME:
            lines = [row.name, f"{kind_label(row.kind)} span {row.span_id}"]
            if self._parent_missing(node, row):
                lines.append(f"Its parent span {row.parent_id} is not in this trace (yet).")
            elif node.parent is self._root and row.parent_id == row.span_id:
                lines.append("This span names itself as its parent.")
            return text.tooltip("\n".join(lines))
        rollup = self._rollup(node, row)
        if column in (self.TOKENS, self.COST, self.STATUS) and rollup is not None:
            parts = [
                f"Subtree of {rollup.spans:,} spans",
                f"{rollup.llm_calls:,} LLM calls, {rollup.errors:,} errors",
                f"tokens {rollup.input_tokens:,} in / {rollup.output_tokens:,} out",
                f"cost {text.cost(rollup.cost_usd)}"
                + (f" ({rollup.unpriced} calls unpriced)" if rollup.unpriced else ""),
            ]
            return text.tooltip("\n".join(parts))
        if column == self.DURATION:
            return text.tooltip(
                f"start {text.local_time_full(row.start_ns)}\n"
                f"end {text.local_time_full(row.end_ns) if row.end_ns else 'not ended'}"
            )
        if column == self.MODEL and row.model:
            return text.tooltip(row.model)
        if column == self.TOKENS and (
            row.input_tokens is not None or row.output_tokens is not None
        ):
            return text.tooltip(
                f"{text.count(row.input_tokens) or 'unknown'} input tokens\n"
                f"{text.count(row.output_tokens) or 'unknown'} output tokens"
                + (f"\n{row.total_tokens:,} in total" if row.total_tokens is not None else "")
            )
        if column == self.COST and row.kind is SpanKind.LLM and row.cost_usd is None:
            return text.tooltip("No price known for this model")
        return None

    def _foreground(self, node: _Node, row: SpanRow, column: int) -> QColor | None:
        if self._visible is not None and row.span_id not in self._filter_matches:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if column == self.STATUS:
            rollup = self._rollup(node, row)
            if row.status is Status.ERROR or (rollup is not None and rollup.errors):
                return ERROR_RED
        if column == self.NAME and row.status is Status.ERROR:
            return ERROR_RED
        if column == self.NAME and self._parent_missing(node, row):
            return QColor(200, 120, 0)
        return None

    def _run_range(self) -> tuple[int | None, int | None]:
        if self._index is not None and self._index.start_ns is not None:
            return self._index.start_ns, self._index.end_ns
        if self._run is not None:
            return self._run.start_ns, self._run.end_ns
        return None, None


_HEADER_TIPS = {
    SpanTreeModel.NAME: "Span name and kind; ⚠ marks spans whose parent never arrived",
    SpanTreeModel.DURATION: "Duration, drawn where the span sits on the run's timeline",
    SpanTreeModel.TOKENS: "Input / output tokens (k = thousands, M = millions; exact in the "
    "tooltip); Σ = total of the LLM calls below a collapsed row",
    SpanTreeModel.COST: "Cost; ? = no price known; Σ = total below a collapsed row",
    SpanTreeModel.STATUS: "Span status; on a collapsed row also how many spans failed below it",
}
