"""Saved-page tests for the US State Department (Country Reports on Human Rights Practices) spider, its crawl
decisions, and a crawl of the mirror.

Each saved page named in tests/fixtures/pages/usdos/pages.json is the mirror's own page at that URL, with its expected
output in tests/fixtures/expected/usdos/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_usdos.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawlers.items import ReportItem
from crawlers.spiders.usdos import StateDepartmentHumanRightsReportSpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("usdos", StateDepartmentHumanRightsReportSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

LIVE = "https://www.state.gov"
INDEX = f"{LIVE}/reports-bureau-of-democracy-human-rights-and-labor/country-reports-on-human-rights-practices/"
REPORT_2024 = "reports-2024-syria.html"
PDF_2024 = f"{LIVE}/wp-content/uploads/2025/08/624521_SYRIA-2024-HUMAN-RIGHTS-REPORT.pdf"
CONTACT = "coi-usdos-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED

    def test_document_title(self, name):
        super().test_document_title(name)
        actual, _ = parsed(name)
        assert actual["title"] == f"{name.split('-')[1]} Country Reports on Human Rights Practices: Syria"

    def test_document_published(self, name):
        super().test_document_published(name)
        actual, _ = parsed(name)
        # Released the year after the year it covers (the 2024 report in August 2025).
        assert int(actual["published"][:4]) == int(actual["metadata"]["report_year"]) + 1

    def test_document_type(self, name):
        actual, expected = parsed(name)
        assert actual["doc_type"] == expected["doc_type"] == "annual_report"

    def test_document_language(self, name):
        actual, expected = parsed(name)
        assert actual["language"] == expected["language"] == "en"

    def test_document_metadata(self, name):
        super().test_document_metadata(name)
        actual, _ = parsed(name)
        assert actual["metadata"]["report_year"] == name.split("-")[1]


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-1.html")[0]["next_page"] == INDEX + "page/2/"
    assert parsed("listing-page-2.html")[0]["next_page"] is None


def test_listing_leads_to_the_syria_chapter_of_every_year():
    listed = [e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert listed == [f"{LIVE}/reports/{year}-country-reports-on-human-rights-practices/syria/"
                      for year in (2024, 2023, 2022, 2021, 2020)]
    assert set(listed) == set(PAGE_URLS[name] for name in DOCUMENTS)


def test_listing_skips_links_that_are_not_a_years_collection():
    body = (b'<html><body><ul class="collection-results">'
            b'<li class="collection-result"><p class="collection-result__date">June 26, 2025</p>'
            b'<a class="collection-result__link" '
            b'href="https://www.state.gov/reports/2025-trafficking-in-persons-report/">'
            b'2025 Trafficking in Persons Report</a></li>'
            b'<li class="collection-result"><p class="collection-result__date">April 22, 2024</p>'
            b'<a class="collection-result__link" href="/reports/2023-country-reports-on-human-rights-practices/">'
            b'2023 Country Reports on Human Rights Practices</a></li></ul></body></html>')
    response = HtmlResponse(url=INDEX, body=body, encoding="utf-8", request=Request(INDEX))
    listing = StateDepartmentHumanRightsReportSpider().read_listing(response)
    assert [e.url for e in listing.entries] == [f"{LIVE}/reports/2023-country-reports-on-human-rights-practices/syria/"]
    assert listing.next_page is None


def test_recent_chapters_link_their_pdf_named_by_the_year_covered():
    for name in DOCUMENTS:
        actual, _ = parsed(name)
        pdfs = [url for relation, url in actual["links"] if relation == "attachment"]
        year = actual["metadata"]["report_year"]
        if year >= "2022":
            assert len(pdfs) == 1 and pdfs[0].endswith(f"_SYRIA-{year}-HUMAN-RIGHTS-REPORT.pdf")
        else:
            assert pdfs == []


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = INDEX
    next_page = INDEX + "page/2/"
    since_listing = "listing-page-1.html"
    since = "2024-01-01"
    older_since = date(2020, 1, 1)

def test_chapter_yields_itself_then_its_pdf():
    spider = StateDepartmentHumanRightsReportSpider()
    item, pdf_request = spider.parse_document(saved_response(REPORT_2024))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (PDF_2024, spider.parse_attachment)
    assert pdf_request.meta["parent"]["published"] == date(2025, 8, 12)


def test_pdf_is_its_own_document_with_the_year_it_covers():
    spider = StateDepartmentHumanRightsReportSpider()
    parent = {"url": PAGE_URLS[REPORT_2024], "title": "2024 Country Reports on Human Rights Practices: Syria",
              "published": "2025-08-12", "doc_type": "annual_report", "language": "en"}
    response = Response(PDF_2024, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(PDF_2024, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"]) == (parent["title"], date(2025, 8, 12),
                                                                    "annual_report")
    assert item["metadata"] == {"landing_page": PAGE_URLS[REPORT_2024], "report_year": "2024"}


def test_unchanged_chapter_rechecks_its_pdf_from_the_store():
    page = PAGE_URLS[REPORT_2024]
    store = FakeStore(known=[page],
                      documents={document_id(page): {"title": "2024: Syria", "published": "2025-08-12",
                                                     "doc_type": "annual_report", "language_declared": "en"}},
                      links={document_id(page): [{"relation": "attachment", "to_url": PDF_2024}]})
    spider = StateDepartmentHumanRightsReportSpider(store=store)
    (request,) = spider.parse_document(Response(page, status=304, request=Request(page)))
    assert (request.url, request.callback) == (PDF_2024, spider.parse_attachment)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = StateDepartmentHumanRightsReportSpider(base_url="http://127.0.0.1:8089/usdos")
    listing_url = "http://127.0.0.1:8089/usdos" + urlsplit(INDEX).path
    listing = spider.read_listing(saved_response("listing-page-1.html", url=listing_url))
    assert listing.entries[0].url == (
        "http://127.0.0.1:8089/usdos/reports/2024-country-reports-on-human-rights-practices/syria/")
    assert listing.next_page == listing_url + "page/2/"
    item = spider.read_document(saved_response(REPORT_2024, url=listing.entries[0].url))
    assert item["links"] == [("attachment", "http://127.0.0.1:8089/usdos" + urlsplit(PDF_2024).path)]
    assert item["metadata"]["report_year"] == "2024"


def test_source_description():
    info = StateDepartmentHumanRightsReportSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("usdos", "government", ("en",), False)
    assert info.homepage == LIVE and "calendar year" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("usdos", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_chapter_and_pdf(crawled):
    stats = crawled.runs["first"].stats
    # 5 Syria chapters (2020 to 2024), 3 PDFs.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (8, 0, "finished")
    assert crawled.store.sources()["usdos"]["source_type"] == "government"


def test_stored_chapter_links_its_pdf(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[REPORT_2024]).path)
    pdf = url(urlsplit(PDF_2024).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["published"] == "2025-08-12"
    assert stored_pdf["metadata"] == {"landing_page": page, "report_year": "2024"}
    stored_page = store.document(document_id(page))
    assert "Sednaya" in store.body(stored_page["sha256"]).decode("utf-8")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 6, "/page/2/")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "?s=")
