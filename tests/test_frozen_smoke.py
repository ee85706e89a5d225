"""The frozen (PyInstaller) app's smoke test, run by pytest only when asked.

Building the app takes minutes, so the normal suite skips this. To run it:

    TRACE_INSPECTOR_FROZEN_SMOKE=1 python -m pytest tests/test_frozen_smoke.py

``TRACE_INSPECTOR_FROZEN_DIST=DIR`` checks an existing build (``pyinstaller --distpath DIR``)
instead of building one. The checks themselves are in ``packaging/smoke.py``.
"""

from __future__ import annotations

import faulthandler
import os
import subprocess
import sys
from pathlib import Path

import pytest

SMOKE = Path(__file__).resolve().parents[1] / "packaging" / "smoke.py"
ENABLED = os.environ.get("TRACE_INSPECTOR_FROZEN_SMOKE") == "1"
TIMEOUT_S = 3600  # a cold build on a slow machine, plus the checks


@pytest.mark.slow
@pytest.mark.skipif(
    not ENABLED, reason="builds the app with PyInstaller (minutes): TRACE_INSPECTOR_FROZEN_SMOKE=1"
)
def test_frozen_app_passes_the_smoke_checks() -> None:
    # The build alone outlasts the suite's faulthandler_timeout, which would dump every thread's
    # stack mid-build; the subprocess timeout below bounds this test instead.
    faulthandler.cancel_dump_traceback_later()
    command = [sys.executable, str(SMOKE)]
    dist = os.environ.get("TRACE_INSPECTOR_FROZEN_DIST")
    if dist:
        command += ["--dist", dist]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    print(done.stdout)  # the timings: shown with -rP or -s
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
