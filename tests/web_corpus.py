"""A small store + SQLite index for the web app's tests: HR-report-style documents written for these tests, and
hostile ones whose titles, text, URLs and source description carry script payloads that must never run.

Every payload sets window.__xss (or opens a dialog); the browser tests assert that neither happens.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from pipeline.update import process_tag_index
from pipeline.settings import Settings
from pipeline.store import FetchedReport, SourceInfo, Store

PAYLOADS = [
    "<script>window.__xss = 'script'; alert('script')</script>",
    '<img src=x onerror="window.__xss = \'img\'; alert(\'img\')">',
    '<svg onload="window.__xss = \'svg\'; alert(\'svg\')"><circle r="5"/></svg>',
    '<a href="javascript:window.__xss = \'link\'">click me</a>',
    '"><iframe srcdoc="<script>parent.__xss = 1</script>"></iframe>',
]

SOURCES = [
    SourceInfo("snhr", "Syrian Network for Human Rights", "SNHR", "ngo", ("en", "ar"), True, "HTML listing",
               "https://snhr.org", "Documents violations through a network of field researchers inside Syria."),
    SourceInfo("hrw", "Human Rights Watch", "Human Rights Watch", "ngo", ("en",), True, "HTML listing",
               "https://www.hrw.org", "International NGO publishing investigations based on interviews."),
    SourceInfo("evil", "Hostile <b>Source</b>", "<img src=x onerror=\"window.__xss='source'\">", "media", ("en",),
               None, "HTML listing", "javascript:window.__xss='homepage'",
               "A source description with <script>window.__xss='description'</script> inside."),
]


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><main><article><h1>{title}</h1>{body}"
            "</article></main></body></html>").encode()


# (source, slug, title, published, paragraphs): the paragraphs are HTML, so &lt; shows as "<" in the text.
DOCUMENTS = [
    ("snhr", "jableh-raids", "Arrests of Alawite men in Jableh after the March clashes", date(2025, 3, 20), [
        "This report documents a wave of detentions in the coastal region during March 2025.",
        "On 9 March 2025 General Security forces arrested at least 40 Alawite men in Jableh and held them "
        "without charge at a school used as a detention site.",
        "Relatives said that several of the detained men were beaten during interrogation.",
        "Families in Latakia reported that their relatives were taken from their homes at night.",
    ]),
    ("hrw", "sweida-kidnappings", "Kidnappings of Druze civilians on the Sweida road", date(2025, 5, 14), [
        "Human Rights Watch interviewed 18 residents of As-Sweida governorate between April and May 2025.",
        "Unidentified armed men abducted Druze civilians travelling on the Damascus–Sweida highway and demanded "
        "ransom from their families.",
        "In Jaramana, Druze students were kidnapped near a checkpoint and released days later.",
    ]),
    ("snhr", "aleppo-detention-2023", "Arbitrary detention in Aleppo by the former government", date(2023, 6, 2), [
        "Government forces arrested Kurdish students in Aleppo city at checkpoints in May 2023.",
        "The detained students were held incommunicado and their families were not told where they were.",
        "Returnees arriving from Lebanon were detained by security branches in Aleppo and asked for bribes.",
    ]),
    ("hrw", "afrin-property", "Seizure of Kurdish homes in Afrin", date(2024, 2, 11), [
        "Syrian National Army factions seized the homes and olive groves of Kurdish families in Afrin.",
        "Kurdish residents who returned to Afrin said the factions demanded payments to recover their property.",
    ]),
    ("evil", "hostile-text", "Report with hostile markup " + PAYLOADS[0], date(2025, 1, 5), [
        "The following strings appeared in a crawled page and must be shown as text: " +
        " ".join(p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in PAYLOADS),
        "General Security forces arrested Alawite men in Homs; the report quoted " +
        PAYLOADS[1].replace("<", "&lt;").replace(">", "&gt;") + " as a caption.",
        "A live script element the extractor must drop: <script>window.__xss = 'live'</script> and an "
        "<img src=x onerror=\"window.__xss = 'live-img'\"> image.",
    ]),
    ("evil", "hostile-title", '<svg onload="window.__xss=\'title\'"> Abductions in Idlib <img src=x onerror=alert(1)>',
     date(2024, 11, 30), [
         "Unidentified armed men abducted journalists in Idlib and held them for ransom.",
     ]),
]

HOSTILE_URL = "javascript:window.__xss='url'"


def build_corpus(data_dir: Path) -> dict[str, str]:
    """Fill a store and a SQLite index under data_dir; returns the document ids by slug."""
    settings = Settings().with_changes(data_dir=Path(data_dir), search_backend="sqlite")
    ids = {}
    with Store(settings.data_dir) as store:
        for source in SOURCES:
            store.upsert_source(source)
        for source, slug, title, published, paragraphs in DOCUMENTS:
            result = store.ingest(FetchedReport(
                source_id=source, url=f"https://{source}.example.org/reports/{slug}", body=_page(escape(title), paragraphs),
                title=title, published=published, doc_type="report", language="en",
                content_type="text/html; charset=utf-8"))
            ids[slug] = result.document_id
        # A crawled link that is not a web address must never become a clickable link.
        store.db.execute("UPDATE documents SET url = ? WHERE id = ?", (HOSTILE_URL, ids["hostile-title"]))
        process_tag_index(store, settings)
    return ids
