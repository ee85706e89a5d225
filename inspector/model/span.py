"""The normalised span: what every reader produces and every view shows.

Plain dataclasses with no behaviour beyond small derived properties. Times are UTC nanoseconds
since the epoch; a missing end means the span is still running (or was never ended). Token counts
that the source did not record stay ``None`` -- never 0 -- so "unknown" survives to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class SpanKind(StrEnum):
    """The semantic kind of a span (what the agent was doing), not the OTel SpanKind."""

    AGENT = "AGENT"
    CHAIN = "CHAIN"
    LLM = "LLM"
    TOOL = "TOOL"
    RETRIEVER = "RETRIEVER"
    RERANKER = "RERANKER"
    EMBEDDING = "EMBEDDING"
    GUARDRAIL = "GUARDRAIL"
    EVALUATOR = "EVALUATOR"
    PROMPT = "PROMPT"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: object) -> SpanKind:
        """Map a kind string from any source to a member; anything unrecognised is UNKNOWN."""
        if isinstance(value, str):
            member = _KIND_ALIASES.get(value)  # the usual spelling: no copies made
            if member is not None:
                return member
            member = _KIND_ALIASES.get(value.strip().upper())
            if member is not None:
                return member
        return cls.UNKNOWN


_KIND_ALIASES: dict[str, SpanKind] = {m.value: m for m in SpanKind}
_KIND_ALIASES.update(
    {
        "CHAT_MODEL": SpanKind.LLM,
        "GENERATION": SpanKind.LLM,
        "RETRIEVAL": SpanKind.RETRIEVER,
        "EMBEDDINGS": SpanKind.EMBEDDING,
        "WORKFLOW": SpanKind.CHAIN,
        "TASK": SpanKind.CHAIN,
        "PARSER": SpanKind.CHAIN,
    }
)


class Status(IntEnum):
    """Span status, numbered as in OTLP."""

    UNSET = 0
    OK = 1
    ERROR = 2

    @classmethod
    def parse(cls, value: object) -> Status:
        """Accept OTLP ints, enum names (``STATUS_CODE_ERROR``, ``ERROR``, ``StatusCode.ERROR``)."""
        if isinstance(value, bool):
            return cls.UNSET
        if isinstance(value, int):
            return cls(value) if value in (0, 1, 2) else cls.UNSET
        if isinstance(value, str):
            name = value.rsplit(".", 1)[-1].upper().removeprefix("STATUS_CODE_")
            if name.isdigit():
                return cls.parse(int(name))
            return cls.__members__.get(name, cls.UNSET)
        return cls.UNSET


@dataclass(slots=True)
class Event:
    """A point-in-time event on a span (exceptions are events named ``exception``)."""

    name: str
    time_ns: int | None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Part:
    """One piece of a message.

    ``type`` is ``text``, ``reasoning``, ``tool_call``, ``tool_result``, ``image`` or another
    source-given type. Text-like parts use ``text``; tool calls use ``name``/``arguments``/``id``;
    tool results use ``id`` and ``text`` (the result rendered as text).
    """

    type: str
    text: str | None = None
    name: str | None = None
    arguments: str | None = None
    id: str | None = None


@dataclass(slots=True)
class Message:
    """A chat message: a role and its parts."""

    role: str
    parts: list[Part] = field(default_factory=list)
    name: str | None = None
    finish_reason: str | None = None

    @property
    def text(self) -> str:
        """The message's text parts joined, for search and diff."""
        return "\n".join(p.text for p in self.parts if p.text is not None)


@dataclass(slots=True)
class Usage:
    """Token usage. ``None`` means the source did not say."""

    input: int | None = None
    output: int | None = None
    total: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None
    reasoning: int | None = None

    @property
    def known(self) -> bool:
        return self.input is not None or self.output is not None or self.total is not None


@dataclass(slots=True)
class Document:
    """A retrieved document (retriever and reranker spans)."""

    id: str | None = None
    score: float | None = None
    content: str | None = None
    metadata: Any = None


# Reserved names for what readers attach to spans beyond the source's own attributes.
FEEDBACK_EVENT = "feedback"  # an Event carrying one Feedback as ``feedback.*`` attributes
LOG_BODY = "log.body"  # the decoded body of an OTLP log record turned into an Event


@dataclass(slots=True)
class Feedback:
    """A judgement recorded about a span or its trace (Phoenix annotation, MLflow assessment).

    ``annotator`` is who gave it (a user, a judge model, a function) and ``annotator_kind`` what
    kind of annotator that is (``HUMAN``, ``LLM``, ``CODE`` ...). ``level`` says whether it was
    given about the span itself or about its whole trace.
    """

    name: str
    label: str | None = None
    score: float | None = None
    explanation: str | None = None
    annotator: str | None = None
    annotator_kind: str | None = None
    level: str = "span"
    source: str | None = None
    time_ns: int | None = None
    metadata: Any = None


@dataclass(slots=True)
class SpanEvents:
    """Events recorded apart from their span (OTLP log records), to be attached to it by id.

    A logs file is read on its own, possibly before the traces file that holds the span; the
    store keeps these and hands them back with the span.
    """

    trace_id: str
    span_id: str
    events: list[Event] = field(default_factory=list)
    source: str = ""
    location: str = ""


@dataclass(slots=True)
class LlmView:
    """What an LLM-aware reader of a span wants, whichever convention recorded it.

    ``sources`` says which attribute each field came from (provenance), e.g.
    ``{"input_messages": "llm.input_messages"}``.
    """

    model: str | None = None
    provider: str | None = None
    input_messages: list[Message] = field(default_factory=list)
    output_messages: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    invocation_parameters: dict[str, Any] = field(default_factory=dict)
    input_value: str | None = None
    input_mime_type: str | None = None
    output_value: str | None = None
    output_mime_type: str | None = None
    documents: list[Document] = field(default_factory=list)
    prompt_template: str | None = None
    prompt_template_version: str | None = None
    session_id: str | None = None
    tool_name: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    feedback: list[Feedback] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    """The few LLM fields extracted at ingest time (sorted, filtered, rolled up, charted)."""

    kind: SpanKind = SpanKind.UNKNOWN
    model: str | None = None
    provider: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    cost_usd: float | None = None
    session_id: str | None = None


RawRef = tuple[bytes, int]
"""The source record a lazily decoded span came from, and the span's ordinal inside it."""


@dataclass(slots=True)
class Span:
    """A normalised span.

    ``location`` is where the record came from inside ``source`` (``line 12``, ``row 7``), so
    every span can be traced back to its input.

    A span read on the ingest fast path carries ``raw`` (its source record and ordinal) and only
    its short scalar attributes -- enough for the indexed columns. The store keeps the record
    once and decodes the full span from it when the span is shown.
    """

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    start_ns: int | None
    end_ns: int | None
    kind: SpanKind = SpanKind.UNKNOWN
    otel_kind: str | None = None
    status: Status = Status.UNSET
    status_message: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    resource: dict[str, Any] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    location: str = ""
    raw: RawRef | None = None

    @property
    def duration_ns(self) -> int | None:
        if self.start_ns is None or self.end_ns is None:
            return None
        return max(0, self.end_ns - self.start_ns)

    @property
    def is_error(self) -> bool:
        return self.status is Status.ERROR


@dataclass(slots=True, frozen=True)
class Problem:
    """An input record that could not be read: where it is and why, in words a user understands."""

    source: str
    location: str
    message: str
