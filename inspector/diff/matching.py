"""Sequence matching for big inputs: difflib opcodes with anchors, common head and tail.

difflib's SequenceMatcher rescans the whole range for each matching block it finds, which is
slow for tens of thousands of lines with scattered edits. :func:`opcodes` first cuts big ranges
at lines that occur exactly once on each side, in the same order (the anchors of "patience
diff"), so difflib only sees the small gaps between them. The head and tail helpers compare
in large slices (``memcmp``) rather than element by element.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

# Ranges longer than this many lines are cut at unique common lines before difflib sees them.
ANCHOR_LINES = 1_000
# At most about this many lines of a range are tried as anchors.
ANCHOR_SAMPLES = 2_000

Opcode = tuple[str, int, int, int, int]


def opcodes(
    a_keys: Sequence[str], b_keys: Sequence[str], span: tuple[int, int, int, int]
) -> Iterator[Opcode]:
    """difflib opcodes for ``a_keys[i1:i2]`` against ``b_keys[j1:j2]`` (``span``), in
    absolute indices; big ranges are cut at anchors first."""
    i1, i2, j1, j2 = span
    anchors = _anchors(a_keys, b_keys, span) if max(i2 - i1, j2 - j1) > ANCHOR_LINES else []
    run_a, run_b = i1, j1  # where the pending run of equal lines starts
    for i, j in [*anchors, (i2, j2)]:
        if i - i1 != j - j1 or a_keys[i1:i] != b_keys[j1:j]:
            if i1 > run_a:
                yield "equal", run_a, i1, run_b, j1
            matcher = SequenceMatcher(None, a_keys[i1:i], b_keys[j1:j])
            for tag, a1, a2, b1, b2 in matcher.get_opcodes():
                yield tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1
            run_a, run_b = i, j
        # else: the gap is equal, and the run goes on through it and the anchor
        i1, j1 = i + 1, j + 1
    if i2 > run_a:
        yield "equal", run_a, i2, run_b, j2


def _anchors(
    a_keys: Sequence[str], b_keys: Sequence[str], span: tuple[int, int, int, int]
) -> list[tuple[int, int]]:
    """Lines unique on both sides, as the longest run of them in the same order."""
    i1, i2, j1, j2 = span
    count_a = Counter(a_keys[i1:i2])
    count_b = Counter(b_keys[j1:j2])
    # Later duplicates overwrite earlier ones; only keys seen once on both sides are kept.
    where_b = dict(zip(b_keys[j1:j2], range(j1, j2), strict=True))
    # Every line of a long range need not be an anchor: gaps of a few dozen lines between
    # anchors are cheap (an equal gap costs one slice comparison), per-line work is not.
    step = max(1, (i2 - i1) // ANCHOR_SAMPLES)
    pairs = [
        (i, where_b[key])
        for i, key in zip(range(i1, i2, step), a_keys[i1:i2:step], strict=True)
        if count_a[key] == 1 and count_b.get(key) == 1
    ]
    return [pairs[k] for k in _longest_increasing([j for _, j in pairs])]


def _longest_increasing(values: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence (patience sorting, n log n)."""
    tails: list[int] = []  # smallest tail value of an increasing run of each length
    tail_at: list[int] = []  # index of that tail
    before = [-1] * len(values)
    for k, value in enumerate(values):
        pos = bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[pos] = value
            tail_at[pos] = k
        before[k] = tail_at[pos - 1] if pos else -1
    out: list[int] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(k)
        k = before[k]
    return out[::-1]


def common_prefix(a: Sequence[object], b: Sequence[object]) -> int:
    """Length of the common head of two strings or lists, found in large slices first."""
    limit = min(len(a), len(b))
    step = 4096 if isinstance(a, str) else 256
    at = 0
    while at + step <= limit and a[at : at + step] == b[at : at + step]:
        at += step
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def common_suffix(a: Sequence[object], b: Sequence[object], limit: int) -> int:
    """Length of the common tail of two strings or lists, at most ``limit``."""
    len_a, len_b = len(a), len(b)
    step = 4096 if isinstance(a, str) else 256
    size = 0
    while size + step <= limit and (
        a[len_a - size - step : len_a - size] == b[len_b - size - step : len_b - size]
    ):
        size += step
    while size < limit and a[len_a - size - 1] == b[len_b - size - 1]:
        size += 1
    return size
