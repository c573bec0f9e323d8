"""Template filters: highlighted text, safe links and taxonomy labels. Crawled text is always escaped here."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..search.facets import facet_label
from ..taxonomy import load_taxonomy
from .params import search_url, toggled

SAFE_SCHEMES = ("http", "https")


def highlighted(text: str | None, spans) -> Markup:
    """Text with its (start, end) spans wrapped in <mark>; every piece of text is escaped."""
    text = text or ""
    out, position = [], 0
    for start, end in sorted(tuple(span) for span in spans or ()):
        if start < position or start >= end:
            continue
        out += [escape(text[position:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None: a crawled javascript: or data: URL never becomes a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url.strip()


def label(value: str, kind: str) -> str:
    """The taxonomy label of a facet value (a region's name, a threat's label); the value itself otherwise."""
    if kind in ("governorate", "district", "group", "threat", "actor", "epoch"):
        return load_taxonomy().label(kind, value)
    return value


def register_filters(environment) -> None:
    environment.filters.update(highlighted=highlighted, safe_href=safe_href, label=label, facet_label=facet_label)
    environment.globals.update(search_url=search_url, toggled=toggled)
