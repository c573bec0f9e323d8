"""A digest as e-mail text: the subject, a plain-text part and an HTML part (autoescaped: crawled text is hostile)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..search.render import terminal_safe
from .content import Digest


@dataclass
class RenderedDigest:
    subject: str
    text: str
    html: str


def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=PackageLoader("pipeline.digest", "."), autoescape=autoescape, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    # Control characters in crawled titles and sentences could rewrite a terminal or a mail client's display.
    env.filters["clean"] = terminal_safe
    env.filters["day"] = _day
    return env


def _day(value: str | date | None) -> str:
    if not value:
        return "date unknown"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%-d %B %Y")
    except ValueError:
        return terminal_safe(str(value))


_TEXT = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


def week_span(digest: Digest) -> str:
    return f"{_day(digest.week.monday)} to {_day(digest.week.sunday)}"


def subject(digest: Digest) -> str:
    count = len(digest.entries)
    what = "no new documents" if not count else f"{count} new document{'s' if count != 1 else ''}"
    return terminal_safe(f"COI digest {digest.subscription.name}, week {digest.week}: {what}")


def render_digest(digest: Digest) -> RenderedDigest:
    """Subject, plain text and HTML of a digest."""
    context = {"digest": digest, "groups": digest.groups(), "span": week_span(digest), "subject": subject(digest)}
    return RenderedDigest(subject(digest), _TEXT.get_template("digest.txt").render(context),
                          _HTML.get_template("digest.html").render(context))
