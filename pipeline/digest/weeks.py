"""ISO weeks in the digest's time zone: parsing "2025-W05", and the UTC interval a week covers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.I)


def zone(name: str) -> ZoneInfo:
    """The time zone called name; ValueError with the setting's name when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"COI_DIGEST_TIMEZONE: unknown time zone {name!r}, use a name such as Europe/Amsterdam") from None


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Week":
        """A week from "2025-W05" (or "2025W05"); ValueError if it is not one."""
        match = _WEEK.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not an ISO week: use YYYY-Www, e.g. 2025-W05")
        year, number = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"{text!r}: {year} has no week {number}") from None
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> "Week":
        year, number, _ = day.isocalendar()
        return cls(year, number)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def previous(self) -> "Week":
        return Week.containing(self.monday - timedelta(days=7))

    def utc_bounds(self, tz: ZoneInfo) -> tuple[str, str]:
        """[start, end) of the week, Monday 00:00 to Monday 00:00 local time, as UTC timestamps written the way the
        store writes first_seen, so that they compare as strings."""
        start = datetime.combine(self.monday, time(0), tz)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tz)
        return tuple(moment.astimezone(timezone.utc).isoformat(timespec="seconds") for moment in (start, end))


def last_complete_week(now: datetime, tz: ZoneInfo) -> Week:
    """The week before the one that `now` falls in, local time: what a Monday-morning digest reports on."""
    return Week.containing(now.astimezone(tz).date()).previous()
