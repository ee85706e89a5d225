"""Keeping Python's cyclic garbage collector from freezing the window.

A full collection walks every tracked object. With a run index of 100,000 spans in memory
(hundreds of thousands of objects) one full pass takes 100-200 ms, and it runs on whichever
thread happens to allocate -- often the GUI thread, which then stops painting. The loader
allocates fast enough to trigger one every second.

The data we keep (run indexes, span rows) has no reference cycles, so reference counting frees
it; the collector only needs to look at young objects. So: collect the young generations often
(cheap), full passes rarely, and move long-lived data out of the collector's sight.
"""

from __future__ import annotations

import gc


def tune() -> None:
    """Fewer full collections (call once at startup of the window)."""
    gen0, _gen1, _gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, 20_000), 20, 100)


def freeze_long_lived() -> None:
    """Stop scanning everything alive now (e.g. a run index just received).

    Freezing only moves the collector's lists (cheap); a collection first would itself walk
    the 100,000 new objects. Frozen objects are still freed by reference counting; only
    garbage cycles alive at this moment would be kept, and our data makes almost none.
    """
    gc.freeze()


def release_load_garbage() -> None:
    """After a load: clear the loader's young garbage and freeze what stays."""
    freeze_long_lived()
