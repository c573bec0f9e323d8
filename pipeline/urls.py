"""Canonical URLs and the stable document ids derived from them."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track a click and never select content.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "wt.mc_id",
    "ncid", "cmpid", "s_cid", "sr_share", "at_medium", "at_campaign",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = "-._~"
_SAFE_PATH = "/:@!$&'()*+,;="


class InvalidURL(ValueError):
    pass


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _normalise_escapes(part: str, safe: str) -> str:
    # Decode then re-encode, so %7e and ~ (or %2F kept as such) compare equal; spaces become %20.
    return quote(unquote(part), safe=safe)


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL.

    Rules: lower-case scheme and host, default port dropped, fragment dropped, tracking parameters
    (utm_* and the like) dropped, remaining parameters sorted, percent-escapes normalised, an empty
    path becomes "/", and a trailing slash is removed from any other path.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL("empty URL")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURL(f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL(f"URL has a bad port: {url!r}") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_escapes(parts.path, _SAFE_PATH) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(params), quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def document_id(url: str) -> str:
    """Stable document id: the first 20 hex digits of the SHA-256 of the canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:20]
