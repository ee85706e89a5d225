#!/usr/bin/env python3
"""Regenerate ``resources/demo/demo.jsonl``, the bundled demo trace, with the OpenTelemetry SDK.

Usage::

    python resources/demo/make_demo.py            # rewrites resources/demo/demo.jsonl
    python resources/demo/make_demo.py OUT.jsonl  # writes somewhere else

The file shows what the inspector is for: eight runs of one "travel-agent" over about two hours,
recorded with OpenInference attributes (AGENT -> GUARDRAIL, CHAIN steps -> LLM / TOOL / RETRIEVER),
two system-prompt versions to diff (runs 1-4 use v1, runs 5-8 v2), two models, three sessions,
one failed LLM call whose error marks its step and run, one slow run (~95 s) and one prompt full
of HTML and terminal escapes that a viewer must show as plain text.

Spans go through ``OtlpJsonLinesExporter`` one by one as they end (children before parents), so
the file looks like one written by a live agent. The output is byte-for-byte reproducible: ids
come from a seeded generator, every start, end and event time is given explicitly, and
everything the SDK would otherwise read from the environment (resource, sampler, span limits)
is fixed here.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from openinference.semconv.resource import ResourceAttributes
from openinference.semconv.trace import (
    DocumentAttributes,
    MessageAttributes,
    OpenInferenceLLMProviderValues,
    OpenInferenceLLMSystemValues,
    OpenInferenceMimeTypeValues,
    OpenInferenceSpanKindValues,
    SpanAttributes,
    ToolCallAttributes,
)
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from inspector.otel.jsonl import OtlpJsonLinesExporter

DEFAULT_OUTPUT = Path(__file__).with_name("demo.jsonl")
SEED = 20261120
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MS = 1_000_000  # nanoseconds

JSON = OpenInferenceMimeTypeValues.JSON.value
TEXT = OpenInferenceMimeTypeValues.TEXT.value
KIND = SpanAttributes.OPENINFERENCE_SPAN_KIND

# The prompt being iterated on. v2 was written after run 3 hit the token limit: it raises
# max_tokens and adds rules, so diffing the two versions is the demo's main story.
PROMPTS: dict[str, str] = {
    "v1": "You are a travel assistant. Answer briefly.",
    "v2": (
        "You are a travel assistant. Answer briefly. Quote prices in the traveller's currency "
        "and name the options you compared. If a search fails, say so and suggest an "
        "alternative. Never book without explicit confirmation. Today is {today}."
    ),
}
PROMPT_VARIABLES: dict[str, dict[str, str]] = {"v1": {}, "v2": {"today": "2026-11-20"}}
GPT = "gpt-4o-mini"
CLAUDE = "claude-sonnet-4-5"
MARKUP = "<b>bold?</b> <img src=x onerror=alert(1)> \x1b[31mred\x1b[0m"

TOOLS: dict[str, tuple[str, dict[str, Any]]] = {
    "search_flights": (
        "Search scheduled flights for one leg.",
        {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "description": "IATA code"},
                "destination": {"type": "string", "description": "IATA code"},
                "date": {"type": "string"},
                "cabin": {"type": "string", "enum": ["economy", "premium", "business"]},
                "passengers": {"type": "integer"},
            },
            "required": ["origin", "destination", "date"],
        },
    ),
    "search_hotels": (
        "Search hotels with free rooms for the whole stay.",
        {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "check_in": {"type": "string"},
                "check_out": {"type": "string"},
                "near": {"type": "string"},
                "max_price_per_night": {"type": "number"},
                "guests": {"type": "integer"},
            },
            "required": ["city", "check_in", "check_out"],
        },
    ),
    "search_trains": (
        "Search rail connections for one day.",
        {
            "type": "object",
            "properties": {
                "origin": {"type": "string"},
                "destination": {"type": "string"},
                "date": {"type": "string"},
                "depart_after": {"type": "string"},
            },
            "required": ["origin", "destination", "date"],
        },
    ),
    "get_weather": (
        "Daily forecast or climate normals for a city and date range.",
        {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "start": {"type": "string"},
                "end": {"type": "string"},
            },
            "required": ["city", "start", "end"],
        },
    ),
    "convert_currency": (
        "Convert an amount at today's mid-market rate.",
        {
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "from": {"type": "string"},
                "to": {"type": "string"},
            },
            "required": ["amount", "from", "to"],
        },
    ),
    "get_entry_requirements": (
        "Visa and entry rules for a passport and destination.",
        {
            "type": "object",
            "properties": {"passport": {"type": "string"}, "destination": {"type": "string"}},
            "required": ["passport", "destination"],
        },
    ),
    "search_activities": (
        "Tours, events and activities in a city on given dates.",
        {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "start": {"type": "string"},
                "end": {"type": "string"},
                "audience": {"type": "string"},
            },
            "required": ["city", "start", "end"],
        },
    ),
    "get_directions": (
        "Door-to-door directions between two places.",
        {
            "type": "object",
            "properties": {
                "origin": {"type": "string"},
                "destination": {"type": "string"},
                "mode": {"type": "string", "enum": ["walk", "transit", "drive"]},
            },
            "required": ["origin", "destination"],
        },
    ),
    "get_reviews": (
        "Recent guest reviews for a hotel.",
        {
            "type": "object",
            "properties": {"hotel_id": {"type": "string"}, "limit": {"type": "integer"}},
            "required": ["hotel_id"],
        },
    ),
}

# The retriever's knowledge base: company travel policy and short destination notes.
NOTES: dict[str, tuple[str, dict[str, str]]] = {
    "policy-budget": (
        "Flights and hotel together should stay within the budget the traveller states; "
        "show the total.",
        {"source": "travel-policy.md", "section": "Budget"},
    ),
    "policy-cabin": (
        "Economy for flights under 6 hours. Premium economy or business above 9 hours if the "
        "fare is within 4000 GBP.",
        {"source": "travel-policy.md", "section": "Cabin class"},
    ),
    "policy-rail": (
        "Prefer rail over flying when the train takes under 5 hours door to door.",
        {"source": "travel-policy.md", "section": "Rail first"},
    ),
    "guide-lisbon": (
        "Lisbon: Alfama and Baixa are walkable; tram 28 is crowded; December is mild with "
        "occasional rain.",
        {"source": "guides/lisbon.md", "updated": "2026-09-02"},
    ),
    "guide-tokyo": (
        "Tokyo: Haneda is closer to the centre than Narita; UK citizens need no visa for "
        "stays up to 90 days.",
        {"source": "guides/tokyo.md", "updated": "2026-06-14"},
    ),
    "guide-vienna": (
        "Vienna: Christmas markets run until 26 December; the Railjet from Munich takes 4 h.",
        {"source": "guides/vienna.md", "updated": "2026-10-30"},
    ),
    "guide-iceland": (
        "Reykjavik in January: about 4 hours of daylight, tours may be cancelled at short "
        "notice for weather.",
        {"source": "guides/iceland.md", "updated": "2026-08-11"},
    ),
    "guide-schengen": (
        "Within Schengen no passport control; carry an ID card or passport anyway.",
        {"source": "guides/schengen.md", "updated": "2026-01-20"},
    ),
}

STACKTRACE = """\
Traceback (most recent call last):
  File "/app/travel_agent/steps.py", line 142, in answer
    completion = client.chat.completions.parse(
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/resources/chat/completions/completions.py", \
line 184, in parse
    return self._post(
           ^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1276, in post
    return cast(ResponseT, self.request(cast_to, opts, stream=stream, stream_cls=stream_cls))
                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1069, in request
    return self._process_response(
           ^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1158, in \
_process_response
    return api_response.parse()
           ^^^^^^^^^^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/_response.py", line 324, in parse
    parsed = self._options.post_parser(parsed)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/.venv/lib/python3.12/site-packages/openai/lib/_parsing/_completions.py", line 76, \
in parse_chat_completion
    raise LengthFinishReasonError(completion=chat_completion)
openai.LengthFinishReasonError: Could not parse response content as the length limit was \
reached - {usage}
"""


@dataclass(frozen=True)
class Call:
    """One tool call the model asks for, with the result the tool returns."""

    tool: str
    args: dict[str, Any]
    result: dict[str, Any] | str  # JSON-returning tools give a dict, search tools plain text
    ms: int | None = None  # tool latency; None draws a typical one
    retry_after_ms: int | None = None  # the tool retried once, this far into the call


@dataclass(frozen=True)
class Run:
    """One agent run (one trace)."""

    minute: float  # start, in minutes after START
    session: str
    user: str
    prompt: str  # "v1" or "v2"
    question: str
    notes: tuple[str, ...]
    steps: tuple[tuple[str, tuple[Call, ...]], ...]  # (step name, tool calls)
    answer: str
    answer_model: str = GPT
    fails: bool = False  # the answer call hits max_tokens and the run ends in ERROR


def _listing(*lines: str) -> str:
    """Search results as the travel tools return them: one plain-text line per offer."""
    return "\n".join(lines)


def _flight(code: str, depart: str, arrive: str, price: str, stops: int = 0) -> str:
    legs = "direct" if stops == 0 else f"{stops} stop"
    return f"{code}  {depart}-{arrive}  {legs}  {price}"


def _hotel(hotel_id: str, name: str, area: str, per_night: str, rating: float) -> str:
    return f"{hotel_id}  {name} ({area})  {per_night}/night  rated {rating}"


def _train(depart: str, arrive: str, changes: int, price: str) -> str:
    legs = "direct" if changes == 0 else f"{changes} change(s)"
    return f"{depart}-{arrive}  {legs}  {price}"


RUNS: tuple[Run, ...] = (
    Run(
        minute=0,
        session="sess-maria-a41c",
        user="maria.k",
        prompt="v1",
        question="Plan Berlin to Lisbon, 12-16 December. Budget 600 EUR for flights and hotel.",
        notes=("policy-budget", "guide-lisbon", "policy-cabin"),
        steps=(
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {"origin": "BER", "destination": "LIS", "date": "2026-12-12"},
                        _listing(
                            _flight("TP 541", "07:05", "09:40", "142 EUR"),
                            _flight("FR 1462", "06:10", "08:50", "96 EUR"),
                            _flight("LH 1166", "09:50", "14:15", "231 EUR", 1),
                        ),
                    ),
                    Call(
                        "search_flights",
                        {"origin": "LIS", "destination": "BER", "date": "2026-12-16"},
                        _listing(
                            _flight("TP 542", "10:25", "14:55", "128 EUR"),
                            _flight("FR 1463", "09:20", "13:50", "88 EUR"),
                        ),
                    ),
                ),
            ),
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {
                            "city": "Lisbon",
                            "check_in": "2026-12-12",
                            "check_out": "2026-12-16",
                            "max_price_per_night": 90,
                        },
                        _listing(
                            _hotel("h-lis-204", "Casa do Largo", "Alfama", "74 EUR", 8.9),
                            _hotel("h-lis-117", "Baixa Rooms", "Baixa", "81 EUR", 8.4),
                        ),
                    ),
                ),
            ),
            (
                "check weather",
                (
                    Call(
                        "get_weather",
                        {"city": "Lisbon", "start": "2026-12-12", "end": "2026-12-16"},
                        {"high_c": 16, "low_c": 10, "rain_days": ["2026-12-14"]},
                    ),
                ),
            ),
        ),
        answer=(
            "Fly FR 1462 out (12 Dec 06:10, 96 EUR) and FR 1463 back (16 Dec 09:20, 88 EUR). "
            "Stay at Casa do Largo in Alfama, 4 nights x 74 EUR = 296 EUR. Total 480 EUR. "
            "Mild, 16 C, rain likely on the 14th."
        ),
    ),
    Run(
        minute=16.5,
        session="sess-maria-a41c",
        user="maria.k",
        prompt="v1",
        question="Same trip: is there a better-rated hotel in Alfama under 85 EUR a night?",
        notes=("guide-lisbon", "policy-budget", "guide-schengen"),
        steps=(
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {
                            "city": "Lisbon",
                            "check_in": "2026-12-12",
                            "check_out": "2026-12-16",
                            "near": "Alfama",
                            "max_price_per_night": 85,
                        },
                        _listing(
                            _hotel("h-lis-204", "Casa do Largo", "Alfama", "74 EUR", 8.9),
                            _hotel("h-lis-311", "Memmo Patio", "Alfama", "84 EUR", 9.3),
                            _hotel("h-lis-090", "Sao Miguel 5", "Alfama", "69 EUR", 8.1),
                        ),
                    ),
                ),
            ),
            (
                "check reviews",
                (
                    Call(
                        "get_reviews",
                        {"hotel_id": "h-lis-311", "limit": 3},
                        {
                            "reviews": [
                                "Quiet rooms, great terrace.",
                                "Steep walk up from the tram.",
                                "Staff helped with a late check-in.",
                            ]
                        },
                    ),
                    Call(
                        "get_reviews",
                        {"hotel_id": "h-lis-204", "limit": 3},
                        {"reviews": ["Lovely host.", "Thin walls.", "Good breakfast."]},
                    ),
                ),
            ),
            (
                "check directions",
                (
                    Call(
                        "get_directions",
                        {
                            "origin": "Memmo Patio, Lisbon",
                            "destination": "Tram 28, Largo das Portas do Sol",
                            "mode": "walk",
                        },
                        {"minutes": 6, "distance_m": 450, "note": "steep cobbled streets"},
                    ),
                ),
            ),
        ),
        answer=(
            "Yes: Memmo Patio (Alfama, 9.3/10) at 84 EUR a night, 336 EUR for 4 nights. "
            "With the 184 EUR flights the total is 520 EUR, still under 600 EUR. "
            "Tram 28 is a 6-minute walk, but uphill on cobbles."
        ),
    ),
    Run(
        minute=31,
        session="sess-tom-77e0",
        user="tom.r",
        prompt="v1",
        question=(
            "London to Tokyo for a conference, out 3 February, back 10 February. Business "
            "class if under 4000 GBP, otherwise premium economy. Hotel near Shinagawa."
        ),
        notes=("policy-cabin", "guide-tokyo", "policy-budget"),
        steps=(
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {
                            "origin": "LHR",
                            "destination": "HND",
                            "date": "2027-02-03",
                            "cabin": "business",
                        },
                        _listing(
                            _flight("JL 44", "11:35", "08:40+1", "4380 GBP"),
                            _flight("NH 212", "19:05", "16:20+1", "4125 GBP"),
                        ),
                    ),
                    Call(
                        "search_flights",
                        {
                            "origin": "LHR",
                            "destination": "HND",
                            "date": "2027-02-03",
                            "cabin": "premium",
                        },
                        _listing(
                            _flight("JL 44", "11:35", "08:40+1", "1890 GBP"),
                            _flight("BA 7", "13:30", "10:55+1", "1745 GBP"),
                        ),
                    ),
                ),
            ),
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {
                            "city": "Tokyo",
                            "check_in": "2027-02-04",
                            "check_out": "2027-02-10",
                            "near": "Shinagawa",
                        },
                        _listing(
                            _hotel("h-tyo-021", "Shinagawa Prince", "Shinagawa", "24800 JPY", 8.2),
                            _hotel("h-tyo-088", "Keikyu EX Inn", "Shinagawa", "13900 JPY", 8.0),
                        ),
                    ),
                    Call(
                        "convert_currency",
                        {"amount": 148800, "from": "JPY", "to": "GBP"},
                        {"amount": 781.2, "rate": 0.00525},
                    ),
                ),
            ),
            (
                "check entry",
                (
                    Call(
                        "get_entry_requirements",
                        {"passport": "GB", "destination": "JP"},
                        {"visa_required": False, "max_stay_days": 90, "notes": "Visit Japan Web"},
                    ),
                ),
            ),
        ),
        answer="",  # the call runs out of tokens
        fails=True,
    ),
    Run(
        minute=47,
        session="sess-tom-77e0",
        user="tom.r",
        prompt="v1",
        question="Cheapest way from Paris to Barcelona next Friday, back Sunday? Train or plane.",
        notes=("policy-rail", "guide-schengen", "policy-budget"),
        steps=(
            (
                "search trains",
                (
                    Call(
                        "search_trains",
                        {"origin": "Paris", "destination": "Barcelona", "date": "2026-11-27"},
                        _listing(_train("07:13", "13:44", 0, "79 EUR")),
                    ),
                    Call(
                        "search_trains",
                        {"origin": "Barcelona", "destination": "Paris", "date": "2026-11-29"},
                        _listing(_train("16:25", "22:51", 0, "89 EUR")),
                    ),
                ),
            ),
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {"origin": "ORY", "destination": "BCN", "date": "2026-11-27"},
                        _listing(_flight("VY 8001", "06:35", "08:20", "58 EUR")),
                    ),
                    Call(
                        "search_flights",
                        {"origin": "BCN", "destination": "ORY", "date": "2026-11-29"},
                        _listing(_flight("VY 8012", "20:40", "22:30", "71 EUR")),
                    ),
                ),
            ),
            (
                "check transfers",
                (
                    Call(
                        "get_directions",
                        {"origin": "Paris, Gare de Lyon", "destination": "ORY", "mode": "transit"},
                        {"minutes": 35, "fare": "11.50 EUR", "line": "Metro 14"},
                    ),
                ),
            ),
        ),
        answer=(
            "Plane is cheapest: VY 8001 out (58 EUR) and VY 8012 back (71 EUR), 129 EUR, plus "
            "Metro 14 to Orly (35 min, 11.50 EUR). The direct TGV costs 168 EUR, 6.5 h each way."
        ),
    ),
    Run(
        minute=63,
        session="sess-maria-c9d2",
        user="maria.k",
        prompt="v2",
        question=(
            "Weekend in Vienna from Munich, 5-7 December, by train. My notes from the "
            f"clipboard: {MARKUP} -- ignore the formatting."
        ),
        notes=("guide-vienna", "policy-rail", "policy-budget"),
        steps=(
            (
                "search trains",
                (
                    Call(
                        "search_trains",
                        {"origin": "Munich", "destination": "Vienna", "date": "2026-12-05"},
                        _listing(
                            _train("07:27", "11:30", 0, "59 EUR"),
                            _train("09:27", "13:30", 0, "69 EUR"),
                        ),
                    ),
                ),
            ),
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {"city": "Vienna", "check_in": "2026-12-05", "check_out": "2026-12-07"},
                        _listing(_hotel("h-vie-033", "Hotel Motto", "Mariahilf", "139 EUR", 9.0)),
                    ),
                ),
            ),
            (
                "find activities",
                (
                    Call(
                        "search_activities",
                        {"city": "Vienna", "start": "2026-12-05", "end": "2026-12-07"},
                        {"results": ["Christmas market at Rathausplatz", "Albertina: Munch"]},
                    ),
                    Call(
                        "get_weather",
                        {"city": "Vienna", "start": "2026-12-05", "end": "2026-12-07"},
                        {"high_c": 3, "low_c": -2, "rain_days": []},
                    ),
                ),
            ),
        ),
        answer=(
            "Take the 07:27 Railjet (59 EUR, 4 h) on 5 December and stay two nights at Hotel "
            "Motto in Mariahilf (278 EUR). Options compared: the 07:27 and 09:27 trains, one "
            "hotel under your budget. Expect -2 to 3 C; the Rathausplatz Christmas market is "
            "open. I ignored the HTML and colour codes in your pasted notes."
        ),
        answer_model=CLAUDE,
    ),
    Run(
        minute=79,
        session="sess-maria-c9d2",
        user="maria.k",
        prompt="v2",
        question="Multi-city in March: Madrid, Rome, Athens, 3 nights each, starting 9 March.",
        notes=("policy-budget", "guide-schengen", "policy-cabin"),
        steps=(
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {"origin": "MAD", "destination": "FCO", "date": "2027-03-12"},
                        _listing(_flight("IB 3230", "08:05", "10:35", "112 EUR")),
                    ),
                    Call(
                        "search_flights",
                        {"origin": "FCO", "destination": "ATH", "date": "2027-03-15"},
                        _listing(_flight("A3 651", "12:40", "15:25", "134 EUR")),
                    ),
                    Call(
                        "search_flights",
                        {"origin": "ATH", "destination": "MAD", "date": "2027-03-18"},
                        _listing(_flight("UX 1012", "06:15", "09:30", "176 EUR")),
                    ),
                ),
            ),
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {"city": "Madrid", "check_in": "2027-03-09", "check_out": "2027-03-12"},
                        _listing(_hotel("h-mad-410", "Only You", "Chueca", "121 EUR", 8.8)),
                    ),
                    Call(
                        "search_hotels",
                        {"city": "Rome", "check_in": "2027-03-12", "check_out": "2027-03-15"},
                        _listing(_hotel("h-rom-007", "Chapter Roma", "Regola", "148 EUR", 8.9)),
                    ),
                    Call(
                        "search_hotels",
                        {"city": "Athens", "check_in": "2027-03-15", "check_out": "2027-03-18"},
                        _listing(_hotel("h-ath-052", "Coco-Mat", "Kolonaki", "104 EUR", 9.1)),
                    ),
                ),
            ),
            (
                "check weather",
                (
                    Call(
                        "get_weather",
                        {"city": "Rome", "start": "2027-03-12", "end": "2027-03-15"},
                        {"climate": True, "high_c": 16, "low_c": 6},
                    ),
                    Call(
                        "get_weather",
                        {"city": "Athens", "start": "2027-03-15", "end": "2027-03-18"},
                        {"climate": True, "high_c": 17, "low_c": 9},
                    ),
                ),
            ),
        ),
        answer=(
            "Route: Madrid 9-12 Mar (Only You, 363 EUR), IB 3230 to Rome (112 EUR), Rome "
            "12-15 Mar (Chapter Roma, 444 EUR), A3 651 to Athens (134 EUR), Athens 15-18 Mar "
            "(Coco-Mat, 312 EUR), UX 1012 back to Madrid (176 EUR). Total 1541 EUR. Compared one "
            "fare per leg and one hotel per city; March is 6-17 C. Shall I look for cheaper "
            "hotels?"
        ),
        answer_model=CLAUDE,
    ),
    Run(
        minute=97,
        session="sess-maria-c9d2",
        user="maria.k",
        prompt="v2",
        question=(
            "Family trip Amsterdam to Reykjavik, 2-6 January, two adults and two kids. "
            "Family-friendly hotel and one day tour."
        ),
        notes=("guide-iceland", "policy-budget", "guide-schengen"),
        steps=(
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {
                            "origin": "AMS",
                            "destination": "KEF",
                            "date": "2027-01-02",
                            "passengers": 4,
                        },
                        _listing(_flight("FI 501", "14:00", "15:10", "1196 EUR")),
                    ),
                ),
            ),
            (
                "search hotels",
                (
                    Call(
                        "search_hotels",
                        {
                            "city": "Reykjavik",
                            "check_in": "2027-01-02",
                            "check_out": "2027-01-06",
                            "guests": 4,
                        },
                        _listing(
                            "warning: provider timed out once, results may be incomplete",
                            _hotel("h-rkv-019", "Reykjavik Lights", "Laugardalur", "212 EUR", 8.6),
                        ),
                        ms=88_400,  # the supplier API hung, the tool retried after 30 s
                        retry_after_ms=30_000,
                    ),
                ),
            ),
            (
                "find activities",
                (
                    Call(
                        "search_activities",
                        {
                            "city": "Reykjavik",
                            "start": "2027-01-03",
                            "end": "2027-01-05",
                            "audience": "family",
                        },
                        {"results": ["Golden Circle day tour (min age 6)", "Sky Lagoon"]},
                    ),
                    Call(
                        "get_weather",
                        {"city": "Reykjavik", "start": "2027-01-02", "end": "2027-01-06"},
                        {"climate": True, "high_c": 2, "low_c": -3, "daylight_h": 4.5},
                    ),
                ),
            ),
        ),
        answer=(
            "Flights: FI 501 on 2 January, 1196 EUR for four. Hotel: Reykjavik Lights "
            "(family rooms, 848 EUR for 4 nights); the hotel search timed out once, so there "
            "may be more options. Tour: Golden Circle (children from 6). Expect 4.5 h of "
            "daylight and -3 to 2 C."
        ),
        answer_model=CLAUDE,
    ),
    Run(
        minute=114,
        session="sess-maria-c9d2",
        user="maria.k",
        prompt="v2",
        question="Train or flight from Munich to Zurich on Friday 11 December, morning?",
        notes=("policy-rail", "guide-schengen", "policy-budget"),
        steps=(
            (
                "search trains",
                (
                    Call(
                        "search_trains",
                        {
                            "origin": "Munich",
                            "destination": "Zurich",
                            "date": "2026-12-11",
                            "depart_after": "06:00",
                        },
                        _listing(_train("07:33", "11:08", 0, "64 EUR")),
                    ),
                ),
            ),
            (
                "search flights",
                (
                    Call(
                        "search_flights",
                        {"origin": "MUC", "destination": "ZRH", "date": "2026-12-11"},
                        _listing(_flight("LX 1105", "07:20", "08:15", "189 CHF")),
                    ),
                    Call(
                        "convert_currency",
                        {"amount": 189, "from": "CHF", "to": "EUR"},
                        {"amount": 201.6, "rate": 1.0667},
                    ),
                ),
            ),
            (
                "check transfers",
                (
                    Call(
                        "get_directions",
                        {"origin": "ZRH", "destination": "Zurich HB", "mode": "transit"},
                        {"minutes": 12, "fare": "7.00 CHF", "line": "S24"},
                    ),
                    Call(
                        "get_directions",
                        {"origin": "Munich Hbf", "destination": "MUC", "mode": "transit"},
                        {"minutes": 40, "fare": "13.60 EUR", "line": "S8"},
                    ),
                ),
            ),
        ),
        answer=(
            "Take the 07:33 EuroCity: 64 EUR, 3 h 35 min, city centre to centre. The 07:20 "
            "LX 1105 flight is 202 EUR (189 CHF); with the S8 to the airport and the S24 into "
            "Zurich it is barely faster. Compared one train and one flight."
        ),
        answer_model=CLAUDE,
    ),
)


class SeededIdGenerator(IdGenerator):
    """Trace and span ids from a seeded RNG, so every regeneration gives the same ids."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def generate_span_id(self) -> int:
        """A non-zero 64-bit span id."""
        return self._random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        """A non-zero 128-bit trace id."""
        return self._random.getrandbits(128) or 1


def _json(value: Any) -> str:
    """Compact JSON text, as instrumentations store JSON-valued attributes."""
    return orjson.dumps(value).decode()


def _metadata(run: Run) -> str:
    """The ``metadata`` attribute: where the prompt version is recorded for filtering."""
    return _json({"prompt_version": run.prompt, "agent_version": "0.3.0", "environment": "dev"})


def _tokens(text: str) -> int:
    """A rough token count (about four characters a token), good enough for demo numbers."""
    return max(1, round(len(text) / 3.9))


TOOL_DEFINITION_TOKENS = sum(_tokens(_json(schema)) + 12 for _, schema in TOOLS.values())


def _message_attributes(prefix: str, index: int, message: dict[str, Any]) -> dict[str, Any]:
    """Flatten one chat message into OpenInference ``<prefix>.<index>.message.*`` attributes."""
    base = f"{prefix}.{index}."
    out: dict[str, Any] = {base + MessageAttributes.MESSAGE_ROLE: message["role"]}
    if message.get("content"):
        out[base + MessageAttributes.MESSAGE_CONTENT] = message["content"]
    if message["role"] == "tool":
        out[base + MessageAttributes.MESSAGE_NAME] = message["name"]
        out[base + MessageAttributes.MESSAGE_TOOL_CALL_ID] = message["tool_call_id"]
    for n, call in enumerate(message.get("tool_calls", ())):
        call_base = f"{base}{MessageAttributes.MESSAGE_TOOL_CALLS}.{n}."
        out[call_base + ToolCallAttributes.TOOL_CALL_ID] = call["id"]
        out[call_base + ToolCallAttributes.TOOL_CALL_FUNCTION_NAME] = call["function"]["name"]
        out[call_base + ToolCallAttributes.TOOL_CALL_FUNCTION_ARGUMENTS_JSON] = call["function"][
            "arguments"
        ]
    return out


def _anthropic_request(
    messages: list[dict[str, Any]], params: dict[str, Any], model: str
) -> dict[str, Any]:
    """The same conversation as an Anthropic Messages request (system apart, tool blocks)."""
    converted: list[dict[str, Any]] = []
    for message in messages[1:]:
        if message["role"] == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": message["tool_call_id"],
                "content": message["content"],
            }
            converted.append({"role": "user", "content": [block]})
        elif message.get("tool_calls"):
            blocks = [
                {
                    "type": "tool_use",
                    "id": c["id"],
                    "name": c["function"]["name"],
                    "input": orjson.loads(c["function"]["arguments"]),
                }
                for c in message["tool_calls"]
            ]
            converted.append({"role": "assistant", "content": blocks})
        else:
            converted.append({"role": message["role"], "content": message["content"]})
    return {"model": model, "system": messages[0]["content"], "messages": converted, **params}


class Recorder:
    """Replays scripted runs through the SDK on a simulated clock.

    Args:
        provider: Where the spans go.
    """

    def __init__(self, provider: TracerProvider) -> None:
        self.rng = random.Random(SEED)  # latencies and provider-style ids
        self.now = 0  # the simulated clock, ns since the epoch
        self.parents: list[Span] = []
        self.session_attributes: dict[str, Any] = {}  # the run's session and user
        self.error = ""  # the failing run's error message
        # One tracer per "library", as in a real process: the agent code creates its own
        # spans (AGENT, CHAIN, TOOL, ...) and the OpenInference instrumentors the LLM spans.
        self.agent_tracer = provider.get_tracer("travel_agent", "0.3.0")
        self.llm_tracers = {
            GPT: provider.get_tracer("openinference.instrumentation.openai"),
            CLAUDE: provider.get_tracer("openinference.instrumentation.anthropic"),
        }

    def advance(self, ms: float) -> None:
        """Move the simulated clock on, with sub-millisecond jitter so times look measured."""
        self.now += int(ms * MS) + self.rng.randrange(1_000, 900_000)

    def new_id(self, prefix: str, length: int) -> str:
        """A provider-style id (``call_…``, ``chatcmpl-…``) drawn from the seeded RNG."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    @contextmanager
    def span(
        self,
        name: str,
        kind: OpenInferenceSpanKindValues,
        attributes: dict[str, Any],
        *,
        otel_kind: SpanKind = SpanKind.INTERNAL,
        tracer: trace.Tracer | None = None,
        with_context: bool = False,
    ) -> Iterator[Span]:
        """Start a child of the current span now; end it when the block's simulated time is up.

        ``with_context`` adds the run's session and user. Only the AGENT root (set by the agent)
        and LLM spans (added by the instrumentors from their ``using_attributes`` context) get
        them, as in a hand-written agent; readers must let the other spans inherit them.
        """
        self.advance(self.rng.uniform(0.2, 3))
        # An explicit empty Context for roots keeps any ambient context out of the demo.
        context = trace.set_span_in_context(self.parents[-1]) if self.parents else Context()
        span = (tracer or self.agent_tracer).start_span(
            name,
            context=context,
            kind=otel_kind,
            attributes={
                KIND: kind.value,
                **attributes,
                **(self.session_attributes if with_context else {}),
            },
            start_time=self.now,
        )
        self.parents.append(span)
        yield span
        self.parents.pop()
        self.advance(self.rng.uniform(0.1, 2))
        span.end(end_time=self.now)

    def run(self, run: Run) -> None:
        """Record one agent run as one trace."""
        self.now = int(START.timestamp()) * 1_000_000_000 + int(run.minute * 60_000) * MS
        self.session_attributes = {
            SpanAttributes.SESSION_ID: run.session,
            SpanAttributes.USER_ID: run.user,
        }
        system = PROMPTS[run.prompt].format(**PROMPT_VARIABLES[run.prompt])
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": run.question},
        ]
        agent_attributes = {
            SpanAttributes.AGENT_NAME: "travel-agent",
            SpanAttributes.INPUT_VALUE: run.question,
            SpanAttributes.INPUT_MIME_TYPE: TEXT,
            SpanAttributes.METADATA: _metadata(run),
            SpanAttributes.TAG_TAGS: ["demo", f"prompt-{run.prompt}"],
        }
        with self.span(
            "travel-agent", OpenInferenceSpanKindValues.AGENT, agent_attributes, with_context=True
        ) as agent:
            self.guard(run)
            with self.span(
                "plan",
                OpenInferenceSpanKindValues.CHAIN,
                # No mime type on plain-text chain values: text/plain is the documented default
                # and many producers leave it out, so readers must cope.
                {SpanAttributes.INPUT_VALUE: run.question},
            ) as plan:
                self.retrieve(run)
                # Only the planner sees the retrieved notes; the working conversation that
                # later calls extend starts from the bare question.
                notes = "\n".join(f"- {NOTES[doc][0]}" for doc in run.notes)
                planner = [*messages, {"role": "user", "content": "Travel notes:\n" + notes}]
                reply = self.llm_call(planner, GPT, next_calls=run.steps[0][1], run=run)
                planned = [request["function"]["name"] for request in reply["tool_calls"]]
                plan.set_attribute(SpanAttributes.OUTPUT_VALUE, _json({"next": planned}))
                plan.set_attribute(SpanAttributes.OUTPUT_MIME_TYPE, JSON)
            messages.append(reply)
            pending = [request["id"] for request in reply["tool_calls"]]
            for number, (step, calls) in enumerate(run.steps):
                step_input = _json({"tools": [c.tool for c in calls]})
                with self.span(
                    step,
                    OpenInferenceSpanKindValues.CHAIN,
                    {SpanAttributes.INPUT_VALUE: step_input, SpanAttributes.INPUT_MIME_TYPE: JSON},
                ):
                    for call in calls:
                        messages.append(self.tool_call(call, pending.pop(0)))
                    if number == 0 and len(run.steps) > 1:
                        # The model reads the first results, then asks for all remaining tools
                        # at once (parallel tool calls) and the later steps work through them.
                        rest = [c for _, later in run.steps[1:] for c in later]
                        reply = self.llm_call(messages, GPT, next_calls=rest, run=run)
                        messages.append(reply)
                        pending = [request["id"] for request in reply["tool_calls"]]
            with self.span(
                "answer",
                OpenInferenceSpanKindValues.CHAIN,
                {
                    SpanAttributes.INPUT_VALUE: _json({"messages": len(messages)}),
                    SpanAttributes.INPUT_MIME_TYPE: JSON,
                },
            ) as answer:
                self.llm_call(messages, run.answer_model, next_calls=(), run=run)
                if run.fails:
                    # The exception escaped the step and ended the run, as an instrumented
                    # framework records it: event and ERROR on the step, ERROR on the agent.
                    self.fail(answer, escaped=True)
                else:
                    answer.set_attribute(SpanAttributes.OUTPUT_VALUE, run.answer)
            if run.fails:
                agent.set_status(Status(StatusCode.ERROR, "step 'answer' failed: " + self.error))
            else:
                agent.set_attribute(SpanAttributes.OUTPUT_VALUE, run.answer)
                agent.set_attribute(SpanAttributes.OUTPUT_MIME_TYPE, TEXT)

    def guard(self, run: Run) -> None:
        """One GUARDRAIL span: the input check; it warns about, but passes, pasted markup."""
        warnings = [
            name
            for name, marker in (("html_markup", "<"), ("ansi_escape", "\x1b"))
            if marker in run.question
        ]
        with self.span(
            "input guardrail",
            OpenInferenceSpanKindValues.GUARDRAIL,
            {SpanAttributes.INPUT_VALUE: run.question},
        ) as span:
            self.advance(self.rng.uniform(4, 15))
            span.set_attribute(
                SpanAttributes.OUTPUT_VALUE, _json({"passed": True, "warnings": warnings})
            )
            span.set_attribute(SpanAttributes.OUTPUT_MIME_TYPE, JSON)

    def retrieve(self, run: Run) -> None:
        """One RETRIEVER span: the travel notes found for the question."""
        attributes: dict[str, Any] = {SpanAttributes.INPUT_VALUE: run.question}
        score = self.rng.uniform(0.82, 0.9)
        for n, doc in enumerate(run.notes):
            base = f"{SpanAttributes.RETRIEVAL_DOCUMENTS}.{n}."
            content, meta = NOTES[doc]
            attributes[base + DocumentAttributes.DOCUMENT_ID] = doc
            attributes[base + DocumentAttributes.DOCUMENT_CONTENT] = content
            attributes[base + DocumentAttributes.DOCUMENT_SCORE] = round(score, 4)
            attributes[base + DocumentAttributes.DOCUMENT_METADATA] = _json(meta)
            score -= self.rng.uniform(0.03, 0.12)
        with self.span("retrieve travel notes", OpenInferenceSpanKindValues.RETRIEVER, attributes):
            self.advance(self.rng.uniform(90, 260))

    def tool_call(self, call: Call, call_id: str) -> dict[str, Any]:
        """One TOOL span; returns the tool-result message the agent sends back to the model."""
        description, schema = TOOLS[call.tool]
        attributes = {
            SpanAttributes.TOOL_NAME: call.tool,
            SpanAttributes.TOOL_DESCRIPTION: description,
            SpanAttributes.TOOL_PARAMETERS: _json(schema),
            SpanAttributes.TOOL_ID: call_id,
            SpanAttributes.INPUT_VALUE: _json(call.args),
            SpanAttributes.INPUT_MIME_TYPE: JSON,
        }
        text = isinstance(call.result, str)
        result = call.result if isinstance(call.result, str) else _json(call.result)
        with self.span(call.tool, OpenInferenceSpanKindValues.TOOL, attributes) as span:
            latency = call.ms if call.ms is not None else self.rng.uniform(180, 1900)
            if call.retry_after_ms is not None:
                self.advance(call.retry_after_ms)
                span.add_event(
                    "retry",
                    {"attempt": 2, "reason": "upstream timeout after 30 s"},
                    timestamp=self.now,
                )
                latency -= call.retry_after_ms
            self.advance(latency)
            span.set_attribute(SpanAttributes.OUTPUT_VALUE, result)
            span.set_attribute(SpanAttributes.OUTPUT_MIME_TYPE, TEXT if text else JSON)
        return {"role": "tool", "tool_call_id": call_id, "name": call.tool, "content": result}

    def llm_call(
        self,
        messages: list[dict[str, Any]],
        model: str,
        *,
        next_calls: Sequence[Call],
        run: Run,
    ) -> dict[str, Any]:
        """One LLM span over the conversation so far; returns the assistant message it produced.

        With ``next_calls`` the model asks for those tools; without, it writes the final answer
        (or, in a failing run, runs out of tokens).
        """
        anthropic = model == CLAUDE
        params: dict[str, Any] = {
            "temperature": 0.2 if run.prompt == "v1" else 0.3,
            "max_tokens": 512 if run.prompt == "v1" else 1024,
        }
        reply: dict[str, Any] = {"role": "assistant"}
        if next_calls:
            reply["tool_calls"] = [
                {
                    "id": self.new_id("call_", 24),
                    "type": "function",
                    "function": {"name": c.tool, "arguments": _json(c.args)},
                }
                for c in next_calls
            ]
        elif not run.fails:
            reply["content"] = run.answer
        # The tool definitions are sent (and billed) with every call, though, to keep the file
        # small, they are not repeated in each span's input.
        prompt_tokens = TOOL_DEFINITION_TOKENS + sum(
            4
            + _tokens(m.get("content") or "")
            + sum(_tokens(c["function"]["arguments"]) + 6 for c in m.get("tool_calls", ()))
            for m in messages
        )
        if run.fails and not next_calls:
            completion_tokens = params["max_tokens"]  # cut off: that is the failure
        else:
            completion_tokens = _tokens(reply.get("content", "")) + sum(
                _tokens(c["function"]["arguments"]) + 6 for c in reply.get("tool_calls", ())
            )
        finish = "tool_calls" if next_calls else ("length" if run.fails else "stop")

        request: dict[str, Any]
        if anthropic:
            request = _anthropic_request(messages, params, model)
        else:
            # The tool name is kept on our messages for the flattened attributes only; the
            # OpenAI API's tool messages carry just the call id.
            wire = [{k: v for k, v in m.items() if k != "name"} for m in messages]
            request = {"messages": wire, "model": model, **params}
        attributes: dict[str, Any] = {
            SpanAttributes.LLM_MODEL_NAME: model,
            SpanAttributes.LLM_PROVIDER: (
                OpenInferenceLLMProviderValues.ANTHROPIC
                if anthropic
                else OpenInferenceLLMProviderValues.OPENAI
            ).value,
            SpanAttributes.LLM_SYSTEM: (
                OpenInferenceLLMSystemValues.ANTHROPIC
                if anthropic
                else OpenInferenceLLMSystemValues.OPENAI
            ).value,
            SpanAttributes.LLM_INVOCATION_PARAMETERS: _json(params),
            SpanAttributes.INPUT_VALUE: _json(request),
            SpanAttributes.INPUT_MIME_TYPE: JSON,
            SpanAttributes.LLM_PROMPT_TEMPLATE: PROMPTS[run.prompt],
            SpanAttributes.LLM_PROMPT_TEMPLATE_VERSION: run.prompt,
            SpanAttributes.METADATA: _metadata(run),
        }
        if PROMPT_VARIABLES[run.prompt]:
            attributes[SpanAttributes.LLM_PROMPT_TEMPLATE_VARIABLES] = _json(
                PROMPT_VARIABLES[run.prompt]
            )
        for n, message in enumerate(messages):
            attributes.update(_message_attributes(SpanAttributes.LLM_INPUT_MESSAGES, n, message))

        with self.span(
            "ChatCompletion",
            OpenInferenceSpanKindValues.LLM,
            attributes,
            otel_kind=SpanKind.CLIENT,
            tracer=self.llm_tracers[model],
            with_context=True,
        ) as span:
            per_token = 11 if anthropic else 7  # ms per generated token
            self.advance(self.rng.uniform(350, 900) + per_token * completion_tokens)
            response = self.response(model, reply, finish, prompt_tokens, completion_tokens)
            if run.fails and not next_calls:
                self.error = (
                    "LengthFinishReasonError: Could not parse response content as the length "
                    f"limit was reached - {response['usage']}"
                )
            else:
                span.set_attributes(
                    _message_attributes(SpanAttributes.LLM_OUTPUT_MESSAGES, 0, reply)
                )
                span.set_attribute(SpanAttributes.OUTPUT_VALUE, _json(response["body"]))
                span.set_attribute(SpanAttributes.OUTPUT_MIME_TYPE, JSON)
            span.set_attribute(SpanAttributes.LLM_FINISH_REASON, finish)
            span.set_attribute(SpanAttributes.LLM_TOKEN_COUNT_PROMPT, prompt_tokens)
            span.set_attribute(SpanAttributes.LLM_TOKEN_COUNT_COMPLETION, completion_tokens)
            span.set_attribute(
                SpanAttributes.LLM_TOKEN_COUNT_TOTAL, prompt_tokens + completion_tokens
            )
            if run.fails and not next_calls:
                self.fail(span, escaped=False)
        return reply

    def response(
        self, model: str, reply: dict[str, Any], finish: str, prompt: int, completion: int
    ) -> dict[str, Any]:
        """The provider's response body (as the instrumentor stores it) and a usage repr."""
        usage = (
            f"CompletionUsage(completion_tokens={completion}, prompt_tokens={prompt}, "
            f"total_tokens={prompt + completion}, completion_tokens_details=None, "
            "prompt_tokens_details=None)"
        )
        if model == CLAUDE:
            body: dict[str, Any] = {
                "id": self.new_id("msg_01", 22),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [{"type": "text", "text": reply.get("content", "")}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": prompt, "output_tokens": completion},
            }
        else:
            body = {
                "id": self.new_id("chatcmpl-", 29),
                "object": "chat.completion",
                "created": self.now // 1_000_000_000,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "message": reply, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            }
        return {"body": body, "usage": usage}

    def fail(self, span: Span, *, escaped: bool) -> None:
        """Mark ``span`` failed with the run's LengthFinishReasonError and its exception event."""
        message = self.error.removeprefix("LengthFinishReasonError: ")
        stacktrace = STACKTRACE.format(usage=message.rsplit(" - ", 1)[1])
        # The attributes replace what record_exception would derive from a live exception (type
        # with module, a traceback of this script); the timestamp keeps the file reproducible.
        span.record_exception(
            RuntimeError(message),
            attributes={
                "exception.type": "openai.LengthFinishReasonError",
                "exception.stacktrace": stacktrace,
            },
            timestamp=self.now - 400_000,
            escaped=escaped,
        )
        span.set_status(Status(StatusCode.ERROR, self.error))


def write_demo(output: Path) -> Path:
    """Record all demo runs and write them, as OTLP JSON lines, to ``output``.

    Args:
        output: The file to (over)write.

    Returns:
        ``output``.
    """
    resource = Resource(
        {
            "service.name": "travel-agent",
            ResourceAttributes.PROJECT_NAME: "demo",
        }
    )
    # Explicit sampler and limits: the SDK would otherwise read OTEL_* variables, and a default
    # of 128 attributes per span could silently drop messages from the longer LLM spans.
    limits = SpanLimits(
        max_attributes=1000,
        max_events=128,
        max_links=128,
        max_span_attributes=1000,
        max_event_attributes=128,
        max_link_attributes=128,
        max_attribute_length=SpanLimits.UNSET,
        max_span_attribute_length=SpanLimits.UNSET,
    )
    with tempfile.TemporaryDirectory() as folder:
        exporter = OtlpJsonLinesExporter(folder, prefix="travel-agent")
        provider = TracerProvider(
            sampler=ALWAYS_ON,
            resource=resource,
            shutdown_on_exit=False,
            id_generator=SeededIdGenerator(SEED),
            span_limits=limits,
        )
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        recorder = Recorder(provider)
        for run in RUNS:
            recorder.run(run)
        provider.shutdown()
        if exporter.path.stat().st_size == 0:
            raise RuntimeError("no spans were recorded; is OTEL_SDK_DISABLED set?")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(exporter.path, output)
    return output


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``make_demo.py [OUTPUT]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    path = write_demo(args.output)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
