"""Saved-page tests for the Human Rights Watch spider, plus its crawl decisions (paging, since, 304s).

Each page in tests/fixtures/pages/hrw/ (URLs in pages.json) has its expected output in
tests/fixtures/expected/hrw/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_hrw.py, review the diff, then commit it.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawlers.items import ReportItem
from crawlers.spiders.hrw import HumanRightsWatchSpider, Listing
from pipeline.urls import document_id

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages" / "hrw"
EXPECTED = FIXTURES / "expected" / "hrw"
PAGE_URLS: dict[str, str] = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
LISTINGS = sorted(name for name in PAGE_URLS if name.startswith("listing-"))
DOCUMENTS = sorted(name for name in PAGE_URLS if not name.startswith("listing-"))
LIVE = "https://www.hrw.org"


def saved_response(name: str, url: str | None = None, meta: dict | None = None) -> HtmlResponse:
    url = url or PAGE_URLS[name]
    request = Request(url, meta=meta or {})
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes(), encoding="utf-8", request=request,
                        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'})


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
    spider = HumanRightsWatchSpider()
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


def test_listing_is_newest_first_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert parsed("listing-page-0.html")[0]["next_page"] == f"{LIVE}/middle-east/n-africa/syria?page=1"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


# -- document pages, one field per test --------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_url(name):
    actual, expected = parsed(name)
    assert actual["url"] == expected["url"] == PAGE_URLS[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_title(name):
    actual, expected = parsed(name)
    assert actual["title"] == expected["title"]
    assert actual["title"] and "Human Rights Watch" not in actual["title"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_published(name):
    actual, expected = parsed(name)
    assert actual["published"] == expected["published"]
    assert actual["published"] in name  # the date in the URL is the publication date


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_type(name):
    actual, expected = parsed(name)
    assert actual["doc_type"] == expected["doc_type"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_language(name):
    actual, expected = parsed(name)
    assert actual["language"] == expected["language"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_links(name):
    actual, expected = parsed(name)
    assert actual["links"] == expected["links"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_metadata(name):
    actual, expected = parsed(name)
    assert actual["metadata"] == expected["metadata"]


def test_report_links_its_pdf_and_its_arabic_version_which_links_back():
    english, _ = parsed("report-2025-03-12-they-came-to-kill-us.html")
    arabic, _ = parsed("ar-report-2025-03-12-391502.html")
    assert english["links"] == [
        ["attachment", f"{LIVE}/sites/default/files/media_2025/03/syria0325_web.pdf"],
        ["translation", f"{LIVE}/ar/report/2025/03/12/391502"],
    ]
    assert arabic["language"] == "ar" and arabic["doc_type"] == "report"
    assert arabic["links"] == [["translation", f"{LIVE}/report/2025/03/12/they-came-to-kill-us"]]


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


def test_listing_requests_every_document_and_the_next_page_while_something_is_new():
    spider = HumanRightsWatchSpider(store=FakeStore())
    requests = requests_from(spider.parse(saved_response("listing-page-0.html")))
    urls = [r.url for r in requests]
    assert urls[-1] == f"{LIVE}/middle-east/n-africa/syria?page=1"
    assert len(urls) == 5
    assert all(r.errback == spider.record_download_error for r in requests)


def test_listing_stops_paging_when_every_document_is_known():
    entries = parsed("listing-page-0.html")[0]["entries"]
    spider = HumanRightsWatchSpider(store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-0.html")))]
    # Known documents are still checked (conditionally, by the middleware), but paging stops.
    assert urls == [e["url"] for e in entries]


def test_since_backfills_past_known_pages_and_stops_at_older_documents():
    entries = parsed("listing-page-1.html")[0]["entries"]
    spider = HumanRightsWatchSpider(since="2024-10-01", store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls == [e["url"] for e in entries if e["published"] >= "2024-10-01"]  # no next page: older reached
    spider = HumanRightsWatchSpider(since=date(2023, 1, 1), store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls[-1].endswith("?page=2")


def test_since_must_be_a_date():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        HumanRightsWatchSpider(since="last week")


def test_document_page_yields_itself_then_its_pdf_and_translation():
    spider = HumanRightsWatchSpider()
    results = list(spider.parse_document(saved_response("report-2025-03-12-they-came-to-kill-us.html")))
    item, pdf_request, arabic_request = results
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert item["etag"] == '"abc"' and item["content_type"] == "text/html; charset=utf-8"
    assert pdf_request.callback == spider.parse_attachment
    assert pdf_request.meta["parent"]["title"] == item["title"]
    assert arabic_request.callback == spider.parse_document


def test_pdf_is_its_own_document_described_by_its_page():
    spider = HumanRightsWatchSpider()
    parent = {"url": f"{LIVE}/report/2024/04/16/everything-was-taken-afrin", "title": "Everything Was Taken",
              "published": date(2024, 4, 16), "doc_type": "report", "language": "en"}
    url = f"{LIVE}/sites/default/files/media_2024/04/syria0424_web.pdf"
    response = Response(url, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(url, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["url"], item["title"], item["published"], item["doc_type"], item["language"]) == (
        url, "Everything Was Taken", date(2024, 4, 16), "report", "en")
    assert item["content_type"] == "application/pdf" and item["metadata"] == {"landing_page": parent["url"]}


def test_unchanged_page_rechecks_the_documents_it_links_from_the_store():
    page = f"{LIVE}/report/2025/03/12/they-came-to-kill-us"
    pdf = f"{LIVE}/sites/default/files/media_2025/03/syria0325_web.pdf"
    store = FakeStore(
        known=[page],
        documents={document_id(page): {"title": "They Came", "published": "2025-03-12", "doc_type": "report",
                                       "language_declared": "en"}},
        links={document_id(page): [{"relation": "attachment", "to_url": pdf, "to_document": document_id(pdf)}]},
    )
    spider = HumanRightsWatchSpider(store=store)
    not_modified = Response(page, status=304, request=Request(page))
    (request,) = spider.parse_document(not_modified)
    assert request.url == pdf and request.callback == spider.parse_attachment
    assert request.meta["parent"]["published"] == "2025-03-12"
    pdf_response = Response(pdf, body=b"%PDF", request=Request(pdf, meta=request.meta))
    (item,) = spider.parse_attachment(pdf_response)
    assert item["published"] == date(2025, 3, 12)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = HumanRightsWatchSpider(base_url="http://127.0.0.1:8089/hrw")
    url = "http://127.0.0.1:8089/hrw/report/2025/03/12/they-came-to-kill-us"
    response = saved_response("report-2025-03-12-they-came-to-kill-us.html", url=url)
    item = spider.read_document(response)
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/hrw/sites/default/files/media_2025/03/syria0325_web.pdf"),
        ("translation", "http://127.0.0.1:8089/hrw/ar/report/2025/03/12/391502"),
    ]
    assert item["doc_type"] == "report"
    assert spider.allowed_domains == ["127.0.0.1"]
    assert spider.site_url("https://www.hrw.org/news") == "http://127.0.0.1:8089/hrw/news"
    assert spider.site_url("?page=1", response) == url + "?page=1"


def test_source_description():
    info = HumanRightsWatchSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("hrw", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and info.description and info.crawl_method
