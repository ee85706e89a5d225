"""The LLM call before (or after) a given one in the same run: "what changed between turns"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from inspector.model import SpanKind
from inspector.store.queries import SpanRow, StoreReader


def previous_llm_call(
    reader: StoreReader, trace_id: str, span_id: str, *, same_name: bool = False
) -> SpanRow | None:
    """The LLM call that started last before ``span_id`` in its run, or ``None``.

    Args:
        reader: the store.
        trace_id: the run.
        span_id: an LLM span of that run.
        same_name: only consider calls with the same span name (the same step of a loop).
    """
    return _neighbour(reader.span_rows(trace_id), span_id, same_name, backwards=True)


def next_llm_call(
    reader: StoreReader, trace_id: str, span_id: str, *, same_name: bool = False
) -> SpanRow | None:
    """The LLM call that started first after ``span_id`` in its run, or ``None``."""
    return _neighbour(reader.span_rows(trace_id), span_id, same_name, backwards=False)


def _neighbour(
    rows: Sequence[SpanRow], span_id: str, same_name: bool, *, backwards: bool
) -> SpanRow | None:
    # Rows come by start time (ties by arrival), so list order is the order of calls.
    at = next((i for i, row in enumerate(rows) if row.span_id == span_id), None)
    if at is None:
        return None
    target = rows[at]
    candidates: Iterable[SpanRow] = reversed(rows[:at]) if backwards else rows[at + 1 :]
    for row in candidates:
        if row.kind is SpanKind.LLM and (not same_name or row.name == target.name):
            return row
    return None
