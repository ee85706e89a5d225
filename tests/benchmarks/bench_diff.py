"""How long a span-vs-span diff takes on big prompts (target: two 200 KB prompts in <= 100 ms).

Each prompt is a realistic agent turn: a long system prompt, a tool result holding JSON, a
retrieved document and a few chat turns. B is A one turn later, edited the way prompts change:
a word changed in the system prompt, an inserted message, scattered line edits in the document,
the JSON's keys reordered, an answer appended. The timing covers the whole ``diff_spans`` call,
decoding the spans' attributes included.

    python -m tests.benchmarks.bench_diff            # 200 KB and 5 MB, median of 5 runs
    python -m tests.benchmarks.bench_diff --runs 9
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

import orjson

from inspector.diff import diff_spans
from inspector.model import Span, SpanKind
from tests.benchmarks.gen_otlp import WORDS as TRAVEL_WORDS

# The generator's travel words, with some of an instruction prompt's around them (same list,
# same order as before they were shared: the benchmark's texts do not change).
WORDS = [
    "the",
    "agent",
    "must",
    *TRAVEL_WORDS,
    "always",
    "never",
    "answer",
    "user",
    "tool",
    "call",
    "result",
    "json",
    "schema",
    "format",
    "step",
    "reason",
    "carefully",
]


def _line(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _paragraphs(rng: random.Random, size: int) -> list[str]:
    lines: list[str] = []
    total = 0
    while total < size:
        line = _line(rng, rng.randint(4, 18))
        lines.append(line)
        total += len(line) + 1
    return lines


def make_prompts(size: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two message lists of about ``size`` bytes each, B being A edited."""
    rng = random.Random(seed)
    system = _paragraphs(rng, size // 10)
    records = [
        {"id": i, "name": _line(rng, 3), "price": rng.randint(10, 999), "tags": _line(rng, 4)}
        for i in range(size // 4 // 90)
    ]
    turns = [_line(rng, 30) for _ in range(8)]
    fixed = len("\n".join(system)) + len(orjson.dumps(records)) + sum(map(len, turns[:4]))
    document = _paragraphs(rng, size - fixed - 200)  # the document fills A up to ``size``

    def build(
        sys_lines: list[str], rows: list[dict[str, Any]], doc: list[str], extra: bool
    ) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": "\n".join(sys_lines)},
            {"role": "user", "content": turns[0]},
            {
                "role": "assistant",
                "tool_calls": [("call_1", "search", orjson.dumps({"q": turns[1], "k": 5}))],
            },
            {"role": "tool", "content": orjson.dumps(rows).decode(), "tool_call_id": "call_1"},
        ]
        if extra:
            messages.append({"role": "user", "content": "Please also check the weather."})
        messages += [
            {"role": "user", "content": "Relevant document:\n" + "\n".join(doc)},
            {"role": "assistant", "content": turns[2]},
            {"role": "user", "content": turns[3]},
        ]
        return messages

    a = build(system, records, document, extra=False)
    sys_b = list(system)
    sys_b[len(sys_b) // 3] = sys_b[len(sys_b) // 3].replace(" ", " very ", 1)
    doc_b = list(document)
    for k in range(1, 21):  # twenty scattered edits in the document
        at = k * len(doc_b) // 21
        doc_b[at] = doc_b[at] + " " + rng.choice(WORDS)
    doc_b.insert(len(doc_b) // 2, _line(rng, 12))
    rows_b = [dict(reversed(list(r.items()))) for r in records]  # same JSON, other key order
    b = build(sys_b, rows_b, doc_b, extra=True)
    b.append({"role": "assistant", "content": turns[4]})
    b.append({"role": "user", "content": turns[5]})
    return a, b


def _attributes(messages: list[dict[str, Any]]) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "openinference.span.kind": "LLM",
        "llm.model_name": "gpt-4o",
        "llm.invocation_parameters": '{"temperature": 0.2, "max_tokens": 800}',
        "llm.token_count.prompt": 50_000,
        "llm.token_count.completion": 300,
    }
    for i, m in enumerate(messages):
        base = f"llm.input_messages.{i}.message."
        attrs[base + "role"] = m["role"]
        if "content" in m:
            attrs[base + "content"] = m["content"]
        if "tool_call_id" in m:
            attrs[base + "tool_call_id"] = m["tool_call_id"]
        for k, (call_id, name, args) in enumerate(m.get("tool_calls", ())):
            call = f"{base}tool_calls.{k}.tool_call."
            attrs[call + "id"] = call_id
            attrs[call + "function.name"] = name
            attrs[call + "function.arguments"] = args.decode()
    attrs["llm.output_messages.0.message.role"] = "assistant"
    attrs["llm.output_messages.0.message.content"] = "The cheapest option is the train."
    return attrs


def make_spans(size: int) -> tuple[Span, Span]:
    """Two LLM spans whose prompts are :func:`make_prompts` of ``size``."""
    a, b = make_prompts(size)
    spans = []
    for n, messages in enumerate((a, b)):
        spans.append(
            Span(
                trace_id="0" * 32,
                span_id=f"{n + 1:016x}",
                parent_id=None,
                name="ChatCompletion",
                start_ns=0,
                end_ns=(900 + 100 * n) * 1_000_000,
                kind=SpanKind.LLM,
                attributes=_attributes(messages),
            )
        )
    return spans[0], spans[1]


def prompt_bytes(span: Span) -> int:
    return sum(
        len(str(v).encode())
        for k, v in span.attributes.items()
        if k.startswith("llm.input_messages.")
    )


def median_ms(size: int, runs: int) -> tuple[float, int, int]:
    a, b = make_spans(size)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        diff = diff_spans(a, b)
        times.append((time.perf_counter() - started) * 1000)
    changed = sum(m.change.value != "equal" for m in diff.messages)
    return statistics.median(times), prompt_bytes(a), changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for label, size in (("200 KB", 200_000), ("5 MB", 5_000_000)):
        median, size_a, changed = median_ms(size, args.runs)
        print(
            f"{label:>7} prompts ({size_a / 1e3:,.0f} KB each): median {median:.1f} ms "
            f"of {args.runs} runs; {changed} message rows not equal"
        )


if __name__ == "__main__":
    main()
