"""The one place the charts import pyqtgraph: pinned to PySide6 before it picks a binding."""

from __future__ import annotations

import os

import PySide6.QtCore  # noqa: F401  (imported first: pyqtgraph then uses this binding)

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pyqtgraph as pg

__all__ = ["pg"]
