"""The bar above the latency and cost charts that picks their :class:`ChartScope`.

Model, span name and a time window. The model is shared with the runs list: typing a model's
name in the runs filter scopes the charts to it, and picking a model here filters the runs
list by it (see :class:`inspector.ui.chartspanel.ChartsPanel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from inspector.ui import text

if TYPE_CHECKING:
    from inspector.charts import ChartScope

ALL = "__all__"
MINUTE_NS = 60 * 1_000_000_000
#: label, window length (ns; None = all time). A window reaches back from the newest run's
#: start, so a recording from last week still shows its "latest hour".
WINDOWS: list[tuple[str, int | None]] = [
    ("All time", None),
    ("Latest 15 min", 15 * MINUTE_NS),
    ("Latest hour", 60 * MINUTE_NS),
    ("Latest 24 h", 24 * 60 * MINUTE_NS),
    ("Latest 7 days", 7 * 24 * 60 * MINUTE_NS),
]


class ScopeBar(QWidget):
    """Model, span name and time window of the charts.

    Signals:
        changed(): the user picked something (read :meth:`scope_for`).
        model_picked(str): the user picked a model ("" for all models).
    """

    changed = Signal()
    model_picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QComboBox()
        self.model.setMinimumContentsLength(16)
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model.setToolTip("Only LLM calls of this model (also filters the runs list)")
        self.name = QComboBox()
        self.name.setMinimumContentsLength(16)
        self.name.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.name.setToolTip("Only LLM calls with this span name")
        self.period = QComboBox()
        for label, length in WINDOWS:
            self.period.addItem(label, length)
        self.period.setToolTip(
            "Only runs and calls that started in this window, counted back from the newest "
            "run's start"
        )
        self.note = QLabel("")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self._set_items(self.model, "All models", [])
        self._set_items(self.name, "All span names", [])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for label, combo in (("Model", self.model), ("Span", self.name), ("Time", self.period)):
            caption = QLabel(label)
            layout.addWidget(caption)
            layout.addWidget(combo)
        layout.addWidget(self.note, 1)
        self.model.activated.connect(self._model_activated)
        self.name.activated.connect(lambda _i: self.changed.emit())
        self.period.activated.connect(lambda _i: self.changed.emit())

    @staticmethod
    def _set_items(combo: QComboBox, all_label: str, values: Sequence[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, ALL)
        for value in values:
            combo.addItem(text.one_line(value, 80), value)
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def set_choices(self, models: Sequence[str], names: Sequence[str]) -> None:
        """The models and span names to offer (the current pick stays, even if not listed)."""
        same = [sorted(models, key=str.lower), sorted(names, key=str.lower)]
        if same == [self.models(), self.names()]:
            return  # (live updates call this every second; refilling costs)
        for combo, label, values in (
            (self.model, "All models", models),
            (self.name, "All span names", names),
        ):
            current = combo.currentData()
            listed = list(values)
            if isinstance(current, str) and current != ALL and current not in listed:
                listed.append(current)
            self._set_items(combo, label, sorted(listed, key=str.lower))

    def reset(self) -> None:
        """Nothing to offer, everything picked (for another file)."""
        self._set_items(self.model, "All models", [])
        self._set_items(self.name, "All span names", [])
        self.model.setCurrentIndex(0)
        self.name.setCurrentIndex(0)
        self.period.setCurrentIndex(0)

    def models(self) -> list[str]:
        return [str(self.model.itemData(i)) for i in range(1, self.model.count())]

    def set_model(self, model: str | None) -> None:
        """Show ``model`` as picked (``None``: all); does not emit :attr:`changed`."""
        if model is not None and self.model.findData(model) < 0:
            self.set_choices([*self.models(), model], self.names())
        self.model.setCurrentIndex(max(self.model.findData(model or ALL), 0))

    def names(self) -> list[str]:
        return [str(self.name.itemData(i)) for i in range(1, self.name.count())]

    def picked_model(self) -> str | None:
        value = self.model.currentData()
        return None if value in (ALL, None) else str(value)

    def scope_for(self, newest_start_ns: int | None) -> ChartScope:
        """The scope picked, its time window reaching back from ``newest_start_ns``."""
        from inspector.charts import ChartScope  # numpy: not needed before a chart is shown

        name = self.name.currentData()
        length = self.period.currentData()
        start = None
        if isinstance(length, int) and newest_start_ns is not None:
            start = newest_start_ns - length
        return ChartScope(
            start_ns=start,
            model=self.picked_model(),
            name=None if name in (ALL, None) else str(name),
        )

    def _model_activated(self, _index: int) -> None:
        self.model_picked.emit(self.picked_model() or "")
        self.changed.emit()
