"""Saving a chart as PNG and its data as CSV, from code or from an "Export" button.

A chart widget lists its CSV exports as ``{label: function returning CSV text}``; the text
comes from :mod:`inspector.charts.export`, so the file holds exactly the numbers drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton, QWidget

CsvExports = Mapping[str, Callable[[], str]]


def save_png(widget: QWidget, path: Path | str) -> bool:
    """Render ``widget`` (as shown, at its current size) into a PNG file."""
    return bool(widget.grab().save(str(path), "PNG"))


def save_csv(text: str, path: Path | str) -> None:
    """Write CSV text (UTF-8 with a BOM, so spreadsheets pick the encoding)."""
    Path(path).write_text(text, encoding="utf-8-sig", newline="")


class ExportButton(QToolButton):
    """An "Export" drop-down: "Image (PNG)…" and one entry per CSV export."""

    def __init__(
        self,
        image: Callable[[], QWidget],
        csv_exports: Callable[[], CsvExports],
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setText("Export")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._image = image
        self._csv = csv_exports
        self._name = name
        menu = QMenu(self)
        menu.aboutToShow.connect(self._fill)
        self.setMenu(menu)

    def _fill(self) -> None:
        menu = self.menu()
        menu.clear()
        menu.addAction("Image (PNG)…", self.ask_png)
        for label in self._csv():
            menu.addAction(f"{label} (CSV)…", partial(self.ask_csv, label))

    def ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export image", f"{self._name}.png", "PNG image (*.png)"
        )
        if path:
            save_png(self._image(), path)

    def ask_csv(self, label: str) -> None:
        slug = label.lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export data", f"{self._name}-{slug}.csv", "CSV (*.csv)"
        )
        if path:
            save_csv(self._csv()[label](), path)
