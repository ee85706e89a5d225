"""Bundled resources are found in a checkout and in an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from inspector.resources import demo_trace, resource_path

ROOT = Path(__file__).resolve().parents[2]


def test_found_in_checkout() -> None:
    assert demo_trace().is_file()
    assert resource_path("pricing.json").is_file()


@pytest.mark.slow
def test_found_in_built_wheel(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("trace_inspector-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "inspector/_resources/demo/demo.jsonl" in names
    assert "inspector/_resources/pricing.json" in names
    assert not any(n.endswith("make_demo.py") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from inspector.resources import demo_trace; print(demo_trace())"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(site)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert out == str(site / "inspector" / "_resources" / "demo" / "demo.jsonl")
    assert Path(out).is_file()
