"""Word-level marks inside a changed line: which characters differ.

The common head and tail are cut first (one changed word in a 50 KB line costs next to
nothing); the differing middle is diffed as words, whitespace runs and punctuation when it is
small enough, else marked whole. A :class:`WordBudget` caps the work one diff may spend here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from inspector.diff.matching import common_prefix, common_suffix

# A changed line pair is diffed word by word only when its differing middle is this small;
# bigger middles are marked whole (SequenceMatcher's cost grows faster than linearly).
WORD_CHAR_LIMIT = 20_000
WORD_TOKEN_LIMIT = 4_000
# Word tokens one whole diff may spend; past it, changed lines are marked whole (a text where
# everything moved would otherwise cost seconds).
WORD_BUDGET = 60_000

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")

Mark = tuple[int, int]
"""A ``[start, end)`` character range of a line."""


@dataclass(slots=True)
class WordBudget:
    """Word tokens a diff may still spend on word-level marks."""

    tokens: int = WORD_BUDGET


def word_marks(
    a: str, b: str, ignore_whitespace: bool = False, budget: WordBudget | None = None
) -> tuple[tuple[Mark, ...], tuple[Mark, ...]]:
    """Character ranges of the words that differ between two lines, as ``(a_marks, b_marks)``.

    Args:
        a: A's line.
        b: B's line.
        ignore_whitespace: leave spacing differences unmarked.
        budget: shared by the lines of one diff (default: a fresh one).
    """
    budget = budget if budget is not None else WordBudget()
    head = common_prefix(a, b)
    while head > 0 and _is_word(a[head - 1]):
        head -= 1  # restart at a word boundary so a changed word is marked whole
    tail = common_suffix(a, b, min(len(a), len(b)) - head)
    while tail > 0 and _is_word(a[len(a) - tail]):
        tail -= 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(a_mid) + len(b_mid) > WORD_CHAR_LIMIT:
        return _whole(a_mid, head, ignore_whitespace), _whole(b_mid, head, ignore_whitespace)
    a_tokens, b_tokens = _TOKEN.findall(a_mid), _TOKEN.findall(b_mid)
    tokens = len(a_tokens) + len(b_tokens)
    if tokens > WORD_TOKEN_LIMIT or tokens > budget.tokens:
        return _whole(a_mid, head, ignore_whitespace), _whole(b_mid, head, ignore_whitespace)
    budget.tokens -= tokens
    a_keys, b_keys = a_tokens, b_tokens
    if ignore_whitespace:
        a_keys = [t if not t.isspace() else " " for t in a_tokens]
        b_keys = [t if not t.isspace() else " " for t in b_tokens]
    a_at, b_at = _offsets(a_tokens, head), _offsets(b_tokens, head)
    a_marks: list[Mark] = []
    b_marks: list[Mark] = []
    # Whitespace runs are "junk" to difflib: they never start a match (so the thousands of
    # single spaces do not slow it down) but still join the matches around them.
    matcher = SequenceMatcher(str.isspace, a_keys, b_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            a_marks.append((a_at[i1], a_at[i2]))
        if j2 > j1:
            b_marks.append((b_at[j1], b_at[j2]))
    return _tidy(a, a_marks, ignore_whitespace), _tidy(b, b_marks, ignore_whitespace)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _offsets(tokens: list[str], start: int) -> list[int]:
    out = [start]
    for token in tokens:
        start += len(token)
        out.append(start)
    return out


def _whole(middle: str, start: int, ignore_whitespace: bool) -> tuple[Mark, ...]:
    if not middle or (ignore_whitespace and middle.isspace()):
        return ()
    return ((start, start + len(middle)),)


def _tidy(line: str, marks: list[Mark], ignore_whitespace: bool) -> tuple[Mark, ...]:
    """Join marks separated only by whitespace, trim spaces off their ends, and drop
    whitespace-only marks if whitespace is ignored."""
    out: list[Mark] = []
    for start, end in marks:
        if out and (out[-1][1] == start or line[out[-1][1] : start].isspace()):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    tidy: list[Mark] = []
    for start, end in out:
        text = line[start:end]
        if text.isspace():
            if not ignore_whitespace:
                tidy.append((start, end))  # a spacing change is the change itself
            continue
        # Highlight the words, not the spaces around them.
        tidy.append((start + len(text) - len(text.lstrip()), end - len(text) + len(text.rstrip())))
    return tuple(tidy)
