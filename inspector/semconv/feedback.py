"""Feedback kept with a span: the readers' ``feedback`` events and the conventions' own forms.

Readers of stores that keep judgements apart from spans (Phoenix annotations, MLflow
assessments) attach each one to its span as an :class:`Event` named :data:`FEEDBACK_EVENT`
whose attributes are ``feedback.<field>``; :func:`feedback_event` builds it and
:func:`feedback` reads it back. Spans may also carry feedback in standard forms: the GenAI
``gen_ai.evaluation.result`` event and OpenInference ``annotations.N.annotation.*`` attributes.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from inspector.model import Event, Span
from inspector.model.span import FEEDBACK_EVENT, Feedback
from inspector.semconv.values import as_float, as_str, indexed, loads_lenient

_PREFIX = "feedback."
_FIELDS = tuple(f.name for f in fields(Feedback) if f.name != "time_ns")


def feedback_event(item: Feedback) -> Event:
    """The event that carries ``item`` on its span (``None`` fields are left out)."""
    attributes = {
        _PREFIX + name: getattr(item, name)
        for name in _FIELDS
        if getattr(item, name) is not None and getattr(item, name) != {}
    }
    return Event(FEEDBACK_EVENT, item.time_ns, attributes)


def _from_event(event: Event) -> Feedback:
    values: dict[str, Any] = {name: event.attributes.get(_PREFIX + name) for name in _FIELDS}
    return Feedback(
        name=as_str(values["name"]) or "feedback",
        label=as_str(values["label"]),
        score=as_float(values["score"]),
        explanation=as_str(values["explanation"]),
        annotator=as_str(values["annotator"]),
        annotator_kind=as_str(values["annotator_kind"]),
        level=as_str(values["level"]) or "span",
        source=as_str(values["source"]),
        time_ns=event.time_ns,
        metadata=values["metadata"],
    )


def _from_evaluation(event: Event) -> Feedback:
    attrs = event.attributes
    return Feedback(
        name=as_str(attrs.get("gen_ai.evaluation.name")) or "evaluation",
        label=as_str(attrs.get("gen_ai.evaluation.score.label")),
        score=as_float(attrs.get("gen_ai.evaluation.score.value")),
        explanation=as_str(attrs.get("gen_ai.evaluation.explanation")),
        source="gen_ai.evaluation.result",
        time_ns=event.time_ns,
    )


def _from_annotations(attrs: dict[str, Any]) -> list[Feedback]:
    out = []
    for prefix, item, level in (
        ("annotations", "annotation", "span"),
        ("evaluations", "evaluation", "span"),
        ("trace.annotations", "annotation", "trace"),
    ):
        for _, flat in sorted(indexed(attrs, prefix).items()):
            name = as_str(flat.get(f"{item}.name"))
            if name is None:
                continue
            out.append(
                Feedback(
                    name=name,
                    label=as_str(flat.get(f"{item}.label")),
                    score=as_float(flat.get(f"{item}.score")),
                    explanation=as_str(flat.get(f"{item}.explanation")),
                    annotator=as_str(flat.get(f"{item}.identifier")),
                    annotator_kind=as_str(flat.get(f"{item}.annotator_kind")),
                    level=level,
                    source=f"{prefix}.N.{item}",
                    metadata=loads_lenient(flat.get(f"{item}.metadata")),
                )
            )
    return out


def feedback(span: Span) -> list[Feedback]:
    """Every judgement recorded about ``span``, in the order it was given."""
    found: list[Feedback] = []
    for event in span.events:
        if event.name == FEEDBACK_EVENT:
            found.append(_from_event(event))
        elif event.name == "gen_ai.evaluation.result":
            found.append(_from_evaluation(event))
    if any(
        key.startswith(("annotations.", "evaluations.", "trace.annotations."))
        for key in span.attributes
    ):
        found += _from_annotations(span.attributes)
    return found
