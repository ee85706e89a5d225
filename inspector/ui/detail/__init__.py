"""The span-detail panel of the Trace Inspector window (``SpanDetailWidget``)."""

from __future__ import annotations

from inspector.ui.detail.widget import SpanDetailWidget

__all__ = ["SpanDetailWidget"]
