"""Line diff with word marks, hunks, folds and unified output (inspector.diff.text, .words)."""

from __future__ import annotations

import random
import re

import pytest

from inspector.diff.text import (
    DiffOptions,
    Fold,
    Hunk,
    Row,
    RowTag,
    TextDiff,
    diff_text,
    normalize_json,
)
from inspector.diff.words import word_marks


def marked(line: str, marks: tuple[tuple[int, int], ...]) -> list[str]:
    return [line[start:end] for start, end in marks]


def changed_rows(diff: TextDiff) -> list[Row]:
    return [row for row in diff.rows() if row.tag is not RowTag.EQUAL]


def apply_unified(a: list[str], patch: str) -> list[str]:
    """Apply a unified diff to ``a`` (enough of ``patch(1)`` to check our output)."""
    out: list[str] = []
    at = 0
    for line in patch.splitlines()[2:]:
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$", line)
        if header:
            start = int(header.group(1))
            count = 1 if header.group(2) is None else int(header.group(2))
            start = start - 1 if count else start  # an empty range names the line before it
            out += a[at:start]
            at = start
        elif line.startswith(" "):
            assert a[at] == line[1:]
            out.append(line[1:])
            at += 1
        elif line.startswith("-"):
            assert a[at] == line[1:]
            at += 1
        else:
            assert line.startswith("+")
            out.append(line[1:])
    return out + a[at:]


def test_one_changed_word_is_marked_alone() -> None:
    a_marks, b_marks = word_marks("the quick brown fox jumps", "the quick red fox jumps")
    assert marked("the quick brown fox jumps", a_marks) == ["brown"]
    assert marked("the quick red fox jumps", b_marks) == ["red"]


def test_change_inside_a_word_marks_the_whole_word() -> None:
    a_marks, b_marks = word_marks("call search_flights now", "call search_hotels now")
    assert marked("call search_flights now", a_marks) == ["search_flights"]
    assert marked("call search_hotels now", b_marks) == ["search_hotels"]


def test_one_word_in_a_50kb_line() -> None:
    rng = random.Random(5)
    words = [rng.choice(["alpha", "beta", "gamma", "delta", "echo"]) for _ in range(9000)]
    a = " ".join(words)
    words[4500] = "CHANGED"
    b = " ".join(words)
    assert len(a) > 50_000
    diff = diff_text(a, b)
    (row,) = changed_rows(diff)
    assert row.tag is RowTag.CHANGED
    assert marked(a, row.a_marks) == [a.split(" ")[4500]]
    assert marked(b, row.b_marks) == ["CHANGED"]


def test_inserted_words_mark_only_the_new_side() -> None:
    a_marks, b_marks = word_marks("send the report", "send the final report")
    assert a_marks == ()
    assert marked("send the final report", b_marks) == ["final"]


def test_whitespace_ignored_only_when_asked() -> None:
    a = "def f():\n    return  1\n"
    b = "def f():\n\treturn 1   \n"
    assert not diff_text(a, b).equal
    ignoring = diff_text(a, b, DiffOptions(ignore_whitespace=True))
    assert ignoring.equal
    assert ignoring.unified("a", "b") == ""
    # A real change is still found, and the spacing around it is not marked.
    c = "def f():\n\treturn 2   \n"
    (row,) = changed_rows(diff_text(a, c, DiffOptions(ignore_whitespace=True)))
    assert marked(c.splitlines()[1], row.b_marks) == ["2"]


def test_normalize_json_sorts_keys_and_reformats() -> None:
    assert normalize_json('{"b": 1, "a": [1,2]}') == normalize_json('{ "a":[1, 2], "b":1 }')
    assert normalize_json('{"b": 1, "a": 2}').splitlines() == ["{", '  "a": 2,', '  "b": 1', "}"]
    for text in ("[INST] hello [/INST]", "plain text", "", "{not json", '"just a string"'):
        assert normalize_json(text) == text


def test_replaced_stretch_pairs_similar_lines() -> None:
    a = "intro\nthe plan has three steps\nend"
    b = "intro\na brand new sentence here\nthe plan has four steps\nend"
    rows = changed_rows(diff_text(a, b))
    assert [(r.tag, r.a, r.b) for r in rows] == [
        (RowTag.ADDED, None, 1),
        (RowTag.CHANGED, 1, 2),
    ]
    assert marked("the plan has three steps", rows[1].a_marks) == ["three"]


def test_layout_folds_long_unchanged_stretches() -> None:
    a_lines = [f"line {i}" for i in range(100)]
    b_lines = list(a_lines)
    b_lines[50] = "line fifty"
    diff = diff_text("\n".join(a_lines), "\n".join(b_lines))
    layout = diff.layout(context=3)
    assert [type(item) for item in layout] == [Fold, Hunk, Fold]
    first, hunk, last = layout
    assert isinstance(first, Fold) and isinstance(hunk, Hunk) and isinstance(last, Fold)
    assert (first.a_start, first.a_end, first.count) == (0, 47, 47)
    assert [r.tag for r in hunk.rows()].count(RowTag.EQUAL) == 6
    assert (last.a_start, last.a_end) == (54, 100)
    assert hunk.header() == "@@ -48,7 +48,7 @@"
    # The folds expand to the hidden rows, so the layout covers every line.
    assert [r for item in layout for r in item.rows()] == list(diff.rows())


def test_equal_texts_are_one_fold() -> None:
    diff = diff_text("a\nb", "a\nb")
    assert diff.equal
    assert diff.layout() == [Fold(0, 2, 0, 2)]
    assert diff.hunks() == []


def test_unified_format() -> None:
    diff = diff_text("one\ntwo\nthree", "one\n2\nthree\nfour")
    assert diff.unified("left", "right") == (
        "--- left\n+++ right\n@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four\n"
    )
    assert diff_text("", "new").unified("a", "b") == "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n"


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_round_trip(seed: int) -> None:
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(rng.randint(2, 12))]
    # Repetitive or mostly unique lines; long enough (sometimes) for the anchored path.
    modulus = rng.choice([7, 1_000_000])
    a = [rng.choice(vocab) + f" {k % modulus}" for k in range(rng.choice([5, 40, 1500]))]
    b = list(a)
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        if op < 0.3 and b:
            del b[rng.randrange(len(b))]
        elif op < 0.6:
            b.insert(rng.randint(0, len(b)), rng.choice(vocab) + " new")
        elif b:
            b[rng.randrange(len(b))] += " edited"
    diff = diff_text("\n".join(a), "\n".join(b))
    rows = list(diff.rows())
    assert [r.a for r in rows if r.a is not None] == list(range(len(a)))
    assert [r.b for r in rows if r.b is not None] == list(range(len(b)))
    for row in rows:
        if row.tag is RowTag.EQUAL:
            assert row.a is not None and row.b is not None
            assert a[row.a] == b[row.b]
    assert apply_unified(a, diff.unified("a", "b", context=rng.randint(0, 4))) == b
    assert [r for item in diff.layout(2) for r in item.rows()] == rows
