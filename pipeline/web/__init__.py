"""The researcher web app and JSON API: faceted search, documents with their evidence, and the matrix."""

from .app import create_app

__all__ = ["create_app"]
