"""Plain data: spans, messages, usage, problems; tree rules; pricing. No Qt, no I/O beyond files."""

from inspector.model.span import (
    Document,
    Event,
    LlmView,
    Message,
    Part,
    Problem,
    Span,
    SpanKind,
    Status,
    Summary,
    Usage,
)

__all__ = [
    "Document",
    "Event",
    "LlmView",
    "Message",
    "Part",
    "Problem",
    "Span",
    "SpanKind",
    "Status",
    "Summary",
    "Usage",
]
