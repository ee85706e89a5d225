"""Trace and span ids from any source, normalised to lowercase hex.

Sources write ids as hex (the OTLP/JSON spec), base64 (generic protobuf JSON, MLflow), with a
``0x`` prefix (OTel Python console exporter) or as native strings (``tr-…``, UUIDs). Hex of the
right length is by far the common case, so it is checked first and cheaply.
"""

from __future__ import annotations

import base64
import binascii
import re

_HEX = re.compile(r"[0-9a-fA-F]+")
_ZERO = frozenset({"", "0" * 16, "0" * 32})


def normalise_id(value: object, size: int) -> str | None:
    """Return ``value`` as lowercase hex, or ``None`` for a missing, empty or all-zero id.

    Args:
        value: the id as found in the source (str, int or bytes).
        size: the id's byte length (16 for traces, 8 for spans); decides base64 decoding.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 2 * size and _HEX.fullmatch(text):
            text = text.lower()
            return None if text in _ZERO else text
        if text.startswith(("0x", "0X")):
            return normalise_id(text[2:].rjust(2 * size, "0"), size)
        if text and len(text) == 4 * ((size + 2) // 3):
            try:
                raw = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) == size:
                hexed = raw.hex()
                return None if hexed in _ZERO else hexed
        if not text or text in _ZERO:
            return None
        if _HEX.fullmatch(text):
            return text.lower()
        return text  # a native, non-hex id: keep it verbatim
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if value == 0 else format(value, f"0{2 * size}x")
    if isinstance(value, bytes | bytearray):
        return None if not any(value) else bytes(value).hex()
    return str(value)


def trace_id(value: object) -> str | None:
    """A 16-byte trace id as 32 hex characters (or the source's native id)."""
    return normalise_id(value, 16)


def span_id(value: object) -> str | None:
    """An 8-byte span id as 16 hex characters (or the source's native id)."""
    return normalise_id(value, 8)
