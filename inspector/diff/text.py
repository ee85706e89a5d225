"""Line diff of two texts, with word-level marks inside changed lines, hunks and folds.

Built for prompts of megabytes: lines are compared as whole strings (hashing and ``memcmp``,
never character by character), the common head and tail are cut off in large slices before
difflib sees the rest, and word-level work happens only inside changed line pairs, each bounded
in size. The result is plain data for any view: :class:`TextDiff` holds both sides' lines and
the blocks between them; :meth:`TextDiff.layout` groups them into hunks with context and folds
of unchanged lines; :meth:`TextDiff.unified` renders the classic unified diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import orjson

from inspector.diff.align import align
from inspector.diff.matching import common_prefix, common_suffix, opcodes
from inspector.diff.words import Mark, WordBudget, word_marks

# Changed lines inside one gap are paired by similarity only up to this many candidate pairs;
# a larger gap is a wholesale rewrite, shown as removed lines then added lines.
PAIR_CELLS = 2_500
# Per diff, similarity pairing stops after this many candidate pairs (texts where everything
# moved would otherwise cost seconds); past it, gaps show as removed + added lines.
PAIR_BUDGET = 10_000
PAIR_THRESHOLD = 0.4
# Only this much of a very long line feeds its similarity signature.
SIGNATURE_CHARS = 4_096

_NON_SPACE_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(slots=True)
class _Budget:
    """Work left for one diff: similarity cells and word tokens."""

    cells: int = PAIR_BUDGET
    words: WordBudget = field(default_factory=WordBudget)


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """How to compare.

    Attributes:
        ignore_whitespace: compare lines with all whitespace removed (like ``git diff -w``):
            indentation and spacing changes count as equal; added or removed blank lines
            still count.
        normalize_json: render JSON objects and arrays (message content, tool-call arguments)
            with sorted keys and two-space indentation before comparing, so key order and
            formatting do not show as changes.
    """

    ignore_whitespace: bool = False
    normalize_json: bool = True


class RowTag(StrEnum):
    """What one side-by-side row shows."""

    EQUAL = "equal"
    CHANGED = "changed"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class Row:
    """One side-by-side row: a line of A, a line of B, or a pair of them.

    ``a``/``b`` index :attr:`TextDiff.a_lines`/:attr:`TextDiff.b_lines` (``None``: no line on
    that side). On a ``CHANGED`` row, ``a_marks``/``b_marks`` are the ``[start, end)`` character
    ranges of the words that differ.
    """

    tag: RowTag
    a: int | None
    b: int | None
    a_marks: tuple[Mark, ...] = ()
    b_marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A run of lines: ``equal``, ``replace``, ``delete`` or ``insert`` (difflib's tags).

    ``a_start:a_end`` and ``b_start:b_end`` are line ranges. A ``replace`` block keeps its rows,
    which pair similar lines as ``CHANGED`` and leave the rest ``REMOVED``/``ADDED``.
    """

    tag: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    rows: tuple[Row, ...] = ()

    def iter_rows(self) -> Iterator[Row]:
        if self.tag == "equal":
            for offset in range(self.a_end - self.a_start):
                yield Row(RowTag.EQUAL, self.a_start + offset, self.b_start + offset)
        elif self.tag == "delete":
            for i in range(self.a_start, self.a_end):
                yield Row(RowTag.REMOVED, i, None)
        elif self.tag == "insert":
            for j in range(self.b_start, self.b_end):
                yield Row(RowTag.ADDED, None, j)
        else:
            yield from self.rows


@dataclass(frozen=True, slots=True)
class Fold:
    """Unchanged lines a view may hide behind "N unchanged lines" (``rows()`` expands it)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int

    @property
    def count(self) -> int:
        return self.a_end - self.a_start

    def rows(self) -> Iterator[Row]:
        return Block("equal", self.a_start, self.a_end, self.b_start, self.b_end).iter_rows()


@dataclass(frozen=True, slots=True)
class Hunk:
    """Changes with up to ``context`` unchanged lines around them."""

    parts: tuple[Block, ...]

    @property
    def a_start(self) -> int:
        return self.parts[0].a_start

    @property
    def a_end(self) -> int:
        return self.parts[-1].a_end

    @property
    def b_start(self) -> int:
        return self.parts[0].b_start

    @property
    def b_end(self) -> int:
        return self.parts[-1].b_end

    def rows(self) -> Iterator[Row]:
        for part in self.parts:
            yield from part.iter_rows()

    def header(self) -> str:
        """``@@ -a,n +b,m @@`` as difflib writes it."""
        return (
            f"@@ -{_unified_range(self.a_start, self.a_end)} "
            f"+{_unified_range(self.b_start, self.b_end)} @@"
        )


@dataclass(frozen=True, slots=True)
class TextDiff:
    """The line diff of two texts: both sides' lines and the blocks that align them."""

    a_lines: tuple[str, ...]
    b_lines: tuple[str, ...]
    blocks: tuple[Block, ...]

    @property
    def equal(self) -> bool:
        return all(block.tag == "equal" for block in self.blocks)

    def rows(self) -> Iterator[Row]:
        """Every row, unchanged ones included, in order."""
        for block in self.blocks:
            yield from block.iter_rows()

    def counts(self) -> dict[RowTag, int]:
        """How many rows of each kind (without expanding unchanged blocks)."""
        out = dict.fromkeys(RowTag, 0)
        for block in self.blocks:
            if block.tag == "equal":
                out[RowTag.EQUAL] += block.a_end - block.a_start
            else:
                for row in block.iter_rows():
                    out[row.tag] += 1
        return out

    def hunks(self, context: int = 3) -> list[Hunk]:
        """The changes grouped as difflib groups them for a unified diff."""
        return [item for item in self.layout(context) if isinstance(item, Hunk)]

    def layout(self, context: int = 3) -> list[Hunk | Fold]:
        """Hunks with ``context`` lines around changes, and the unchanged stretches between
        them as folds; together they cover every line of both sides, in order."""
        hunks = [Hunk(tuple(parts)) for parts in _grouped(self.blocks, context)]
        out: list[Hunk | Fold] = []
        a_at = b_at = 0
        for hunk in hunks:
            if hunk.a_start > a_at or hunk.b_start > b_at:
                out.append(Fold(a_at, hunk.a_start, b_at, hunk.b_start))
            out.append(hunk)
            a_at, b_at = hunk.a_end, hunk.b_end
        if a_at < len(self.a_lines) or b_at < len(self.b_lines):
            out.append(Fold(a_at, len(self.a_lines), b_at, len(self.b_lines)))
        return out

    def unified(self, a_label: str, b_label: str, context: int = 3) -> str:
        """A unified diff (``---``/``+++`` headers, ``@@`` hunks); ``""`` when equal.

        Unchanged lines are written as B has them (they differ from A only in whitespace,
        and only when whitespace is ignored).
        """
        hunks = self.hunks(context)
        if not hunks:
            return ""
        a_lines, b_lines = self.a_lines, self.b_lines
        out = [f"--- {a_label}", f"+++ {b_label}"]
        for hunk in hunks:
            out.append(hunk.header())
            for part in hunk.parts:
                if part.tag == "equal":
                    out += [" " + line for line in b_lines[part.b_start : part.b_end]]
                else:
                    out += ["-" + line for line in a_lines[part.a_start : part.a_end]]
                    out += ["+" + line for line in b_lines[part.b_start : part.b_end]]
        return "\n".join(out) + "\n"


def _unified_range(start: int, stop: int) -> str:
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    if length == 0:
        beginning -= 1
    return f"{beginning},{length}"


def _grouped(blocks: Sequence[Block], context: int) -> Iterator[list[Block]]:
    """difflib's ``get_grouped_opcodes`` over our blocks (replace blocks stay whole)."""
    if all(block.tag == "equal" for block in blocks):
        return
    codes = list(blocks)
    first, last = codes[0], codes[-1]
    if first.tag == "equal":
        codes[0] = Block(
            "equal",
            max(first.a_start, first.a_end - context),
            first.a_end,
            max(first.b_start, first.b_end - context),
            first.b_end,
        )
    if last.tag == "equal":
        codes[-1] = Block(
            "equal",
            last.a_start,
            min(last.a_end, last.a_start + context),
            last.b_start,
            min(last.b_end, last.b_start + context),
        )
    group: list[Block] = []
    for block in codes:
        if block.tag == "equal" and block.a_end - block.a_start > 2 * context:
            group.append(
                Block(
                    "equal",
                    block.a_start,
                    min(block.a_end, block.a_start + context),
                    block.b_start,
                    min(block.b_end, block.b_start + context),
                )
            )
            yield group
            group = [
                Block(
                    "equal",
                    max(block.a_start, block.a_end - context),
                    block.a_end,
                    max(block.b_start, block.b_end - context),
                    block.b_end,
                )
            ]
        else:
            group.append(block)
    if group and not (len(group) == 1 and group[0].tag == "equal"):
        yield [part for part in group if part.a_end > part.a_start or part.b_end > part.b_start]


# normalising ----------------------------------------------------------------------------------


def normalize_json(text: str) -> str:
    """``text`` re-rendered with sorted keys and indentation if it is a JSON object or array;
    otherwise ``text`` unchanged."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return text
    try:
        value = orjson.loads(stripped)
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode()
    except (orjson.JSONDecodeError, TypeError):
        # Not JSON after all (e.g. "[INST] ..."), or numbers orjson cannot hold: keep as is.
        return text


def line_keys(lines: Sequence[str], options: DiffOptions) -> list[str]:
    """What lines are compared by: themselves, or without whitespace."""
    if options.ignore_whitespace:
        return ["".join(line.split()) for line in lines]
    return list(lines)


def lines_key(lines: Sequence[str], options: DiffOptions) -> str:
    """A string equal for two line lists exactly when their line diff has no changes."""
    return "\n".join(line_keys(lines, options) if options.ignore_whitespace else lines)


# diffing --------------------------------------------------------------------------------------


def diff_text(a: str, b: str, options: DiffOptions | None = None) -> TextDiff:
    """Diff two texts line by line, marking changed words inside paired lines.

    The texts are compared as given (normalise JSON first with :func:`normalize_json` if
    wanted); ``options.ignore_whitespace`` is honoured.
    """
    return diff_lines(tuple(a.splitlines()), tuple(b.splitlines()), options or DiffOptions())


def diff_lines(
    a_lines: tuple[str, ...], b_lines: tuple[str, ...], options: DiffOptions
) -> TextDiff:
    """Diff two lists of lines (see :func:`diff_text`)."""
    a_keys = line_keys(a_lines, options)
    b_keys = line_keys(b_lines, options)
    n, m = len(a_keys), len(b_keys)
    if a_keys == b_keys:
        blocks = (Block("equal", 0, n, 0, m),) if n else ()
        return TextDiff(a_lines, b_lines, blocks)
    head = common_prefix(a_keys, b_keys)
    tail = common_suffix(a_keys, b_keys, min(n, m) - head)
    budget = _Budget()
    out: list[Block] = []
    if head:
        out.append(Block("equal", 0, head, 0, head))
    for tag, i1, i2, j1, j2 in opcodes(a_keys, b_keys, (head, n - tail, head, m - tail)):
        if tag == "replace":
            out += _replace_blocks(
                (i1, i2, j1, j2),
                a_lines=a_lines,
                b_lines=b_lines,
                a_keys=a_keys,
                b_keys=b_keys,
                options=options,
                budget=budget,
            )
        else:
            out.append(Block(tag, i1, i2, j1, j2))
    if tail:
        out.append(Block("equal", n - tail, n, m - tail, m))
    return TextDiff(a_lines, b_lines, tuple(_merge_equal(out)))


def _merge_equal(blocks: list[Block]) -> Iterator[Block]:
    pending: Block | None = None
    for block in blocks:
        if pending is not None and pending.tag == "equal" and block.tag == "equal":
            pending = Block("equal", pending.a_start, block.a_end, pending.b_start, block.b_end)
            continue
        if pending is not None:
            yield pending
        pending = block
    if pending is not None:
        yield pending


def _replace_blocks(
    span: tuple[int, int, int, int],
    *,
    a_lines: Sequence[str],
    b_lines: Sequence[str],
    a_keys: Sequence[str],
    b_keys: Sequence[str],
    options: DiffOptions,
    budget: _Budget,
) -> list[Block]:
    """Pair the lines of one replaced stretch and cut it into blocks of rows."""
    i1, i2, j1, j2 = span
    n, m = i2 - i1, j2 - j1
    cells = n * m if n * m > 1 else 0  # one line for one needs no pairing
    if cells > PAIR_CELLS or cells > budget.cells:
        return [Block("delete", i1, i2, j1, j1), Block("insert", i2, i2, j1, j2)]
    budget.cells -= cells
    a_sigs = [_signature(a_lines[i]) for i in range(i1, i2)]
    b_sigs = [_signature(b_lines[j]) for j in range(j1, j2)]

    def score(i: int, j: int) -> float:
        if a_keys[i1 + i] == b_keys[j1 + j]:
            return 1.0
        similarity = dice(a_sigs[i], b_sigs[j])
        return similarity if similarity >= PAIR_THRESHOLD else 0.0

    pairs = align(n, m, score) if n * m > 1 else [(0, 0)]
    rows: list[Row] = []
    for i, j in pairs:
        a = None if i is None else i1 + i
        b = None if j is None else j1 + j
        if a is None:
            rows.append(Row(RowTag.ADDED, None, b))
        elif b is None:
            rows.append(Row(RowTag.REMOVED, a, None))
        elif a_keys[a] == b_keys[b]:
            rows.append(Row(RowTag.EQUAL, a, b))
        else:
            a_marks, b_marks = word_marks(
                a_lines[a], b_lines[b], options.ignore_whitespace, budget.words
            )
            rows.append(Row(RowTag.CHANGED, a, b, a_marks, b_marks))
    return _rows_to_blocks(rows, i1, j1)


def _rows_to_blocks(rows: list[Row], a_at: int, b_at: int) -> list[Block]:
    """Cut aligned rows (covering both ranges in order from ``a_at``/``b_at``) into equal
    blocks and change blocks that keep their rows."""
    blocks: list[Block] = []
    run: list[Row] = []
    run_a, run_b = a_at, b_at

    def flush() -> None:
        if run:
            tag = (
                "replace"
                if a_at > run_a and b_at > run_b
                else ("delete" if a_at > run_a else "insert")
            )
            blocks.append(Block(tag, run_a, a_at, run_b, b_at, tuple(run)))
            run.clear()

    for row in rows:
        if row.tag is RowTag.EQUAL:
            flush()
            blocks.append(Block("equal", a_at, a_at + 1, b_at, b_at + 1))
        elif not run:
            run_a, run_b = a_at, b_at
            run.append(row)
        else:
            run.append(row)
        # The alignment covers both ranges in order, so a row's index is the cursor.
        a_at += row.a is not None
        b_at += row.b is not None
    flush()
    return list(_merge_equal(blocks))


def _signature(line: str) -> frozenset[str]:
    if len(line) > 2 * SIGNATURE_CHARS:
        line = line[:SIGNATURE_CHARS] + " " + line[-SIGNATURE_CHARS:]
    return frozenset(_NON_SPACE_TOKEN.findall(line))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice similarity of two token sets (1.0 for two empty sets)."""
    total = len(a) + len(b)
    return 1.0 if total == 0 else 2.0 * len(a & b) / total


# words ----------------------------------------------------------------------------------------
