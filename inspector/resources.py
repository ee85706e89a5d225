"""Finding bundled runtime assets (demo traces, pricing table) wherever the app runs from.

In a source checkout they are in the top-level ``resources/`` folder; in an installed wheel they
are packaged as ``inspector/_resources``; in a PyInstaller bundle they sit under ``sys._MEIPASS``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The folder holding the bundled resources."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    packaged = Path(__file__).with_name("_resources")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled resources not found (looked in {packaged} and {checkout})")


def resource_path(*parts: str) -> Path:
    """Path of one bundled resource, e.g. ``resource_path("demo", "demo.jsonl")``."""
    return resource_dir().joinpath(*parts)


def demo_trace() -> Path:
    """The bundled demo trace the app opens when started with no argument."""
    return resource_path("demo", "demo.jsonl")
