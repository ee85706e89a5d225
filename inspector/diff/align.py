"""Monotone sequence alignment by score: the pairing step shared by lines and messages.

difflib finds runs of *equal* items; between them it only knows "these n items became those m".
:func:`align` pairs items inside such a gap by similarity, keeping order, so a changed line
beside an inserted one is shown as one change plus one insertion instead of two changes.
It is a dynamic programme over ``n * m`` cells, so callers bound the gap size first.
"""

from __future__ import annotations

from collections.abc import Callable

Pair = tuple[int | None, int | None]


def align(n: int, m: int, score: Callable[[int, int], float]) -> list[Pair]:
    """Pair items ``0..n-1`` with ``0..m-1`` in order, maximising the total score.

    Args:
        n: number of items on the left.
        m: number of items on the right.
        score: similarity of left ``i`` and right ``j``; ``<= 0`` means they may not pair.

    Returns:
        Every index of both sides exactly once, as ``(i, j)`` pairs, ``(i, None)`` for a left
        item left alone and ``(None, j)`` for a right one. Between two pairs, lone left items
        come before lone right ones (the order a unified diff prints them in).
    """
    scores = [[score(i, j) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above, cells = best[i], best[i - 1], scores[i - 1]
        for j in range(1, m + 1):
            value = above[j] if above[j] >= row[j - 1] else row[j - 1]
            s = cells[j - 1]
            if s > 0.0 and above[j - 1] + s > value:
                value = above[j - 1] + s
            row[j] = value
    backwards: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0:
            s = scores[i - 1][j - 1]
            if s > 0.0 and best[i][j] == best[i - 1][j - 1] + s:
                backwards.append((i - 1, j - 1))
                i, j = i - 1, j - 1
                continue
        if i > 0 and (j == 0 or best[i][j] == best[i - 1][j]):
            backwards.append((i - 1, None))
            i -= 1
        else:
            backwards.append((None, j - 1))
            j -= 1
    return _lone_left_first(backwards[::-1])


def _lone_left_first(pairs: list[Pair]) -> list[Pair]:
    """Within each stretch between pairs, move lone left items before lone right ones."""
    out: list[Pair] = []
    left: list[Pair] = []
    right: list[Pair] = []
    for pair in pairs:
        if pair[0] is not None and pair[1] is not None:
            out += left + right
            left, right = [], []
            out.append(pair)
        elif pair[0] is not None:
            left.append(pair)
        else:
            right.append(pair)
    return out + left + right
