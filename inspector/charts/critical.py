"""The critical path of a run: the spans whose duration decided when the run ended.

Definition (the one Jaeger uses, walked backwards from the end):

1. Start at the root that ends last (a run whose parents went missing has several roots).
2. Inside a span, put a cursor at its end. Among its children that *started before the
   cursor*, the one that ends last is on the path (its end is clipped to the cursor: the part of
   a child that overran its parent does not count). Walk into that child the same way, then
   move the cursor to the child's start and repeat, until no child started before the cursor.
3. Time inside a span not covered by a chosen child is the span's own work; the span itself is
   on the path.

So in a sequential agent every step is on the path (each one had to finish before the next
began), while of two parallel tool calls only the slower one is. A running span (no end) ends
at ``now_ns``. Ties go to the child that started later (it is the one the parent waited for).
"""

from __future__ import annotations

from collections.abc import Sequence

from inspector.model.tree import build_tree
from inspector.store.queries import SpanRow


def critical_path(rows: Sequence[SpanRow], now_ns: int | None = None) -> list[str]:
    """Span ids on the critical path of one run, by start time, parents before children at
    equal starts (see the module docstring)."""
    tree = build_tree(rows)
    spans = tree.spans
    times = [t for s in spans.values() for t in (s.start_ns, s.end_ns) if t is not None]
    if not times:
        return []
    now = now_ns if now_ns is not None else max(times)

    def end(sid: str) -> int:
        value = spans[sid].end_ns
        return now if value is None else value

    placed = [r for r in tree.roots if spans[r].start_ns is not None]
    if not placed:
        return []
    root = max(placed, key=lambda r: (end(r), spans[r].start_ns or 0))
    path: list[str] = []
    stack: list[tuple[str, int]] = [(root, end(root))]
    while stack:  # iterative: a 100,000-deep chain must not hit the recursion limit
        sid, limit = stack.pop()
        path.append(sid)
        cursor = min(end(sid), limit)
        kids = [c for c in tree.children.get(sid, ()) if spans[c].start_ns is not None]
        kids.sort(key=lambda c: (end(c), spans[c].start_ns or 0), reverse=True)
        for child in kids:
            start = spans[child].start_ns or 0
            if start < cursor:
                stack.append((child, min(end(child), cursor)))
                cursor = start
    path.sort(key=lambda s: (spans[s].start_ns or 0, tree.depth.get(s, 0), s))
    return path
