"""Turning a batch of normalised spans into store rows: a pure function of its input, so it
can run in a worker process while the writer commits the previous batch."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from inspector import semconv
from inspector.formats import otlp, otlp_lines
from inspector.model import Problem, Span, SpanKind, Summary
from inspector.model.pricing import Pricing
from inspector.model.span import SpanEvents
from inspector.store.rollup import RunState
from inspector.store.schema import SPAN_COLUMNS


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


def event_rows(
    events: Iterable[SpanEvents], source_id: int | None
) -> list[tuple[str, str, str, int | None, bytes, Any, str]]:
    """Rows of ``span_events``: with ``source_id`` None, the source *path* is where the id
    goes (the writer swaps it), as in :class:`Prepared`."""
    return [
        (
            group.trace_id,
            group.span_id,
            event.name,
            event.time_ns,
            _event_attributes(event.attributes),
            group.source if source_id is None else source_id,
            group.location,
        )
        for group in events
        for event in group.events
    ]


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
) -> Prepared:
    """Derive every stored column of a batch (a pure function of its input)."""
    out = Prepared(problems=list(problems))
    out.events = event_rows(events, None)
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
        if raw is None:
            body: bytes | None = payload(span)
            slot = raw_index = None
        else:
            body = None
            raw_index = raw[1]
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
                None,  # raw_offset, raw_length: only worker batches point into a snapshot
                None,
            )
        )
    return out


@dataclass(slots=True)
class Ready:
    """A batch whose rows need nothing from the writer: made in a worker process, committed by
    :meth:`StoreWriter.commit_ready` without a Python loop over its spans.

    ``trace_ids`` are the runs the batch touches, in first-seen order, with their ``services``
    and ``partials``: the rollups of the batch's spans of each run. Its ``count`` rows are in the
    ``shard`` file (see :func:`write_shard`): every column of :data:`SPAN_COLUMNS`, with the
    run's place in ``trace_ids`` in place of the run id.
    """

    trace_ids: list[str]
    services: list[str | None]
    partials: list[RunState]
    shard: str
    count: int
    problems: list[Problem]
    events: list[tuple[str, str, str, int | None, bytes, int | None, str]]


SHARD_COLUMNS = len(SPAN_COLUMNS)  # c0 is the run's place in trace_ids, c1.. the rest

# Shard rows hold no ``None``: binding one costs the sqlite3 module an adapter lookup, several
# times the cost of binding a number (see :mod:`inspector.store.binding`). They hold NaN instead,
# which SQLite stores as NULL whatever the column (the float is never stored).
NULL: float = math.nan


# The shard columns a row read by ReadyBuilder.add_lines carries: not the source id (the same
# for the whole batch: written as a literal), the payload or the raw id (never set there).
_SOURCE_COLUMN = SPAN_COLUMNS.index("source_id")
_NOT_IN_LINES = (_SOURCE_COLUMN, SPAN_COLUMNS.index("payload"), SPAN_COLUMNS.index("raw_id"))
LINE_COLUMNS = tuple(i for i in range(SHARD_COLUMNS) if i not in _NOT_IN_LINES)


def write_shard(path: Path, rows: list[tuple[Any, ...]], source_id: int | None = None) -> None:
    """Rows of a :class:`Ready` batch into a scratch SQLite file the writer copies from.

    Encoding rows into SQLite records is most of an insert's cost; a worker does it here, in
    parallel with the others, and the writer's ``INSERT ... SELECT`` copies records instead of
    binding 23 parameters per row (measured: 0.2 s against 1.0 s per 100,000 spans). The
    table has no types or constraints: the store's own table checks them on the copy.

    Rows hold every shard column, or with ``source_id`` given, the :data:`LINE_COLUMNS` only.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        columns = ", ".join(f"c{i}" for i in range(SHARD_COLUMNS))
        conn.execute(f"CREATE TABLE rows ({columns})")
        if source_id is None:
            insert = f"INSERT INTO rows VALUES ({', '.join('?' * SHARD_COLUMNS)})"
        else:
            names = ", ".join(f"c{i}" for i in (*LINE_COLUMNS, _SOURCE_COLUMN))
            insert = (
                f"INSERT INTO rows ({names}) "
                f"VALUES ({', '.join('?' * len(LINE_COLUMNS))}, {int(source_id)})"
            )
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


class ReadyBuilder:
    """Builds a :class:`Ready` batch of one source, span by span, in file order.

    Two ways in: :meth:`add_span` for a decoded span, and :meth:`add_otlp` for a parsed OTLP
    record, which goes from the record straight to rows without building spans (the bulk-load
    hot path, in worker processes). A span kept as a reference to a record that is not in the
    snapshot (a pretty-printed one) makes the batch impossible (:attr:`failed`): its record must
    go into ``raws``, under an id only the writer gives.
    """

    def __init__(self, pricing: Pricing, source_id: int) -> None:
        self.cost_of = pricing.cost
        self.source_id = source_id
        self.failed = False
        self._index: dict[str, int] = {}
        self.trace_ids: list[str] = []
        self.services: list[str | None] = []
        self.partials: list[RunState] = []
        self.rows: list[tuple[Any, ...]] = []
        self._lines = False  # rows come from add_lines (no source id, payload or raw id)

    def add_span(self, span: Span) -> None:
        """A span decoded in full (its detail is stored as a payload); one kept as a reference
        to a record that :meth:`add_otlp` did not take makes the batch :attr:`failed`."""
        if span.raw is not None:
            self.failed = True
            return
        self.add(
            span.trace_id,
            span.span_id,
            span.parent_id,
            span.name,
            int(span.status),
            span.status_message,
            span.start_ns,
            span.end_ns,
            semconv.summarize(span),
            span.resource,
            span.location,
            payload(span),
            None,
            None,
            None,
        )

    def add_otlp(
        self,
        record: dict[str, Any],
        source: str,
        location: str,
        at: tuple[int, int],
        problems: list[Problem],
    ) -> None:
        """Every span of an OTLP traces record kept at ``at`` (offset, length) in the snapshot;
        what cannot be read goes to ``problems``, exactly as :func:`otlp.decode_traces` says."""
        summarize = semconv.summarize_attributes
        offset, length = at
        for site in otlp.walk_spans(record, source, location):
            if isinstance(site, Problem):
                problems.append(site)
                continue
            s, resource, _scope, ordinal = site
            try:
                tid, sid, parent, name, start, end, code, message, attrs = otlp.lazy_fields(s)
            except otlp.DECODE_ERRORS as exc:
                problems.append(otlp.span_problem(s, source, location, exc))
                continue
            self.add(
                tid,
                sid,
                parent,
                name,
                int(code),
                message,
                start,
                end,
                summarize(attrs),
                resource,
                location,
                None,
                ordinal,
                offset,
                length,
            )

    def add_lines(self, lines: list[bytes], start: int, line_no: int) -> None:
        """Every span of ``lines``: OTLP JSON lines of the source from byte ``start`` (after
        ``line_no`` lines), split at newlines, read by the fast decoder
        (:mod:`inspector.formats.otlp_lines`).

        Raises:
            otlp_lines.Unusual: text the fast decoder leaves to the general reader; the spans
                added before it stay, so the caller starts again with a new builder.
        """
        summarize = semconv.summarize_attributes
        # Most spans' summary attributes are a few strings repeated across the file (a kind, a
        # session): their summaries are kept. Only attributes that are all strings (or null)
        # are keys, so no value stands for an equal one of another type (True == 1).
        summaries: dict[tuple[tuple[str, Any], ...], Summary] = {}
        # What :meth:`add` does, inline: this loop runs once per span of a bulk load, and a
        # span read here always has its record's place in the snapshot and never a payload.
        llm = SpanKind.LLM
        cost_of = self.cost_of
        index, partials, append = self._index, self.partials, self.rows.append
        if self.rows and not self._lines:
            raise ValueError("a batch holds rows of add_lines or of add, not both")
        self._lines = True  # rows of LINE_COLUMNS
        null = NULL  # binds as NULL, faster than None (see NULL)
        for (
            tid,
            sid,
            parent,
            name,
            begin,
            end,
            code,
            message,
            attrs,
            plain,
            resource,
            location,
            ordinal,
            at,
            length,
        ) in otlp_lines.line_spans(lines, start, line_no):
            if plain:
                key = tuple(attrs.items())
                s = summaries.get(key)
                if s is None:
                    s = summaries[key] = summarize(attrs)
                    if len(summaries) > 4096:  # unbounded variety: stop keeping them
                        summaries.clear()
            else:
                s = summarize(attrs)
            kind = s.kind
            model, tokens_in, tokens_out = s.model, s.input_tokens, s.output_tokens
            cost = s.cost_usd
            is_llm = kind is llm
            if cost is None and is_llm:
                cost = cost_of(model, tokens_in, tokens_out)
            slot = index.get(tid)
            if slot is None:
                slot = self._new_trace(tid, resource)
            session = s.session_id
            partials[slot].add(
                sid,
                parent,
                name,
                is_llm,
                code == 2,
                begin,
                end,
                model,
                tokens_in,
                tokens_out,
                cost,
                session,
            )
            provider, tokens = s.provider, s.total_tokens
            append(
                (
                    slot,
                    sid,
                    null if parent is None else parent,
                    name,
                    kind.value,
                    code,
                    message,
                    null if begin is None else begin,
                    null if end is None else end,
                    null if model is None else model,
                    null if provider is None else provider,
                    null if tokens_in is None else tokens_in,
                    null if tokens_out is None else tokens_out,
                    null if tokens is None else tokens,
                    null if cost is None else cost,
                    null if session is None else session,
                    location,
                    ordinal,
                    at,
                    length,
                )
            )

    def add(
        self,
        trace_id: str,
        span_id: str,
        parent_id: str | None,
        name: str,
        status: int,
        status_message: str,
        start_ns: int | None,
        end_ns: int | None,
        s: Summary,
        resource: dict[str, Any],
        location: str,
        body: bytes | None,
        raw_index: int | None,
        offset: int | None,
        length: int | None,
    ) -> None:
        if self._lines:
            raise ValueError("a batch holds rows of add_lines or of add, not both")
        kind = s.kind
        cost = s.cost_usd
        is_llm = kind is SpanKind.LLM
        if cost is None and is_llm:
            cost = self.cost_of(s.model, s.input_tokens, s.output_tokens)
        slot = self._index.get(trace_id)
        if slot is None:
            slot = self._new_trace(trace_id, resource)
        self.partials[slot].add(
            span_id,
            parent_id,
            name,
            is_llm,
            status == 2,
            start_ns,
            end_ns,
            s.model,
            s.input_tokens,
            s.output_tokens,
            cost,
            s.session_id,
        )
        null = NULL  # binds as NULL, faster than None
        model, provider, session = s.model, s.provider, s.session_id
        tokens_in, tokens_out, tokens = s.input_tokens, s.output_tokens, s.total_tokens
        self.rows.append(
            (
                slot,
                span_id,
                null if parent_id is None else parent_id,
                name,
                kind.value,
                status,
                status_message,
                null if start_ns is None else start_ns,
                null if end_ns is None else end_ns,
                null if model is None else model,
                null if provider is None else provider,
                null if tokens_in is None else tokens_in,
                null if tokens_out is None else tokens_out,
                null if tokens is None else tokens,
                null if cost is None else cost,
                null if session is None else session,
                self.source_id,
                location,
                null if body is None else body,
                null,
                null if raw_index is None else raw_index,
                null if offset is None else offset,
                null if length is None else length,
            )
        )

    def _new_trace(self, trace_id: str, resource: dict[str, Any]) -> int:
        """The slot of a trace first seen in this batch."""
        slot = self._index[trace_id] = len(self.trace_ids)
        self.trace_ids.append(trace_id)
        service = resource.get("service.name")
        self.services.append(None if service is None else str(service))
        self.partials.append(RunState())
        return slot

    def build(self, problems: list[Problem], events: Iterable[SpanEvents], shard: Path) -> Ready:
        """The batch, its rows written to ``shard`` (see :func:`write_shard`)."""
        write_shard(shard, self.rows, self.source_id if self._lines else None)
        return Ready(
            self.trace_ids,
            self.services,
            self.partials,
            str(shard),
            len(self.rows),
            problems,
            event_rows(events, self.source_id),
        )


def _service(span: Span) -> str | None:
    value = span.resource.get("service.name")
    return None if value is None else str(value)
