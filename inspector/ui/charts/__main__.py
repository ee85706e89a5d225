"""``python -m inspector.ui.charts {waterfall,latency,tokens} PATH [options]``: one chart alone."""

from __future__ import annotations

import sys

from inspector.ui.charts.preview import preview_latency, preview_tokens, preview_waterfall

PREVIEWS = {"waterfall": preview_waterfall, "latency": preview_latency, "tokens": preview_tokens}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in PREVIEWS:
        print(f"usage: python -m inspector.ui.charts {{{','.join(PREVIEWS)}}} PATH [options]")
        return 2
    return PREVIEWS[args[0]](args[1:])


if __name__ == "__main__":
    sys.exit(main())
