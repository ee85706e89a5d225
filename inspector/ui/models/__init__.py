"""Item models of the window: thin adapters over the store and the run index."""
