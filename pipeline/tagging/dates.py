"""Explicit dates in a sentence (English, Dutch, French, German, Arabic), read to place it before or after a turning point."""

from __future__ import annotations

import re
from datetime import date

from ..taxonomy import iso_day

MONTHS = {
    1: "january|januari|janvier|januar|jänner|يناير|كانون الثاني",
    2: "february|februari|février|fevrier|februar|فبراير|شباط",
    3: "march|maart|mars|märz|marz|مارس|آذار|اذار",
    4: "april|avril|أبريل|ابريل|نيسان",
    5: "may|mei|mai|مايو|أيار|ايار",
    6: "june|juni|juin|يونيو|حزيران",
    7: "july|juli|juillet|يوليو|تموز",
    8: "august|augustus|août|aout|أغسطس|اغسطس|آب",
    9: "september|septembre|سبتمبر|أيلول|ايلول",
    10: "october|oktober|octobre|أكتوبر|اكتوبر|تشرين الأول",
    11: "november|novembre|نوفمبر|تشرين الثاني",
    12: "december|décembre|decembre|dezember|ديسمبر|كانون الأول",
}
_MONTH_OF = {name: number for number, names in MONTHS.items() for name in names.split("|")}
_MONTH = "|".join(sorted(_MONTH_OF, key=len, reverse=True))


def _by_first_letter(names: str) -> str:
    """The alternation names ("a|b|...") grouped by first letter, each group in the same order: it matches what
    names matches, but the regex engine tries a handful of names at a word instead of every one of them."""
    groups: dict[str, list[str]] = {}
    for name in names.split("|"):
        groups.setdefault(name[0], []).append(name[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# The patterns are written for speed: a pattern that starts with a digit class or with "19|20" lets the regex
# engine skip straight to the candidates, so the check on the character before ("\b", "not after a digit") comes
# after the first characters as a look-behind over them; a pattern that starts with a month looks ahead for a
# month's first letter before trying the names.
_MONTH_FIRST = "(?=[" + "".join(sorted({name[0] for name in _MONTH_OF})) + "])"
_MONTH_GROUPED = _by_first_letter(_MONTH)
# "\b(\d{1,2})(?:st|...)?\s+(month)\s*,?\s+((?:19|20)\d\d)\b"
_DAY_MONTH_YEAR = re.compile(
    rf"(\d(?<!\w\d)\d?)(?:st|nd|rd|th|er|\.)?\s+({_MONTH_GROUPED})\s*,?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH_FIRST}({_MONTH_GROUPED})\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH_FIRST}({_MONTH_GROUPED})\s+((?:19|20)\d\d)\b", re.I)
# A day and month without a year ("on 5 December", "le 4 décembre", "am 6. Dezember", "December 5") or a month
# alone ("since early January", "im März"): one pass over the month names, then a look at the words on either side.
_MONTH_WORD = re.compile(rf"\b{_MONTH_FIRST}({_MONTH_GROUPED})\b")
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+$")
_DAY_AFTER = re.compile(r"\s+(\d{1,2})(?!\d|[.,:/]\d)")  # "December 5", not "December 10.30" or "May 3,000"
# English month names that are also words ("may", "march") count only when written as the month is, capitalised
_ALSO_WORDS = {"may", "march", "august"}
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")
_ISO = re.compile(r"((?:19|20)(?<!\w..)\d\d)-(\d\d)-(\d\d)\b")  # "\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"
_YEAR = re.compile(r"((?:19|20)(?<![\d/.-]..)\d\d)(?![\d/-])")  # "(?<![\d/.-])((?:19|20)\d\d)(?![\d/-])"


def parse_iso(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return iso_day(str(value))


def sides(text: str, turning_point: date, published: date | None = None) -> set[str]:
    """'before' and/or 'after' for each explicit date in text; a date that cannot be placed adds nothing. With the
    document's publication date, a day and month without a year is the last such day on or before it."""
    return {side for _, _, side in dated_spans(text, turning_point, published)}


def dated_spans(text: str, turning_point: date, published: date | None = None) -> list[tuple[int, int, str]]:
    """(start, end, 'before' or 'after') of each explicit date in text that can be placed (see sides)."""
    found: list[tuple[int, int, str]] = []
    has_year = _ANY_YEAR.search(text) is not None
    if not has_year and published is None:  # every date pattern but the yearless has a year: most sentences end here
        return found
    taken: list[tuple[int, int]] = []

    def place(start: int, end: int, day: date | None, earliest: date | None = None, latest: date | None = None):
        taken.append((start, end))
        if day is not None:
            earliest = latest = day
        if latest is not None and latest < turning_point:
            found.append((start, end, "before"))
        elif earliest is not None and earliest >= turning_point:
            found.append((start, end, "after"))

    lowered = text.lower()
    if has_year:
        for match in _DAY_MONTH_YEAR.finditer(lowered):
            place(*match.span(), _safe_date(int(match.group(3)), _MONTH_OF[match.group(2)], int(match.group(1))))
        for match in _MONTH_DAY_YEAR.finditer(lowered):
            place(*match.span(), _safe_date(int(match.group(3)), _MONTH_OF[match.group(1)], int(match.group(2))))
        for match in _ISO.finditer(lowered) if "-" in lowered else ():
            place(*match.span(), _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        for match in _MONTH_YEAR.finditer(lowered):
            if _covered(match.span(), taken):
                continue
            year, month = int(match.group(2)), _MONTH_OF[match.group(1)]
            first = _safe_date(year, month, 1)
            last = _safe_date(year + (month == 12), month % 12 + 1, 1)
            place(*match.span(), None, first, last and date.fromordinal(last.toordinal() - 1))
        for match in _YEAR.finditer(lowered):
            if _covered(match.span(), taken):
                continue
            year = int(match.group(1))
            place(*match.span(), None, date(year, 1, 1), date(year, 12, 31))
    if published is not None and len(lowered) == len(text):  # lower() keeps offsets but for a few rare letters
        _place_yearless(text, lowered, published, taken, place)
    return found


def _place_yearless(text: str, lowered: str, published: date, taken: list[tuple[int, int]], place) -> None:
    for match in _MONTH_WORD.finditer(lowered):
        start, end = match.span()
        if _covered((start, end), taken):
            continue
        month = _month_number(text[start:end])
        if not month:  # "may" the verb
            taken.append((start, end))
            continue
        before = _DAY_BEFORE.search(lowered, max(0, start - 8), start)
        after = None if before else _DAY_AFTER.match(lowered, end)
        if before or after:
            day = int((before or after).group(1))
            place(before.start() if before else start, after.end() if after else end,
                  _last_on_or_before(published, month, day))
        else:
            place(start, end, None, *_last_month_on_or_before(published, month))


def _last_on_or_before(published: date, month: int, day: int) -> date | None:
    found = _safe_date(published.year, month, day)
    if found and found > published:
        found = _safe_date(published.year - 1, month, day)
    return found


def _last_month_on_or_before(published: date, month: int) -> tuple[date, date]:
    """The first and last day of the last such month that began on or before the publication date."""
    year = published.year - (month > published.month)
    last = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), date.fromordinal(last.toordinal() - 1)


def _month_number(name: str) -> int | None:
    if name.lower() in _ALSO_WORDS and not name[0].isupper():
        return None
    return _MONTH_OF.get(name.lower())


def _covered(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in taken)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
