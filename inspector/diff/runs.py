"""Run against run: the two span trees aligned, each pair with its deltas.

Siblings are aligned by name in start order (difflib over the names), level by level from the
roots, so a span matches the span at the same path of names and the same place among its
siblings. A span with no partner is ``added`` or ``removed`` together with everything below
it. The walk is iterative: depth is not limited by Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from inspector.diff.messages import Change
from inspector.diff.tree import SpanTree, build_tree
from inspector.store.queries import SpanRow, StoreReader


@dataclass(frozen=True, slots=True)
class SpanPair:
    """One row of a run diff: a span of A, of B, or both.

    ``parent`` indexes :attr:`RunDiff.pairs` (``None`` at the top), so a view can build its
    tree from the flat list.
    """

    depth: int
    parent: int | None
    change: Change
    a: SpanRow | None
    b: SpanRow | None

    @property
    def name(self) -> str:
        row = self.b or self.a
        return row.name if row is not None else ""

    @property
    def duration_delta_ns(self) -> int | None:
        if self.a is None or self.b is None:
            return None
        return _minus(self.a.duration_ns, self.b.duration_ns)

    @property
    def input_tokens_delta(self) -> int | None:
        if self.a is None or self.b is None:
            return None
        return _minus(self.a.input_tokens, self.b.input_tokens)

    @property
    def output_tokens_delta(self) -> int | None:
        if self.a is None or self.b is None:
            return None
        return _minus(self.a.output_tokens, self.b.output_tokens)

    @property
    def cost_delta_usd(self) -> float | None:
        a = self.a.cost_usd if self.a is not None else None
        b = self.b.cost_usd if self.b is not None else None
        return None if a is None or b is None else b - a

    @property
    def status_changed(self) -> bool:
        return self.a is not None and self.b is not None and self.a.status != self.b.status


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else b - a


@dataclass(frozen=True, slots=True)
class RunDiff:
    """Both runs' spans aligned, in depth-first order."""

    pairs: tuple[SpanPair, ...]

    def counts(self) -> dict[Change, int]:
        out = dict.fromkeys(Change, 0)
        for pair in self.pairs:
            out[pair.change] += 1
        return out


def diff_runs(rows_a: Sequence[SpanRow], rows_b: Sequence[SpanRow]) -> RunDiff:
    """Align two runs given their span rows (as :meth:`StoreReader.span_rows` returns them).

    A matched pair is ``changed`` when its status, kind, model or token counts differ, else
    ``equal`` (durations always differ between runs; read them from the deltas).
    """
    tree_a, tree_b = build_tree(rows_a), build_tree(rows_b)
    pairs: list[SpanPair] = []
    # Work items: (depth, parent index, a, b), pushed in reverse so they pop in order.
    stack: list[tuple[int, int | None, SpanRow | None, SpanRow | None]] = [
        (0, None, a, b) for a, b in reversed(_align_siblings(tree_a.roots, tree_b.roots))
    ]
    while stack:
        depth, parent, a, b = stack.pop()
        index = len(pairs)
        pairs.append(SpanPair(depth, parent, _change(a, b), a, b))
        kids = _align_siblings(_kids(tree_a, a), _kids(tree_b, b))
        stack += [(depth + 1, index, x, y) for x, y in reversed(kids)]
    return RunDiff(tuple(pairs))


def diff_run_ids(reader: StoreReader, trace_a: str, trace_b: str) -> RunDiff:
    """Align two runs of the store."""
    return diff_runs(reader.span_rows(trace_a), reader.span_rows(trace_b))


def _kids(tree: SpanTree, row: SpanRow | None) -> tuple[SpanRow, ...]:
    return () if row is None else tree.kids(row.span_id)


def _align_siblings(
    a: Sequence[SpanRow], b: Sequence[SpanRow]
) -> list[tuple[SpanRow | None, SpanRow | None]]:
    if not a or not b:
        return [(x, None) for x in a] + [(None, y) for y in b]
    names_a, names_b = [r.name for r in a], [r.name for r in b]
    if names_a == names_b:
        return list(zip(a, b, strict=True))  # the usual case, without difflib's overhead
    out: list[tuple[SpanRow | None, SpanRow | None]] = []
    matcher = SequenceMatcher(None, names_a, names_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [(a[i1 + k], b[j1 + k]) for k in range(i2 - i1)]
        else:
            # No name in the gap occurs on both sides (difflib would have matched it).
            out += [(x, None) for x in a[i1:i2]]
            out += [(None, y) for y in b[j1:j2]]
    return out


def _change(a: SpanRow | None, b: SpanRow | None) -> Change:
    if a is None:
        return Change.ADDED
    if b is None:
        return Change.REMOVED
    same = (
        a.status == b.status
        and a.kind == b.kind
        and a.model == b.model
        and a.input_tokens == b.input_tokens
        and a.output_tokens == b.output_tokens
    )
    return Change.EQUAL if same else Change.CHANGED
