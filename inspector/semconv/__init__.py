"""Attribute dialects into the LLM view: OpenInference, OTel GenAI, MLflow, OpenLLMetry.

Two entry points. :func:`summarize` is the ingest hot path: a handful of dictionary look-ups that
give the fields the store sorts, filters and rolls up on. :func:`llm_view` is the full decode
(messages, documents, parameters, provenance) done only when a span is shown or diffed.
Dialects are tried in order; the first to set a field wins, so a span carrying two conventions
keeps the more specific one.
"""

from __future__ import annotations

from typing import Any

from inspector.model import LlmView, Span, SpanKind, Summary
from inspector.semconv import feedback, genai, mlflow, openinference, openllmetry

# Most specific first (FORMATS.md section 8, kind resolution): each fills only what is unset.
DIALECTS = (openinference, genai, mlflow, openllmetry)

# The attribute keys any dialect's ``summarize`` reads. The ingest fast path decodes only these
# (plus the raw record, for the full view later), so every dialect must declare its keys.
SUMMARY_KEYS: frozenset[str] = frozenset().union(*(d.SUMMARY_KEYS for d in DIALECTS))


def summarize(span: Span) -> Summary:
    """The ingest-time fields of ``span``: kind, model, provider, tokens, cost, session."""
    return summarize_attributes(span.attributes, span.kind)


def summarize_attributes(attrs: dict[str, Any], kind: SpanKind = SpanKind.UNKNOWN) -> Summary:
    """:func:`summarize` of a span with these attributes and this kind."""
    out = Summary(kind=kind)
    if not attrs:
        return out
    for dialect in DIALECTS:
        if not dialect.SUMMARY_KEYS.isdisjoint(attrs):  # a dialect without its keys sets nothing
            dialect.summarize(attrs, out)
    if out.total_tokens is None and out.input_tokens is not None and out.output_tokens is not None:
        out.total_tokens = out.input_tokens + out.output_tokens
    return out


def llm_view(span: Span) -> LlmView:
    """The full LLM view of ``span``, with ``sources`` naming the attribute behind each field."""
    view = LlmView()
    openinference.fill_view(span.attributes, view)
    genai.fill_view(span.attributes, span.events, view)
    mlflow.fill_view(span.attributes, span.events, view)
    openllmetry.fill_view(span.attributes, span.events, view)
    view.feedback = feedback.feedback(span)
    if view.feedback:
        view.sources["feedback"] = ", ".join(
            sorted({f.source or "feedback" for f in view.feedback})
        )
    if view.usage.total is None and view.usage.input is not None and view.usage.output is not None:
        view.usage.total = view.usage.input + view.usage.output
    return view


def kind_of(span: Span) -> SpanKind:
    """The span's semantic kind as the dialects see it."""
    return summarize(span).kind


__all__ = [
    "DIALECTS",
    "SUMMARY_KEYS",
    "kind_of",
    "llm_view",
    "summarize",
    "summarize_attributes",
]
