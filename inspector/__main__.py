"""``python -m inspector``: the same as the ``trace-inspector`` command."""

import multiprocessing

from inspector.cli import main

# Guarded: the loader's spawned worker processes import the parent's main module again.
if __name__ == "__main__":
    # In a frozen (PyInstaller) app a spawned worker re-runs this executable; this hands it
    # over to multiprocessing instead of starting another window. A no-op otherwise.
    multiprocessing.freeze_support()
    raise SystemExit(main())
