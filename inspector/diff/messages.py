"""Message-by-message diff of two prompts (or two responses).

Two message lists are aligned before any text is compared, so an inserted system message shows
as one added message rather than a cascade of changes:

1. tool results are matched by their tool-call id, wherever they sit (parallel tool calls come
   back in any order);
2. the rest is aligned in order: identical messages (same role, same normalised text) anchor
   the alignment through difflib, and each gap between anchors is paired by similarity --
   roles must match, then the more words two messages share, the better.

Each message is rendered to text first (:func:`message_text`): its text parts as they are,
tool calls as name plus arguments, JSON normalised. Tool-call ids are left out because they are
random per call; results are matched by them instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from inspector.diff.align import Pair, align
from inspector.diff.text import DiffOptions, TextDiff, dice, diff_lines, lines_key, normalize_json
from inspector.model import Message

# A gap between anchors is aligned by similarity up to this many candidate pairs; beyond it,
# messages are paired by position when their roles match.
GAP_CELLS = 40_000
# Similarity of very long messages is judged from their head and tail.
SIGNATURE_CHARS = 16_384


class Change(StrEnum):
    """What happened to a message (or span) between A and B."""

    EQUAL = "equal"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class MessageDiff:
    """One row of a message-level diff.

    Attributes:
        side: ``"prompt"`` or ``"response"``.
        index_a: position of the message in A's list (``None`` when added).
        index_b: position in B's list (``None`` when removed).
        role: the message's role (both sides agree when paired).
        change: equal, changed, added or removed.
        a: A's message, if any.
        b: B's message, if any.
        text: the line diff of the two rendered messages (the missing side is empty).
    """

    side: str
    index_a: int | None
    index_b: int | None
    role: str
    change: Change
    a: Message | None
    b: Message | None
    text: TextDiff

    @property
    def label_a(self) -> str:
        return "/dev/null" if self.index_a is None else f"{self.side}[{self.index_a}] {self.role}"

    @property
    def label_b(self) -> str:
        return "/dev/null" if self.index_b is None else f"{self.side}[{self.index_b}] {self.role}"

    def unified(self, context: int = 3) -> str:
        """This message's unified diff, headed ``--- prompt[0] system``; ``""`` when equal."""
        if self.change is Change.EQUAL:
            return ""
        return self.text.unified(self.label_a, self.label_b, context)

    def to_dict(self, context: int = 3) -> dict[str, Any]:
        """The ``trace-inspector diff --json`` record (a contract with users' scripts)."""
        return {
            "side": self.side,
            "index_a": self.index_a,
            "index_b": self.index_b,
            "role": self.role,
            "change": self.change.value,
            "diff": self.unified(context),
        }


def message_text(message: Message, options: DiffOptions | None = None) -> str:
    """A message rendered as the text that is diffed.

    Text parts appear as they are (JSON normalised when ``options.normalize_json``); other
    parts get a bracketed header line, e.g. ``[tool call] get_weather`` followed by the
    arguments. Ids are left out.
    """
    options = options or DiffOptions()

    def norm(text: str | None) -> str:
        text = text or ""
        return normalize_json(text) if options.normalize_json else text

    lines: list[str] = []
    if message.name:
        lines.append(f"[name] {message.name}")
    several = len(message.parts) > 1
    for part in message.parts:
        if part.type == "text":
            lines.append(norm(part.text))
        elif part.type == "tool_call":
            lines.append(f"[tool call] {part.name or ''}".rstrip())
            if part.arguments:
                lines.append(norm(part.arguments))
        elif part.type == "tool_result":
            if several:
                lines.append("[tool result]")
            lines.append(norm(part.text))
        else:
            lines.append(f"[{part.type}]")
            if part.text:
                lines.append(norm(part.text))
    if message.finish_reason:
        lines.append(f"[finish reason] {message.finish_reason}")
    return "\n".join(lines)


@dataclass(slots=True)
class _Item:
    """A message prepared for alignment."""

    role: str
    text: str
    lines: tuple[str, ...]
    key: str
    tool_ids: tuple[str, ...] | None
    _words: frozenset[str] | None = field(default=None)

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            text = self.text
            if len(text) > 2 * SIGNATURE_CHARS:
                text = text[:SIGNATURE_CHARS] + " " + text[-SIGNATURE_CHARS:]
            self._words = frozenset(text.split())
        return self._words


def _item(message: Message, options: DiffOptions) -> _Item:
    text = message_text(message, options)
    results = [p for p in message.parts if p.type == "tool_result"]
    ids: tuple[str, ...] | None = None
    if results and len(results) == len(message.parts) and all(p.id for p in results):
        ids = tuple(p.id for p in results if p.id)
    # An empty message is still one (empty) line, so adding or removing it shows in a diff.
    lines = tuple(text.splitlines()) or ("",)
    return _Item(message.role, text, lines, lines_key(lines, options), ids)


def diff_messages(
    a: Sequence[Message],
    b: Sequence[Message],
    side: str = "prompt",
    options: DiffOptions | None = None,
) -> list[MessageDiff]:
    """Align two message lists and diff each pair.

    Returns:
        One :class:`MessageDiff` per message of either side, in B's order, with removed
        messages where they stood in A.
    """
    options = options or DiffOptions()
    items_a = [_item(m, options) for m in a]
    items_b = [_item(m, options) for m in b]
    by_id = _match_tool_results(items_a, items_b)
    taken_a = {i for i, _ in by_id}
    taken_b = {j for _, j in by_id}
    rest_a = [i for i in range(len(items_a)) if i not in taken_a]
    rest_b = [j for j in range(len(items_b)) if j not in taken_b]
    ordered = _align_in_order(items_a, items_b, rest_a, rest_b)
    out: list[MessageDiff] = []
    for i, j in _merge_by_b(ordered, by_id):
        out.append(_message_diff(side, i, j, a=a, b=b, items=(items_a, items_b), options=options))
    return out


def _match_tool_results(items_a: list[_Item], items_b: list[_Item]) -> list[tuple[int, int]]:
    """Pairs of tool-result messages with the same (unique) tool-call ids on both sides."""
    count_a = Counter(item.tool_ids for item in items_a if item.tool_ids)
    count_b = Counter(item.tool_ids for item in items_b if item.tool_ids)
    where_b = {
        item.tool_ids: j
        for j, item in enumerate(items_b)
        if item.tool_ids and count_b[item.tool_ids] == 1
    }
    pairs: list[tuple[int, int]] = []
    for i, item in enumerate(items_a):
        if item.tool_ids and count_a[item.tool_ids] == 1 and item.tool_ids in where_b:
            j = where_b[item.tool_ids]
            if items_b[j].role == item.role:
                pairs.append((i, j))
    return pairs


def _align_in_order(
    items_a: list[_Item], items_b: list[_Item], rest_a: list[int], rest_b: list[int]
) -> list[Pair]:
    """Align the messages not matched by id, keeping their order (indices are original)."""
    keys_a = [(items_a[i].role, items_a[i].key) for i in rest_a]
    keys_b = [(items_b[j].role, items_b[j].key) for j in rest_b]
    out: list[Pair] = []
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [(rest_a[i1 + k], rest_b[j1 + k]) for k in range(i2 - i1)]
            continue
        gap_a, gap_b = rest_a[i1:i2], rest_b[j1:j2]
        for i, j in _align_gap(items_a, items_b, gap_a, gap_b):
            out.append((None if i is None else gap_a[i], None if j is None else gap_b[j]))
    return out


def _align_gap(
    items_a: list[_Item], items_b: list[_Item], gap_a: list[int], gap_b: list[int]
) -> list[Pair]:
    n, m = len(gap_a), len(gap_b)
    if n * m > GAP_CELLS:
        pairs: list[Pair] = []
        for k in range(max(n, m)):
            i = k if k < n else None
            j = k if k < m else None
            if i is not None and j is not None and items_a[gap_a[i]].role != items_b[gap_b[j]].role:
                pairs += [(i, None), (None, j)]
            else:
                pairs.append((i, j))
        return pairs

    def score(i: int, j: int) -> float:
        left, right = items_a[gap_a[i]], items_b[gap_b[j]]
        if left.role != right.role:
            return 0.0
        # Any two messages of the same role may pair (a rewritten system prompt is still
        # "the system prompt, changed"); similarity decides between candidates.
        return 0.1 + 0.9 * dice(left.words, right.words)

    return align(n, m, score)


def _merge_by_b(ordered: list[Pair], by_id: list[tuple[int, int]]) -> Iterator[Pair]:
    """Place id-matched pairs among the ordered ones at their position in B."""
    pending = sorted(by_id, key=lambda pair: pair[1])
    at = 0
    for pair in ordered:
        j = pair[1]
        while j is not None and at < len(pending) and pending[at][1] < j:
            yield pending[at]
            at += 1
        yield pair
    yield from pending[at:]


def _message_diff(
    side: str,
    i: int | None,
    j: int | None,
    *,
    a: Sequence[Message],
    b: Sequence[Message],
    items: tuple[list[_Item], list[_Item]],
    options: DiffOptions,
) -> MessageDiff:
    left = None if i is None else items[0][i]
    right = None if j is None else items[1][j]
    text = diff_lines(left.lines if left else (), right.lines if right else (), options)
    if left is None:
        assert right is not None  # every pair has at least one side
        change, role = Change.ADDED, right.role
    elif right is None:
        change, role = Change.REMOVED, left.role
    else:
        change = Change.EQUAL if left.key == right.key else Change.CHANGED
        role = right.role
    return MessageDiff(
        side=side,
        index_a=i,
        index_b=j,
        role=role,
        change=change,
        a=None if i is None else a[i],
        b=None if j is None else b[j],
        text=text,
    )
