"""Diff views: two calls side by side, two runs' span trees, a step's prompt versions.

Self-contained widgets over the pure engine in :mod:`inspector.diff`; reading spans and
diffing run on worker threads. :func:`open_compare` opens a :class:`DiffWindow` comparing two
spans; ``python -m inspector.ui.diffview PATH SPAN_A SPAN_B`` previews it.
"""

from inspector.ui.diffview.rundiff import RunDiffWidget
from inspector.ui.diffview.spandiff import SpanDiffWidget
from inspector.ui.diffview.versions import PromptVersionsWidget
from inspector.ui.diffview.window import DiffWindow, open_compare

__all__ = [
    "DiffWindow",
    "PromptVersionsWidget",
    "RunDiffWidget",
    "SpanDiffWidget",
    "open_compare",
]
