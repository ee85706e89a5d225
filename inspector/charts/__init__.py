"""Data for the charts, without Qt: layouts, statistics, series and CSV text.

Every chart widget in :mod:`inspector.ui.charts` draws what a function here computes, so the
numbers are tested without a window and exported to CSV exactly as drawn.
"""

from inspector.store.charts import ChartScope

__all__ = ["ChartScope"]
