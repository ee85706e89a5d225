"""Message-by-message alignment and diff (inspector.diff.messages)."""

from __future__ import annotations

import random
from typing import Any

import orjson

from inspector.diff import Change, DiffOptions, RowTag, diff_messages, message_text
from inspector.diff.messages import MessageDiff
from inspector.model import Message, Part
from tests.diff_data import msg, to_message


def messages(*raw: dict[str, Any]) -> list[Message]:
    return [to_message(r) for r in raw]


def summary(rows: list[MessageDiff]) -> list[tuple[int | None, int | None, str, str]]:
    return [(r.index_a, r.index_b, r.role, r.change.value) for r in rows]


CONVERSATION = (
    msg("user", "Find me a flight to Lisbon."),
    msg("assistant", tool_calls=[("call_1", "search_flights", '{"to": "LIS", "max": 3}')]),
    msg("tool", '[{"flight": "TP123", "price": 120}]', tool_call_id="call_1"),
    msg("assistant", "TP123 costs 120 EUR."),
)


def test_inserted_system_message_is_one_addition() -> None:
    a = messages(*CONVERSATION)
    b = messages(msg("system", "You are a travel agent."), *CONVERSATION)
    rows = diff_messages(a, b)
    assert summary(rows) == [
        (None, 0, "system", "added"),
        (0, 1, "user", "equal"),
        (1, 2, "assistant", "equal"),
        (2, 3, "tool", "equal"),
        (3, 4, "assistant", "equal"),
    ]
    assert rows[0].unified().splitlines() == [
        "--- /dev/null",
        "+++ prompt[0] system",
        "@@ -0,0 +1 @@",
        "+You are a travel agent.",
    ]
    assert all(r.unified() == "" for r in rows[1:])


def test_removed_message_and_changed_role() -> None:
    a = messages(msg("system", "Be brief."), msg("user", "hi"), msg("assistant", "hello"))
    b = messages(msg("system", "Be brief."), msg("developer", "hi"))
    assert summary(diff_messages(a, b)) == [
        (0, 0, "system", "equal"),
        (1, None, "user", "removed"),
        (2, None, "assistant", "removed"),
        (None, 1, "developer", "added"),
    ]


def test_rewritten_system_prompt_is_a_change() -> None:
    a = messages(msg("system", "You are terse."), msg("user", "hi"))
    b = messages(msg("system", "Always answer in French, with examples."), msg("user", "hi"))
    rows = diff_messages(a, b)
    assert summary(rows) == [(0, 0, "system", "changed"), (1, 1, "user", "equal")]
    assert rows[0].unified().splitlines()[:2] == ["--- prompt[0] system", "+++ prompt[0] system"]


def test_reordered_tool_results_are_matched_by_id() -> None:
    calls = msg(
        "assistant",
        tool_calls=[("call_a", "weather", '{"city": "Lisbon"}'), ("call_b", "fx", '{"to": "EUR"}')],
    )
    weather = msg("tool", "sunny, 24C", tool_call_id="call_a")
    fx = msg("tool", "1 USD = 0.92 EUR", tool_call_id="call_b")
    fx_changed = msg("tool", "1 USD = 0.93 EUR", tool_call_id="call_b")
    a = messages(msg("user", "Trip?"), calls, weather, fx)
    b = messages(msg("user", "Trip?"), calls, fx_changed, weather)
    rows = diff_messages(a, b)
    assert summary(rows) == [
        (0, 0, "user", "equal"),
        (1, 1, "assistant", "equal"),
        (3, 2, "tool", "changed"),
        (2, 3, "tool", "equal"),
    ]
    (row,) = [r for r in rows[2].text.rows() if r.tag is RowTag.CHANGED]
    line = rows[2].text.b_lines[row.b or 0]
    assert [line[s:e] for s, e in row.b_marks] == ["93"]


def test_one_word_changed_in_a_50kb_prompt() -> None:
    rng = random.Random(11)
    vocab = [
        "plan",
        "search",
        "book",
        "hotel",
        "flight",
        "budget",
        "traveller",
        "city",
        "museum",
        "train",
    ]
    lines = [" ".join(rng.choice(vocab) for _ in range(12)) for _ in range(800)]
    big_a = "\n".join(lines)
    edited = lines[400].split(" ")
    old_word, edited[6] = edited[6], "submarine"
    lines[400] = " ".join(edited)
    big_b = "\n".join(lines)
    assert len(big_a) > 50_000
    head = [msg("system", "You are a planner."), msg("user", "Plan my week.")]
    a = messages(*head, msg("user", big_a), msg("assistant", "Done."))
    b = messages(*head, msg("user", big_b), msg("assistant", "Done."))
    rows = diff_messages(a, b)
    changed = [r for r in rows if r.change is not Change.EQUAL]
    assert [(r.index_a, r.index_b, r.change) for r in changed] == [(2, 2, Change.CHANGED)]
    (row,) = [r for r in changed[0].text.rows() if r.tag is not RowTag.EQUAL]
    assert row.tag is RowTag.CHANGED and (row.a, row.b) == (400, 400)
    a_line, b_line = big_a.splitlines()[400], big_b.splitlines()[400]
    assert [a_line[s:e] for s, e in row.a_marks] == [old_word]
    assert [b_line[s:e] for s, e in row.b_marks] == ["submarine"]
    # The unified diff holds just that line and its context.
    body = changed[0].unified().splitlines()
    assert [line for line in body if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        "-" + a_line,
        "+" + b_line,
    ]


def test_tool_call_arguments_compare_as_json() -> None:
    a = messages(msg("assistant", tool_calls=[("c1", "search", '{"q": "hotels", "limit": 5}')]))
    b = messages(msg("assistant", tool_calls=[("c9", "search", '{"limit":5,\n "q":"hotels"}')]))
    assert summary(diff_messages(a, b)) == [(0, 0, "assistant", "equal")]
    raw = DiffOptions(normalize_json=False)
    assert summary(diff_messages(a, b, options=raw)) == [(0, 0, "assistant", "changed")]
    # Name and argument values still count.
    c = messages(msg("assistant", tool_calls=[("c1", "search", '{"q": "flights", "limit": 5}')]))
    d = messages(msg("assistant", tool_calls=[("c1", "lookup", '{"q": "hotels", "limit": 5}')]))
    assert summary(diff_messages(a, c)) == [(0, 0, "assistant", "changed")]
    assert summary(diff_messages(a, d)) == [(0, 0, "assistant", "changed")]


def test_json_message_content_is_normalised() -> None:
    a = messages(msg("tool", orjson.dumps({"b": 1, "a": [1, 2]}).decode(), tool_call_id="x"))
    b = messages(msg("tool", '{\n  "a": [1, 2],\n  "b": 1\n}', tool_call_id="y"))
    assert summary(diff_messages(a, b)) == [(0, 0, "tool", "equal")]


def test_whitespace_option() -> None:
    a = messages(msg("system", "Rules:\n  - be kind\n  - be brief"), msg("user", "hi"))
    b = messages(msg("system", "Rules:\n\t- be  kind \n\t- be brief"), msg("user", "hi"))
    assert summary(diff_messages(a, b)) == [
        (0, 0, "system", "changed"),
        (1, 1, "user", "equal"),
    ]
    ignoring = DiffOptions(ignore_whitespace=True)
    assert summary(diff_messages(a, b, options=ignoring)) == [
        (0, 0, "system", "equal"),
        (1, 1, "user", "equal"),
    ]


def test_message_text_renders_parts() -> None:
    message = Message(
        "assistant",
        [
            Part("reasoning", text="think"),
            Part("text", text="Calling."),
            Part("tool_call", name="search", arguments='{"b":2,"a":1}', id="call_7"),
        ],
        finish_reason="tool_calls",
    )
    assert message_text(message).splitlines() == [
        "[reasoning]",
        "think",
        "Calling.",
        "[tool call] search",
        "{",
        '  "a": 1,',
        '  "b": 2',
        "}",
        "[finish reason] tool_calls",
    ]


def test_json_record_contract() -> None:
    a = messages(msg("user", "one"))
    b = messages(msg("user", "two"))
    (row,) = diff_messages(a, b, side="response")
    assert row.to_dict() == {
        "side": "response",
        "index_a": 0,
        "index_b": 0,
        "role": "user",
        "change": "changed",
        "diff": "--- response[0] user\n+++ response[0] user\n@@ -1 +1 @@\n-one\n+two\n",
    }


def test_added_empty_message_still_shows() -> None:
    a = messages(msg("user", "hi"))
    b = messages(msg("user", "hi"), msg("assistant", ""))
    rows = diff_messages(a, b)
    assert summary(rows) == [(0, 0, "user", "equal"), (None, 1, "assistant", "added")]
    assert rows[1].unified() == "--- /dev/null\n+++ prompt[1] assistant\n@@ -0,0 +1 @@\n+\n"
