"""Publication dates as sources print them, read into datetime.date."""

from __future__ import annotations

import re
from datetime import date, datetime

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_TEXT_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def parse_date(value: str | None) -> date | None:
    """The calendar date in an ISO 8601 value ("2025-03-12T00:00:00-04:00", the source's own day)
    or in English text ("March 12, 2025", "12 March 2025"); None if there is none."""
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    text = " ".join(value.replace("\u00a0", " ").split())
    for pattern in _TEXT_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_since(value: date | str | None) -> date | None:
    """A --since value (a date or "YYYY-MM-DD"); ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"since must be a date as YYYY-MM-DD, not {value!r}") from None
