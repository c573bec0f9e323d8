"""A small store for digest tests: documents first seen at chosen moments, with tags and claims, indexed in SQLite."""

from __future__ import annotations

from datetime import date

from pipeline.indexer import run_index
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Extraction, FetchedReport, Passage, SourceInfo, Store, Tag
from pipeline.tagging.claims import Claim, save_claims

SOURCES = [SourceInfo("snhr", "Syrian Network for Human Rights", "SNHR", "ngo", ("en", "ar")),
           SourceInfo("hrw", "Human Rights Watch", "HRW", "ngo", ("en",)),
           SourceInfo("stj", "Syrians for Truth and Justice", "STJ", "ngo", ("en",))]

# (key, source, first seen (UTC), title, sentence, governorate/district p-code, group, threat)
DOCUMENTS = [
    ("afrin-old", "snhr", "2025-01-22T09:00:00+00:00", "Detentions in Afrin, January",
     "Armed factions detained 12 Kurdish men in Afrin.", "SY0203", "kurds", "arbitrary_detention"),
    ("afrin-1", "snhr", "2025-01-27T08:00:00+00:00", "Arbitrary arrests continue in Afrin",
     "Kurdish civilians were arbitrarily detained in Afrin city.", "SY0203", "kurds", "arbitrary_detention"),
    ("afrin-2", "hrw", "2025-02-01T12:00:00+00:00", "<script>alert('x')</script> Afrin raids",
     "Fighters detained and tortured Kurdish residents in Afrin.", "SY0203", "kurds", "arbitrary_detention"),
    ("coast-1", "stj", "2025-01-29T10:00:00+00:00", "Killings of Alawites near Jableh",
     "Gunmen killed Alawite civilians in Jableh.", "SY0602", "alawites", "unlawful_killing"),
    # 23:30 UTC on Sunday 2 February is 00:30 on Monday 3 February in Amsterdam: week 6, not week 5.
    ("late-sunday", "snhr", "2025-02-02T23:30:00+00:00", "Detention report filed late on Sunday",
     "Kurdish men were detained in Afrin.", "SY0203", "kurds", "arbitrary_detention"),
]


def add_document(store: Store, key, source, first_seen, title, sentence, region, group, threat) -> str:
    text = f"{sentence} More details follow in the report."
    result = store.ingest(FetchedReport(source_id=source, url=f"https://{source}.example/reports/{key}",
                                        body=text.encode(), title=title, published=date(2025, 1, 20),
                                        content_type="text/html"))
    doc_id = result.document_id
    store.db.execute("UPDATE documents SET first_seen = ? WHERE id = ?", (first_seen, doc_id))
    store.save_extraction(doc_id, result.version_id, Extraction(
        text=text, passages=[Passage(0, 1, 0, len(text))], extractor="test", language="en"))
    end = len(sentence)
    store.replace_tags(doc_id, result.version_id, [
        Tag("region", region, surface="place", start=0, end=5, sentence=sentence),
        Tag("group", group, sentence=sentence), Tag("threat", threat, sentence=sentence)], "test")
    save_claims(store, doc_id, result.version_id, [Claim(
        "sentence", 0, end, sentence, None, 1, "transition", regions=[region], governorates=[region[:4]],
        districts=[region[:6]], groups=[group], threats=[threat])], "test")
    return doc_id


def build_store(data_dir, documents=DOCUMENTS) -> dict[str, str]:
    """Fill the store and the SQLite index under data_dir; returns {key: document id}."""
    ids = {}
    with Store(data_dir) as store:
        for source in SOURCES:
            store.upsert_source(source)
        for row in documents:
            ids[row[0]] = add_document(store, *row)
        backend = SQLiteBackend(Settings(data_dir=data_dir).sqlite_index_path)
        run_index(store, backend, progress=False)
        backend.close()
    return ids
