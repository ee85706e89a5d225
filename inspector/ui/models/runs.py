"""The runs table: a page-at-a-time view of the store's runs, sorted and filtered in SQL.

Rows are fetched lazily (``canFetchMore``/``fetchMore``), so a store with a million runs opens
as fast as one with ten. The loaded rows are always exactly the first N rows of the current
sort and filter; live appends keep that true by inserting a new run only when it sorts inside
the loaded range (otherwise a later page brings it), with ``beginInsertRows`` -- never a reset.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from inspector.store.queries import RunRow, StoreReader
from inspector.ui import text

Index = QModelIndex | QPersistentModelIndex

TRACE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RUN_ROLE = Qt.ItemDataRole.UserRole + 2

ERROR_RED = QColor(220, 50, 47)
RUNNING_BLUE = QColor(38, 139, 210)


def _sort_value(run: RunRow, key: str) -> Any:
    values: dict[str, Callable[[RunRow], Any]] = {
        "start": lambda r: r.start_ns,
        "name": lambda r: r.name,
        "duration": lambda r: r.duration_ns,
        "spans": lambda r: r.spans,
        "errors": lambda r: r.errors,
        "input_tokens": lambda r: r.input_tokens,
        "output_tokens": lambda r: r.output_tokens,
        "cost": lambda r: r.cost_usd,
        "session": lambda r: r.session_id,
        "status": lambda r: r.errors > 0,
    }
    return values[key](run)


class RunsModel(QAbstractTableModel):
    """Runs of one store, newest first by default."""

    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("Start", "start"),
        ("Name", "name"),
        ("Duration", "duration"),
        ("Spans", "spans"),
        ("Tokens in", "input_tokens"),
        ("Tokens out", "output_tokens"),
        ("Cost", "cost"),
        ("Status", "status"),
        ("Session", "session"),
    ]
    PAGE = 200

    #: emitted after a reset (sort/filter/new store) so views can restore their selection
    reloaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader: StoreReader | None = None
        self._rows: list[RunRow] = []
        self._total = 0
        self._sort = "start"
        self._descending = True
        self._text = ""
        self._errors_only = False

    # configuration -------------------------------------------------------------------------

    def set_reader(self, reader: StoreReader | None) -> None:
        """Show the runs of another store (or none)."""
        self._reader = reader
        self._reload()

    def set_filter(self, text: str, errors_only: bool) -> None:
        if (text, errors_only) != (self._text, self._errors_only):
            self._text, self._errors_only = text, errors_only
            self._reload()

    @property
    def total(self) -> int:
        """Runs matching the filter in the store (loaded or not)."""
        return self._total

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        key = self.COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self._reload()

    def _reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = 0
        if self._reader is not None:
            self._total = self._reader.run_count(self._text, self._errors_only)
            self._rows = self._page(0)
        self.endResetModel()
        self.reloaded.emit()

    def _page(self, offset: int) -> list[RunRow]:
        assert self._reader is not None
        return self._reader.runs(
            offset,
            self.PAGE,
            sort=self._sort,
            descending=self._descending,
            text=self._text,
            errors_only=self._errors_only,
        )

    # lazy paging ---------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._reader is not None and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        page = self._page(len(self._rows))
        known = {r.trace_id for r in self._rows}
        page = [r for r in page if r.trace_id not in known]
        if not page:
            self._total = len(self._rows)  # the store shrank under us: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # live updates --------------------------------------------------------------------------

    def apply_change(self, added: list[str], changed: list[str]) -> None:
        """Insert new runs and update grown ones, as reported by a committed batch."""
        if self._reader is None or not (added or changed):
            return
        positions = {r.trace_id: i for i, r in enumerate(self._rows)}
        fresh = self._reader.runs_by_id(list(dict.fromkeys([*added, *changed])))
        new: list[RunRow] = []
        # Update rows in place first (positions stay valid), then insert the new runs: rebuilding
        # a position map per insert made a load of thousands of runs quadratic.
        updated: list[int] = []
        for run in fresh:
            row = positions.get(run.trace_id)
            if row is not None:
                self._rows[row] = run
                updated.append(row)
            elif self._matches(run):
                new.append(run)
        if updated:  # one signal: the views repaint what they show of the range
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(updated), 0), self.index(max(updated), last))
        self._insert(new)

    def _matches(self, run: RunRow) -> bool:
        if self._errors_only and run.errors == 0:
            return False
        if not self._text:
            return True
        needle = self._text.lower()
        fields = (run.name, run.trace_id, run.session_id or "", run.models)
        return any(needle in f.lower() for f in fields)

    def _insert(self, runs: list[RunRow]) -> None:
        """Insert new runs where the sort puts them, one insertion per gap they fill.

        A batch of a bulk load brings hundreds of runs that sort next to each other (newest
        first: all at the top). Inserting them one by one emitted a signal round per run, and
        each round ran every selection-dependent slot of the window: ~0.2 ms x 4,500 runs of
        event-loop stall in a 100 MB file.
        """
        if not runs:
            return
        loaded_all = len(self._rows) >= self._total
        self._total += len(runs)
        key = self._order_key
        # Ties sort by run id like the SQL (``id DESC`` when descending); ``runs`` come in id
        # order and are newer than every shown run.
        if self._descending:
            newest_first = list(reversed(runs))  # the sort is stable: ties stay newest first
            ordered, find = sorted(newest_first, key=key), bisect_left
        else:
            ordered, find = sorted(runs, key=key), bisect_right
        first = find(self._rows, key(ordered[0]), key=key)
        gaps: dict[int, list[RunRow]] = {first: []}
        if find(self._rows, key(ordered[-1]), key=key) == first:
            gaps[first] = ordered  # all in one gap (the usual batch: newer than all shown)
        else:
            for run in ordered:
                gaps.setdefault(find(self._rows, key(run), key=key), []).append(run)
        for position in sorted(gaps, reverse=True):  # from the end: earlier gaps stay valid
            if position == len(self._rows) and not loaded_all:
                continue  # sorts after the loaded page: fetchMore brings it in its turn
            block = gaps[position]
            self.beginInsertRows(QModelIndex(), position, position + len(block) - 1)
            self._rows[position:position] = block
            self.endInsertRows()

    def _order_key(self, run: RunRow) -> tuple[bool, Any]:
        """The SQL order (NULLs last, then the column) as an ascending Python key."""
        value = _sort_value(run, self._sort)
        if value is None:
            return (True, 0)
        if self._descending:
            value = _Reversed(value)
        return (False, value)

    # access ----------------------------------------------------------------------------------

    def run_at(self, row: int) -> RunRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, trace_id: str, *, fetch: bool = False, max_pages: int = 50) -> int | None:
        """Row of a run; with ``fetch``, load further pages (at most ``max_pages``) to find it."""
        pages = 0
        while True:
            for i, run in enumerate(self._rows):
                if run.trace_id == trace_id:
                    return i
            if not fetch or pages >= max_pages or not self.canFetchMore():
                return None
            self.fetchMore()
            pages += 1

    # Qt model API ------------------------------------------------------------------------

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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(self.COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        run = self.run_at(index.row())
        if run is None:
            return None
        key = self.COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(run, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(run, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            if run.errors:
                return ERROR_RED
            if run.running:
                return RUNNING_BLUE
            return None
        if role == Qt.ItemDataRole.ForegroundRole and key == "cost" and run.cost_usd is None:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.DecorationRole and key == "status" and run.errors:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TRACE_ID_ROLE:
            return run.trace_id
        if role == RUN_ROLE:
            return run
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS


_NUMERIC = frozenset({"duration", "spans", "input_tokens", "output_tokens", "cost"})

_HEADER_TIPS = {
    "start": "When the run started, in your local time",
    "input_tokens": "Input tokens of the run's LLM calls",
    "output_tokens": "Output tokens of the run's LLM calls",
    "cost": "Cost of the priced LLM calls; ? = no price known, * = some calls unpriced",
    "status": "error when any span failed; running when a span has not ended",
}


class _Reversed:
    """Wraps a value so that ascending order of wrappers is descending order of values."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    __hash__ = None  # type: ignore[assignment]


#: the widest texts of the cost column (its width is measured on them)
COST_SAMPLES = ("<$0.00001*", "$0.000088*", "-$0.00088*", "$888.88*")
# Shorter texts that stay true for a cost below the bound, for a column made too narrow.
_COST_BOUNDS = ((0.0001, "<$0.0001"), (0.001, "<$0.001"), (0.01, "<$0.01"), (1.0, "<$1"))


def _partly_priced(run: RunRow) -> bool:
    return run.cost_usd is not None and run.priced_calls < run.llm_calls


# Built once: combining Qt flag enums in Python costs more than the rest of flags() (the
# selection model asks for every visible cell).
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _cost_text(run: RunRow) -> str:
    if run.llm_calls == 0:
        return text.DASH
    return text.cost(run.cost_usd) + ("*" if _partly_priced(run) else "")


def shorter_costs(run: RunRow) -> list[str]:
    """Shorter texts for a run's cost, longest first, for a cell too narrow for the usual
    one: upper bounds (``<$0.0001``), first with the "*" of a partly priced run, then
    without. Each is true, unlike the usual text cut short ("$0.00000…" reads as zero)."""
    value = run.cost_usd
    if run.llm_calls == 0 or value is None or value <= 0:
        return []
    bounds = [shown for bound, shown in _COST_BOUNDS if value < bound]
    if _partly_priced(run):
        return [b + "*" for b in bounds] + bounds
    return bounds


def exact_cost(value: float) -> str:
    """Dollars to six significant digits and at least cents: ``$0.0000042137``, ``$1,234.57``
    (the tooltip's exact value; the cell rounds to two digits)."""
    if value < 0:
        return "-" + exact_cost(-value)
    if value == 0:
        return "$0.00"
    decimals = max(2, 5 - math.floor(math.log10(value)))
    whole, _dot, fraction = f"{value:,.{decimals}f}".partition(".")
    return f"${whole}.{fraction.rstrip('0').ljust(2, '0')}"


def _cost_tooltip(run: RunRow) -> str | None:
    if not run.llm_calls:
        return None
    if run.cost_usd is None:
        return text.tooltip(f"No price known for the {run.llm_calls} LLM calls")
    calls = f"{run.priced_calls} LLM call{'s' if run.priced_calls != 1 else ''}"
    lines = [f"{exact_cost(run.cost_usd)} for {calls}"]
    if _partly_priced(run):
        lines.append(
            f"{run.priced_calls} of {run.llm_calls} LLM calls priced; the rest are not counted"
        )
    return text.tooltip("\n".join(lines))


def _status_text(run: RunRow) -> str:
    if run.errors:
        return f"error ({run.errors})" if run.errors > 1 else "error"
    return "running" if run.running else "ok"


def _display(run: RunRow, key: str) -> str:
    if key == "start":
        return text.local_time(run.start_ns)
    if key == "name":
        return text.one_line(run.name) or "(unnamed)"
    if key == "duration":
        return (
            "running" if run.running and run.duration_ns is None else text.duration(run.duration_ns)
        )
    if key == "spans":
        return text.count(run.spans)
    if key == "input_tokens":
        return text.count(run.input_tokens) if run.llm_calls else text.DASH
    if key == "output_tokens":
        return text.count(run.output_tokens) if run.llm_calls else text.DASH
    if key == "cost":
        return _cost_text(run)
    if key == "status":
        return _status_text(run)
    if key == "session":
        return text.one_line(run.session_id or "")
    return ""


def _tooltip(run: RunRow, key: str) -> str | None:
    if key == "name":
        lines = [run.name, f"trace {run.trace_id}"]
        if run.service:
            lines.append(f"service {run.service}")
        if run.models:
            lines.append(f"models {run.models}")
        return text.tooltip("\n".join(lines))
    if key == "start":
        return text.tooltip(text.local_time_full(run.start_ns))
    if key == "cost":
        return _cost_tooltip(run)
    if key == "status":
        return text.tooltip(
            f"{run.errors} failed spans"
            if run.errors
            else ("still running" if run.running else "no failed spans")
        )
    if key == "session" and run.session_id:
        return text.tooltip(run.session_id)
    return None
