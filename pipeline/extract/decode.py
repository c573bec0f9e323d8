"""Bytes of a web page to text: declared charsets first, then UTF-8, then a guess; binary bodies are refused."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .errors import ExtractionError

_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do the pages written for them.
_BROWSER_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                    "us-ascii": "cp1252", "iso8859-1": "cp1252", "x-user-defined": "cp1252"}
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def http_charset(content_type: str | None) -> str | None:
    match = _HTTP_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def _decode(body: bytes, label: str | None) -> str | None:
    if not label:
        return None
    label = _BROWSER_ALIASES.get(label.strip().lower(), label.strip())
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    if codec.name in ("utf-16", "utf-32") or codec.name.startswith(("utf-16-", "utf-32-")):
        return None  # a page that says UTF-16 in ASCII bytes is not UTF-16 (WHATWG), only a BOM can say so
    try:
        return body.decode(codec.name)
    except UnicodeDecodeError:
        return None


def decode_text(body: bytes, content_type: str | None) -> str:
    """The body as text, by BOM, HTTP charset, <meta charset>, UTF-8, then charset-normalizer; else "undecodable"."""
    if b"\x00" in body[:8192] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractionError("undecodable", "the body has NUL bytes: it is binary, not a web page")
    text = None
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = body[len(bom):].decode(encoding, errors="replace")
            break
    if text is None:
        for label in (http_charset(content_type), meta_charset(body), "utf-8"):
            text = _decode(body, label)
            if text is not None:
                break
    if text is None:
        best = from_bytes(body[:1024 * 1024]).best()
        if best is not None and best.encoding:
            text = body.decode(best.encoding, errors="replace")
    if text is None:
        raise ExtractionError("undecodable", "the body is not text in any encoding we could recognise")
    sample = text[:100_000]
    if sample and (len(_CONTROLS.findall(sample)) + sample.count("\ufffd")) / len(sample) > 0.02:
        raise ExtractionError("undecodable", "the body decodes to control characters: it is binary, not a web page")
    return text
