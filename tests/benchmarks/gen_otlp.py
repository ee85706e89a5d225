"""Generate an OTLP JSON-lines file of N spans with realistic agent payloads (~1 KB per span).

Each line is one export batch in the collector file-exporter shape; runs are agent → step →
LLM call → tool call trees of about 20 spans with OpenInference attributes.

    python -m tests.benchmarks.gen_otlp OUT.jsonl --spans 1000000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import orjson

WORDS = [
    "plan",
    "search",
    "flight",
    "hotel",
    "budget",
    "traveller",
    "itinerary",
    "weather",
    "museum",
    "train",
    "ticket",
    "price",
    "compare",
    "booking",
    "confirm",
    "city",
    "river",
    "window",
    "seat",
    "breakfast",
    "late",
    "checkout",
    "refund",
    "policy",
]


def _s(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": value}}


def _i(key: str, value: int) -> dict[str, Any]:
    return {"key": key, "value": {"intValue": str(value)}}


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def run_spans(rng: random.Random, trace_no: int, t0: int, size: int) -> list[dict[str, Any]]:
    trace_id = f"{trace_no:032x}"
    spans: list[dict[str, Any]] = []
    counter = iter(range(1, 1 << 30))

    def span(
        name: str,
        parent: str | None,
        kind: str,
        start: int,
        dur: int,
        attrs: list[dict[str, Any]],
        error: bool = False,
    ) -> str:
        sid = f"{trace_no & 0xFFFFFFFF:08x}{next(counter):08x}"
        body: dict[str, Any] = {
            "traceId": trace_id,
            "spanId": sid,
            "name": name,
            "kind": 1 if kind != "LLM" else 3,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + dur),
            "attributes": [_s("openinference.span.kind", kind), *attrs],
            "status": {"code": 2, "message": "rate limited"} if error else {},
        }
        if parent:
            body["parentSpanId"] = parent
        spans.append(body)
        return sid

    root = span(
        "agent.run",
        None,
        "AGENT",
        t0,
        5_000_000_000,
        [_s("input.value", _text(rng, 30)), _s("session.id", f"s{trace_no % 97}")],
    )
    t = t0
    while len(spans) < size:
        step = span("step", root, "CHAIN", t, 900_000_000, [_s("input.value", _text(rng, 20))])
        prompt, completion = rng.randint(200, 4000), rng.randint(10, 600)
        span(
            "ChatCompletion",
            step,
            "LLM",
            t + 1_000_000,
            700_000_000,
            [
                _s("llm.model_name", rng.choice(("gpt-4o-mini", "claude-sonnet-4-5"))),
                _s("llm.input_messages.0.message.role", "system"),
                _s("llm.input_messages.0.message.content", _text(rng, 25)),
                _s("llm.input_messages.1.message.role", "user"),
                _s("llm.input_messages.1.message.content", _text(rng, 40)),
                _s("llm.output_messages.0.message.role", "assistant"),
                _s("llm.output_messages.0.message.content", _text(rng, 30)),
                _i("llm.token_count.prompt", prompt),
                _i("llm.token_count.completion", completion),
                _i("llm.token_count.total", prompt + completion),
            ],
            error=rng.random() < 0.01,
        )
        span(
            "search_flights",
            step,
            "TOOL",
            t + 710_000_000,
            150_000_000,
            [
                _s("tool.name", "search_flights"),
                _s("input.value", '{"from": "PAR", "to": "' + rng.choice(WORDS) + '"}'),
                _s("output.value", _text(rng, 40)),
            ],
        )
        t += 1_000_000_000
    return spans


def generate(
    out: Path, n_spans: int, *, per_run: int = 20, per_line: int = 10, seed: int = 7
) -> int:
    rng = random.Random(seed)
    written = 0
    t0 = 1_764_000_000_000_000_000
    with out.open("wb") as handle:
        trace_no = 1
        while written < n_spans:
            spans = run_spans(
                rng, trace_no, t0 + trace_no * 7_000_000_000, min(per_run, n_spans - written)
            )
            spans = spans[: n_spans - written]
            for i in range(0, len(spans), per_line):
                line = {
                    "resourceSpans": [
                        {
                            "resource": {"attributes": [_s("service.name", "bench-agent")]},
                            "scopeSpans": [
                                {
                                    "scope": {"name": "bench", "version": "1"},
                                    "spans": spans[i : i + per_line],
                                }
                            ],
                        }
                    ]
                }
                handle.write(orjson.dumps(line) + b"\n")
            written += len(spans)
            trace_no += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--spans", type=int, default=100_000)
    args = parser.parse_args()
    n = generate(args.out, args.spans)
    print(f"{n} spans, {args.out.stat().st_size / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()
