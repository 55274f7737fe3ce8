"""Dân vận KG: load → reason → validate → store."""

__version__ = "0.1.0"
