"""Saved-page tests for the Amnesty International spider, its crawl decisions, and one crawl of the mirror over HTTP.

Each page in tests/fixtures/pages/amnesty/ (URLs in pages.json) is read from the mirror's page (the one copy), with its
expected output in tests/fixtures/expected/amnesty/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_amnesty.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.amnesty import AmnestySpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("amnesty", AmnestySpider, mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://www.amnesty.org"
LISTING = f"{LIVE}/en/location/middle-east-and-north-africa/middle-east/syria/"
BANIYAS = "en-documents-mde24-9412-2025-en.html"
BANIYAS_AR = "ar-documents-mde24-9412-2025-ar.html"
CONTACT = "coi-amnesty-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "Amnesty International"

    def test_document_language(self, name):
        actual, expected = parsed(name)
        assert actual["language"] == expected["language"] == name[:2]


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-1.html")[0]["next_page"] == LISTING + "page/2/"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_listing_names_every_document_page_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {url for name, url in PAGE_URLS.items() if name.startswith("en-")}


@pytest.mark.parametrize("name", [n for n in DOCUMENTS if "-documents-" in n])
def test_research_documents_keep_their_index_number(name):
    actual, _ = parsed(name)
    region_country, serial, year = name.split("-")[2:5]
    assert actual["metadata"]["index_number"] == f"{region_country[:3].upper()} {region_country[3:]}/{serial}/{year}"


def test_document_links_its_pdf_and_its_arabic_version_which_links_back():
    english, _ = parsed(BANIYAS)
    arabic, _ = parsed(BANIYAS_AR)
    assert english["links"] == [
        ["attachment", f"{LIVE}/en/wp-content/uploads/2025/04/MDE2494122025ENGLISH.pdf"],
        ["translation", f"{LIVE}/ar/documents/mde24/9412/2025/ar/"],
    ]
    assert (arabic["language"], arabic["doc_type"], arabic["published"]) == ("ar", "report", "2025-04-03")
    assert arabic["links"] == [["translation", f"{LIVE}/en/documents/mde24/9412/2025/en/"]]
    assert arabic["metadata"]["index_number"] == english["metadata"]["index_number"] == "MDE 24/9412/2025"


def test_news_has_no_index_number_and_no_attachment():
    for name in (n for n in DOCUMENTS if "-news-" in n):
        actual, _ = parsed(name)
        assert actual["doc_type"] == "news" and "index_number" not in actual["metadata"]
        assert not [link for link in actual["links"] if link[0] == "attachment"]


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = LISTING
    next_page = LISTING + "page/2/"
    since_listing = "listing-page-1.html"
    older_since = date(2023, 1, 1)

def test_document_page_yields_itself_then_its_pdf_and_translation():
    spider = AmnestySpider()
    item, pdf_request, arabic_request = spider.parse_document(saved_response(BANIYAS))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert item["etag"] == '"abc"' and item["content_type"] == "text/html; charset=utf-8"
    assert pdf_request.callback == spider.parse_attachment and pdf_request.meta["parent"]["title"] == item["title"]
    assert arabic_request.callback == spider.parse_document


def test_pdf_is_its_own_document_with_the_index_number_of_its_file_name():
    spider = AmnestySpider()
    parent = {"url": PAGE_URLS[BANIYAS], "title": "Syria: Baniyas", "published": date(2025, 4, 3),
              "doc_type": "report", "language": "en"}
    url = f"{LIVE}/en/wp-content/uploads/2025/04/MDE2494122025ENGLISH.pdf"
    response = Response(url, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(url, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["url"], item["title"], item["published"], item["doc_type"]) == (
        url, "Syria: Baniyas", date(2025, 4, 3), "report")
    assert item["metadata"] == {"landing_page": parent["url"], "index_number": "MDE 24/9412/2025"}


def test_unchanged_page_rechecks_its_pdf_from_the_store():
    page = PAGE_URLS[BANIYAS]
    pdf = f"{LIVE}/en/wp-content/uploads/2025/04/MDE2494122025ENGLISH.pdf"
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "Baniyas", "published": "2025-04-03",
                                                     "doc_type": "report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": pdf}]})
    spider = AmnestySpider(store=store)
    (request,) = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert request.url == pdf and request.callback == spider.parse_attachment


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = AmnestySpider(base_url="http://127.0.0.1:8089/amnesty")
    url = "http://127.0.0.1:8089/amnesty/en/documents/mde24/9412/2025/en/"
    item = spider.read_document(saved_response(BANIYAS, url=url))
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/amnesty/en/wp-content/uploads/2025/04/MDE2494122025ENGLISH.pdf"),
        ("translation", "http://127.0.0.1:8089/amnesty/ar/documents/mde24/9412/2025/ar/"),
    ]
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = AmnestySpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("amnesty", "ngo", ("en", "ar"), True)
    assert info.homepage == LIVE and "MDE 24" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("amnesty", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_document_pdf_and_translation(crawled):
    stats = crawled.runs["first"].stats
    # 7 listed pages, 1 Arabic version, 4 PDFs.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (12, 0, "finished")
    assert crawled.store.sources()["amnesty"]["organisation"] == "Amnesty International"


def test_stored_document_links_its_pdf_and_arabic_version(crawled):
    store, url = crawled.store, crawled.url
    page = url("/en/documents/mde24/9412/2025/en/")
    pdf = url("/en/wp-content/uploads/2025/04/MDE2494122025ENGLISH.pdf")
    arabic = url("/ar/documents/mde24/9412/2025/ar/")
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("translation", document_id(arabic))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-")
    assert stored_pdf["metadata"] == {"landing_page": page, "index_number": "MDE 24/9412/2025"}
    assert store.document(document_id(arabic))["language_declared"] == "ar"


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 10, "/page/2/")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/search/")
