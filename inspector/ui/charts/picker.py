"""Re-picking scatter points off the GUI thread while the user pans and zooms.

Views change every frame during a drag; a pick (:meth:`Pyramid.pick`) scans up to a few hundred
thousand points, so it runs on a one-thread pool. At most one pick is in flight: a view change
while it runs is remembered, and a pick for the latest view starts 30 ms after the running one
lands (so a drag does not keep a core busy picking). Results for an older data set (a
generation behind) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from inspector.charts.decimate import Pyramid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
PAUSE_MS = 30  # between the picks of one drag
Request = tuple[tuple[float, float], tuple[float, float], tuple[int, int]]


class _Relay(QObject):
    done = Signal(int, object)


class ScatterPicker(QObject):
    """Picks points of up to two series (ok calls, failed calls) for a view, asynchronously.

    ``on_picked(ok_indices, error_indices)`` is called on the GUI thread.
    """

    def __init__(
        self,
        on_picked: Callable[[IntArray, IntArray], None],
        max_points: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # The pool is created before the relay so that, on deletion, it waits for a running
        # pick while the relay the pick reports to still exists.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._landed)
        self._on_picked = on_picked
        self._max = max_points
        self._series: list[Pyramid] = []
        self._generation = 0
        self._busy = False
        self._pending: Request | None = None

    def set_series(self, series: list[Pyramid]) -> None:
        """New data, one pyramid per series. Picks in flight for older data are dropped."""
        self._series = series
        self._generation += 1

    def pick_now(self, request: Request) -> tuple[IntArray, IntArray]:
        """Pick synchronously (first paint, tests)."""
        return _pick(self._series, request, self._max)

    def request(self, request: Request) -> None:
        """Pick for this view on the worker (coalesced with requests made while busy)."""
        if self._busy or self._pending is not None:
            self._pending = request
            return
        self._busy = True
        series, generation, limit = self._series, self._generation, self._max
        relay = self._relay
        self._pool.start(lambda: relay.done.emit(generation, _pick(series, request, limit)))

    def _landed(self, generation: int, picked: tuple[IntArray, IntArray]) -> None:
        self._busy = False
        if generation == self._generation:
            self._on_picked(*picked)
        if self._pending is not None:
            # Leave the cores to painting for a moment before the next pick of a drag.
            QTimer.singleShot(PAUSE_MS, self, self._next)

    def _next(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.request(pending)

    @property
    def busy(self) -> bool:
        return self._busy

    def wait(self, msecs: int = -1) -> bool:
        return bool(self._pool.waitForDone(msecs))


def _pick(series: list[Pyramid], request: Request, limit: int) -> tuple[IntArray, IntArray]:
    x_range, y_range, size = request
    picked = [part.pick(x_range, y_range, size, limit) for part in series]
    empty = np.zeros(0, np.int64)
    return (picked[0] if picked else empty, picked[1] if len(picked) > 1 else empty)
