"""A Citation as text (Dutch or English legal style), RIS, BibTeX or CSL-JSON."""

from __future__ import annotations

import json
import re
import unicodedata

from .citation import Citation, parse_date

STYLES = ("en", "nl")
FORMATS = ("text", "ris", "bibtex", "csl-json")
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}
# The words of each style. "n.d." is "no date"; Dutch legal writing says "z.d." (zonder datum).
WORDS = {
    "en": {
        "no_date": "n.d.", "accessed": "accessed", "page": "p.", "pages": "pp.", "paragraph": "para.",
        "paragraphs": "paras.", "version": "Version {n} of {total}", "current": "the version the source serves now",
        "replaced": "since replaced by a later version", "archived": "archived copy",
        "withdrawn": "withdrawn by the source (found on {date}); the archived copy remains",
        "source": "Source", "quote": "Quote", "via": "published on", "open": "\u201c", "close": "\u201d",
        "ground": "does on-the-ground research", "no_ground": "no on-the-ground research",
        "types": {"ngo": "NGO", "un": "UN agency", "government": "government", "media": "media",
                  "research": "research institute", "aggregator": "aggregator"},
    },
    "nl": {
        "no_date": "z.d.", "accessed": "geraadpleegd op", "page": "p.", "pages": "pp.", "paragraph": "alinea",
        "paragraphs": "alinea's", "version": "Versie {n} van {total}", "current": "de versie die de bron nu publiceert",
        "replaced": "inmiddels vervangen door een latere versie", "archived": "gearchiveerde kopie",
        "withdrawn": "door de bron ingetrokken (vastgesteld op {date}); de gearchiveerde kopie blijft beschikbaar",
        "source": "Bron", "quote": "Citaat", "via": "gepubliceerd op", "open": "\u2018", "close": "\u2019",
        "ground": "doet onderzoek ter plaatse", "no_ground": "doet geen onderzoek ter plaatse",
        "types": {"ngo": "ngo", "un": "VN-organisatie", "government": "overheid", "media": "media",
                  "research": "onderzoeksinstituut", "aggregator": "verzamelsite"},
    },
}
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


class FormatError(ValueError):
    """An unknown style or format."""


def date_text(parts: tuple[int, ...], style: str) -> str:
    """20 March 2025 / 20 maart 2025, March 2025, 2025; the style's "no date" for ()."""
    if not parts:
        return WORDS[style]["no_date"]
    words = [str(parts[0])]
    if len(parts) > 1:
        words.insert(0, MONTHS[style][parts[1] - 1])
    if len(parts) > 2:
        words.insert(0, str(parts[2]))
    return " ".join(words)


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def isolate(text: str) -> str:
    """Right-to-left text (an Arabic title or quote) in a bidi isolate, so it cannot reorder the citation around it."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}" if has_rtl(text) else text


def pinpoint(citation: Citation, style: str) -> str:
    words = WORDS[style]
    parts = []
    if citation.pages:
        parts.append(f"{words['page' if len(citation.pages) == 1 else 'pages']} {_span(citation.pages)}")
    if citation.paragraphs:
        parts.append(f"{words['paragraph' if len(citation.paragraphs) == 1 else 'paragraphs']} "
                     f"{_span(citation.paragraphs)}")
    return ", ".join(parts)


def _span(numbers: tuple[int, ...]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}\u2013{numbers[-1]}"


def source_line(citation: Citation, style: str = "en") -> str:
    """The source in one line: name (type; on-the-ground research or not; what it is)."""
    words = WORDS[style]
    ground = {True: words["ground"], False: words["no_ground"], None: ""}[citation.on_the_ground]
    parts = [words["types"].get(citation.source_type, citation.source_type), ground, citation.source_description]
    return f"{citation.source_name} ({'; '.join(p for p in parts if p)})"


def as_text(citation: Citation, style: str = "en", quote: bool = True) -> str:
    """The citation as a lawyer pastes it into a brief: reference line, version and hash, source, and the quote
    (unless quote is False, as in a dossier that shows it above the citation)."""
    if style not in STYLES:
        raise FormatError(f"unknown style {style!r}: use one of {', '.join(STYLES)}")
    words = WORDS[style]
    title = words["open"] + isolate(citation.title) + words["close"]
    reference = ["; ".join(citation.authors), title]
    if citation.publisher not in citation.authors:
        reference.append(f"{words['via']} {citation.source_name}")
    reference.append(date_text(citation.published, style))
    if pinpoint(citation, style):
        reference.append(pinpoint(citation, style))
    reference.append(citation.url)
    reference.append(f"{words['accessed']} {date_text(citation.retrieved, style)}")
    state = words["current"] if citation.current else words["replaced"]
    version = (f"{words['version'].format(n=citation.version, total=citation.versions)} ({state}), "
               f"SHA-256 {citation.sha256}; {words['archived']}: {citation.archive_url}")
    lines = [", ".join(reference) + ".", version + "."]
    if citation.withdrawn:
        withdrawn = words["withdrawn"].format(date=date_text(parse_date(citation.withdrawn), style))
        lines.append(withdrawn[0].upper() + withdrawn[1:] + ".")
    lines.append(f"{words['source']}: {source_line(citation, style)}.")
    if quote and citation.quote:
        lines.append(f"{words['quote']}: {words['open']}{isolate(' '.join(citation.quote.split()))}{words['close']}")
    return "\n".join(lines)


def numeric_date(parts: tuple[int, ...], separator: str = "-") -> str:
    """2025-03-20, 2025-03 or 2025 (RIS: 2025/03/20)."""
    return separator.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def _note(citation: Citation) -> str:
    """What RIS, BibTeX and CSL-JSON have no field for, in one English note."""
    parts = [f"Version {citation.version} of {citation.versions}"
             + ("" if citation.current else " (since replaced by a later version)"),
             f"SHA-256 {citation.sha256}", f"archived copy: {citation.archive_url}"]
    if pinpoint(citation, "en"):
        parts.insert(0, pinpoint(citation, "en"))
    if citation.withdrawn:
        parts.append(f"withdrawn by the source (found on {citation.withdrawn})")
    parts.append(f"source: {source_line(citation)}")
    if citation.quote:
        parts.append(f"quote: \u201c{' '.join(citation.quote.split())}\u201d")
    return "; ".join(parts)


# -- RIS ---------------------------------------------------------------------------------------------------


def as_ris(citations: list[Citation]) -> str:
    """RIS records (TY RPRT), one per citation; an unknown publication date is left out, never guessed."""
    records = []
    for c in citations:
        lines = [("TY", "RPRT"), ("ID", c.key)]
        lines += [("AU", author) for author in c.authors]
        lines += [("TI", c.title), ("PB", c.publisher)]
        if c.published:
            lines.append(("PY", str(c.published[0])))
            lines.append(("DA", numeric_date(c.published, "/")))
        lines += [("UR", c.url), ("Y2", numeric_date(c.retrieved, "/"))]
        if c.pages:
            lines.append(("SP", str(c.pages[0])))
            if len(c.pages) > 1:
                lines.append(("EP", str(c.pages[-1])))
        if c.language:
            lines.append(("LA", c.language))
        lines += [("ET", f"version {c.version} of {c.versions}, SHA-256 {c.sha256}"), ("N1", _note(c))]
        lines.append(("ER", ""))
        records.append("\n".join(f"{tag}  - {_one_line(value)}" for tag, value in lines))  # "ER  - " as RIS spells it
    return "\n\n".join(records) + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


# -- BibTeX --------------------------------------------------------------------------------------------------

# biblatex's langid takes babel/polyglossia language names, not ISO codes.
BIBLATEX_LANGUAGES = {"en": "english", "ar": "arabic", "nl": "dutch", "fr": "french", "de": "german"}
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                        "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACEMENTS[m.group(1)], _one_line(value))


def as_bibtex(citations: list[Citation]) -> str:
    """@report entries (biblatex; BibTeX reads them as @misc) in UTF-8; no date field when the source gives none."""
    entries = []
    for c in citations:
        fields = [("author", " and ".join("{" + bibtex_escape(a) + "}" for a in c.authors)),
                  ("title", "{" + bibtex_escape(c.title) + "}"), ("institution", bibtex_escape(c.publisher)),
                  ("type", "Report")]
        if c.published:
            fields.append(("date", numeric_date(c.published)))
            fields.append(("year", str(c.published[0])))
        fields += [("url", c.url), ("urldate", numeric_date(c.retrieved)), ("version", f"{c.version} of {c.versions}")]
        if c.pages:
            fields.append(("pages", _span(c.pages).replace("\u2013", "--")))
        if c.language in BIBLATEX_LANGUAGES:
            fields.append(("langid", BIBLATEX_LANGUAGES[c.language]))
        fields.append(("note", bibtex_escape(_note(c))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@report{{{c.key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


# -- CSL-JSON ------------------------------------------------------------------------------------------------


def csl_item(c: Citation) -> dict:
    """One CSL-JSON item (type report); valid against the CSL input schema."""
    item = {
        "id": c.key, "type": "report", "title": c.title,
        "author": [{"literal": author} for author in c.authors], "publisher": c.publisher,
        "URL": c.url, "accessed": {"date-parts": [list(c.retrieved)]},
        "version": f"{c.version} of {c.versions}", "archive": "Syria COI pipeline archive",
        "archive_location": c.archive_url, "note": _note(c),
        "custom": {"sha256": c.sha256, "document_id": c.doc_id, "version": c.version, "versions": c.versions,
                   "paragraphs": list(c.paragraphs), "pages": list(c.pages), "quote": c.quote,
                   "withdrawn": c.withdrawn or None},
    }
    if c.published:
        item["issued"] = {"date-parts": [list(c.published)]}
    if c.pages:
        item["page"] = _span(c.pages)
    if c.language:
        item["language"] = c.language
    if c.doc_type:
        item["genre"] = c.doc_type
    return item


def as_csl_json(citations: list[Citation]) -> str:
    return json.dumps([csl_item(c) for c in citations], ensure_ascii=False, indent=1)


def render(citations: list[Citation], fmt: str = "text", style: str = "en") -> str:
    """Citations in one format: text (blank line between citations), ris, bibtex or csl-json."""
    if fmt == "text":
        return "\n\n".join(as_text(c, style) for c in citations) + "\n"
    if fmt == "ris":
        return as_ris(citations)
    if fmt == "bibtex":
        return as_bibtex(citations)
    if fmt == "csl-json":
        return as_csl_json(citations) + "\n"
    raise FormatError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
