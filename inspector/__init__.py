"""Trace Inspector: a local desktop inspector for LLM agent traces."""

__version__ = "0.1.0"
