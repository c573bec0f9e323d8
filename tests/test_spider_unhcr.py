"""Saved-page tests for the UNHCR (Refworld) spider, its crawl decisions, and a crawl of the mirror.

Each page in tests/fixtures/pages/unhcr/ (URLs in pages.json) is a copy of the mirror's page, with its expected
output in tests/fixtures/expected/unhcr/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_unhcr.py, review the diff, then commit it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawlers.items import ReportItem
from crawlers.mirror.server import SITES_DIR, Mirror, SiteTree
from crawlers.spiders.hrw import Listing
from crawlers.spiders.unhcr import UNHCRSpider
from pipeline.store import Store
from pipeline.urls import document_id

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages" / "unhcr"
EXPECTED = FIXTURES / "expected" / "unhcr"
PAGE_URLS: dict[str, str] = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
LISTINGS = sorted(name for name in PAGE_URLS if name.startswith("listing-"))
DOCUMENTS = sorted(name for name in PAGE_URLS if not name.startswith("listing-"))
LIVE = "https://www.refworld.org"
LISTING = f"{LIVE}/country/syr?publisher=unhcr"
RETURNS = "policy-countrypos-unhcr-2025-en-150420.html"
RETURNS_AR = "policy-countrypos-unhcr-2025-ar-150421.html"
RETURNS_PDF = f"{LIVE}/sites/default/files/2025-07/150420_unhcr_position_returns_syria_update_i_en.pdf"
CONTACT = "coi-unhcr-tests@example.org"


def saved_response(name: str, url: str | None = None, meta: dict | None = None) -> HtmlResponse:
    url = url or PAGE_URLS[name]
    request = Request(url, meta=meta or {})
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes(), encoding="utf-8", request=request,
                        headers={"Content-Type": "text/html; charset=UTF-8", "ETag": '"abc"'})


def listing_output(listing: Listing) -> dict:
    return {
        "entries": [{"url": e.url, "title": e.title, "published": e.published.isoformat() if e.published else None,
                     "doc_type": e.doc_type} for e in listing.entries],
        "next_page": listing.next_page,
    }


def document_output(item: ReportItem) -> dict:
    return {
        "url": item["url"],
        "title": item["title"],
        "published": item["published"].isoformat() if item["published"] else None,
        "doc_type": item["doc_type"],
        "language": item["language"],
        "links": [list(link) for link in item["links"]],
        "metadata": item["metadata"],
    }


def load_expected(path: Path, actual: dict) -> dict:
    """The reviewed expected output; written from actual with COI_UPDATE_EXPECTED=1, and never assumed."""
    if os.environ.get("COI_UPDATE_EXPECTED") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path} is missing: run COI_UPDATE_EXPECTED=1 pytest {Path(__file__).name}, "
                    "review, then commit it")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def parsed(name: str) -> tuple[dict, dict]:
    """(actual, expected) output for one saved page, parsed once."""
    spider = UNHCRSpider()
    response = saved_response(name)
    if name in LISTINGS:
        actual = listing_output(spider.read_listing(response))
    else:
        actual = document_output(spider.read_document(response))
    return actual, load_expected(EXPECTED / name.replace(".html", ".json"), actual)


def test_every_saved_page_has_reviewed_expected_output():
    missing = [name for name in PAGE_URLS if not (EXPECTED / name.replace(".html", ".json")).exists()]
    assert not missing, f"expected output missing for {missing}: review, then commit"
    assert set(PAGE_URLS) == {p.name for p in PAGES.glob("*.html")}


def test_a_missing_expected_file_fails_and_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("COI_UPDATE_EXPECTED", raising=False)
    with pytest.raises(pytest.fail.Exception, match="review, then commit"):
        load_expected(tmp_path / "absent.json", {"title": "x"})


@pytest.mark.parametrize("name", sorted(PAGE_URLS))
def test_saved_page_is_the_page_the_mirror_serves(name):
    parts = urlsplit(PAGE_URLS[name])
    resource = SiteTree(SITES_DIR).resolve("/unhcr" + parts.path, parts.query)
    assert resource is not None and resource.body == (PAGES / name).read_bytes()


# -- listing pages, one field per test ---------------------------------------------------------------


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_urls(name):
    actual, expected = parsed(name)
    assert [e["url"] for e in actual["entries"]] == [e["url"] for e in expected["entries"]]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_titles(name):
    actual, expected = parsed(name)
    assert [e["title"] for e in actual["entries"]] == [e["title"] for e in expected["entries"]]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_dates(name):
    actual, expected = parsed(name)
    assert [e["published"] for e in actual["entries"]] == [e["published"] for e in expected["entries"]]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_doc_types(name):
    actual, expected = parsed(name)
    assert [e["doc_type"] for e in actual["entries"]] == [e["doc_type"] for e in expected["entries"]]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_next_page(name):
    actual, expected = parsed(name)
    assert actual["next_page"] == expected["next_page"]


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-0.html")[0]["next_page"] == LISTING + "&page=1"
    assert parsed("listing-page-1.html")[0]["next_page"] is None


def test_listing_names_every_english_document_saved_here_and_only_unhcrs():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for url in PAGE_URLS.values() if "/en/" in url}
    assert all("/unhcr/" in url for url in listed)


# -- document pages, one field per test --------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_url(name):
    actual, expected = parsed(name)
    assert actual["url"] == expected["url"] == PAGE_URLS[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_title(name):
    actual, expected = parsed(name)
    assert actual["title"] == expected["title"]
    assert actual["title"] and "Refworld" not in actual["title"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_published(name):
    actual, expected = parsed(name)
    assert actual["published"] == expected["published"]
    assert actual["published"][:4] in PAGE_URLS[name]  # Refworld's URL carries the year


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_type(name):
    actual, expected = parsed(name)
    assert actual["doc_type"] == expected["doc_type"]
    assert actual["doc_type"] == ("guidance" if "/countrypos/" in PAGE_URLS[name] else "report")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_language(name):
    actual, expected = parsed(name)
    assert actual["language"] == expected["language"]
    assert f"/{actual['language']}/" in PAGE_URLS[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_links(name):
    actual, expected = parsed(name)
    assert actual["links"] == expected["links"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_metadata(name):
    actual, expected = parsed(name)
    assert actual["metadata"] == expected["metadata"]
    assert actual["metadata"]["publisher"] == "UN High Commissioner for Refugees (UNHCR)"
    assert PAGE_URLS[name].endswith("/" + actual["metadata"]["refworld_id"])


def test_position_links_its_pdf_and_arabic_version_which_links_back():
    english, _ = parsed(RETURNS)
    arabic, _ = parsed(RETURNS_AR)
    assert english["links"] == [["attachment", RETURNS_PDF], ["translation", PAGE_URLS[RETURNS_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[RETURNS]]]
    assert (arabic["published"], arabic["doc_type"]) == (english["published"], "guidance")


def test_arabic_document_in_the_english_interface_is_arabic():
    arabic, _ = parsed(RETURNS_AR)
    assert b'<html lang="en"' in (PAGES / RETURNS_AR).read_bytes()
    assert arabic["language"] == "ar" and arabic["title"].startswith("موقف المفوضية")


# -- crawl decisions -------------------------------------------------------------------------------------


class FakeStore:
    """The part of the Store the spider reads: which URLs are known, and a known page's links."""

    def __init__(self, known=(), documents=None, links=None):
        self.known = set(known)
        self.documents = documents or {}
        self.link_rows = links or {}

    def knows(self, url):
        return url in self.known

    def document(self, doc_id):
        return self.documents.get(doc_id)

    def links(self, doc_id):
        return self.link_rows.get(doc_id, [])


def requests_from(results) -> list[Request]:
    return [r for r in results if isinstance(r, Request)]


def test_crawl_starts_at_the_syria_country_page_filtered_to_unhcr():
    spider = UNHCRSpider()
    (request,) = spider.first_requests()
    assert request.url == LISTING and request.callback == spider.parse


def test_listing_requests_every_document_and_the_next_page_while_something_is_new():
    spider = UNHCRSpider(store=FakeStore())
    requests = requests_from(spider.parse(saved_response("listing-page-0.html")))
    assert [r.url for r in requests] == [e["url"] for e in parsed("listing-page-0.html")[0]["entries"]] + [
        LISTING + "&page=1"]
    assert all(r.errback == spider.record_download_error for r in requests)


def test_listing_stops_paging_when_every_document_is_known():
    entries = parsed("listing-page-0.html")[0]["entries"]
    spider = UNHCRSpider(store=FakeStore(known=[e["url"] for e in entries]))
    assert [r.url for r in requests_from(spider.parse(saved_response("listing-page-0.html")))] == [
        e["url"] for e in entries]


def test_since_backfills_past_known_pages_and_stops_at_older_documents():
    entries = parsed("listing-page-1.html")[0]["entries"]
    spider = UNHCRSpider(since="2024-12-08", store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls == [e["url"] for e in entries if e["published"] >= "2024-12-08"]
    first_page = [e["url"] for e in parsed("listing-page-0.html")[0]["entries"]]
    spider = UNHCRSpider(since=date(2024, 1, 1), store=FakeStore(known=first_page))
    assert requests_from(spider.parse(saved_response("listing-page-0.html")))[-1].url == LISTING + "&page=1"


def test_document_page_yields_itself_then_its_pdf_and_arabic_version():
    spider = UNHCRSpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(RETURNS))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (RETURNS_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 7, 17)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[RETURNS_AR], spider.parse_document)


def test_pdf_is_its_own_document_described_by_its_page():
    spider = UNHCRSpider()
    parent = {"url": PAGE_URLS[RETURNS], "title": "UNHCR Position on Returns", "published": "2025-07-17",
              "doc_type": "guidance", "language": "en"}
    response = Response(RETURNS_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(RETURNS_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"], item["language"]) == (
        "UNHCR Position on Returns", date(2025, 7, 17), "guidance", "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[RETURNS]}


def test_unchanged_page_rechecks_its_pdf_and_translation_from_the_store():
    page = PAGE_URLS[RETURNS]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "Returns", "published": "2025-07-17",
                                                     "doc_type": "guidance", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": RETURNS_PDF},
                                                 {"relation": "translation", "to_url": PAGE_URLS[RETURNS_AR]}]})
    spider = UNHCRSpider(store=store)
    pdf_request, arabic_request = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (pdf_request.url, pdf_request.callback) == (RETURNS_PDF, spider.parse_attachment)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[RETURNS_AR], spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links_and_keeps_the_language():
    spider = UNHCRSpider(base_url="http://127.0.0.1:8089/unhcr")
    url = "http://127.0.0.1:8089/unhcr/policy/countrypos/unhcr/2025/ar/150421"
    item = spider.read_document(saved_response(RETURNS_AR, url=url))
    assert item["links"] == [("translation", "http://127.0.0.1:8089/unhcr/policy/countrypos/unhcr/2025/en/150420")]
    assert (item["language"], item["doc_type"]) == ("ar", "guidance")
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = UNHCRSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("unhcr", "un", ("en", "ar"), True)
    assert info.homepage == LIVE and "Refworld" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------

CRAWL = """
import json, sys
from crawlers.run import crawl
from pipeline.settings import Settings
print("STATS " + json.dumps(crawl(Settings.from_env(), sources=[sys.argv[1]], progress=False)))
"""


def run_crawl(source: str, mirror_url: str, data_dir: Path) -> dict:
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror_url, "COI_CONTACT": CONTACT,
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CRAWL, source], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    line = [line for line in result.stdout.splitlines() if line.startswith("STATS ")][-1]
    return json.loads(line.removeprefix("STATS "))["sources"][source]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("unhcr-data")
    runs = {}
    with Mirror() as mirror:
        for name in ("first", "again"):
            mirror.clear_log()
            runs[name] = SimpleNamespace(stats=run_crawl("unhcr", mirror.url, data_dir), hits=mirror.hits)
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, url=lambda path: f"{base_url}/unhcr{path}")
    store.close()


def test_first_crawl_stores_every_document_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 5 document pages, 4 PDFs, 1 Arabic version.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (10, 0, "finished")
    assert crawled.store.sources()["unhcr"]["organisation"] == "UN High Commissioner for Refugees (UNHCR)"


def test_stored_position_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[RETURNS]).path)
    pdf = url(urlsplit(RETURNS_PDF).path)
    arabic = url(urlsplit(PAGE_URLS[RETURNS_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-07-17"
    stored_arabic = store.document(document_id(arabic))
    assert (stored_arabic["language_declared"], stored_arabic["metadata"]["refworld_id"]) == ("ar", "150421")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    run = crawled.runs["again"]
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["errors"]) == (0, 0, 0)
    assert run.stats["not_modified"] >= 7
    assert not any("page=1" in hit.path for hit in run.hits)
    assert all(hit.status in (200, 304) for hit in run.hits)


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    for run in crawled.runs.values():
        assert [hit.path for hit in run.hits].count("/robots.txt") == 1
        assert not [hit for hit in run.hits if "/search" in hit.path or "publisher=usdos" in hit.path]
        assert all(CONTACT in hit.user_agent for hit in run.hits)
