"""Saved-page tests for the EUAA spider, its crawl decisions, and a crawl of the mirror.

Each page in tests/fixtures/pages/euaa/ (URLs in pages.json) is a copy of the mirror's page, with its expected
output in tests/fixtures/expected/euaa/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_euaa.py, review the diff, then commit it.
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
from crawlers.spiders.euaa import EuropeanUnionAgencyForAsylumSpider
from crawlers.spiders.hrw import Listing
from pipeline.store import Store
from pipeline.urls import document_id

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages" / "euaa"
EXPECTED = FIXTURES / "expected" / "euaa"
PAGE_URLS: dict[str, str] = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
LISTINGS = sorted(name for name in PAGE_URLS if name.startswith("listing-"))
DOCUMENTS = sorted(name for name in PAGE_URLS if not name.startswith("listing-"))
PUBLICATIONS = [name for name in DOCUMENTS if name.startswith("publications-")]
GUIDANCE_PAGES = [name for name in DOCUMENTS if name.startswith("country-guidance-")]
LIVE = "https://euaa.europa.eu"
LISTING = f"{LIVE}/publications?country=syria"
GUIDANCE = "publications-country-guidance-syria-june-2025.html"
GUIDANCE_PDF = f"{LIVE}/sites/default/files/publications/2025-06/2025_06_Country_Guidance_Syria_EN.pdf"
ONLINE = f"{LIVE}/country-guidance-syria-2025"
ALAWITES = f"{ONLINE}/42-alawites"
CONTACT = "coi-euaa-tests@example.org"


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
    spider = EuropeanUnionAgencyForAsylumSpider()
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
    resource = SiteTree(SITES_DIR).resolve("/euaa" + parts.path, parts.query)
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


def test_listing_names_every_publication_saved_here():
    listed = {e["url"] for name in LISTINGS for e in parsed(name)[0]["entries"]}
    assert listed == {PAGE_URLS[name] for name in PUBLICATIONS}


# -- publication and guidance pages, one field per test ------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_url(name):
    actual, expected = parsed(name)
    assert actual["url"] == expected["url"] == PAGE_URLS[name]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_title(name):
    actual, expected = parsed(name)
    assert actual["title"] == expected["title"]
    assert actual["title"] and "European Union Agency for Asylum" not in actual["title"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_published(name):
    actual, expected = parsed(name)
    assert actual["published"] == expected["published"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_type(name):
    actual, expected = parsed(name)
    assert actual["doc_type"] == expected["doc_type"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_language(name):
    actual, expected = parsed(name)
    assert actual["language"] == expected["language"] == "en"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_links(name):
    actual, expected = parsed(name)
    assert actual["links"] == expected["links"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_metadata(name):
    actual, expected = parsed(name)
    assert actual["metadata"] == expected["metadata"]


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


def test_crawl_starts_at_the_syria_publications_listing():
    spider = EuropeanUnionAgencyForAsylumSpider()
    (request,) = spider.first_requests()
    assert request.url == LISTING and request.callback == spider.parse


def test_listing_requests_every_publication_and_the_next_page_while_something_is_new():
    spider = EuropeanUnionAgencyForAsylumSpider(store=FakeStore())
    requests = requests_from(spider.parse(saved_response("listing-page-0.html")))
    assert [r.url for r in requests] == [e["url"] for e in parsed("listing-page-0.html")[0]["entries"]] + [
        LISTING + "&page=1"]
    assert all(r.errback == spider.record_download_error for r in requests)


def test_listing_stops_paging_when_every_publication_is_known():
    entries = parsed("listing-page-0.html")[0]["entries"]
    spider = EuropeanUnionAgencyForAsylumSpider(store=FakeStore(known=[e["url"] for e in entries]))
    assert [r.url for r in requests_from(spider.parse(saved_response("listing-page-0.html")))] == [
        e["url"] for e in entries]


def test_since_backfills_past_known_pages_and_stops_at_older_publications():
    entries = parsed("listing-page-1.html")[0]["entries"]
    spider = EuropeanUnionAgencyForAsylumSpider(since="2024-12-08", store=FakeStore(known=[e["url"] for e in entries]))
    urls = [r.url for r in requests_from(spider.parse(saved_response("listing-page-1.html")))]
    assert urls == [e["url"] for e in entries if e["published"] >= "2024-12-08"]
    first_page = [e["url"] for e in parsed("listing-page-0.html")[0]["entries"]]
    spider = EuropeanUnionAgencyForAsylumSpider(since=date(2024, 1, 1), store=FakeStore(known=first_page))
    assert requests_from(spider.parse(saved_response("listing-page-0.html")))[-1].url == LISTING + "&page=1"


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
    data_dir = tmp_path_factory.mktemp("euaa-data")
    runs = {}
    with Mirror() as mirror:
        for name in ("first", "again"):
            mirror.clear_log()
            runs[name] = SimpleNamespace(stats=run_crawl("euaa", mirror.url, data_dir), hits=mirror.hits)
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, url=lambda path: f"{base_url}/euaa{path}")
    store.close()


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
    run = crawled.runs["again"]
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["errors"]) == (0, 0, 0)
    assert run.stats["not_modified"] >= 8
    assert not any("page=1" in hit.path for hit in run.hits)
    assert all(hit.status in (200, 304) for hit in run.hits)


def test_crawl_reads_robots_txt_and_names_the_contact(crawled):
    for run in crawled.runs.values():
        assert [hit.path for hit in run.hits].count("/robots.txt") == 1
        assert not [hit for hit in run.hits if "/search" in hit.path]
        assert all(CONTACT in hit.user_agent for hit in run.hits)
