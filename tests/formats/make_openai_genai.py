"""Write trace (and log) files with the real OpenAI client and OTel GenAI instrumentation.

Run as a script in a fresh interpreter (``python -m tests.formats.make_openai_genai OUT``): the
instrumentation reads its environment once per process, so each GenAI form needs its own.
``OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`` with
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=span_only`` gives the current form
(messages as span attributes); ``event_only`` gives ``gen_ai.client.inference.operation.details``
log events; no opt-in with ``...CAPTURE_MESSAGE_CONTENT=true`` gives the older per-message log
events. The OpenAI API is a tiny fake server on loopback. One agent span holds three chat calls:
one answered with a tool call, one with text, and one the server fails (HTTP 500).
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    LogRecordExporter,
    LogRecordExportResult,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from inspector.otel.jsonl import OtlpJsonLinesExporter

TOOL_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}


class FakeOpenAI(BaseHTTPRequestHandler):
    """``POST /v1/chat/completions``: a tool call, then a text answer; "fail" gives HTTP 500."""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        del format, args

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        last = body["messages"][-1]
        if "fail" in str(last.get("content")):
            self._send(500, {"error": {"message": "boom", "type": "server_error"}})
            return
        if last["role"] == "user":
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [TOOL_CALL],
            }
            reason, usage = "tool_calls", (20, 5)
        else:
            message, reason, usage = (
                {"role": "assistant", "content": "Rainy, 14C."},
                "stop",
                (40, 6),
            )
        self._send(
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "message": message, "finish_reason": reason}],
                "usage": {
                    "prompt_tokens": usage[0],
                    "completion_tokens": usage[1],
                    "total_tokens": sum(usage),
                },
            },
        )

    def _send(self, code: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class OtlpJsonLogsFile(LogRecordExporter):
    """Each export as one OTLP/JSON ``{"resourceLogs": ...}`` line (hex ids, integer enums)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        data = MessageToDict(encode_logs(batch), use_integers_for_enums=True)
        for resource_logs in data.get("resourceLogs", ()):
            for scope_logs in resource_logs.get("scopeLogs", ()):
                for record in scope_logs.get("logRecords", ()):
                    for key in ("traceId", "spanId"):
                        if key in record:
                            record[key] = base64.b64decode(record[key]).hex()
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(data) + "\n")
        return LogRecordExportResult.SUCCESS

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        del timeout_millis
        return True


def main(out: Path) -> None:
    import openai
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    out.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    resource = Resource.create({"service.name": "genai-demo"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(OtlpJsonLinesExporter(out)))
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(
        SimpleLogRecordProcessor(OtlpJsonLogsFile(out / "logs.jsonl"))
    )
    OpenAIInstrumentor().instrument(  # type: ignore[no-untyped-call]
        tracer_provider=tracer_provider, logger_provider=logger_provider
    )
    client = openai.OpenAI(
        base_url=f"http://127.0.0.1:{server.server_port}/v1", api_key="test", max_retries=0
    )
    with tracer_provider.get_tracer("agent").start_as_current_span("agent"):
        messages: list[Any] = [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Weather in Paris?"},
        ]
        first = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, temperature=0
        )
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "rainy, 14C"})
        client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        with contextlib.suppress(openai.APIStatusError):  # the server fails this one
            client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "please fail"}]
            )
    tracer_provider.shutdown()
    logger_provider.shutdown()
    server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
