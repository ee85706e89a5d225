"""The span filter row above the tree: kind, errors only, model, minimum duration."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from inspector.model import SpanKind, Status
from inspector.store.queries import SpanRow
from inspector.ui.badges import kind_label
from inspector.ui.text import one_line

ALL = ""


class SpanFilterBar(QWidget):
    """Builds a predicate over span rows; ``changed`` fires when any control changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItem("All kinds", ALL)
        for kind in SpanKind:
            self.kind.addItem(
                kind_label(kind).title() if kind is not SpanKind.LLM else "LLM", kind.value
            )
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind.setToolTip("Show only spans of this kind (with their ancestors)")
        self.errors = QCheckBox("Errors only")
        self.model = QComboBox()
        self.model.addItem("All models", ALL)
        self.model.setToolTip("Show only LLM calls to this model")
        self.model.setMinimumContentsLength(10)
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.min_ms = QDoubleSpinBox()
        self.min_ms.setRange(0, 86_400_000)
        self.min_ms.setDecimals(0)
        self.min_ms.setSuffix(" ms")
        self.min_ms.setSpecialValueText("any")
        self.min_ms.setToolTip("Show only spans lasting at least this long")
        self.min_ms.setKeyboardTracking(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Show:"))
        layout.addWidget(self.kind)
        layout.addWidget(self.model)
        layout.addWidget(QLabel("≥"))
        layout.addWidget(self.min_ms)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.model.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.errors.toggled.connect(lambda _on: self.changed.emit())
        self.min_ms.valueChanged.connect(lambda _v: self.changed.emit())

    def set_models(self, models: list[str]) -> None:
        """Offer the models of the shown run (keeps the current choice if still there)."""
        current = self.model.currentData()
        self.model.blockSignals(True)
        self.model.clear()
        self.model.addItem("All models", ALL)
        for name in models:
            self.model.addItem(one_line(name, 80), name)
        position = self.model.findData(current)
        self.model.setCurrentIndex(max(0, position))
        self.model.blockSignals(False)
        if position < 0 and current:
            self.changed.emit()

    def reset(self) -> None:
        for widget in (self.kind, self.model, self.errors, self.min_ms):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(0)
        self.model.setCurrentIndex(0)
        self.errors.setChecked(False)
        self.min_ms.setValue(0)
        for widget in (self.kind, self.model, self.errors, self.min_ms):
            widget.blockSignals(False)
        self.changed.emit()

    def predicate(self) -> Callable[[SpanRow], bool] | None:
        """The filter as a function, or ``None`` when nothing is filtered."""
        kind = self.kind.currentData() or ALL
        model = self.model.currentData() or ALL
        errors = self.errors.isChecked()
        min_ns = int(self.min_ms.value() * 1_000_000)
        if not (kind or model or errors or min_ns):
            return None

        def accept(row: SpanRow) -> bool:
            if kind and row.kind.value != kind:
                return False
            if model and row.model != model:
                return False
            if errors and row.status is not Status.ERROR:
                return False
            if min_ns:
                duration = row.duration_ns
                return duration is not None and duration >= min_ns
            return True

        return accept
