"""Layering: Qt stays out of the core (every module outside inspector/ui imports with PySide6
blocked), and the lower layers never import the upper ones."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import inspector

PACKAGE = Path(inspector.__file__).parent

BLOCKER = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph"):
            raise ImportError(f"Qt imported by the core: {name}")
        return None
sys.meta_path.insert(0, Block())
import inspector
bad = []
for mod in pkgutil.walk_packages(inspector.__path__, "inspector."):
    if mod.name.startswith("inspector.ui") or mod.name == "inspector.__main__":
        continue
    try:
        importlib.import_module(mod.name)
    except ImportError as exc:
        bad.append(f"{mod.name}: {exc}")
print("\\n".join(bad))
sys.exit(1 if bad else 0)
"""


def test_core_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_blocker_would_catch_a_qt_import(tmp_path: Path) -> None:
    """The check above can fail: a module importing PySide6 is reported."""
    script = BLOCKER.replace("import inspector\n", "import inspector\nimport PySide6\n", 1)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "Qt imported by the core" in result.stderr


def test_no_qt_import_statements_outside_ui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(
            line.lstrip().startswith(
                ("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph")
            )
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []


# Imports only point down (DESIGN.md, "Layers"): what each lower package may import from
# ``inspector``. Every import statement counts, those inside functions too.
LOWER_LAYERS = {
    "model": {"model", "resources"},
    "semconv": {"semconv", "formats", "model", "resources"},
    "formats": {"formats", "semconv", "model", "resources"},
}


def upward_imports(source: str, allowed: set[str]) -> list[str]:
    """The ``inspector`` subpackages or modules ``source`` imports that are not in ``allowed``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == "inspector":
                names = [f"inspector.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "inspector" and len(parts) > 1 and parts[1] not in allowed:
                found.append(name)
    return found


def test_lower_layers_do_not_import_upper_ones() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for package, allowed in LOWER_LAYERS.items()
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for name in upward_imports(path.read_text(), allowed)
    ]
    assert offenders == []


def test_layer_check_would_catch_an_upward_import() -> None:
    """A formats module importing the store (directly, lazily or as a name) is reported."""
    source = (
        "from inspector.model import Span\n"
        "from inspector.store.connection import connect_readonly\n"
        "def later():\n"
        "    import inspector.live.tail\n"
        "    from inspector import workspace\n"
    )
    found = upward_imports(source, LOWER_LAYERS["formats"])
    assert found == ["inspector.store.connection", "inspector.live.tail", "inspector.workspace"]
