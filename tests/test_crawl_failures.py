"""Failures over real HTTP: a test source crawls the mirror's traps (crawlers/mirror/traps.py) among good documents.

Every failure must be logged, recorded in the store against the source and the URL, and must not stop the
crawl: the good documents around the traps are stored. The crawl runs in a subprocess (Twisted's reactor
starts once per process), with a short download timeout and a small body limit, together with the ReliefWeb
spider pointed at an API that answers only with a rate-limit page.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.http import Response

from crawlers.mirror import traps
from crawlers.mirror.server import Mirror
from crawlers.spiders.base import SourceSpider
from pipeline.extract import ExtractLimits, parse
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.urls import document_id

ROOT = Path(__file__).parents[1]
DOWNLOAD_TIMEOUT = 1  # seconds; the slow trap waits traps.SLOW_SECONDS
MAX_BODY_BYTES = 200_000  # the oversized traps send traps.OVERSIZED_BYTES
# Each failing trap, and what its recorded error must say.
FAILURES = {
    "/traps/status/404": "HTTP 404",
    "/traps/status/500": "HTTP 500",
    "/traps/status/503": "HTTP 503",
    "/traps/slow": f"took longer than {DOWNLOAD_TIMEOUT:.1f} seconds",
    "/traps/redirect-loop/a": "redirect loop: ",
    "/traps/redirect-chain/1": "more than 20 redirects",
    "/traps/oversized": f"larger than download max size ({MAX_BODY_BYTES})",
    "/traps/oversized-unannounced": f"went past the size limit of {MAX_BODY_BYTES:,} bytes",
    "/traps/not-a-pdf.pdf": "not a PDF: the body claims to be a PDF (content type application/pdf) but is an HTML page",
    "/traps/api/reports": "could not parse: JSONDecodeError",
}
CRAWL = """
import json, sys
sys.path.insert(0, sys.argv[1])
from scrapy.crawler import CrawlerProcess
from crawlers.run import summarise
from crawlers.settings import scrapy_settings
from crawlers.spiders.reliefweb import ReliefWebSpider
from pipeline.settings import Settings
from test_crawl_failures import TrapSpider

settings = Settings.from_env()
scrapy = scrapy_settings(settings, log_level="INFO")
scrapy.set("DOWNLOAD_TIMEOUT", int(sys.argv[2]))
process = CrawlerProcess(scrapy)
crawlers = [process.create_crawler(TrapSpider), process.create_crawler(ReliefWebSpider)]
process.crawl(crawlers[0])
process.crawl(crawlers[1], base_url=settings.mirror_url + "/traps/reliefweb")
process.start()
print("STATS " + json.dumps(summarise({c.spidercls.name: c.stats.get_stats() for c in crawlers})))
"""


class TrapSpider(SourceSpider):
    """A test source whose site is the trap index: documents, PDFs and an API, each link classed by its kind."""

    name = "traps"
    source_name = "Trap site"
    organisation = "Test fixtures"
    source_type = "research"
    languages = ("en", "ar")
    crawl_method = "the mirror's /traps/ index page and every link on it"
    homepage = "https://traps.example.org"

    def first_requests(self):
        yield self.request(self.base_url + "/", self.parse)

    def parse(self, response: Response):
        callbacks = {"document": self.parse_document, "attachment": self.parse_attachment, "api": self.parse_api}
        for link in response.css("ul.documents a"):
            yield self.request(self.site_url(link.attrib["href"], response), callbacks[link.attrib["class"]])

    def parse_document(self, response: Response):
        yield self.item_from_response(response, title=response.css("title::text").get(),
                                      language=response.xpath("/html/@lang").get())

    def parse_attachment(self, response: Response):
        yield self.item_from_response(response, title="Trap report (PDF)")

    def parse_api(self, response: Response):
        for record in json.loads(response.text)["data"]:
            yield self.request(record["url"], self.parse_document)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    with Mirror(traps=True) as mirror:
        env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror.url,
               "COI_RELIEFWEB_APPNAME": "coi-tests", "COI_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
               "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-c", CRAWL, str(Path(__file__).parent), str(DOWNLOAD_TIMEOUT)],
                                env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        hits = mirror.log
    stats = json.loads([line for line in result.stdout.splitlines() if line.startswith("STATS ")][-1][6:])
    store = Store(data_dir)
    yield SimpleNamespace(stats=stats, log=result.stderr, hits=hits, store=store, url=lambda path: mirror.url + path)
    store.close()


def errors_for(crawled, url: str) -> list[dict]:
    return [error for error in crawled.store.recent_errors(1000) if error["url"] == url]


def test_every_trap_is_covered():
    assert set(FAILURES) == {trap.path for trap in traps.FAILING}


def test_the_good_documents_among_the_traps_are_stored(crawled):
    stored = {row["url"] for row in crawled.store.db.execute("SELECT url FROM documents")}
    assert stored == {crawled.url(trap.path) for trap in traps.GOOD}
    assert crawled.stats["sources"]["traps"]["new_documents"] == len(traps.GOOD)
    pdf = crawled.store.document(document_id(crawled.url("/traps/report/ok.pdf")))
    assert crawled.store.body(pdf["sha256"]).startswith(b"%PDF-")


def test_a_moved_report_is_stored_under_its_linked_address(crawled):
    moved = crawled.store.document(document_id(crawled.url("/traps/report/moved")))
    assert moved["fetched_url"] == crawled.url("/traps/report/ok-3") and moved["title"] == "Good report 3"


def test_both_crawls_finish_despite_the_failures(crawled):
    assert {source: counts["finish_reason"] for source, counts in crawled.stats["sources"].items()} == {
        "traps": "finished", "reliefweb": "finished"}


@pytest.mark.parametrize("path", FAILURES)
def test_failure_is_recorded_once_against_the_source_and_the_url(crawled, path):
    errors = errors_for(crawled, crawled.url(path))
    assert len(errors) == 1, errors
    assert (errors[0]["source_id"], errors[0]["stage"]) == ("traps", "fetch")
    assert FAILURES[path] in errors[0]["message"]
    assert not crawled.store.knows(crawled.url(path))


@pytest.mark.parametrize("path", FAILURES)
def test_failure_is_logged(crawled, path):
    url = crawled.url(path)
    assert [line for line in crawled.log.splitlines() if url in line and ("WARNING" in line or "ERROR" in line)]


def test_the_run_is_recorded_with_its_error_count(crawled):
    run = crawled.store.source_summary()["traps"]["last_crawl"]
    assert (run["finish_reason"], run["errors"], run["new_documents"]) == ("finished", len(FAILURES), len(traps.GOOD))
    assert crawled.stats["sources"]["traps"]["errors"] == len(FAILURES)


def test_server_errors_and_time_outs_are_retried_before_being_recorded(crawled):
    requests = [path for _method, path, _status in crawled.hits]
    assert requests.count("/traps/status/500") == requests.count("/traps/status/503") == 3
    assert requests.count("/traps/status/404") == 1
    # The slow trap answers (and logs its hit) only after the crawler has given up on it: Scrapy's log says so.
    assert f"Gave up retrying <GET {crawled.url('/traps/slow')}> (failed 3 times)" in crawled.log


def test_a_redirect_loop_is_not_followed_round_and_round(crawled):
    requests = [path for _method, path, _status in crawled.hits]
    assert requests.count("/traps/redirect-loop/a") == requests.count("/traps/redirect-loop/b") == 1
    message = errors_for(crawled, crawled.url("/traps/redirect-loop/a"))[0]["message"]
    assert message.endswith(f"/redirect-loop/a -> {crawled.url('/traps/redirect-loop/b')} -> "
                            f"{crawled.url('/traps/redirect-loop/a')}")


def test_a_rate_limited_reliefweb_api_is_recorded_against_reliefweb(crawled):
    api_url = crawled.url("/traps/reliefweb/v2/reports")
    errors = errors_for(crawled, api_url)
    assert errors and all(e["source_id"] == "reliefweb" and "expected JSON" in e["message"] for e in errors)
    assert crawled.stats["sources"]["reliefweb"]["errors"] == len(errors) == 3  # the first try and two retries
    assert f"could not read {api_url}" in crawled.log


def test_a_windows_1256_page_is_stored_as_served_and_decoded_later(crawled):
    url = crawled.url("/traps/report/arabic-windows-1256")
    document = crawled.store.document(document_id(url))
    served = traps.arabic_windows_1256_page()
    assert document["sha256"] == hashlib.sha256(served).hexdigest() and document["content_type"] == "text/html"
    assert document["title"] == traps.ARABIC_TITLE and document["language_declared"] == "ar"
    extraction = parse(crawled.store.body(document["sha256"]), document["content_type"], url,
                       ExtractLimits.from_settings(Settings()))
    assert traps.ARABIC_PARAGRAPHS[0] in extraction.text
