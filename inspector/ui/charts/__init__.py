"""Chart widgets: waterfall of a run, latency, tokens and cost (pyqtgraph over PySide6).

Import the widgets from their modules (``inspector.ui.charts.waterfall`` ...); this package
imports nothing so that ``python -m inspector.ui.charts.waterfall`` runs each preview cleanly.
"""
