"""Tree rules for the spans of one run, safe on any input.

- a span whose parent never arrived becomes a root flagged ``parent_missing``;
- self-parents and cycles are broken (the span where the walk found the cycle becomes a root
  flagged ``cycle``), never followed forever;
- duplicates (same span id) are merged: the record with an end time, or the later one, wins;
- everything is iterative, so a 100,000-deep chain does not meet Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class SpanLike(Protocol):
    @property
    def span_id(self) -> str: ...

    @property
    def parent_id(self) -> str | None: ...

    @property
    def start_ns(self) -> int | None: ...

    @property
    def end_ns(self) -> int | None: ...


S = TypeVar("S", bound=SpanLike)

_FAR = 1 << 63


@dataclass(slots=True)
class Tree(Generic[S]):
    """Spans of one run arranged as a forest.

    Attributes:
        spans: span id -> span (after merging duplicates).
        children: span id -> child ids, by start time.
        roots: root ids, by start time.
        parent_missing: roots whose parent id names a span that is not here.
        cycles: spans whose parent link was cut to break a cycle (or a self-parent).
        depth: span id -> depth (roots are 0).
    """

    spans: dict[str, S] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    parent_missing: set[str] = field(default_factory=set)
    cycles: set[str] = field(default_factory=set)
    depth: dict[str, int] = field(default_factory=dict)

    def walk(self) -> list[str]:
        """All span ids in depth-first pre-order (iterative)."""
        out: list[str] = []
        stack = list(reversed(self.roots))
        while stack:
            sid = stack.pop()
            out.append(sid)
            stack.extend(reversed(self.children.get(sid, ())))
        return out

    def ancestors(self, span_id: str) -> list[str]:
        """Ids from the root down to (not including) ``span_id``."""
        chain: list[str] = []
        seen = {span_id}
        parent = self._parent(span_id)
        while parent is not None and parent not in seen:
            seen.add(parent)
            chain.append(parent)
            parent = self._parent(parent)
        return list(reversed(chain))

    def _parent(self, span_id: str) -> str | None:
        if span_id in self.parent_missing or span_id in self.cycles:
            return None
        span = self.spans.get(span_id)
        return None if span is None else span.parent_id


def _start(span: SpanLike) -> int:
    return span.start_ns if span.start_ns is not None else _FAR


def merge_duplicates(spans: Iterable[S]) -> dict[str, S]:
    """One span per id: the record with an end time wins, else the later record."""
    merged: dict[str, S] = {}
    for span in spans:
        old = merged.get(span.span_id)
        if old is None or span.end_ns is not None or old.end_ns is None:
            merged[span.span_id] = span
    return merged


def build_tree(spans: Sequence[S] | Iterable[S]) -> Tree[S]:
    """Arrange the spans of one run into a forest (see the module rules)."""
    tree: Tree[S] = Tree(spans=merge_duplicates(spans))
    by_id = tree.spans
    children = tree.children
    for sid, span in by_id.items():
        parent = span.parent_id
        if parent is None:
            tree.roots.append(sid)
        elif parent == sid:
            tree.cycles.add(sid)
            tree.roots.append(sid)
        elif parent not in by_id:
            tree.parent_missing.add(sid)
            tree.roots.append(sid)
        else:
            children.setdefault(parent, []).append(sid)
    # Spans on a cycle are unreachable from the roots: find them and cut one link per cycle.
    reached = _reach(tree, tree.roots)
    if len(reached) < len(by_id):
        for sid in sorted(by_id, key=lambda s: (_start(by_id[s]), s)):
            if sid in reached:
                continue
            parent = by_id[sid].parent_id
            if parent is not None and sid in children.get(parent, ()):
                children[parent].remove(sid)
            tree.cycles.add(sid)
            tree.roots.append(sid)
            reached |= _reach(tree, [sid])
    for kids in children.values():
        kids.sort(key=lambda s: (_start(by_id[s]), s))
    tree.roots.sort(key=lambda s: (_start(by_id[s]), s))
    depth = tree.depth
    stack = [(root, 0) for root in tree.roots]
    while stack:
        sid, d = stack.pop()
        depth[sid] = d
        stack.extend((child, d + 1) for child in children.get(sid, ()))
    return tree


def _reach(tree: Tree[S], starts: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        sid = stack.pop()
        if sid in seen:
            continue
        seen.add(sid)
        stack.extend(tree.children.get(sid, ()))
    return seen


@dataclass(slots=True)
class Rollup:
    """Totals over a span's whole subtree (itself included). Unknown tokens/cost stay unknown."""

    spans: int = 0
    errors: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None


class RollupSpan(SpanLike, Protocol):
    @property
    def input_tokens(self) -> int | None: ...

    @property
    def output_tokens(self) -> int | None: ...

    @property
    def cost_usd(self) -> float | None: ...

    @property
    def is_error(self) -> bool: ...

    @property
    def counts_usage(self) -> bool: ...


R = TypeVar("R", bound=RollupSpan)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _addf(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else a + b


def subtree_rollups(tree: Tree[R]) -> dict[str, Rollup]:
    """Per-span subtree totals, children before parents (iterative post-order).

    Tokens and cost add only spans whose ``counts_usage`` is true (LLM calls), so a parent that
    repeats its children's usage is not counted twice.
    """
    out: dict[str, Rollup] = {}
    for sid in reversed(tree.walk()):
        span = tree.spans[sid]
        total = Rollup(spans=1, errors=int(span.is_error))
        if span.counts_usage:
            total.input_tokens = span.input_tokens
            total.output_tokens = span.output_tokens
            total.cost_usd = span.cost_usd
        for child in tree.children.get(sid, ()):
            sub = out[child]
            total.spans += sub.spans
            total.errors += sub.errors
            total.input_tokens = _add(total.input_tokens, sub.input_tokens)
            total.output_tokens = _add(total.output_tokens, sub.output_tokens)
            total.cost_usd = _addf(total.cost_usd, sub.cost_usd)
        out[sid] = total
    return out
