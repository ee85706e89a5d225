"""Turning a batch of normalised spans into store rows: a pure function of its input, so it
can run in a worker process while the writer commits the previous batch."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from inspector import semconv
from inspector.model import Problem, Span, SpanKind
from inspector.model.pricing import Pricing
from inspector.model.span import SpanEvents
from inspector.store.rollup import RunState


def payload(span: Span) -> bytes:
    """The span's full detail as JSON, stored once and decoded only when shown."""
    body: dict[str, Any] = {
        "attributes": span.attributes,
        "events": span.events,
        "resource": span.resource,
    }
    if span.links:
        body["links"] = span.links
    if span.scope:
        body["scope"] = span.scope
    if span.otel_kind:
        body["otel_kind"] = span.otel_kind
    try:
        return orjson.dumps(body)
    except TypeError:  # an int beyond 64 bits or a lone surrogate: keep it, as text
        return json.dumps(body, default=_plain, ensure_ascii=False).encode("utf-8", "replace")


def _event_attributes(attributes: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(attributes)
    except TypeError:  # an int beyond 64 bits or a lone surrogate: keep it, as text
        return json.dumps(attributes, default=_plain, ensure_ascii=False).encode("utf-8", "replace")


def _plain(value: object) -> object:
    fields = getattr(value, "__slots__", None)
    if fields:
        return {name: getattr(value, name) for name in fields}
    return str(value)


@dataclass(slots=True)
class Prepared:
    """A batch turned into rows, ready for :meth:`StoreWriter.commit`; picklable, so it can be
    made in another process.

    ``rows[i]`` is a span row without its run id (the writer assigns those): the columns of
    :data:`SPAN_COLUMNS` after ``run_id``, with the source *path* where the source id goes and,
    for ``raw_id``, an index into ``raws`` (or ``None``; a span whose record is in the source's
    snapshot has ``raw_offset``/``raw_length`` instead).
    """

    trace_ids: list[str] = field(default_factory=list)
    services: list[str | None] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    raws: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (trace_id, span_id, name, time_ns, attributes JSON, source path, location)
    events: list[tuple[str, str, str, int | None, bytes, str, str]] = field(default_factory=list)


def prepare(
    spans: Iterable[Span],
    problems: Iterable[Problem],
    pricing: Pricing,
    events: Iterable[SpanEvents] = (),
    positions: dict[int, tuple[int, int]] | None = None,
) -> Prepared:
    """Derive every stored column of a batch (a pure function of its input).

    ``positions`` (see :attr:`inspector.formats.jsonfile.Batch.positions`) says where the raw
    records are in the source file; spans of those records point there instead of into
    ``raws``, which is then left without them.
    """
    out = Prepared(problems=list(problems))
    out.events = [
        (
            group.trace_id,
            group.span_id,
            event.name,
            event.time_ns,
            _event_attributes(event.attributes),
            group.source,
            group.location,
        )
        for group in events
        for event in group.events
    ]
    raw_slots: dict[int, int] = {}
    summarize = semconv.summarize
    cost_of = pricing.cost
    llm = SpanKind.LLM
    trace_ids, services, rows, raws = out.trace_ids, out.services, out.rows, out.raws
    for span in spans:
        s = summarize(span)
        cost = s.cost_usd
        if cost is None and s.kind is llm:
            cost = cost_of(s.model, s.input_tokens, s.output_tokens)
        raw = span.raw
        at: tuple[int, int] | None = None
        if raw is None:
            body: bytes | None = payload(span)
            slot = raw_index = None
        else:
            body = None
            raw_index = raw[1]
            at = positions.get(id(raw[0])) if positions else None
            if at is not None:
                slot = None
            else:
                slot = raw_slots.get(id(raw[0]))
                if slot is None:
                    slot = raw_slots[id(raw[0])] = len(raws)
                    raws.append(("otlp-json", raw[0]))
        trace_ids.append(span.trace_id)
        services.append(_service(span))
        rows.append(
            (
                span.span_id,
                span.parent_id,
                span.name,
                s.kind.value,
                int(span.status),
                span.status_message,
                span.start_ns,
                span.end_ns,
                s.model,
                s.provider,
                s.input_tokens,
                s.output_tokens,
                s.total_tokens,
                cost,
                s.session_id,
                span.source,
                span.location,
                body,
                slot,
                raw_index,
                None if at is None else at[0],
                None if at is None else at[1],
            )
        )
    return out


@dataclass(slots=True)
class Ready:
    """A batch whose rows need nothing from the writer: made in a worker process, committed by
    :meth:`StoreWriter.commit_ready` without a Python loop over its spans.

    ``rows`` hold every column of :data:`SPAN_COLUMNS` with the trace id in place of the run id;
    ``trace_ids`` are the runs the batch touches, in first-seen order, with their ``services``
    and ``partials``: the rollups of the batch's spans of each run.
    """

    trace_ids: list[str]
    services: list[str | None]
    partials: list[RunState]
    rows: list[tuple[Any, ...]]
    problems: list[Problem]
    events: list[tuple[str, str, str, int | None, bytes, int | None, str]]


def prepare_ready(
    spans: Iterable[Span],
    problems: Iterable[Problem],
    pricing: Pricing,
    events: Iterable[SpanEvents],
    positions: dict[int, tuple[int, int]],
    source_id: int,
) -> Ready | None:
    """:func:`prepare` for :meth:`StoreWriter.commit_ready`, for spans of one source whose raw
    records are all in its snapshot (``positions``). ``None`` when one is not: its record must
    go into ``raws``, under an id only the writer gives.

    This is the bulk-load hot path, in worker processes: one pass per span, no second tuple.
    """
    index: dict[str, int] = {}
    trace_ids: list[str] = []
    services: list[str | None] = []
    partials: list[RunState] = []
    rows: list[tuple[Any, ...]] = []
    summarize = semconv.summarize
    cost_of = pricing.cost
    llm = SpanKind.LLM
    for span in spans:
        raw = span.raw
        if raw is None:
            body: bytes | None = payload(span)
            raw_index = offset = length = None
        else:
            at = positions.get(id(raw[0]))
            if at is None:
                return None
            body = None
            raw_index = raw[1]
            offset, length = at
        s = summarize(span)
        kind = s.kind
        cost = s.cost_usd
        if cost is None and kind is llm:
            cost = cost_of(s.model, s.input_tokens, s.output_tokens)
        trace_id = span.trace_id
        slot = index.get(trace_id)
        if slot is None:
            slot = index[trace_id] = len(trace_ids)
            trace_ids.append(trace_id)
            service = span.resource.get("service.name")
            services.append(None if service is None else str(service))
            partials.append(RunState())
        status = int(span.status)
        partials[slot].add(
            span.span_id,
            span.parent_id,
            span.name,
            kind is llm,
            status == 2,
            span.start_ns,
            span.end_ns,
            s.model,
            s.input_tokens,
            s.output_tokens,
            cost,
            s.session_id,
        )
        rows.append(
            (
                trace_id,
                span.span_id,
                span.parent_id,
                span.name,
                kind.value,
                status,
                span.status_message,
                span.start_ns,
                span.end_ns,
                s.model,
                s.provider,
                s.input_tokens,
                s.output_tokens,
                s.total_tokens,
                cost,
                s.session_id,
                source_id,
                span.location,
                body,
                None,
                raw_index,
                offset,
                length,
            )
        )
    event_rows: list[tuple[str, str, str, int | None, bytes, int | None, str]] = [
        (
            group.trace_id,
            group.span_id,
            event.name,
            event.time_ns,
            _event_attributes(event.attributes),
            source_id,
            group.location,
        )
        for group in events
        for event in group.events
    ]
    return Ready(trace_ids, services, partials, rows, list(problems), event_rows)


def _service(span: Span) -> str | None:
    value = span.resource.get("service.name")
    return None if value is None else str(value)
