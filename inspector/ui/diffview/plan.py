"""What the span diff view shows of each message pair: rows, folds and "show more" (no Qt).

A :class:`~inspector.diff.MessageDiff` can hold megabytes of lines; Qt lays a text table out
in one piece, so the view must never be handed all of them. :func:`message_rows` turns one
message pair into the rows to draw, honouring the user's expansions (:class:`ViewState`) and
a per-rendering :class:`Budget`: unchanged stretches fold behind one row, each change shows
its first rows with a "show more" row for the rest, and each line is cut to
:data:`LINE_CHARS` characters. Texts are made display-safe here (control characters become
visible symbols), so the Qt side only inserts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from inspector.diff import Fold, Hunk, MessageDiff, Row, RowTag
from inspector.diff.words import Mark
from inspector.ui.detail.display import visible

LINE_CHARS = 2_000
"""Characters of one line shown in a cell; the rest is counted in a muted marker."""
HUNK_ROWS = 120
"""Rows of one change shown before a "show more" row."""
SMALL_ROWS = 12
"""Rows of one change shown once the rendering holds :data:`ROW_BUDGET` rows."""
ROW_BUDGET = 600
"""Rows one rendering shows before further changes get only :data:`SMALL_ROWS` rows each."""
ROW_LIMIT = 1_000
"""Rows one rendering shows before the rest of each message hides behind one "show more"
row (a prompt with thousands of scattered edits would otherwise mean thousands of rows).
Qt lays a table row out in about half a millisecond."""
MORE_STEP = 200
"""Rows one click on "show more" (or on a fold) adds."""
REST_STEP = 20
"""Changes and folds one click on a message's "show more" adds."""
SHOW_ALL_LIMIT = 2_000
"""Hidden rows up to which "show all" is offered (more would take seconds to lay out)."""
FOLD_MIN = 4
"""Unchanged stretches shorter than this are shown rather than folded."""
CONTEXT = 3
"""Unchanged lines shown around each change."""

Key = tuple[str, int, int]
"""Which fold or change an expansion belongs to: (side, message position, layout item)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One side of a row: a line, ready to display.

    Attributes:
        number: 1-based line number within the message.
        text: the (cut) line with control characters made visible.
        marks: ``[start, end)`` ranges of ``text`` that differ from the other side.
        cut: characters of the line not shown.
    """

    number: int
    text: str
    marks: tuple[Mark, ...] = ()
    cut: int = 0


@dataclass(frozen=True, slots=True)
class LineRow:
    """A line of A, of B, or both side by side (``None``: nothing on that side)."""

    tag: RowTag
    a: Cell | None
    b: Cell | None


@dataclass(frozen=True, slots=True)
class FoldRow:
    """Unchanged lines hidden behind "N unchanged lines — click to expand"."""

    key: Key
    count: int


@dataclass(frozen=True, slots=True)
class MoreRow:
    """The rest of a change or of an expanded fold, hidden behind "show more".

    ``shown`` rows of ``key`` are drawn above it; ``hidden`` more exist.
    """

    key: Key
    shown: int
    hidden: int
    unchanged: bool


@dataclass(frozen=True, slots=True)
class RestRow:
    """The rest of a message, past the rendering's row limit.

    ``key`` is the message's own key (layout item ``-1``); ``shown`` layout items (changes
    and folds) are drawn above it, ``items`` more exist, ``changes`` of them changes.
    """

    key: Key
    shown: int
    items: int
    changes: int


PlanRow = LineRow | FoldRow | MoreRow | RestRow


@dataclass(slots=True)
class ViewState:
    """The user's expansions, kept across re-renderings of the same diff.

    ``shown[key]`` is how many rows of that fold or change to show.
    """

    shown: dict[Key, int] = field(default_factory=dict)

    def expand(self, key: Key, current: int) -> None:
        """Show :data:`MORE_STEP` more rows of ``key`` than ``current``."""
        self.shown[key] = current + MORE_STEP


@dataclass(slots=True)
class Budget:
    """Rows placed so far by one rendering."""

    rows: int = 0

    @property
    def exhausted(self) -> bool:
        return self.rows >= ROW_BUDGET


def cell(lines: tuple[str, ...], index: int | None, marks: tuple[Mark, ...]) -> Cell | None:
    """Line ``index`` of ``lines`` cut to :data:`LINE_CHARS`, marks clipped to what shows."""
    if index is None:
        return None
    line = lines[index]
    if len(line) <= LINE_CHARS:
        return Cell(index + 1, visible(line), marks)
    clipped = tuple((s, min(e, LINE_CHARS)) for s, e in marks if s < LINE_CHARS)
    return Cell(index + 1, visible(line[:LINE_CHARS]), clipped, len(line) - LINE_CHARS)


def line_row(diff: MessageDiff, row: Row) -> LineRow:
    text = diff.text
    return LineRow(
        row.tag,
        cell(text.a_lines, row.a, row.a_marks),
        cell(text.b_lines, row.b, row.b_marks),
    )


def hunk_size(hunk: Hunk) -> int:
    """Rows of a hunk, without expanding its unchanged parts."""
    total = 0
    for part in hunk.parts:
        if part.tag in {"equal", "delete"}:
            total += part.a_end - part.a_start
        elif part.tag == "insert":
            total += part.b_end - part.b_start
        else:
            total += len(part.rows)
    return total


def message_rows(
    diff: MessageDiff, position: int, state: ViewState, budget: Budget
) -> list[PlanRow]:
    """The rows to draw for one message pair (the header is the caller's)."""
    out: list[PlanRow] = []
    items = diff.text.layout(CONTEXT)
    whole: Key = (diff.side, position, -1)
    allowed = state.shown.get(whole, 0)  # layout items the user asked for, whatever the budget
    for item_index, item in enumerate(items):
        if item_index >= allowed and budget.rows >= ROW_LIMIT:
            rest = items[item_index:]
            changes = sum(isinstance(i, Hunk) for i in rest)
            out.append(RestRow(whole, item_index, len(rest), changes))
            budget.rows += 1
            break
        key: Key = (diff.side, position, item_index)
        if isinstance(item, Fold):
            rows = list(_fold_rows(diff, item, key, state))
        else:
            rows = list(_hunk_rows(diff, item, key, state, budget))
        budget.rows += len(rows)
        out += rows
    return out


def _fold_rows(diff: MessageDiff, fold: Fold, key: Key, state: ViewState) -> Iterator[PlanRow]:
    shown = state.shown.get(key)
    if shown is None:
        if fold.count >= FOLD_MIN:
            yield FoldRow(key, fold.count)
            return
        shown = fold.count
    for row in islice(fold.rows(), shown):
        yield line_row(diff, row)
    if fold.count > shown:
        yield MoreRow(key, shown, fold.count - shown, unchanged=True)


def _hunk_rows(
    diff: MessageDiff, hunk: Hunk, key: Key, state: ViewState, budget: Budget
) -> Iterator[PlanRow]:
    size = hunk_size(hunk)
    shown = state.shown.get(key)
    if shown is None:
        shown = SMALL_ROWS if budget.exhausted else HUNK_ROWS
    for row in islice(hunk.rows(), shown):
        yield line_row(diff, row)
    if size > shown:
        yield MoreRow(key, shown, size - shown, unchanged=False)
