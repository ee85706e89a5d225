"""Choosing which of a million scatter points to draw: one per occupied screen cell.

A scatter point smaller than a cell looks the same whether one or a thousand points share the
cell, so each occupied cell of a ``cell``-pixel grid keeps one point. On top of that every column
of cells keeps its highest and lowest point, so outliers (the reason to look at a latency scatter)
are never dropped. ``x`` is sorted, so the visible slice is two binary searches and each pixel
column is a contiguous run; the rest is O(n) numpy (30-40 ms for a million visible points on a
small laptop core; the widget runs it on a worker thread).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def decimate(
    x: FloatArray,
    y: FloatArray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[int, int],
    cell: int = 3,
) -> IntArray:
    """Indices (ascending) of the points to draw in the given view.

    Args:
        x: sorted ascending.
        y: same length as ``x``.
        x_range, y_range: the visible window in data units.
        size: the window in pixels (width, height).
        cell: grid cell size in pixels.
    """
    lo = int(np.searchsorted(x, x_range[0], side="left"))
    hi = int(np.searchsorted(x, x_range[1], side="right"))
    if hi <= lo:
        return np.zeros(0, np.int64)
    xs = x[lo:hi]
    ys = y[lo:hi]
    visible = (ys >= y_range[0]) & (ys <= y_range[1])
    index: IntArray | None = None
    if not visible.all():
        index = np.flatnonzero(visible)
        if len(index) == 0:
            return np.zeros(0, np.int64)
        xs = xs[index]
        ys = ys[index]
    width_px = max(1, int(size[0]))
    cell = max(1, cell)
    rows = max(1, int(size[1]) // cell)
    x_span = (x_range[1] - x_range[0]) or 1.0
    y_span = (y_range[1] - y_range[0]) or 1.0
    # In-place arithmetic and int32: allocating fresh 1M-element arrays costs more than the math.
    scaled = np.subtract(xs, x_range[0])
    scaled *= width_px / x_span
    pix = scaled.astype(np.int32)
    np.minimum(pix, width_px - 1, out=pix)
    np.subtract(ys, y_range[0], out=scaled)
    scaled *= rows / y_span
    key = scaled.astype(np.int32)
    np.minimum(key, rows - 1, out=key)
    cols = -(-width_px // cell)
    key += (pix // cell) * rows
    grid = np.full(cols * rows, -1, np.int32)
    grid[key] = np.arange(len(xs), dtype=np.int32)  # the last point of a cell stays
    keep = grid[grid >= 0]
    # Extremes per column of cells: x is sorted, so each column is one contiguous run, and there
    # are at most ``width_px / cell`` of them (a short Python loop over numpy slices).
    pix //= cell
    starts = np.flatnonzero(np.r_[True, pix[1:] != pix[:-1]]).tolist()
    ends = [*starts[1:], len(xs)]
    extremes = np.empty(2 * len(starts), np.int64)
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        part = ys[start:end]
        extremes[2 * i] = start + int(part.argmax())
        extremes[2 * i + 1] = start + int(part.argmin())
    # A mask rather than np.union1d: numpy's hash-based unique is ~100x slower here.
    chosen_mask = np.zeros(len(xs), np.bool_)
    chosen_mask[keep] = True
    chosen_mask[extremes] = True
    chosen = np.flatnonzero(chosen_mask)
    if index is not None:
        chosen = index[chosen]
    result: IntArray = (chosen + lo).astype(np.int64)
    return result


CELLS = (3, 4, 6, 8, 12, 16, 24)


def decimate_capped(
    x: FloatArray,
    y: FloatArray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[int, int],
    max_points: int,
) -> IntArray:
    """:func:`decimate` with the smallest cell (from :data:`CELLS`) giving at most
    ``max_points`` points (or the coarsest cell's result): drawing cost stays bounded."""
    keep = np.zeros(0, np.int64)
    for cell in CELLS:
        keep = decimate(x, y, x_range, y_range, size, cell)
        if len(keep) <= max_points:
            break
    return keep


OVERVIEW_GRID = (2048, 2048)  # cells of the precomputed overview over the whole extent
OVERVIEW_FROM = 200_000  # series smaller than this are always picked from in full


@dataclass(slots=True)
class Pyramid:
    """A series (x sorted) and an overview of it: one point per cell of a fine grid over the
    whole extent, plus each grid column's extremes.

    While a screen cell is at least as large as an overview cell, picking from the overview
    draws the same picture from far fewer points; zoomed in further in time, the visible slice
    of the full series is small anyway. Zoomed in on latency only, over a wide time range, the
    overview is used all the same (points then snap to its 1/2048-of-the-range rows): a pick
    never scans more than about :data:`OVERVIEW_FROM` points plus the overview.
    """

    x: FloatArray
    y: FloatArray
    overview: IntArray | None = None  # indices of the overview's points
    cell: tuple[float, float] = (0.0, 0.0)  # overview cell size in data units
    overview_x: FloatArray = field(default_factory=lambda: np.zeros(0))
    overview_y: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.x)

    def pick(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        size: tuple[int, int],
        max_points: int,
    ) -> IntArray:
        """Indices into the full series of the points to draw (see :func:`decimate_capped`)."""
        overview = self.overview
        if overview is not None:
            screen_w = (x_range[1] - x_range[0]) * CELLS[0] / max(1, size[0])
            screen_h = (y_range[1] - y_range[0]) * CELLS[0] / max(1, size[1])
            fine_enough = screen_w >= self.cell[0] and screen_h >= self.cell[1]
            lo, hi = np.searchsorted(self.x, x_range)
            if fine_enough or hi - lo > OVERVIEW_FROM:
                x, y = self.overview_x, self.overview_y
                picked: IntArray = overview[
                    decimate_capped(x, y, x_range, y_range, size, max_points)
                ]
                return picked
        return decimate_capped(self.x, self.y, x_range, y_range, size, max_points)


def pyramid(x: FloatArray, y: FloatArray) -> Pyramid:
    """A :class:`Pyramid` of a series (x sorted); small series get no overview."""
    if len(x) < OVERVIEW_FROM:
        return Pyramid(x, y)
    x_range = (float(x[0]), float(x[-1]) or 1.0)
    y_range = (float(y.min()), float(y.max()))
    cols, rows = OVERVIEW_GRID
    overview = decimate(x, y, x_range, y_range, (cols, rows), cell=1)
    cell = ((x_range[1] - x_range[0]) / cols, (y_range[1] - y_range[0]) / rows)
    return Pyramid(x, y, overview, cell, x[overview], y[overview])


@dataclass(slots=True)
class ScatterSeries:
    """The points of one group of calls, split into ok and failed calls, ready to pick from.

    ``index`` maps a point to its position in the calls; ``ok``/``err`` map a point of each
    series to a point of the group. ``x`` is seconds since the epoch (sorted), ``y`` latency in
    seconds; ``parts`` are the ok and the failed series as pyramids, built once here (on the
    worker) rather than on every pick.
    """

    index: IntArray
    x: FloatArray
    y: FloatArray
    ok: IntArray
    err: IntArray
    parts: list[Pyramid]


def scatter_series(
    start_ns: IntArray, duration_ns: IntArray, error: npt.NDArray[np.bool_], index: IntArray
) -> ScatterSeries:
    """Points of the calls at ``index`` (ascending, so x stays sorted)."""
    x: FloatArray = start_ns[index] / 1e9
    y: FloatArray = duration_ns[index] / 1e9
    failed = error[index]
    ok, err = np.flatnonzero(~failed), np.flatnonzero(failed)
    return ScatterSeries(index, x, y, ok, err, [pyramid(x[ok], y[ok]), pyramid(x[err], y[err])])
