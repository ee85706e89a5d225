"""The span tree panel: filter row, find bar and the lazy tree of the selected run."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.store.queries import RunRow, SpanRow
from inspector.ui import text
from inspector.ui.badges import BADGE_HEIGHT, BADGE_WIDTH
from inspector.ui.delegates import TimelineDelegate
from inspector.ui.filters import SpanFilterBar
from inspector.ui.find import FindBar
from inspector.ui.livetree import LiveSpanTreeModel, tick_visible
from inspector.ui.models.runindex import RunIndex
from inspector.ui.models.spantree import SPAN_ID_ROLE, SPAN_ROW_ROLE, Index, SpanTreeModel
from inspector.ui.placeholders import is_placeholder
from inspector.ui.session import Session

EXPAND_BUDGET = 3_000  # spans "expand all" opens at most: more is unreadable and slow
ERRORS_BUDGET = 500
# Deeper than this, a span's name is indented out of sight, painting walks every ancestor of
# every row, and (at tens of thousands of levels) QTreeView's recursive layout overflows the
# stack. Deeper spans are shown in a subtree "focused" on a nearer ancestor instead.
MAX_VIEW_DEPTH = 48
FOCUS_CONTEXT = 12  # levels kept above a deep span when focusing on its subtree
AUTO_EXPAND = 300  # runs up to this many spans open fully expanded
CLOCK_MS = 1000  # running spans' elapsed times are repainted this often


class SpanTreeView(QTreeView):
    """QTreeView tuned for big lazy trees; Enter asks to focus the detail panel."""

    enter_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)  # lets the view skip measuring 100,000 rows
        self.setAnimated(False)
        self.setAlternatingRowColors(True)
        # several rows can be selected: two selected spans can be compared
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setIconSize(QSize(BADGE_WIDTH, BADGE_HEIGHT))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegateForColumn(SpanTreeModel.DURATION, TimelineDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIndentation(14)
        # a "show more" row scrolled into view brings the next page (infinite scrolling)
        self._more_check = QTimer(self)
        self._more_check.setSingleShot(True)
        self._more_check.setInterval(60)
        self._more_check.timeout.connect(self._load_visible_more)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._more_check.start())
        self.doubleClicked.connect(self._on_double_click)

    def _on_double_click(self, index: QModelIndex) -> None:
        model = self.model()
        if isinstance(model, SpanTreeModel) and model.is_more(index):
            self.show_more(index)

    def show_more(self, more: QModelIndex) -> None:
        """Show the next page of children at a "show more" row.

        Rows inserted under an expanded row make QTreeView lay out the whole tree again
        (thousands of rows: a visible freeze). Collapsing the parent, inserting, and expanding
        it again lays out only that parent's rows.
        """
        model = self.model()
        if not isinstance(model, SpanTreeModel):
            return
        parent = more.parent()
        if not parent.isValid() or not self.isExpanded(parent):
            model.show_more(more)
            return
        scroll = self.verticalScrollBar().value()
        current = QPersistentModelIndex(self.currentIndex())
        self.setUpdatesEnabled(False)
        try:
            self.collapse(parent)
            model.show_more(parent)
            self.expand(parent)
            if current.isValid():
                self.selectionModel().setCurrentIndex(
                    current, QItemSelectionModel.SelectionFlag.NoUpdate
                )
            self.verticalScrollBar().setValue(scroll)
        finally:
            self.setUpdatesEnabled(True)

    def rowsInserted(self, parent: Index, start: int, end: int) -> None:  # noqa: N802 - Qt override
        model = self.model()
        if isinstance(model, SpanTreeModel) and model.fetching_for_view:
            # The view is laying out ``parent`` right now (it asked for these rows) and reads
            # the new row count when fetchMore returns: a full relayout would only repeat it.
            QAbstractItemView.rowsInserted(self, parent, start, end)
            return
        super().rowsInserted(parent, start, end)

    def _load_visible_more(self) -> None:
        model = self.model()
        if not isinstance(model, SpanTreeModel):
            return
        top = self.indexAt(self.viewport().rect().topLeft())
        if not top.isValid():
            return
        index = top
        bottom = self.viewport().height()
        while index.isValid() and self.visualRect(index).top() < bottom:
            if model.is_more(index):
                self.show_more(index)
                return
            index = self.indexBelow(index)

    def setup_header(self) -> None:
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SpanTreeModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (SpanTreeModel.DURATION, 116),
            (SpanTreeModel.TOKENS, 100),
            (SpanTreeModel.COST, 78),
            (SpanTreeModel.MODEL, 92),
            (SpanTreeModel.STATUS, 104),
        ):
            header.resizeSection(column, width)
        header.setMinimumSectionSize(40)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.currentIndex()
            model = self.model()
            if isinstance(model, SpanTreeModel) and model.is_more(current):
                self.show_more(current)
            else:
                self.enter_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def expand_many(self, indexes: list[QModelIndex]) -> None:
        """Expand many rows with one layout pass (expanding one by one is quadratic)."""
        self.scheduleDelayedItemsLayout()
        for index in indexes:
            self.expand(index)
        self.executeDelayedItemsLayout()


class SpanTreePanel(QWidget):
    """Spans of the selected run; emits ``span_selected`` when the current span changes."""

    span_selected = Signal(str, str)  # trace id, span id
    span_cleared = Signal()
    enter_pressed = Signal()
    status_message = Signal(str)
    index_applied = Signal(str)  # trace id whose index the model now uses

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.model = LiveSpanTreeModel(self)
        self.view = SpanTreeView()
        self.view.setModel(self.model)
        self.view.setup_header()
        self.filters = SpanFilterBar()
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.title = QLabel("")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.filter_note = QLabel("")
        self.filter_note.setTextFormat(Qt.TextFormat.PlainText)
        self._after_index: list[Callable[[], None]] = []
        self._expand_queue: deque[tuple[QPersistentModelIndex, int]] = deque()
        self._expanded_count = 0
        self._expand_timer = QTimer(self)
        self._expand_timer.setSingleShot(True)
        self._expand_timer.setInterval(0)
        self._expand_timer.timeout.connect(self._expand_step)
        # Spans the user expanded: a live update may rebuild a level of the tree (a parent
        # arrived, a start time moved), and these are opened again afterwards.
        self._expanded_ids: set[str] = set()
        self._reconciling = False
        self._removed_while_reconciling = False
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(lambda: tick_visible(self.model, self.view))

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 4, 0)
        bar.addWidget(self.title, 1)
        self.buttons: dict[str, QToolButton] = {}
        for key, label, tip in (
            ("expand_all", "Expand all", "Expand every span (large runs: the first levels)"),
            ("collapse_all", "Collapse", "Collapse every span"),
            ("expand_errors", "Show errors", "Expand the tree down to every failed span"),
            ("next_error", "Next error", "Select the next failed span (E)"),
        ):
            button = QToolButton()
            button.setText(label)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            bar.addWidget(button)
            self.buttons[key] = button
        self.buttons["expand_all"].clicked.connect(self.expand_all)
        self.buttons["collapse_all"].clicked.connect(self.collapse_all)
        self.buttons["expand_errors"].clicked.connect(self.expand_to_errors)
        self.buttons["next_error"].clicked.connect(self.next_error)

        self.focus_note = QLabel("")
        self.focus_note.setTextFormat(Qt.TextFormat.PlainText)
        self.focus_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.focus_clear = QToolButton()
        self.focus_clear.setText("Show whole run")
        self.focus_clear.setAutoRaise(True)
        self.focus_clear.clicked.connect(lambda: self.set_focus(None))
        self.focus_bar = QWidget()
        focus_layout = QHBoxLayout(self.focus_bar)
        focus_layout.setContentsMargins(6, 0, 4, 0)
        focus_layout.addWidget(self.focus_note, 1)
        focus_layout.addWidget(self.focus_clear)
        self.focus_bar.hide()

        self.empty = QLabel("Select a run to see its spans.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(0, 0, 6, 0)
        filter_row.addWidget(self.filters, 1)
        filter_row.addWidget(self.filter_note)
        layout.addLayout(filter_row)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.focus_bar)
        layout.addWidget(self.stack, 1)

        self.view.expanded.connect(self._on_expanded)
        self.view.collapsed.connect(self._on_collapsed)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.enter_pressed.connect(self.enter_pressed)
        self.filters.changed.connect(self._apply_filter)
        self.model.modelReset.connect(self._on_reset)
        self.model.rowsAboutToBeRemoved.connect(self._on_rows_removed)

    # runs and indexes --------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self._after_index = []
        self.show_run(None)
        if session is not None:
            session.index_ready.connect(self.on_index)
            session.follow_changed.connect(self._update_clock)
        self._update_clock()

    def _update_clock(self) -> None:
        """Running spans tick only while the source is followed (in a finished file a span
        without an end is not running; it was cut off)."""
        live = self.session is not None and self.session.following
        self.model.live_clock = live
        if live and not self._clock.isActive():
            self._clock.start()
        elif not live:
            self._clock.stop()

    def show_run(self, run: RunRow | None, *, select_first: bool = True) -> None:
        """Show a run's top level at once; its index (rollups, exact arrows) follows."""
        self._after_index = []
        self._stop_expanding()
        self._expanded_ids.clear()
        self.focus_bar.hide()
        session = self.session
        if run is None or session is None:
            self.model.set_run(None, None)
            self.title.setText("")
            self.stack.setCurrentWidget(self.empty)
            self.span_cleared.emit()
            return
        self._set_title(run.name, run.trace_id, run.spans)
        self.stack.setCurrentWidget(self.view)
        cached = session.cached_index(run.trace_id)
        self.model.set_run(session.reader, run, cached)
        if cached is not None:
            self._index_arrived(cached)
        session.request_index(run.trace_id)
        if run.spans <= AUTO_EXPAND:
            self.expand_all()
        if self.model.rowCount() > 0:
            first = self.model.index(0, 0)
            if self.model.rowCount() == 1:
                self.view.expand(first)
            if select_first:
                self.view.setCurrentIndex(first)

    def _set_title(self, name: str, trace_id: str, spans: int) -> None:
        self.title.setText(text.one_line(f"{name or '(unnamed)'}  ·  {spans:,} spans", 200))
        self.title.setToolTip(text.tooltip(f"{name}\ntrace {trace_id}"))

    @property
    def trace_id(self) -> str | None:
        return self.model.trace_id

    @property
    def index_ready(self) -> bool:
        return self.model.run_index is not None

    def on_index(self, index: RunIndex) -> None:
        if index.trace_id != self.model.trace_id:
            return
        selected = self.selected_span_id()
        scroll = self.view.verticalScrollBar().value()
        self._reconciling, self._removed_while_reconciling = True, False
        try:
            self.model.set_index(index)
        finally:
            self._reconciling = False
        if self._removed_while_reconciling:
            self._restore_view(selected, scroll)
            if self.selected_span_id() != selected:  # it is gone: show what is current now
                self._on_current(self.view.currentIndex(), QModelIndex())
        # the view caches which rows have children (guessed "yes" before the index came) and
        # draws timeline bars against the run's span of time: lay out and paint again
        self.view.scheduleDelayedItemsLayout()
        self._index_arrived(index)

    def _on_rows_removed(self, *_args: object) -> None:
        if self._reconciling:
            self._removed_while_reconciling = True

    def _restore_view(self, selected: str | None, scroll: int) -> None:
        """After a live update moved rows (a parent replaced its placeholder, a level was
        re-ordered): open what the user had open, select what was selected, keep the scroll."""
        run_index = self.model.run_index
        if run_index is not None:
            wanted = sorted(
                (s for s in self._expanded_ids if s in run_index.rows),
                key=lambda s: len(run_index.ancestors(s)),
            )
            targets = []
            for span_id in wanted:
                found = self.model.index_of_span(span_id, fetch=True)
                if found.isValid() and not self.view.isExpanded(found):
                    targets.append(found)
            if targets:
                self.view.expand_many(targets)
        if selected is not None and self.selected_span_id() != selected:
            found = self.model.index_of_span(selected, fetch=True)
            if found.isValid():
                self.view.selectionModel().setCurrentIndex(
                    found,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self.view.verticalScrollBar().setValue(scroll)

    def _index_arrived(self, index: RunIndex) -> None:
        run = self.model.run
        if run is not None:  # the run may have grown since it was selected
            self._set_title(run.name, run.trace_id, run.spans)
        self.filters.set_models(index.models)
        if self.filters.predicate() is not None:
            self._apply_filter()
        pending, self._after_index = self._after_index, []
        for action in pending:
            action()
        if pending:
            self.status_message.emit("")  # "Indexing this run…" is over
        self.index_applied.emit(index.trace_id)

    def when_indexed(self, action: Callable[[], None]) -> None:
        """Run ``action`` now if the run's index is there, else as soon as it arrives."""
        if self.model.run_index is not None:
            action()
        else:
            self._after_index.append(action)
            self.status_message.emit("Indexing this run…")

    def _on_collapsed(self, index: QModelIndex) -> None:
        self.model.set_expanded(index, False)
        span_id = index.data(SPAN_ID_ROLE)
        if isinstance(span_id, str) and not self._reconciling:
            self._expanded_ids.discard(span_id)

    def _on_expanded(self, index: QModelIndex) -> None:
        self.model.set_expanded(index, True)
        expanded_id = index.data(SPAN_ID_ROLE)
        if isinstance(expanded_id, str):
            self._expanded_ids.add(expanded_id)
        depth = 0
        parent = index.parent()
        while parent.isValid() and depth <= MAX_VIEW_DEPTH:
            depth += 1
            parent = parent.parent()
        span_id = index.data(SPAN_ID_ROLE)
        if depth >= MAX_VIEW_DEPTH - 1 and isinstance(span_id, str):
            # continue below this span in a focused subtree (after this expansion is laid out)
            QTimer.singleShot(0, self, lambda: self._refocus_to(span_id))

    def _refocus_to(self, span_id: str) -> None:
        if span_id in (self.model.focus, None) or self.model.run_index is None:
            return
        index = self.model.run_index
        selected = self.selected_span_id()
        self.set_focus(span_id)
        top = self.model.index(0, 0)
        self.view.expand(top)
        if selected is not None and span_id in index.path(selected):
            self.reveal(selected)
        else:
            self.view.setCurrentIndex(top)

    def set_focus(self, span_id: str | None) -> None:
        """Show only the subtree of a span (``None``: the whole run)."""
        selected = self.selected_span_id()
        self.model.set_focus(span_id)
        focus = self.model.focus
        if focus is None:
            self.focus_bar.hide()
        else:
            index = self.model.run_index
            assert index is not None
            name = text.one_line(index.rows[focus].name, 80)
            depth = self.model.depth_of(focus)
            self.focus_note.setText(f"Showing the spans below “{name}”, {depth:,} levels deep.")
            self.focus_bar.show()
        if selected is not None and span_id is None:
            if self.model.depth_of(selected) < MAX_VIEW_DEPTH:
                self.reveal(selected)
            elif self.model.rowCount() > 0:
                self.view.setCurrentIndex(self.model.index(0, 0))

    # selection ---------------------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._reconciling:
            return  # a live update moved the selected row; _restore_view selects it again
        trace_id = self.model.trace_id
        span_id = current.data(SPAN_ID_ROLE) if current.isValid() else None
        if trace_id is None or not span_id:
            self.span_cleared.emit()
            return
        self.span_selected.emit(trace_id, span_id)

    def _on_reset(self) -> None:
        self.span_cleared.emit()

    def selected_span_id(self) -> str | None:
        index = self.view.currentIndex()
        value = index.data(SPAN_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None

    def selected_span_ids(self) -> list[str]:
        """Span ids of every selected row, from the top (the current one if none is)."""
        rows = sorted(
            self.view.selectionModel().selectedRows(0),
            key=lambda i: self.view.visualRect(i).top(),
        )
        ids = [i.data(SPAN_ID_ROLE) for i in rows]
        chosen = [i for i in ids if isinstance(i, str)]
        current = self.selected_span_id()
        return chosen or ([current] if current is not None else [])

    def span_row_at(self, index: QModelIndex) -> SpanRow | None:
        row = index.data(SPAN_ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, SpanRow) and not is_placeholder(row) else None

    def reveal(self, span_id: str, *, select: bool = True) -> bool:
        """Expand a span's ancestors and (optionally) select it; needs the run's index."""
        run_index = self.model.run_index
        if run_index is not None and span_id in run_index.rows:
            ancestors = run_index.ancestors(span_id)
            focus = self.model.focus
            inside = focus is None or focus in ancestors or focus == span_id
            below_focus = (
                len(ancestors) - ancestors.index(focus)
                if focus is not None and focus in ancestors
                else len(ancestors)
            )
            if not inside or below_focus >= MAX_VIEW_DEPTH:
                if len(ancestors) >= MAX_VIEW_DEPTH:
                    self.set_focus(ancestors[-FOCUS_CONTEXT])
                else:
                    self.set_focus(None)
        index = self.model.index_of_span(span_id, fetch=True)
        if not index.isValid():
            return False
        above: list[QModelIndex] = []
        parent = index.parent()
        while parent.isValid():
            above.append(parent)
            parent = parent.parent()
        self.view.expand_many(list(reversed(above)))
        if select:
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # actions -----------------------------------------------------------------------------

    def expand_all(self) -> None:
        """Expand level by level, in slices of ~10 ms per event-loop turn."""
        self._expand_queue = deque([(QPersistentModelIndex(), 0)])
        self._expanded_count = 0
        self.when_indexed(self._expand_step)

    def _expand_step(self) -> None:
        started = time.perf_counter()
        model, view, queue = self.model, self.view, self._expand_queue
        while queue and time.perf_counter() - started < 0.010:
            if self._expanded_count >= EXPAND_BUDGET:
                queue.clear()
                self.status_message.emit(
                    f"Expanded the first {self._expanded_count:,} spans; this run is too "
                    "large to expand completely."
                )
                return
            parent, depth = queue.popleft()
            if parent.isValid() or depth == 0:
                if parent.isValid():
                    view.expand(parent)
                model.ensure_fetched(parent)
                for row in range(model.rowCount(parent)):
                    child = model.index(row, 0, parent)
                    if depth + 1 < MAX_VIEW_DEPTH and model.hasChildren(child):
                        queue.append((QPersistentModelIndex(child), depth + 1))
                self._expanded_count += 1
        if queue:
            self._expand_timer.start()

    def _stop_expanding(self) -> None:
        self._expand_queue.clear()
        self._expand_timer.stop()

    @property
    def expanding(self) -> bool:
        return bool(self._expand_queue)

    def collapse_all(self) -> None:
        self._stop_expanding()
        self._expanded_ids.clear()
        self.view.collapseAll()

    def expand_to_errors(self) -> None:
        def run() -> None:
            index = self.model.run_index
            assert index is not None
            errors = [s for s in index.errors_in_order() if self._shown(s)]
            if not errors:
                self.status_message.emit("No failed spans in this run.")
                return
            focus = self.model.focus
            base = self.model.depth_of(focus) if focus is not None else 0
            targets: list[QModelIndex] = []
            for span_id in errors[:ERRORS_BUDGET]:
                if self.model.depth_of(span_id) - base >= MAX_VIEW_DEPTH:
                    continue  # too deep to open in place; "next error" focuses on it
                found = self.model.index_of_span(span_id, fetch=True)
                parent = found.parent()
                while parent.isValid():
                    targets.append(parent)
                    parent = parent.parent()
            self.view.expand_many(targets)
            self.reveal(errors[0])
            more = f" (first {ERRORS_BUDGET} opened)" if len(errors) > ERRORS_BUDGET else ""
            self.status_message.emit(f"{len(errors):,} failed spans{more}.")

        self.when_indexed(run)

    def next_error(self, forward: bool = True) -> None:
        def run() -> None:
            index = self.model.run_index
            assert index is not None
            errors = [s for s in index.errors_in_order() if self._shown(s)]
            if not errors:
                self.status_message.emit("No failed spans in this run.")
                return
            order = {span_id: i for i, span_id in enumerate(index.preorder)}
            current = self.selected_span_id()
            here = order.get(current, -1) if current is not None else -1
            if forward:
                after = [s for s in errors if order[s] > here]
                target = after[0] if after else errors[0]
            else:
                before = [s for s in errors if order[s] < here]
                target = before[-1] if before else errors[-1]
            self.reveal(target)
            position = errors.index(target) + 1
            self.status_message.emit(f"Failed span {position} of {len(errors)}.")

        self.when_indexed(run)

    def _shown(self, span_id: str) -> bool:
        visible = self.model._visible
        return visible is None or span_id in visible

    def _apply_filter(self) -> None:
        predicate = self.filters.predicate()
        if predicate is not None and self.model.run_index is None:
            self.when_indexed(self._apply_filter)
            return
        selected = self.selected_span_id()
        self.model.set_span_filter(predicate)
        if self.model.rowCount() == 1:
            self.view.expand(self.model.index(0, 0))
        if predicate is None:
            self.filter_note.setText("")
        else:
            matches = len(self.model.filter_matches)
            self.filter_note.setText(f"{matches:,} matching span{'s' if matches != 1 else ''}")
            if 0 < matches <= 300:
                index = self.model.run_index
                assert index is not None
                for span_id in index.preorder:
                    if span_id in self.model.filter_matches:
                        self.reveal(span_id, select=False)
        if selected is not None:
            self.reveal(selected)
