"""Saved-page tests for the ReliefWeb API spider, its crawl decisions, its appname refusal, and crawls of the mirror.

The saved API pages in tests/fixtures/pages/reliefweb/ (requests in pages.json) are the mirror API's answers
(crawlers/mirror/api.py over crawlers/mirror/sites/reliefweb/v2/reports/) to the spider's own POST requests
with a page size of 4; each has its expected output in tests/fixtures/expected/reliefweb/<page>.json. After
changing a record or the spider, run COI_UPDATE_EXPECTED=1 pytest tests/test_spider_reliefweb.py (which also
saves the API pages again), review the diff, then commit it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, JsonRequest, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawlers.items import ReportItem
from crawlers.mirror import api
from crawlers.mirror.server import SITES_DIR, Mirror
from crawlers.spiders.reliefweb import REPORT_FIELDS, ReliefWebSpider, report_page
from pipeline.store import Store
from pipeline.urls import document_id
from spider_harness import ROOT, ExpectedOutputContract, SavedPages

# The saved API pages are named by their offset (api-offset-<n>.json) and are their own expected output's name.
SAVED_PAGES = SavedPages("reliefweb", glob="api-*.json", expected_name=lambda name: name)
PAGES = SAVED_PAGES.dir
SAVED: dict[str, dict] = SAVED_PAGES.urls
API_PAGES = sorted(SAVED, key=lambda name: SAVED[name]["offset"])
APPNAME = "coi-tests"
PAGE_SIZE = 4
API = "https://api.reliefweb.int/v2/reports"
RW = "https://reliefweb.int"
SWEIDA_HRW = f"{RW}/report/syrian-arab-republic/syria-druze-civilians-killed-abducted-in-sweida-violence"
SNHR_MARCH = (f"{RW}/report/syrian-arab-republic/monthly-report-at-least-1-562-civilian-deaths-documented-in-syria-"
              "in-march-2025-most-of-them-in-the-coastal-region")
CONTACT = "coi-reliefweb-tests@example.org"


def make_spider(**kwargs) -> ReliefWebSpider:
    kwargs.setdefault("appname", APPNAME)
    kwargs.setdefault("page_size", PAGE_SIZE)
    return ReliefWebSpider(**kwargs)


def crawler_spider(store=None, **settings) -> ReliefWebSpider:
    """A spider made as Scrapy makes it, with settings and stats (retries need both)."""
    crawler = get_crawler(ReliefWebSpider, {"COI_RELIEFWEB_APPNAME": APPNAME, "COI_RELIEFWEB_PAGE_SIZE": PAGE_SIZE,
                                            **settings})
    return ReliefWebSpider.from_crawler(crawler, store=store)


def api_body(offset: int) -> bytes:
    """What the API answers the spider's request for the page at offset (the mirror's answer, saved)."""
    name = f"api-offset-{offset}.json"
    if os.environ.get("COI_UPDATE_EXPECTED") == "1":
        request = make_spider().api_request(offset)
        answer = api.answer(SITES_DIR, "POST", "/reliefweb/v2/reports", f"appname={APPNAME}", request.body)
        (PAGES / name).write_bytes(answer.body)
    return (PAGES / name).read_bytes()


def api_response(offset: int, spider: ReliefWebSpider | None = None, body: bytes | None = None,
                 content_type: str = "application/json") -> TextResponse:
    request = (spider or make_spider()).api_request(offset)
    body = api_body(offset) if body is None else body
    response_class = HtmlResponse if content_type.startswith("text/html") else TextResponse
    return response_class(url=request.url, body=body, encoding="utf-8", request=request,
                          headers={"Content-Type": content_type})


def report_output(item: ReportItem) -> dict:
    return {
        "url": item["url"],
        "fetched_url": item["fetched_url"],
        "title": item["title"],
        "published": item["published"].isoformat() if item["published"] else None,
        "doc_type": item["doc_type"],
        "language": item["language"],
        "links": [list(link) for link in item["links"]],
        "metadata": item["metadata"],
    }


@cache
def parsed(name: str) -> tuple[dict, dict]:
    """(actual, expected) output for one saved API page, parsed once."""
    spider = make_spider()
    page = spider.read_page(api_response(SAVED[name]["offset"], spider))
    actual = {"total": page.total, "next_offset": page.next_offset,
              "reports": [report_output(spider.read_record(record)) for record in page.records]}
    return actual, SAVED_PAGES.load_expected(SAVED_PAGES.expected_path(name), actual)


def all_reports() -> list[dict]:
    return [report for name in API_PAGES for report in parsed(name)[0]["reports"]]


class TestExpectedOutput(ExpectedOutputContract):
    pages = SAVED_PAGES


@pytest.mark.parametrize("name", API_PAGES)
def test_saved_page_is_what_the_mirror_api_answers_the_spider(name):
    request = make_spider().api_request(SAVED[name]["offset"])
    answer = api.answer(SITES_DIR, "POST", "/reliefweb/v2/reports", f"appname={APPNAME}", request.body)
    assert answer.status == 200 and answer.body == (PAGES / name).read_bytes()


# -- API pages, one field per test -----------------------------------------------------------------------


@pytest.mark.parametrize("name", API_PAGES)
def test_report_urls(name):
    actual, expected = parsed(name)
    assert [r["url"] for r in actual["reports"]] == [r["url"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_fetched_from_the_api(name):
    actual, expected = parsed(name)
    assert [r["fetched_url"] for r in actual["reports"]] == [r["fetched_url"] for r in expected["reports"]]
    assert all(r["fetched_url"].startswith(API + "/") and APPNAME not in r["fetched_url"] for r in actual["reports"])


@pytest.mark.parametrize("name", API_PAGES)
def test_report_titles(name):
    actual, expected = parsed(name)
    assert [r["title"] for r in actual["reports"]] == [r["title"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_published(name):
    actual, expected = parsed(name)
    assert [r["published"] for r in actual["reports"]] == [r["published"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_doc_types(name):
    actual, expected = parsed(name)
    assert [r["doc_type"] for r in actual["reports"]] == [r["doc_type"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_languages(name):
    actual, expected = parsed(name)
    assert [r["language"] for r in actual["reports"]] == [r["language"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_links(name):
    actual, expected = parsed(name)
    assert [r["links"] for r in actual["reports"]] == [r["links"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_report_metadata(name):
    actual, expected = parsed(name)
    assert [r["metadata"] for r in actual["reports"]] == [r["metadata"] for r in expected["reports"]]


@pytest.mark.parametrize("name", API_PAGES)
def test_page_total_and_next_offset(name):
    actual, expected = parsed(name)
    assert (actual["total"], actual["next_offset"]) == (expected["total"], expected["next_offset"])


def test_pages_hold_every_syria_report_newest_first_and_end():
    assert [parsed(name)[0]["next_offset"] for name in API_PAGES] == [4, 8, None]
    reports = all_reports()
    assert len(reports) == parsed(API_PAGES[0])[0]["total"] == 9
    assert not [r for r in reports if "/report/lebanon/" in r["url"]]  # the filter left Lebanon out
    posted = [r["metadata"]["posted"] for r in reports]
    assert posted == sorted(posted, reverse=True) and posted[0] > "2024-12-08" > posted[-1]


def test_republished_report_keeps_its_publisher_and_links_the_original_and_its_pdf():
    (snhr,) = [r for r in all_reports() if r["url"] == SNHR_MARCH]
    assert snhr["metadata"]["source"] == [
        {"name": "Syrian Network for Human Rights", "shortname": "SNHR", "homepage": "http://www.snhr.org/"}]
    assert snhr["links"] == [
        ["attachment", f"{RW}/attachments/1f0b7e39-2c5d-4a8e-b6f1-9d3e7a2c5b80/M250402E.pdf"],
        ["original", "https://snhr.org/blog/2025/04/02/monthly-report-civilian-deaths-arrests-syria-march-2025/"],
    ]
    assert (snhr["published"], snhr["metadata"]["posted"], snhr["doc_type"]) == ("2025-04-02", "2025-04-03", "report")


def test_arabic_report_is_declared_arabic():
    (arabic,) = [r for r in all_reports() if r["language"] == "ar"]
    assert arabic["metadata"]["languages"] == ["ar"] and arabic["title"].startswith("سوريا")


def test_report_body_is_an_html_page_with_its_title_publisher_and_text():
    spider = make_spider()
    page = spider.read_page(api_response(0, spider))
    by_url = {item["url"]: item for item in map(spider.read_record, page.records)}
    body = by_url[SWEIDA_HRW]["body"].decode("utf-8")
    assert body.startswith("<!DOCTYPE html>") and '<html lang="en">' in body
    assert "<h1>Syria: Druze Civilians Killed, Abducted in Sweida Violence</h1>" in body
    assert '<p class="source">Source: Human Rights Watch</p>' in body and "al-Maqous" in body
    arabic = next(item for item in by_url.values() if item["language"] == "ar")
    assert '<html lang="ar" dir="rtl">' in arabic["body"].decode("utf-8")
    assert all(item["content_type"] == "text/html; charset=utf-8" for item in by_url.values())


def test_report_title_is_escaped_in_its_page():
    body = report_page('<script>alert("x")</script>', "<p>text</p>", "en", [{"name": "A & B"}], "").decode()
    assert "<script>" not in body and "&lt;script&gt;" in body and "Source: A &amp; B" in body


# -- requests and crawl decisions ----------------------------------------------------------------------------


class FakeStore:
    """The part of the Store the spider uses: which URLs are known, and the error log."""

    def __init__(self, known=()):
        self.known = set(known)
        self.errors: list[dict] = []

    def knows(self, url):
        return url in self.known

    def record_error(self, stage, message, url=None, doc_id=None, source_id=None):
        self.errors.append({"stage": stage, "message": message, "url": url, "source_id": source_id})


def test_api_request_is_a_json_post_for_syria_newest_first():
    request = make_spider().api_request(8)
    assert isinstance(request, JsonRequest) and request.method == "POST"
    assert request.url == f"{API}?appname={APPNAME}"
    assert request.headers[b"Content-Type"] == b"application/json"
    assert json.loads(request.body) == {
        "filter": {"field": "primary_country.iso3", "value": "SYR"},
        "fields": {"include": list(REPORT_FIELDS)},
        "sort": ["date.created:desc"],
        "limit": PAGE_SIZE,
        "offset": 8,
    }


def test_parse_yields_reports_their_pdfs_and_the_next_page_while_something_is_new():
    spider = make_spider(store=FakeStore())
    results = list(spider.parse(api_response(0, spider)))
    items = [r for r in results if isinstance(r, ReportItem)]
    requests = [r for r in results if isinstance(r, Request)]
    assert [item["url"] for item in items] == [r["url"] for r in parsed("api-offset-0.json")[0]["reports"]]
    pdfs = [link[1] for item in items for link in item["links"] if link[0] == "attachment"]
    assert [r.url for r in requests[:-1]] == pdfs and len(pdfs) == 2
    assert all(r.callback == spider.parse_attachment and r.method == "GET" for r in requests[:-1])
    assert requests[-1].callback == spider.parse and json.loads(requests[-1].body)["offset"] == 4


def test_parse_stops_paging_when_every_report_is_known_but_still_stores_them():
    known = [r["url"] for r in parsed("api-offset-0.json")[0]["reports"]]
    spider = make_spider(store=FakeStore(known=known))
    results = list(spider.parse(api_response(0, spider)))
    # Known reports still go to the store, which keeps only changed bytes as a new version.
    assert [r["url"] for r in results if isinstance(r, ReportItem)] == known
    assert not [r for r in results if isinstance(r, Request) and r.callback == spider.parse]


def test_the_last_page_asks_for_no_more():
    spider = make_spider(store=FakeStore())
    assert not [r for r in spider.parse(api_response(8, spider)) if isinstance(r, Request)]


def test_since_backfills_past_known_reports_and_stops_at_older_ones():
    known = [r["url"] for name in API_PAGES for r in parsed(name)[0]["reports"]]
    spider = make_spider(since="2025-05-01", store=FakeStore(known=known))
    results = list(spider.parse(api_response(0, spider)))
    assert [r for r in results if isinstance(r, Request) and r.callback == spider.parse]  # pages on although known
    spider = make_spider(since=date(2025, 3, 1), store=FakeStore(known=known))
    results = list(spider.parse(api_response(4, spider)))
    assert [r["metadata"]["posted"] for r in results if isinstance(r, ReportItem)] == ["2025-04-03", "2025-03-14"]
    assert not [r for r in results if isinstance(r, Request) and r.callback == spider.parse]


def test_pdf_is_its_own_document_described_by_its_report():
    spider = make_spider()
    parent = {"url": SNHR_MARCH, "title": "Monthly Report: March 2025", "published": date(2025, 4, 2),
              "doc_type": "report", "language": "en",
              "metadata": {"reliefweb_id": "4139055", "source": [{"name": "Syrian Network for Human Rights"}]}}
    url = f"{RW}/attachments/1f0b7e39-2c5d-4a8e-b6f1-9d3e7a2c5b80/M250402E.pdf"
    response = Response(url, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"},
                        request=Request(url, meta={"parent": parent}))
    (item,) = spider.parse_attachment(response)
    assert (item["url"], item["title"], item["published"], item["language"]) == (
        url, "Monthly Report: March 2025", date(2025, 4, 2), "en")
    assert item["metadata"] == {"landing_page": SNHR_MARCH, **parent["metadata"]}
    assert not list(spider.parse_attachment(Response(url, status=304, request=Request(url))))


def test_html_instead_of_json_is_recorded_and_retried_then_given_up():
    store = FakeStore()
    spider = crawler_spider(store=store)
    rate_limited = (PAGES / "rate-limited.html").read_bytes()
    (retry,) = spider.parse(api_response(4, spider, body=rate_limited, content_type="text/html; charset=utf-8"))
    assert retry.method == "POST" and json.loads(retry.body)["offset"] == 4 and retry.dont_filter
    (error,) = store.errors
    assert error["url"] == API and error["source_id"] == "reliefweb" and "expected JSON" in error["message"]
    assert "text/html" in error["message"] and spider.crawler.stats.get_value("coi/errors") == 1
    exhausted = api_response(4, spider, body=rate_limited, content_type="text/html; charset=utf-8")
    exhausted.request.meta["retry_times"] = 2
    assert list(spider.parse(exhausted)) == [] and len(store.errors) == 2


def test_unreadable_json_is_recorded_too():
    store = FakeStore()
    spider = crawler_spider(store=store)
    list(spider.parse(api_response(0, spider, body=b'{"data": [')))
    assert "unreadable JSON" in store.errors[0]["message"]


def test_a_refused_appname_is_recorded_with_what_to_set():
    store = FakeStore()
    spider = make_spider(store=store)
    request = spider.api_request(0)
    response = TextResponse(request.url, status=403, request=request, headers={"Content-Type": "application/json"},
                            body=b'{"status": 403, "error": {"type": "AccessDeniedHttpException", "message": "no"}}')
    failure = Failure(HttpError(response))
    failure.request = request
    spider.record_api_failure(failure)
    (error,) = store.errors
    assert "403" in error["message"] and "COI_RELIEFWEB_APPNAME" in error["message"] and error["url"] == API


def test_other_api_errors_carry_the_apis_message():
    store = FakeStore()
    spider = make_spider(store=store)
    request = spider.api_request(0)
    response = TextResponse(request.url, status=400, request=request, headers={"Content-Type": "application/json"},
                            body=b'{"status": 400, "error": {"message": "limit must be between 0 and 1000."}}')
    spider.record_api_failure(Failure(HttpError(response)))
    assert store.errors[0]["message"] == "HTTP 400: limit must be between 0 and 1000."


# -- the appname and other settings ----------------------------------------------------------------------------


def test_spider_refuses_to_start_without_an_appname_and_says_what_to_set(caplog):
    for appname in (None, "", "  "):
        spider = ReliefWebSpider(appname=appname)
        with pytest.raises(CloseSpider) as refused:
            list(spider.first_requests())
        assert refused.value.reason == "COI_RELIEFWEB_APPNAME is not set"
    assert "pre-approved" in caplog.text and "COI_RELIEFWEB_APPNAME" in caplog.text


def test_appname_and_page_size_come_from_the_scrapy_settings():
    spider = crawler_spider(COI_RELIEFWEB_APPNAME="coi-syria-abc123", COI_RELIEFWEB_PAGE_SIZE="250")
    (request,) = spider.first_requests()
    assert (spider.appname, spider.page_size) == ("coi-syria-abc123", 250)
    assert request.url == f"{API}?appname=coi-syria-abc123" and json.loads(request.body)["limit"] == 250
    assert crawler_spider(COI_RELIEFWEB_PAGE_SIZE=None).page_size == 100


@pytest.mark.parametrize("page_size", [0, 1001, "many"])
def test_page_size_must_be_within_the_apis_limit(page_size):
    with pytest.raises(ValueError, match="1 to 1000"):
        make_spider(page_size=page_size)


def test_on_the_mirror_api_site_and_originals_are_mirrored():
    spider = make_spider(base_url="http://127.0.0.1:8089/reliefweb", mirror_url="http://127.0.0.1:8089")
    assert spider.api_url == "http://127.0.0.1:8089/reliefweb/v2/reports"
    assert spider.original_url("https://www.hrw.org/news/2025/07/24/syria-druze") == (
        "http://127.0.0.1:8089/hrw/news/2025/07/24/syria-druze")
    assert spider.original_url("https://snhr.org/blog/2025/04/02/x/") == "http://127.0.0.1:8089/snhr/blog/2025/04/02/x/"
    assert spider.original_url("https://www.nrc.no/resources/x") == "https://www.nrc.no/resources/x"
    assert make_spider().original_url("https://www.hrw.org/news/x") == "https://www.hrw.org/news/x"
    assert make_spider().api_url == API


def test_source_description():
    info = ReliefWebSpider.source_info()
    assert (info.id, info.source_type, info.on_the_ground) == ("reliefweb", "aggregator", False)
    assert info.homepage == RW and "original publisher" in info.description and "appname" in info.crawl_method


# -- the mirror's stand-in for the API ---------------------------------------------------------------------------


def mirror_api(method: str, query: str, body: dict | None = None) -> tuple[int, dict]:
    answer = api.answer(SITES_DIR, method, "/reliefweb/v2/reports", query, json.dumps(body).encode() if body else b"")
    return answer.status, json.loads(answer.body)


def test_mirror_api_answers_get_as_it_answers_post():
    _, by_get = mirror_api("GET", "appname=x&filter[field]=primary_country.iso3&filter[value]=SYR&limit=3&offset=3"
                                  "&sort[]=date.created:desc&fields[include][]=title&fields[include][]=source.name")
    _, by_post = mirror_api("POST", "appname=x", {
        "filter": {"field": "primary_country.iso3", "value": "SYR"}, "limit": 3, "offset": 3,
        "sort": ["date.created:desc"], "fields": {"include": ["title", "source.name"]}})
    assert by_get == by_post and by_get["count"] == 3 and by_get["totalCount"] == 9
    assert set(by_get["data"][0]["fields"]) == {"title", "source"} and by_get["links"]["next"]


def test_mirror_api_filters_with_conditions_ranges_and_negation():
    syria = {"field": "primary_country.iso3", "value": "syr"}
    _, since_2025 = mirror_api("POST", "appname=x", {"filter": {"operator": "AND", "conditions": [
        syria, {"field": "date.created", "value": {"from": "2025-01-01T00:00:00+00:00"}}]}})
    _, not_arabic = mirror_api("POST", "appname=x", {"filter": {"conditions": [
        syria, {"field": "language.code", "value": "ar", "negate": True}]}})
    _, everything = mirror_api("POST", "appname=x", {"limit": 100})
    assert (since_2025["totalCount"], not_arabic["totalCount"], everything["totalCount"]) == (7, 8, 10)


@pytest.mark.parametrize("query, body, status", [
    ("", None, 403),  # no appname: refused, as the live API has done since November 2025
    ("appname=x&limit=1001", None, 400),
    ("appname=x&limit=many", None, 400),
    ("appname=x", {"filter": {"value": "SYR"}}, 400),
])
def test_mirror_api_refuses_what_the_live_api_refuses(query, body, status):
    code, answer = mirror_api("POST" if body else "GET", query, body)
    assert code == status == answer["status"] and answer["error"]["message"]


def test_mirror_serves_the_api_over_http_by_post_and_refuses_post_elsewhere():
    with Mirror() as mirror:
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(mirror.url).port, timeout=5)
        try:
            connection.request("POST", "/hrw/report", body=b"{}", headers={"Content-Type": "application/json"})
            refused = connection.getresponse()
            refused.read()
            connection.request("POST", f"/reliefweb/v2/reports?appname={APPNAME}",
                               body=make_spider().api_request(0).body, headers={"Content-Type": "application/json"})
            answered = connection.getresponse()
            page = json.loads(answered.read())
        finally:
            connection.close()
    assert refused.status == 405
    assert answered.status == 200 and answered.getheader("Content-Type") == "application/json"
    assert page["count"] == PAGE_SIZE and mirror.log[-1] == ("POST", f"/reliefweb/v2/reports?appname={APPNAME}", 200)


# -- over HTTP: the mirror's API, crawled without and with an appname ------------------------------------------

REFUSED = """
import json
from crawlers.run import crawl
from pipeline.settings import Settings
print("STATS " + json.dumps(crawl(Settings.from_env(), sources=["reliefweb"], progress=False)))
"""
# crawl() takes no page size, so this runs the same settings through Scrapy itself, with pages of 4 reports.
CRAWL = """
import json, sys
from scrapy.crawler import CrawlerProcess
from crawlers.run import summarise
from crawlers.settings import scrapy_settings
from crawlers.spiders.reliefweb import ReliefWebSpider
from pipeline.settings import Settings
settings = scrapy_settings(Settings.from_env())
settings.set("COI_RELIEFWEB_PAGE_SIZE", int(sys.argv[1]))
process = CrawlerProcess(settings)
crawler = process.create_crawler(ReliefWebSpider)
process.crawl(crawler)
process.start()
print("STATS " + json.dumps(summarise({crawler.spidercls.name: crawler.stats.get_stats()})))
"""


def run(script: str, mirror_url: str, data_dir: Path, *args: str, **environ: str) -> tuple[dict, str]:
    env = {name: value for name, value in os.environ.items() if name != "COI_RELIEFWEB_APPNAME"}
    env.update(COI_DATA_DIR=str(data_dir), COI_MIRROR_URL=mirror_url, COI_CONTACT=CONTACT, PYTHONPATH=str(ROOT),
               **environ)
    result = subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    line = [line for line in result.stdout.splitlines() if line.startswith("STATS ")][-1]
    return json.loads(line.removeprefix("STATS "))["sources"]["reliefweb"], result.stderr


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A crawl without an appname, then with one: first, again, and while the API is rate limited."""
    root = tmp_path_factory.mktemp("sites")
    shutil.copytree(SITES_DIR, root, dirs_exist_ok=True)
    data_dir = tmp_path_factory.mktemp("reliefweb-data")
    runs = {}
    with Mirror(root=root) as mirror:
        def crawl_run(name, script, *args, **environ):
            mirror.clear_log()
            stats, stderr = run(script, mirror.url, data_dir, *args, **environ)
            runs[name] = SimpleNamespace(stats=stats, stderr=stderr, hits=mirror.hits)

        crawl_run("refused", REFUSED)
        crawl_run("first", CRAWL, str(PAGE_SIZE), COI_RELIEFWEB_APPNAME=APPNAME)
        crawl_run("again", CRAWL, str(PAGE_SIZE), COI_RELIEFWEB_APPNAME=APPNAME)
        shutil.copyfile(PAGES / "rate-limited.html", root / "reliefweb" / "v2" / api.RATE_LIMIT_PAGE)
        crawl_run("rate_limited", CRAWL, str(PAGE_SIZE), COI_RELIEFWEB_APPNAME=APPNAME)
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, base_url=base_url)
    store.close()


def test_crawl_without_an_appname_ends_at_once_and_says_why(crawled):
    run = crawled.runs["refused"]
    assert run.stats["finish_reason"] == "COI_RELIEFWEB_APPNAME is not set"
    assert run.stats["new_documents"] == 0 and not [hit for hit in run.hits if hit.path.startswith("/reliefweb/")]
    (line,) = [line for line in run.stderr.splitlines() if "COI_RELIEFWEB_APPNAME" in line]
    assert "ERROR" in line and "pre-approved" in line
    # What `coi sources` shows as the reason of that run.
    first_run = crawled.store.db.execute("SELECT finish_reason FROM crawl_runs WHERE source_id = 'reliefweb' "
                                         "ORDER BY id").fetchone()
    assert first_run["finish_reason"] == "COI_RELIEFWEB_APPNAME is not set"


def test_first_crawl_pages_through_the_api_by_post_and_stores_reports_and_pdfs(crawled):
    run = crawled.runs["first"]
    # 9 Syria reports (the Lebanon one is filtered out) and 5 PDFs.
    assert (run.stats["new_documents"], run.stats["errors"], run.stats["finish_reason"]) == (14, 0, "finished")
    posts = [hit for hit in run.hits if hit.method == "POST"]
    assert [(hit.path, hit.status) for hit in posts] == [(f"/reliefweb/v2/reports?appname={APPNAME}", 200)] * 3
    assert all(CONTACT in hit.user_agent for hit in run.hits)


def test_stored_report_credits_its_publisher_and_links_the_mirrored_original(crawled):
    store, base = crawled.store, crawled.base_url
    url = base + "/reliefweb" + SWEIDA_HRW.removeprefix(RW)
    report = store.document(document_id(url))
    assert report["metadata"]["source"][0]["shortname"] == "HRW" and report["doc_type"] == "news"
    original = base + "/hrw/news/2025/07/24/syria-druze-civilians-killed-abducted-sweida"
    assert [(link["relation"], link["to_document"]) for link in store.links(report["id"])] == [
        ("original", document_id(original))]
    assert b"went from house to house" in store.body(report["sha256"])
    pdf = store.document(document_id(base + "/reliefweb/attachments/1f0b7e39-2c5d-4a8e-b6f1-9d3e7a2c5b80/M250402E.pdf"))
    assert pdf["content_type"] == "application/pdf" and pdf["metadata"]["source"][0]["shortname"] == "SNHR"


def test_second_crawl_reads_one_page_stores_nothing_new_and_rechecks_pdfs_conditionally(crawled):
    run = crawled.runs["again"]
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["unchanged"]) == (0, 0, 4)
    assert len([hit for hit in run.hits if hit.method == "POST"]) == 1
    assert run.stats["not_modified"] == 2 and {hit.status for hit in run.hits if hit.method == "GET"} == {200, 304}


def test_rate_limit_page_is_recorded_against_the_source_and_the_crawl_finishes(crawled):
    run = crawled.runs["rate_limited"]
    # The first answer and both retries were HTML.
    assert (run.stats["errors"], run.stats["new_documents"], run.stats["finish_reason"]) == (3, 0, "finished")
    errors = [e for e in crawled.store.recent_errors(20) if e["source_id"] == "reliefweb"]
    assert len(errors) == 3 and all("expected JSON" in e["message"] and APPNAME not in e["url"] for e in errors)
