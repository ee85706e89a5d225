"""A run's span tree from its light rows, and each span's path of names from the root.

Trace data is untrusted: parents may be missing, a span may name itself as parent, parents may
form a cycle, and trees may be thousands of levels deep. Everything here is iterative and
visits each span once; spans a cycle hides from every root become roots themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from inspector.store.queries import SpanRow

PATH_SEPARATOR = " ▸ "

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpanTree:
    """Roots and children of one run, in the rows' order (start time)."""

    roots: tuple[SpanRow, ...]
    children: dict[str, tuple[SpanRow, ...]]

    def kids(self, span_id: str) -> tuple[SpanRow, ...]:
        return self.children.get(span_id, ())

    def walk(self) -> Iterator[tuple[int, SpanRow]]:
        """``(depth, row)`` in depth-first pre-order."""
        stack = [(0, row) for row in reversed(self.roots)]
        while stack:
            depth, row = stack.pop()
            yield depth, row
            stack += [(depth + 1, kid) for kid in reversed(self.kids(row.span_id))]


def build_tree(rows: Sequence[SpanRow]) -> SpanTree:
    """The tree of one run's rows (as :meth:`StoreReader.span_rows` returns them)."""
    ids = {row.span_id for row in rows}
    children: dict[str, list[SpanRow]] = {}
    roots: list[SpanRow] = []
    for row in rows:
        parent = row.parent_id
        if parent is None or parent == row.span_id or parent not in ids:
            roots.append(row)
        else:
            children.setdefault(parent, []).append(row)
    tree = SpanTree(tuple(roots), _frozen(children))
    seen = {row.span_id for _, row in tree.walk()}
    if len(seen) == len(ids):
        return tree
    # The rest hang off a parent cycle: cut each cycle at its earliest span, which becomes a
    # root (and stops being its parent's child, so the walk ends).
    for row in rows:
        if row.span_id in seen:
            continue
        assert row.parent_id is not None
        children[row.parent_id].remove(row)
        roots.append(row)
        seen.update(r.span_id for _, r in SpanTree((row,), _frozen(children)).walk())
    return SpanTree(tuple(roots), _frozen(children))


def _frozen(children: dict[str, list[SpanRow]]) -> dict[str, tuple[SpanRow, ...]]:
    return {key: tuple(value) for key, value in children.items()}


def span_paths(tree: SpanTree, wanted: Callable[[SpanRow], bool] | None = None) -> dict[str, Path]:
    """Each (wanted) span's names from its root down to itself, e.g. ``("agent", "llm")``.

    Paths are built only for the spans ``wanted`` accepts (all by default), so a very deep
    run costs memory in proportion to its size, not to the square of its depth.
    """
    above: dict[str, str | None] = {}
    names: dict[str, str] = {}
    stack: list[tuple[str | None, SpanRow]] = [(None, row) for row in reversed(tree.roots)]
    while stack:
        parent, row = stack.pop()
        above[row.span_id] = parent
        names[row.span_id] = row.name
        stack += [(row.span_id, kid) for kid in reversed(tree.kids(row.span_id))]
    paths: dict[str, Path] = {}
    for _, row in tree.walk():
        if wanted is not None and not wanted(row):
            continue
        chain: list[str] = []
        at: str | None = row.span_id
        while at is not None:
            chain.append(names[at])
            at = above[at]
        paths[row.span_id] = tuple(reversed(chain))
    return paths


def spans_at_path(tree: SpanTree, path: Sequence[str]) -> list[SpanRow]:
    """The spans whose path of names is exactly ``path`` (only matching branches are walked)."""
    if not path:
        return []
    found: list[SpanRow] = []
    stack = [(0, row) for row in reversed(tree.roots) if row.name == path[0]]
    last = len(path) - 1
    while stack:
        depth, row = stack.pop()
        if depth == last:
            found.append(row)
            continue
        wanted = path[depth + 1]
        stack += [
            (depth + 1, kid) for kid in reversed(tree.kids(row.span_id)) if kid.name == wanted
        ]
    return found


def format_path(path: Sequence[str]) -> str:
    """``agent ▸ plan ▸ ChatCompletion``."""
    return PATH_SEPARATOR.join(path)
