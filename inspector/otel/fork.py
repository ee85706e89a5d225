"""Re-arming an exporter in a forked child process."""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Callable


def on_fork_in_child(method: Callable[[], None]) -> None:
    """Call the bound ``method`` in every child forked from this process from now on.

    A forked child must not write into its parent's file or database handle, and must not
    inherit a lock another parent thread held at fork time. The hook is process-wide and cannot
    be removed, so it holds the method's object weakly: it never keeps an exporter alive.
    No-op on Windows (no fork).
    """
    if sys.platform == "win32":
        return
    reference = weakref.WeakMethod(method)

    def after_fork_in_child() -> None:
        target = reference()
        if target is not None:
            target()

    os.register_at_fork(after_in_child=after_fork_in_child)
