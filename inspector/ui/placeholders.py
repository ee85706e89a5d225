"""Stand-in rows for parents that have not arrived yet (live runs; no Qt).

OpenTelemetry exports a span when it ends, so while a run is being written its children land
before their parent. Rather than listing each of them at the top level as "parent missing",
a live run's tree groups them under one placeholder per missing parent id. The placeholder
has the parent's span id, so when the real parent lands, the tree model sees the same id with a
new row and updates that row in place: its children, expansion and selection stay.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from inspector.model import SpanKind, Status
from inspector.store.queries import SpanRow


@dataclass(frozen=True, slots=True)
class PlaceholderRow(SpanRow):
    """A parent span that children name but that is not in the store (yet)."""


def placeholder_name(span_id: str) -> str:
    return f"waiting for span {span_id} …"


def is_placeholder(row: object) -> bool:
    return isinstance(row, PlaceholderRow)


def _start_key(row: SpanRow) -> tuple[bool, int]:
    # the order of StoreReader.span_rows: by start time, spans without one first (SQL NULLs)
    return (row.start_ns is not None, row.start_ns or 0)


def with_placeholders(trace_id: str, rows: Sequence[SpanRow]) -> list[SpanRow]:
    """``rows`` (in start order) plus a placeholder for every parent id named but missing.

    A placeholder starts when its first child starts and has no end (it is still running, as
    far as anyone can tell); it is merged into the rows in start order.
    """
    ids = {row.span_id for row in rows}
    first_start: dict[str, int | None] = {}
    for row in rows:
        parent = row.parent_id
        if parent is None or parent == row.span_id or parent in ids:
            continue
        start = row.start_ns
        if parent not in first_start:
            first_start[parent] = start
        else:
            known = first_start[parent]
            if start is not None and (known is None or start < known):
                first_start[parent] = start
    if not first_start:
        return list(rows)
    placeholders = sorted(
        (
            PlaceholderRow(
                span_id=parent,
                parent_id=None,
                name=placeholder_name(parent),
                kind=SpanKind.UNKNOWN,
                status=Status.UNSET,
                start_ns=start,
                end_ns=None,
                model=None,
                input_tokens=None,
                output_tokens=None,
                total_tokens=None,
                cost_usd=None,
                trace_id=trace_id,
            )
            for parent, start in first_start.items()
        ),
        key=_start_key,
    )
    return list(heapq.merge(placeholders, rows, key=_start_key))
