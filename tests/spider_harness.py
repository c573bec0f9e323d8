"""The harness the spider tests share: saved pages, their reviewed expected output, and crawls of the mirror.

Each tests/test_spider_<source>.py makes one SavedPages for its source and subclasses SavedPageContract (or,
for a source the mirror serves, MirroredPageContract), so the one-field-per-test checks of every saved page are
written once here; the source's own file keeps only its URLs, its crawl decisions and its expected facts.
A source adds checks to a field's test by overriding it and calling super().

Expected output lives in tests/fixtures/expected/<source>/<page>.json. After changing a page or the spider, run
COI_UPDATE_EXPECTED=1 pytest tests/test_spider_<source>.py, review the diff, then commit it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawlers.items import ReportItem
from crawlers.mirror.server import SITES_DIR, Mirror, SiteTree
from crawlers.spiders.listed import Listing
from pipeline.store import Store

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


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


def load_expected(path: Path, actual: dict, test_file: str = "tests/test_spider_<source>.py") -> dict:
    """The reviewed expected output; written from actual with COI_UPDATE_EXPECTED=1, and never assumed."""
    if os.environ.get("COI_UPDATE_EXPECTED") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path} is missing: run COI_UPDATE_EXPECTED=1 pytest {Path(test_file).name}, "
                    "review, then commit it")
    return json.loads(path.read_text(encoding="utf-8"))


class SavedPages:
    """One source's saved pages (tests/fixtures/pages/<source>/, URLs in pages.json) and their parsed output.

    Pages named listing-* are listings (spider.read_listing), the rest documents (spider.read_document).
    """

    def __init__(self, source: str, spider: Callable[[], object] | None = None, *, glob: str = "*.html",
                 charset: str = "utf-8", expected_name: Callable[[str], str] | None = None, mirrored: bool = False):
        self.source = source
        self.mirrored = mirrored  # the saved pages are the mirror's own files, read there: one copy of each
        self.spider = spider
        self.glob = glob
        self.charset = charset
        self.expected_name = expected_name or (lambda name: name.replace(".html", ".json"))
        self.dir = FIXTURES / "pages" / source
        self.expected_dir = FIXTURES / "expected" / source
        self.test_file = f"tests/test_spider_{source}.py"
        self.parsed = cache(self._parsed)

    @cached_property
    def urls(self) -> dict:
        return json.loads((self.dir / "pages.json").read_text(encoding="utf-8"))

    @property
    def names(self) -> list[str]:
        return sorted(self.urls)

    @property
    def listings(self) -> list[str]:
        return sorted(name for name in self.urls if name.startswith("listing-"))

    @property
    def documents(self) -> list[str]:
        return sorted(name for name in self.urls if not name.startswith("listing-"))

    def body(self, name: str) -> bytes:
        """A saved page's bytes: from the mirror's site tree at the page's path (mirrored), else from pages/."""
        if not self.mirrored:
            return (self.dir / name).read_bytes()
        parts = urlsplit(self.urls[name])
        resource = SiteTree(SITES_DIR).resolve(f"/{self.source}{parts.path}", parts.query)
        if resource is None:
            raise FileNotFoundError(f"the mirror serves no page at {self.urls[name]} (saved page {name})")
        return resource.body

    def expected_path(self, name: str) -> Path:
        return self.expected_dir / self.expected_name(name)

    def load_expected(self, path: Path, actual: dict) -> dict:
        return load_expected(path, actual, self.test_file)

    def response(self, name: str, url: str | None = None, meta: dict | None = None) -> HtmlResponse:
        url = url or self.urls[name]
        request = Request(url, meta=meta or {})
        return HtmlResponse(url=url, body=self.body(name), encoding="utf-8", request=request,
                            headers={"Content-Type": f"text/html; charset={self.charset}", "ETag": '"abc"'})

    def _parsed(self, name: str) -> tuple[dict, dict]:
        """(actual, expected) output for one saved page, parsed once."""
        spider = self.spider()
        response = self.response(name)
        if name.startswith("listing-"):
            actual = listing_output(spider.read_listing(response))
        else:
            actual = document_output(spider.read_document(response))
        return actual, self.load_expected(self.expected_path(name), actual)

    def actual(self, name: str) -> dict:
        return self.parsed(name)[0]


# -- the tests every saved page gets ------------------------------------------------------------------------


class ExpectedOutputContract:
    """Every saved page has reviewed expected output, and a missing one fails saying what to do."""

    pages: SavedPages

    def test_every_saved_page_has_reviewed_expected_output(self):
        pages = self.pages
        missing = [name for name in pages.urls if not pages.expected_path(name).exists()]
        assert not missing, f"expected output missing for {missing}: review, then commit"
        if not pages.mirrored:
            assert set(pages.urls) == {p.name for p in pages.dir.glob(pages.glob)}

    def test_a_missing_expected_file_fails_and_says_what_to_do(self, tmp_path, monkeypatch):
        monkeypatch.delenv("COI_UPDATE_EXPECTED", raising=False)
        with pytest.raises(pytest.fail.Exception, match="review, then commit"):
            self.pages.load_expected(tmp_path / "absent.json", {"title": "x"})


class SavedPageContract(ExpectedOutputContract):
    """One field per test: each listing's entries and next page, and each document's fields, as reviewed.

    A test taking `name` runs for every listing (test_listing_*), every document (test_document_*) or every
    saved page (test_saved_page_*).
    """

    organisation: str | None = None  # a name that must not be left in a document's title

    def pytest_generate_tests(self, metafunc):
        if "name" not in metafunc.fixturenames:
            return
        test = metafunc.function.__name__
        for prefix, names in (("test_listing_", self.pages.listings), ("test_document_", self.pages.documents),
                              ("test_saved_page_", self.pages.names)):
            if test.startswith(prefix):
                metafunc.parametrize("name", names)
                return

    def entries(self, name: str, field: str) -> tuple[list, list]:
        actual, expected = self.pages.parsed(name)
        return [e[field] for e in actual["entries"]], [e[field] for e in expected["entries"]]

    def test_listing_urls(self, name):
        actual, expected = self.entries(name, "url")
        assert actual == expected

    def test_listing_titles(self, name):
        actual, expected = self.entries(name, "title")
        assert actual == expected

    def test_listing_dates(self, name):
        actual, expected = self.entries(name, "published")
        assert actual == expected

    def test_listing_doc_types(self, name):
        actual, expected = self.entries(name, "doc_type")
        assert actual == expected

    def test_listing_next_page(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["next_page"] == expected["next_page"]

    def test_document_url(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["url"] == expected["url"] == self.pages.urls[name]

    def test_document_title(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["title"] == expected["title"]
        assert actual["title"] and (self.organisation is None or self.organisation not in actual["title"])

    def test_document_published(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["published"] == expected["published"]

    def test_document_type(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["doc_type"] == expected["doc_type"]

    def test_document_language(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["language"] == expected["language"]

    def test_document_links(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["links"] == expected["links"]

    def test_document_metadata(self, name):
        actual, expected = self.pages.parsed(name)
        assert actual["metadata"] == expected["metadata"]


class MirroredPageContract(SavedPageContract):
    """...and each saved page is a page the mirror serves at its path (and query): the mirror's file is the saved
    page, so the parse tests and a crawl of the mirror read the same bytes."""

    def test_saved_page_is_the_page_the_mirror_serves(self, name):
        assert self.pages.mirrored
        assert self.pages.body(name)


# -- crawl decisions ------------------------------------------------------------------------------------------


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


# -- over HTTP: the mirror, crawled twice ----------------------------------------------------------------------

CRAWL = """
import json, sys
from crawlers.run import crawl
from pipeline.settings import Settings
print("STATS " + json.dumps(crawl(Settings.from_env(), sources=[sys.argv[1]], progress=False)))
"""


def run_crawl(source: str, mirror_url: str, data_dir: Path, contact: str) -> dict:
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror_url, "COI_CONTACT": contact,
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CRAWL, source], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    line = [line for line in result.stdout.splitlines() if line.startswith("STATS ")][-1]
    return json.loads(line.removeprefix("STATS "))["sources"][source]


def crawl_mirror_twice(source: str, contact: str, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The body of a module-scoped `crawled` fixture: runs "first" and "again", the store, and url(path)."""
    data_dir = tmp_path_factory.mktemp(f"{source}-data")
    runs = {}
    with Mirror() as mirror:
        for name in ("first", "again"):
            mirror.clear_log()
            runs[name] = SimpleNamespace(stats=run_crawl(source, mirror.url, data_dir, contact), hits=mirror.hits)
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, url=lambda path: f"{base_url}/{source}{path}")
    store.close()


def assert_second_crawl_stores_nothing_new(run, at_least_not_modified: int, next_page: str) -> None:
    """Nothing new, at least that many 304s, and no request for the next listing page (next_page in its path)."""
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["errors"]) == (0, 0, 0)
    assert run.stats["not_modified"] >= at_least_not_modified
    assert not any(next_page in hit.path for hit in run.hits)
    assert all(hit.status in (200, 304) for hit in run.hits)


def assert_reads_robots_txt_and_names_the_contact(crawled, contact: str, *avoided: str) -> None:
    """Every run reads robots.txt once, names the contact, and asks for no path containing an avoided part."""
    for run in crawled.runs.values():
        assert [hit.path for hit in run.hits].count("/robots.txt") == 1
        assert not [hit for hit in run.hits if any(part in hit.path for part in avoided)]
        assert all(contact in hit.user_agent for hit in run.hits)


class ListingDecisionContract:
    """The crawl decisions every listed-documents spider shares, on its saved listing pages: where it starts, paging
    on while something is new, stopping where everything is known, and the --since backfill. A subclass names its
    pages, its start URL, the older page the first listing links to, and two --since dates."""

    pages: SavedPages
    start_url: str
    next_page: str  # the older listing page that first_listing links to
    first_listing = "listing-page-1.html"
    since_listing = "listing-page-2.html"  # a listing with entries on both sides of `since`
    since = "2024-12-08"
    older_since: date = date(2024, 1, 1)  # older than every entry of first_listing

    def urls(self, listing: str) -> list[str]:
        return [e["url"] for e in self.pages.parsed(listing)[0]["entries"]]

    def crawl(self, spider, listing: str) -> list:
        return requests_from(spider.parse(self.pages.response(listing)))

    def test_crawl_starts_at_the_listing(self):
        spider = self.pages.spider()
        (request,) = spider.first_requests()
        assert request.url == self.start_url and request.callback == spider.parse

    def test_listing_requests_every_document_and_the_next_page_while_something_is_new(self):
        spider = self.pages.spider(store=FakeStore())
        requests = self.crawl(spider, self.first_listing)
        assert [r.url for r in requests] == self.urls(self.first_listing) + [self.next_page]
        assert all(r.errback == spider.record_download_error for r in requests)

    def test_listing_stops_paging_when_every_document_is_known(self):
        known = self.urls(self.first_listing)
        spider = self.pages.spider(store=FakeStore(known=known))
        assert [r.url for r in self.crawl(spider, self.first_listing)] == known

    def test_since_backfills_past_known_pages_and_stops_at_older_documents(self):
        entries = self.pages.parsed(self.since_listing)[0]["entries"]
        spider = self.pages.spider(since=self.since, store=FakeStore(known=[e["url"] for e in entries]))
        urls = [r.url for r in self.crawl(spider, self.since_listing)]
        assert urls == [e["url"] for e in entries if e["published"] >= self.since]
        spider = self.pages.spider(since=self.older_since, store=FakeStore(known=self.urls(self.first_listing)))
        assert self.crawl(spider, self.first_listing)[-1].url == self.next_page
