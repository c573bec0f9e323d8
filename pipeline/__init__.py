"""Country-of-origin information pipeline for Syria: store, extract, tag, index, search."""

__version__ = "0.1.0"
