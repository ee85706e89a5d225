"""Table model of a step's prompt versions: one row per version, with how its runs went."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector.diff import PromptVersion
from inspector.ui.diffview.figures import precise_cost
from inspector.ui.text import duration, one_line, tooltip

VERSION_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The row's :class:`PromptVersion`."""

COLUMNS = (
    "Version",
    "Runs",
    "Calls",
    "Mean latency",
    "Mean tokens in / out",
    "Mean cost",
    "Call errors",
    "Prompt",
)
VERSION, RUNS, CALLS, LATENCY, TOKENS, COST, ERRORS, PROMPT = range(len(COLUMNS))
_NUMERIC = frozenset({RUNS, CALLS, LATENCY, TOKENS, COST, ERRORS})
_SOURCES = {
    "version": "recorded version label",
    "template": "prompt template (hash)",
    "system": "system prompt (hash)",
    "none": "no system prompt",
}
PREVIEW_CHARS = 160

Index = QModelIndex | QPersistentModelIndex


def _number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def cell_text(version: PromptVersion, column: int) -> str:
    if column == VERSION:
        return one_line(version.label, 40)
    if column == RUNS:
        return str(version.runs)
    if column == CALLS:
        return str(len(version.calls))
    if column == LATENCY:
        ms = version.mean_latency_ms
        return "—" if ms is None else duration(round(ms * 1_000_000))
    if column == TOKENS:
        return f"{_number(version.mean_input_tokens)} / {_number(version.mean_output_tokens)}"
    if column == COST:
        return "—" if version.mean_cost_usd is None else precise_cost(version.mean_cost_usd)
    if column == ERRORS:
        return f"{version.error_rate:.0%}"
    return one_line(" ".join(version.content.split()), PREVIEW_CHARS)


def _tip(version: PromptVersion, column: int) -> str:
    if column == VERSION:
        reused = (
            f"\nWarning: this label was used for {version.contents} different prompts."
            if version.contents > 1
            else ""
        )
        return f"{version.label}: {_SOURCES.get(version.source, version.source)}{reused}"
    if column == ERRORS:
        return (
            f"{version.error_rate:.0%} of this step's calls failed; "
            f"{version.run_error_rate:.0%} of the runs using this version had an error."
        )
    if column == PROMPT:
        return version.content[:4000]
    return cell_text(version, column)


class VersionsModel(QAbstractTableModel):
    """Rows of :class:`PromptVersion` (set with :meth:`set_versions`)."""

    def __init__(self) -> None:
        super().__init__()
        self._versions: list[PromptVersion] = []

    def set_versions(self, versions: list[PromptVersion]) -> None:
        self.beginResetModel()
        self._versions = list(versions)
        self.endResetModel()

    @property
    def versions(self) -> list[PromptVersion]:
        return self._versions

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._versions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._versions):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._versions):
            return None
        version = self._versions[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(version, column)
        if role == VERSION_ROLE:
            return version
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(_tip(version, column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
