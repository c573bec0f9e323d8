"""Saved-page tests for the EUAA spider, its crawl decisions, and a crawl of the mirror.

Each saved page named in tests/fixtures/pages/euaa/pages.json is the mirror's own page at that URL, with its expected
output in tests/fixtures/expected/euaa/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_euaa.py, review the diff, then commit it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.items import ReportItem
from crawlers.spiders.euaa import EuropeanUnionAgencyForAsylumSpider
from pipeline.urls import document_id
from spider_harness import (FakeStore, ListingDecisionContract, MirroredPageContract, SavedPages,
                            assert_reads_robots_txt_and_names_the_contact, assert_second_crawl_stores_nothing_new,
                            crawl_mirror_twice)


SAVED = SavedPages("euaa", EuropeanUnionAgencyForAsylumSpider, charset="UTF-8", mirrored=True)
PAGE_URLS, LISTINGS, DOCUMENTS = SAVED.urls, SAVED.listings, SAVED.documents
saved_response, parsed = SAVED.response, SAVED.parsed

PUBLICATIONS = [name for name in DOCUMENTS if name.startswith("publications-")]
GUIDANCE_PAGES = [name for name in DOCUMENTS if name.startswith("country-guidance-")]
LIVE = "https://euaa.europa.eu"
LISTING = f"{LIVE}/publications?country=syria"
GUIDANCE = "publications-country-guidance-syria-june-2025.html"
GUIDANCE_PDF = f"{LIVE}/sites/default/files/publications/2025-06/2025_06_Country_Guidance_Syria_EN.pdf"
ONLINE = f"{LIVE}/country-guidance-syria-2025"
ALAWITES = f"{ONLINE}/42-alawites"
CONTACT = "coi-euaa-tests@example.org"


class TestSavedPages(MirroredPageContract):
    pages = SAVED
    organisation = "European Union Agency for Asylum"

    def test_document_language(self, name):
        actual, expected = parsed(name)
        assert actual["language"] == expected["language"] == "en"


def test_listing_is_newest_first_spans_the_transition_and_pages_end():
    dates = [e["published"] for name in LISTINGS for e in parsed(name)[0]["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] > "2024-12-08" > dates[-1]
    assert parsed("listing-page-0.html")[0]["next_page"] == LISTING + "&page=1"
    assert parsed("listing-page-1.html")[0]["next_page"] is None


def test_listing_names_every_publication_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {PAGE_URLS[name] for name in PUBLICATIONS}


@pytest.mark.parametrize("name", PUBLICATIONS)
def test_every_publication_links_its_pdf_and_names_its_type(name):
    actual, _ = parsed(name)
    pdfs = [url for relation, url in actual["links"] if relation == "attachment"]
    assert len(pdfs) == 1 and pdfs[0].startswith(f"{LIVE}/sites/default/files/publications/")
    assert actual["metadata"]["publication_type"] in ("COI Reports", "COI Query", "Country Guidance")


def test_country_guidance_links_its_pdf_and_its_online_version_whose_contents_are_its_sections():
    guidance, _ = parsed(GUIDANCE)
    assert guidance["doc_type"] == "guidance"
    assert guidance["links"] == [["attachment", GUIDANCE_PDF], ["part", ONLINE]]
    online, _ = parsed("country-guidance-syria-2025.html")
    assert online["links"] == [["part", f"{ONLINE}/41-persons-perceived-be-associated-former-government"],
                               ["part", ALAWITES]]
    assert online["published"] == guidance["published"] == "2025-06-12"


@pytest.mark.parametrize("name", [n for n in GUIDANCE_PAGES if n != "country-guidance-syria-2025.html"])
def test_guidance_sections_name_the_guidance_and_follow_no_previous_or_next_link(name):
    actual, _ = parsed(name)
    assert actual["title"].startswith("Country Guidance: Syria (2025) – 4.")
    assert actual["links"] == [] and actual["metadata"]["part_of"] == ONLINE


# -- crawl decisions -------------------------------------------------------------------------------------


class TestListingDecisions(ListingDecisionContract):
    pages = SAVED
    start_url = LISTING
    next_page = LISTING + "&page=1"
    first_listing = "listing-page-0.html"
    since_listing = "listing-page-1.html"


def test_guidance_page_yields_itself_then_its_pdf_and_online_version():
    spider = EuropeanUnionAgencyForAsylumSpider()
    item, pdf_request, online_request = spider.parse_document(saved_response(GUIDANCE))
    assert isinstance(item, ReportItem) and item["body"].startswith(b"<!DOCTYPE html>")
    assert (pdf_request.url, pdf_request.callback) == (GUIDANCE_PDF, spider.parse_attachment)
    assert (online_request.url, online_request.callback) == (ONLINE, spider.parse_document)
    assert pdf_request.meta["parent"]["doc_type"] == "guidance"


def test_pdf_is_its_own_document_described_by_its_page():
    spider = EuropeanUnionAgencyForAsylumSpider()
    parent = {"url": PAGE_URLS[GUIDANCE], "title": "Country Guidance: Syria (June 2025)", "published": "2025-06-12",
              "doc_type": "guidance", "language": "en"}
    response = Response(GUIDANCE_PDF, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(GUIDANCE_PDF, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["title"], item["published"], item["doc_type"]) == (parent["title"], date(2025, 6, 12), "guidance")
    assert item["metadata"] == {"landing_page": PAGE_URLS[GUIDANCE]}


def test_unchanged_online_guidance_rechecks_its_sections_from_the_store():
    store = FakeStore(known=[ONLINE],
                      documents={document_id(ONLINE): {"title": "Country Guidance: Syria (2025)",
                                                       "published": "2025-06-12", "doc_type": "guidance",
                                                       "language_declared": "en"}},
                      links={document_id(ONLINE): [{"relation": "part", "to_url": ALAWITES}]})
    spider = EuropeanUnionAgencyForAsylumSpider(store=store)
    (request,) = spider.parse_document(Response(ONLINE, status=304, request=Request(ONLINE)))
    assert (request.url, request.callback) == (ALAWITES, spider.parse_document)


def test_mirror_base_url_replaces_the_live_site_in_links():
    spider = EuropeanUnionAgencyForAsylumSpider(base_url="http://127.0.0.1:8089/euaa")
    url = "http://127.0.0.1:8089/euaa/publications/country-guidance-syria-june-2025"
    item = spider.read_document(saved_response(GUIDANCE, url=url))
    assert item["links"] == [
        ("attachment", "http://127.0.0.1:8089/euaa" + urlsplit(GUIDANCE_PDF).path),
        ("part", "http://127.0.0.1:8089/euaa/country-guidance-syria-2025"),
    ]
    assert spider.allowed_domains == ["127.0.0.1"]


def test_source_description():
    info = EuropeanUnionAgencyForAsylumSpider.source_info()
    assert (info.id, info.source_type, info.languages, info.on_the_ground) == ("euaa", "government", ("en",), False)
    assert info.homepage == LIVE and "Country Guidance" in info.description and info.crawl_method


# -- over HTTP: the mirror, crawled twice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    yield from crawl_mirror_twice("euaa", CONTACT, tmp_path_factory)


def test_first_crawl_stores_every_publication_pdf_and_guidance_page(crawled):
    stats = crawled.runs["first"].stats
    # 5 publication pages, 5 PDFs, the online guidance and its 2 sections.
    assert (stats["new_documents"], stats["errors"], stats["finish_reason"]) == (13, 0, "finished")
    assert crawled.store.sources()["euaa"]["languages"] == ["en"]


def test_stored_guidance_links_its_pdf_online_version_and_sections(crawled):
    store, url = crawled.store, crawled.url
    page = url(urlsplit(PAGE_URLS[GUIDANCE]).path)
    pdf, online, section = url(urlsplit(GUIDANCE_PDF).path), url(urlsplit(ONLINE).path), url(urlsplit(ALAWITES).path)
    assert {(link["relation"], link["to_document"]) for link in store.links(document_id(page))} == {
        ("attachment", document_id(pdf)), ("part", document_id(online))}
    assert ("part", document_id(section)) in {(link["relation"], link["to_document"])
                                              for link in store.links(document_id(online))}
    stored_pdf = store.document(document_id(pdf))
    assert store.body(stored_pdf["sha256"]).startswith(b"%PDF-") and stored_pdf["doc_type"] == "guidance"
    stored_section = store.document(document_id(section))
    assert (stored_section["title"], stored_section["published"]) == (
        "Country Guidance: Syria (2025) – 4.2. Alawites", "2025-06-12")


def test_second_crawl_stores_nothing_new_and_does_not_page_on(crawled):
    assert_second_crawl_stores_nothing_new(crawled.runs["again"], 8, "page=1")


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    assert_reads_robots_txt_and_names_the_contact(crawled, CONTACT, "/search")
