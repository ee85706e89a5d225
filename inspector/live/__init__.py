"""Following trace sources as they grow (no Qt): watchdog events -> coalesced reads -> the index.

Use :class:`Follower` on a :class:`inspector.workspace.Workspace`; call ``poll()`` from the
ingest thread (a timer or a loop around ``wait()``) and act on the :class:`Update` it returns.
"""

from __future__ import annotations

from inspector.live.follower import Follower
from inspector.live.update import Commit, Update

__all__ = ["Commit", "Follower", "Update"]
