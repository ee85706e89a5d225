"""``python -m inspector``: the same as the ``trace-inspector`` command."""

from inspector.cli import main

raise SystemExit(main())
