"""A small store for the citation, dossier and version tests: reports written for these tests (an English HTML
report, a two-page PDF, an Arabic report, an undated one, one re-published by an aggregator), processed, tagged and
indexed into SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crawlers.mirror.pdfgen import text_pdf
from pipeline.update import process_tag_index
from pipeline.settings import Settings
from pipeline.store import FetchedReport, SourceInfo, Store

SOURCES = [
    SourceInfo("snhr", "Syrian Network for Human Rights", "Syrian Network for Human Rights", "ngo", ("en", "ar"), True,
               "HTML listing", "https://snhr.example.org",
               "Documents violations through a network of field researchers inside Syria. Publishes monthly reports."),
    SourceInfo("hrw", "Human Rights Watch", "Human Rights Watch", "ngo", ("en",), True, "HTML listing",
               "https://hrw.example.org", "International NGO publishing investigations based on interviews."),
    SourceInfo("reliefweb", "ReliefWeb", "UN Office for the Coordination of Humanitarian Affairs", "aggregator",
               ("en",), False, "API", "https://reliefweb.example.org", "Re-publishes reports of many organisations."),
]

JABLEH = [
    "This report documents a wave of detentions in the coastal region during March 2025.",
    "On 9 March 2025 General Security forces arrested at least 40 Alawite men in Jableh and held them "
    "without charge at a school used as a detention site.",
    "Relatives said that several of the detained men were beaten during interrogation.",
]
SWEIDA_PAGES = [
    ["Human Rights Watch interviewed 18 residents of As-Sweida governorate between April and May 2025.",
     "Unidentified armed men abducted Druze civilians in As-Sweida governorate, on the Damascus-Sweida highway, "
     "and demanded ransom from their families."],
    ["In Jaramana, Druze students were kidnapped near a checkpoint and released days later.",
     "Families said the kidnappers called them from Syrian numbers."],
]
ARABIC_TITLE = "اعتقالات تعسفية في حلب بحق طلاب أكراد"
ARABIC = [
    "اعتقلت قوات الأمن طلاباً أكراداً في مدينة حلب عند الحواجز في أيار 2023.",
    "لم يُبلَّغ ذوو المعتقلين بمكان احتجازهم.",
]
UNDATED = [
    "Residents of Afrin said armed factions seized the homes of Kurdish families who had fled.",
    "Kurdish returnees were asked for payments to recover their property in Afrin.",
]
REPUBLISHED = [
    "Syrians for Truth and Justice documented the abduction of Druze women near Sweida city in June 2025.",
]


def page(title: str, paragraphs: list[str], lang: str = "en") -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    direction = ' dir="rtl"' if lang == "ar" else ""
    return (f'<html lang="{lang}"{direction}><head><meta charset="utf-8"><title>{title}</title></head><body><main>'
            f"<article><h1>{title}</h1>{body}</article></main></body></html>").encode()


def build_store(data_dir: Path) -> dict[str, str]:
    """Fill a store and SQLite index under data_dir; returns document ids by name."""
    settings = Settings().with_changes(data_dir=Path(data_dir), search_backend="sqlite")
    reports = {
        "jableh": FetchedReport("snhr", "https://snhr.example.org/reports/jableh-detentions",
                                page("Arrests of Alawite men in Jableh", JABLEH),
                                title="Arrests of Alawite men in Jableh", published=date(2025, 3, 20),
                                doc_type="report", language="en", content_type="text/html; charset=utf-8"),
        "sweida": FetchedReport("hrw", "https://hrw.example.org/reports/sweida-road.pdf",
                                text_pdf(SWEIDA_PAGES, title="Kidnappings on the Sweida road"),
                                title="Kidnappings of Druze civilians on the Sweida road", published=date(2025, 5, 14),
                                doc_type="report", language="en", content_type="application/pdf"),
        "arabic": FetchedReport("snhr", "https://snhr.example.org/ar/reports/aleppo-students",
                                page(ARABIC_TITLE, ARABIC, "ar"), title=ARABIC_TITLE, published=date(2023, 6, 2),
                                doc_type="report", language="ar", content_type="text/html; charset=utf-8"),
        "undated": FetchedReport("hrw", "https://hrw.example.org/news/afrin-homes",
                                 page("Seizure of Kurdish homes in Afrin", UNDATED),
                                 title="Seizure of Kurdish homes in Afrin", published=None, doc_type="news",
                                 language="en", content_type="text/html; charset=utf-8"),
        "republished": FetchedReport("reliefweb", "https://reliefweb.example.org/report/syria/druze-women",
                                     page("Abductions of Druze women near Sweida", REPUBLISHED),
                                     title="Abductions of Druze women near Sweida", published=date(2025, 7, 1),
                                     doc_type="report", language="en", content_type="text/html; charset=utf-8",
                                     metadata={"source": [{"name": "Syrians for Truth and Justice",
                                                           "shortname": "STJ"}]}),
    }
    ids = {}
    with Store(settings.data_dir) as store:
        for source in SOURCES:
            store.upsert_source(source)
        for name, report in reports.items():
            ids[name] = store.ingest(report).document_id
        process_tag_index(store, settings)
    return ids
