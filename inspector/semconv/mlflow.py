"""The MLflow tracing attribute dialect (``mlflow.*``), in MLflow's own store or in OTLP files.

MLflow JSON-encodes every attribute value, so the span type ``CHAT_MODEL`` may arrive as the
string ``"\\"CHAT_MODEL\\""``; inputs and outputs are the provider's request and response JSON.
Values are decoded leniently so both the encoded and the plain form read the same.
"""

from __future__ import annotations

from typing import Any

from inspector.model import Event, LlmView, SpanKind, Summary
from inspector.semconv import chat_shapes
from inspector.semconv.values import as_float, as_int, as_str, loads_lenient, to_text

NAME = "mlflow"

SPAN_TYPE = "mlflow.spanType"
INPUTS = "mlflow.spanInputs"
OUTPUTS = "mlflow.spanOutputs"
TOKEN_USAGE = "mlflow.chat.tokenUsage"

# MLflow span types the shared SpanKind parser does not already know.
_KINDS = {"MEMORY": SpanKind.UNKNOWN}

# Every key :func:`summarize` reads (the ingest fast path keeps only these).
SUMMARY_KEYS = frozenset(
    {
        SPAN_TYPE,
        TOKEN_USAGE,
        INPUTS,
        OUTPUTS,
        "mlflow.llm.model",
        "mlflow.llm.provider",
        "mlflow.llm.cost",
    }
)


def _value(attrs: dict[str, Any], key: str) -> Any:
    return loads_lenient(attrs.get(key))


def kind(attrs: dict[str, Any]) -> SpanKind:
    raw = _value(attrs, SPAN_TYPE)
    if not isinstance(raw, str):
        return SpanKind.UNKNOWN
    return _KINDS.get(raw.upper()) or SpanKind.parse(raw)


def _usage(attrs: dict[str, Any]) -> dict[str, Any]:
    usage = _value(attrs, TOKEN_USAGE)
    return usage if isinstance(usage, dict) else {}


def _model(attrs: dict[str, Any]) -> tuple[str | None, str | None]:
    model = as_str(_value(attrs, "mlflow.llm.model"))
    if model:
        return model, "mlflow.llm.model"
    for key in (OUTPUTS, INPUTS):  # the request's or response's own "model" field
        data = _value(attrs, key)
        if isinstance(data, dict) and isinstance(data.get("model"), str):
            return data["model"], f"{key}.model"
    return None, None


def summarize(attrs: dict[str, Any], out: Summary) -> None:
    """Fill what this dialect knows into ``out``, leaving fields already set alone."""
    if SPAN_TYPE not in attrs and TOKEN_USAGE not in attrs:
        return  # the ingest hot path: MLflow gives every span its type
    if out.kind is SpanKind.UNKNOWN:
        out.kind = kind(attrs)
    if out.model is None and out.kind in (SpanKind.LLM, SpanKind.EMBEDDING):
        out.model = _model(attrs)[0]
    if out.provider is None:
        out.provider = as_str(_value(attrs, "mlflow.llm.provider"))
    usage = _usage(attrs)
    if out.input_tokens is None:
        out.input_tokens = as_int(usage.get("input_tokens"))
    if out.output_tokens is None:
        out.output_tokens = as_int(usage.get("output_tokens"))
    if out.total_tokens is None:
        out.total_tokens = as_int(usage.get("total_tokens"))
    if out.cost_usd is None:
        cost = _value(attrs, "mlflow.llm.cost")
        if isinstance(cost, dict):
            out.cost_usd = as_float(cost.get("total_cost"))


def fill_view(attrs: dict[str, Any], events: list[Event], view: LlmView) -> None:
    """Fill the LLM view from MLflow attributes, recording provenance."""
    del events  # MLflow keeps nothing the view needs in events (stream chunks only)
    if not any(key.startswith("mlflow.") for key in attrs):
        return
    src = view.sources
    if view.model is None:
        view.model, where = _model(attrs)
        if where:
            src["model"] = where
    if view.provider is None:
        view.provider = as_str(_value(attrs, "mlflow.llm.provider"))
        if view.provider:
            src["provider"] = "mlflow.llm.provider"
    inputs, outputs = attrs.get(INPUTS), attrs.get(OUTPUTS)
    if not view.input_messages and inputs is not None:
        found = chat_shapes.request_messages(inputs)
        if found:
            view.input_messages = found
            src["input_messages"] = INPUTS
    if not view.output_messages and outputs is not None:
        found = chat_shapes.response_messages(outputs)
        if found:
            view.output_messages = found
            src["output_messages"] = OUTPUTS
    if view.input_value is None and inputs is not None:
        view.input_value = to_text(loads_lenient(inputs))
        view.input_mime_type = "application/json" if not isinstance(inputs, str) else None
        src["input_value"] = INPUTS
    if view.output_value is None and outputs is not None:
        view.output_value = to_text(loads_lenient(outputs))
        src["output_value"] = OUTPUTS
    usage = _usage(attrs)
    if usage and view.usage.input is None and view.usage.output is None:
        view.usage.input = as_int(usage.get("input_tokens"))
        view.usage.output = as_int(usage.get("output_tokens"))
        view.usage.total = as_int(usage.get("total_tokens"))
        view.usage.cache_read = as_int(usage.get("cache_read_input_tokens"))
        view.usage.cache_write = as_int(usage.get("cache_creation_input_tokens"))
        src["usage"] = TOKEN_USAGE
    if view.cost_usd is None:
        cost = _value(attrs, "mlflow.llm.cost")
        if isinstance(cost, dict) and as_float(cost.get("total_cost")) is not None:
            view.cost_usd = as_float(cost.get("total_cost"))
            src["cost"] = "mlflow.llm.cost"
    if not view.invocation_parameters:
        data = loads_lenient(inputs)
        if isinstance(data, dict):
            params = {
                k: v
                for k, v in data.items()
                if k not in ("messages", "contents", "input", "system", "tools", "model")
                and isinstance(v, int | float | str | bool)
            }
            if params and (view.input_messages and src.get("input_messages") == INPUTS):
                view.invocation_parameters = params
                src["invocation_parameters"] = INPUTS
    if view.tool_name is None and kind(attrs) is SpanKind.TOOL:
        view.tool_name = as_str(_value(attrs, "mlflow.spanFunctionName"))
