"""Desktop integration files are well-formed and name the real command."""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_desktop_file() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "packaging" / "trace-inspector.desktop")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "trace-inspector"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "trace-inspector" in scripts


def test_appstream_metadata() -> None:
    tree = ET.parse(ROOT / "packaging" / "io.github.trace_inspector.metainfo.xml")
    component = tree.getroot()
    assert component.tag == "component"
    assert component.findtext("launchable") == "trace-inspector.desktop"
    assert component.findtext("provides/binary") == "trace-inspector"
