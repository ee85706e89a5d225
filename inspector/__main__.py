"""``python -m inspector``: the same as the ``trace-inspector`` command."""

from inspector.cli import main

# Guarded: the loader's spawned child process imports the parent's main module again.
if __name__ == "__main__":
    raise SystemExit(main())
