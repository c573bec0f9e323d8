"""Saved-page tests for the Syrians for Truth and Justice spider, its crawl decisions, and a crawl of the mirror.

Each page in tests/fixtures/pages/stj/ (URLs in pages.json) is a copy of the mirror's page, with its expected
output in tests/fixtures/expected/stj/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_stj.py, review the diff, then commit it.
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
from urllib.parse import unquote, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawlers.items import ReportItem
from crawlers.mirror.server import SITES_DIR, Mirror, SiteTree
from crawlers.spiders.hrw import Listing
from crawlers.spiders.stj import SyriansForTruthAndJusticeSpider
from pipeline.store import Store
from pipeline.urls import document_id

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages" / "stj"
EXPECTED = FIXTURES / "expected" / "stj"
PAGE_URLS: dict[str, str] = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
LISTINGS = sorted(name for name in PAGE_URLS if name.startswith("listing-"))
DOCUMENTS = sorted(name for name in PAGE_URLS if not name.startswith("listing-"))
LIVE = "https://stj-sy.org"
CATEGORY = f"{LIVE}/en/investigative-reports/"
COAST = "en-coastal-massacres-killing-alawite-civilians-baniyas-jableh-march-2025.html"
COAST_AR = "ar-2025-04-03-30216.html"
COAST_PDF = f"{LIVE}/wp-content/uploads/2025/04/Coastal-Massacres-March-2025-EN.pdf"
CONTACT = "coi-stj-tests@example.org"


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
    spider = SyriansForTruthAndJusticeSpider()
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
    resource = SiteTree(SITES_DIR).resolve("/stj" + urlsplit(PAGE_URLS[name]).path)
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
    assert parsed("listing-page-1.html")[0]["next_page"] == CATEGORY + "page/2/"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_listing_names_every_english_report_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for name, url in PAGE_URLS.items() if name.startswith("en-")}


# -- report pages, one field per test ----------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_url(name):
    actual, expected = parsed(name)
    assert actual["url"] == expected["url"] == PAGE_URLS[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_title(name):
    actual, expected = parsed(name)
    assert actual["title"] == expected["title"]
    assert actual["title"] and "Syrians for Truth and Justice" not in actual["title"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_published(name):
    actual, expected = parsed(name)
    assert actual["published"] == expected["published"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_type(name):
    actual, expected = parsed(name)
    assert actual["doc_type"] == expected["doc_type"] == "report"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_language(name):
    actual, expected = parsed(name)
    assert actual["language"] == expected["language"] == name[:2]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_links(name):
    actual, expected = parsed(name)
    assert actual["links"] == expected["links"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_metadata(name):
    actual, expected = parsed(name)
    assert actual["metadata"] == expected["metadata"]


def test_report_links_its_pdf_and_arabic_version_which_links_back():
    english, _ = parsed(COAST)
    arabic, _ = parsed(COAST_AR)
    assert english["links"] == [["attachment", COAST_PDF], ["translation", PAGE_URLS[COAST_AR]]]
    assert arabic["links"] == [["translation", PAGE_URLS[COAST]]]
    assert (arabic["published"], arabic["metadata"]["category"]) == ("2025-04-03", "تقارير تحقيقية")
    assert arabic["title"].startswith("مجازر الساحل")


def test_language_switcher_in_the_header_is_not_a_translation():
    for name in DOCUMENTS:
        targets = [url for relation, url in parsed(name)[0]["links"] if relation == "translation"]
        assert f"{LIVE}/ar/" not in targets and f"{LIVE}/en/" not in targets


def test_only_the_oldest_report_has_no_pdf():
    without_pdf = [name for name in DOCUMENTS if name.startswith("en-")
                   and not [link for link in parsed(name)[0]["links"] if link[0] == "attachment"]]
    assert without_pdf == ["en-syria-returnees-from-lebanon-detained-at-crossings-october-2024.html"]


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


def test_crawl_starts_at_the_investigative_reports_category():
    spider = SyriansForTruthAndJusticeSpider()
    (request,) = spider.first_requests()
    assert request.url == CATEGORY and request.callback == spider.parse


def test_listing_requests_every_report_and_the_older_page_while_something_is_new():
    spider = SyriansForTruthAndJusticeSpider(store=FakeStore())
    requests = requests_from(spider.parse(saved_response("listing-page-1.html")))
    assert [r.url for r in requests] == [e["url"] for e in parsed("listing-page-1.html")[0]["entries"]] + [
        CATEGORY + "page/2/"]
    assert all(r.errback == spider.record_download_error for r in requests)


def test_listing_stops_paging_when_every_report_is_known():
    entries = parsed("listing-page-1.html")[0]["entries"]
    spider = SyriansForTruthAndJusticeSpider(store=FakeStore(known=[e["url"] for e in entries]))
    assert [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))] == [
        e["url"] for e in entries]


def test_since_backfills_past_known_pages_and_stops_at_older_reports():
    entries = parsed("listing-page-2.html")[0]["entries"]
    spider = SyriansForTruthAndJusticeSpider(since="2024-12-08", store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-2.html")))]
    assert urls == [e["url"] for e in entries if e["published"] >= "2024-12-08"]
    first_page = [e["url"] for e in parsed("listing-page-1.html")[0]["entries"]]
    spider = SyriansForTruthAndJusticeSpider(since=date(2024, 1, 1), store=FakeStore(known=first_page))
    assert requests_from(spider.parse(saved_response("listing-page-1.html")))[-1].url == CATEGORY + "page/2/"


def test_report_page_yields_itself_then_its_pdf_and_arabic_version():
    spider = SyriansForTruthAndJusticeSpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(COAST))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (COAST_PDF, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 4, 3)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[COAST_AR], spider.parse_document)


def test_pdf_is_its_own_document_described_by_its_page():
    spider = SyriansForTruthAndJusticeSpider()
    parent = {"url": PAGE_URLS[COAST], "title": "Coastal Massacres", "published": "2025-04-03",
              "doc_type": "report", "language": "en"}
    response = Response(COAST_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(COAST_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"], item["language"]) == (
        "Coastal Massacres", date(2025, 4, 3), "report", "en")
    assert item["metadata"] == {"landing_page": PAGE_URLS[COAST]}


def test_unchanged_page_rechecks_its_pdf_and_translation_from_the_store():
    page = PAGE_URLS[COAST]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "Coast", "published": "2025-04-03",
                                                     "doc_type": "report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": COAST_PDF},
                                                 {"relation": "translation", "to_url": PAGE_URLS[COAST_AR]}]})
    spider = SyriansForTruthAndJusticeSpider(store=store)
    pdf_request, arabic_request = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (pdf_request.url, pdf_request.callback) == (COAST_PDF, spider.parse_attachment)
    assert (arabic_request.url, arabic_request.callback) == (PAGE_URLS[COAST_AR], spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = SyriansForTruthAndJusticeSpider(base_url="http://127.0.0.1:8089/stj")
    url = "http://127.0.0.1:8089/stj" + urlsplit(PAGE_URLS[COAST]).path
    item = spider.read_document(saved_response(COAST, url=url))
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/stj/wp-content/uploads/2025/04/Coastal-Massacres-March-2025-EN.pdf"),
        ("translation", "http://127.0.0.1:8089/stj" + urlsplit(PAGE_URLS[COAST_AR]).path),
    ]
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = SyriansForTruthAndJusticeSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("stj", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and "Afrin" in info.description and info.crawl_method


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
    data_dir = tmp_path_factory.mktemp("stj-data")
    runs = {}
    with Mirror() as mirror:
        for name in ("first", "again"):
            mirror.clear_log()
            runs[name] = SimpleNamespace(stats=run_crawl("stj", mirror.url, data_dir), hits=mirror.hits)
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, url=lambda path: f"{base_url}/stj{path}")
    store.close()


def test_first_crawl_stores_every_report_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 5 report pages, 4 PDFs, 2 Arabic versions.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (11, 0, "finished")
    assert crawled.store.sources()["stj"]["languages"] == ["en", "ar"]


def test_stored_report_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[COAST]).path)
    pdf = url(urlsplit(COAST_PDF).path)
    arabic = url(urlsplit(PAGE_URLS[COAST_AR]).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-04-03"
    stored_arabic = store.document(document_id(arabic))
    assert (stored_arabic["language_declared"], stored_arabic["published"]) == ("ar", "2025-04-03")
    assert "بانياس" in store.body(stored_arabic["sha256"]).decode("utf-8")
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(arabic))} == {
        ("translation", document_id(page))}
    assert unquote(urlsplit(arabic).path).startswith("/stj/ar/مجازر-الساحل")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    run = crawled.runs["again"]
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["errors"]) == (0, 0, 0)
    assert run.stats["not_modified"] >= 7
    assert not any("/page/2/" in hit.path for hit in run.hits)
    assert all(hit.status in (200, 304) for hit in run.hits)


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    for run in crawled.runs.values():
        assert [hit.path for hit in run.hits].count("/robots.txt") == 1
        assert not [hit for hit in run.hits if "/author/" in hit.path or "?s=" in hit.path]
        assert all(CONTACT in hit.user_agent for hit in run.hits)
