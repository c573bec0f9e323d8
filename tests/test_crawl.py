"""End to end over real HTTP: crawl the offline mirror into a store, then again, then after pages change.

Each crawl runs in a subprocess because Twisted's reactor starts only once per process. The mirror
serves a temporary copy of the site tree so the tests can change, remove and restore files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawlers.mirror.server import SITES_DIR, Hit, Mirror
from crawlers.run import crawl
from crawlers.settings import scrapy_settings
from crawlers.sources import source_ids, spider_class, spider_classes
from crawlers.spiders.hrw import HumanRightsWatchSpider
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.urls import document_id

ROOT = Path(__file__).parents[1]
CONTACT = "coi-crawl-tests@example.org"
REPORT = "/hrw/report/2025/03/12/they-came-to-kill-us"
REPORT_PDF = "/hrw/sites/default/files/media_2025/03/syria0325_web.pdf"
ARABIC = "/hrw/ar/report/2025/03/12/391502"
SWEIDA = "/hrw/news/2025/07/24/syria-druze-civilians-killed-abducted-sweida"  # on the first listing page
SEDNAYA = "/hrw/news/2023/11/21/syria-families-sednaya-detainees-left-without-answers"  # on the last one
AFRIN = "/hrw/report/2024/04/16/everything-was-taken-afrin"
AFRIN_PDF = "/hrw/sites/default/files/media_2024/04/syria0424_web.pdf"
CRAWL = """
import datetime, json, sys
from crawlers.run import crawl
from pipeline.settings import Settings
since = datetime.date.fromisoformat(sys.argv[1]) if sys.argv[1] else None
print("STATS " + json.dumps(crawl(Settings.from_env(), sources=["hrw"], since=since,
                                  progress=sys.argv[2] == "1")))
"""


@dataclass
class CrawlRun:
    stats: dict
    hits: list[Hit]
    stderr: str

    @property
    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]


def run_crawl(mirror_url: str, data_dir: Path, since: str | None = None, progress: bool = False,
              **environ: str) -> tuple[dict, str]:
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror_url, "COI_CONTACT": CONTACT,
           "PYTHONPATH": str(ROOT), **environ}
    result = subprocess.run([sys.executable, "-c", CRAWL, since or "", "1" if progress else "0"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    stats_line = [line for line in result.stdout.splitlines() if line.startswith("STATS ")][-1]
    return json.loads(stats_line.removeprefix("STATS ")), result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """Four crawls of one store: first, again unchanged, after two pages changed, and a backfill."""
    root = tmp_path_factory.mktemp("sites")
    shutil.copytree(SITES_DIR, root, dirs_exist_ok=True)
    data_dir = tmp_path_factory.mktemp("data")
    afrin_pdf = root / (AFRIN_PDF.removeprefix("/") + ".json")
    held_back = afrin_pdf.read_bytes()
    afrin_pdf.unlink()  # the first crawl meets a PDF link that fails to download
    runs: dict[str, CrawlRun] = {}
    with Mirror(root=root) as mirror:
        def run(name: str, since: str | None = None, progress: bool = False) -> None:
            mirror.clear_log()
            stats, stderr = run_crawl(mirror.url, data_dir, since, progress)
            runs[name] = CrawlRun(stats, mirror.hits, stderr)

        run("first", progress=True)
        run("again")
        edit(root / (SWEIDA.removeprefix("/") + ".html"), "went from house to house", "went from door to door")
        edit(root / (SEDNAYA.removeprefix("/") + ".html"), "six men", "seven men")
        run("changed")
        afrin_pdf.write_bytes(held_back)
        run("backfill", since="2023-01-01")
        base_url = mirror.url
    store = Store(data_dir)
    yield SimpleNamespace(runs=runs, store=store, url=lambda path: base_url + path)
    store.close()


def test_first_crawl_stores_every_listed_document(crawls):
    stats = crawls.runs["first"].stats
    # 9 pages, 1 Arabic version, 2 of the 3 PDFs (the third is missing from the mirror until the backfill).
    assert stats["new_documents"] == 12 and stats["sources"]["hrw"]["new_documents"] == 12
    assert stats["sources"]["hrw"]["finish_reason"] == "finished"
    assert crawls.store.count_documents() >= 12
    assert crawls.store.sources()["hrw"]["organisation"] == "Human Rights Watch"


def test_report_is_stored_with_its_metadata(crawls):
    report = crawls.store.document(document_id(crawls.url(REPORT)))
    assert report["title"].startswith("“They Came to Kill Us”")
    assert (report["published"], report["doc_type"], report["language_declared"]) == ("2025-03-12", "report", "en")
    assert report["content_type"] == "text/html; charset=utf-8"
    assert b"Jableh" in crawls.store.body(report["sha256"])


def test_report_links_its_pdf_and_arabic_version_which_are_stored_documents(crawls):
    store, url = crawls.store, crawls.url
    links = {(link["relation"], link["to_document"]) for link in store.links(document_id(url(REPORT)))}
    assert links == {("attachment", document_id(url(REPORT_PDF))), ("translation", document_id(url(ARABIC)))}

    pdf = store.document(document_id(url(REPORT_PDF)))
    assert pdf["content_type"] == "application/pdf" and pdf["published"] == "2025-03-12"
    assert store.body(pdf["sha256"]).startswith(b"%PDF-")
    assert pdf["metadata"]["landing_page"] == url(REPORT)

    arabic = store.document(document_id(url(ARABIC)))
    assert arabic["language_declared"] == "ar" and arabic["doc_type"] == "report"
    assert [link["to_document"] for link in store.links(arabic["id"])] == [document_id(url(REPORT))]


def test_failed_download_is_recorded_in_the_store(crawls):
    assert crawls.runs["first"].stats["errors"] == 1
    errors = [e for e in crawls.store.recent_errors(50) if e["url"] == crawls.url(AFRIN_PDF)]
    assert errors and errors[-1]["stage"] == "fetch" and "404" in errors[-1]["message"]


def test_second_crawl_stores_nothing_new_and_asks_conditionally(crawls):
    run = crawls.runs["again"]
    assert (run.stats["new_documents"], run.stats["new_versions"], run.stats["unchanged"]) == (0, 0, 0)
    assert run.stats["not_modified"] >= 5
    assert ("GET", REPORT, 304) in [(h.method, h.path, h.status) for h in run.hits]
    assert ("GET", REPORT_PDF, 304) in [(h.method, h.path, h.status) for h in run.hits]
    # Every document on the first listing page is known, so the crawl does not page on.
    assert not any("?page=" in path for path in run.paths)


def test_a_changed_page_becomes_a_new_version(crawls):
    run = crawls.runs["changed"]
    assert (run.stats["new_documents"], run.stats["new_versions"]) == (0, 1)
    versions = crawls.store.versions(document_id(crawls.url(SWEIDA)))
    assert len(versions) == 2 and versions[0]["sha256"] != versions[1]["sha256"]
    assert b"door to door" in crawls.store.body(versions[1]["sha256"])
    assert SEDNAYA not in run.paths  # older pages wait for a backfill


def test_backfill_since_a_date_pages_back_and_finds_older_changes(crawls):
    run = crawls.runs["backfill"]
    assert "/hrw/middle-east/n-africa/syria?page=2" in run.paths
    assert len(crawls.store.versions(document_id(crawls.url(SEDNAYA)))) == 2
    # The Afrin report was unchanged (304), but its PDF, missing before, is now fetched through the stored link.
    assert ("GET", AFRIN, 304) in [(h.method, h.path, h.status) for h in run.hits]
    assert crawls.store.document(document_id(crawls.url(AFRIN_PDF)))["content_type"] == "application/pdf"
    assert (run.stats["new_documents"], run.stats["new_versions"]) == (1, 1)


def test_robots_txt_is_read_and_obeyed(crawls):
    for run in crawls.runs.values():
        assert run.paths.count("/robots.txt") == 1
        assert not [path for path in run.paths if path.startswith(("/hrw/video-photos", "/hrw/search"))]


def test_every_request_names_the_contact_in_its_user_agent(crawls):
    hits = [hit for run in crawls.runs.values() for hit in run.hits]
    assert hits and all(CONTACT in hit.user_agent and "syria-coi-pipeline" in hit.user_agent for hit in hits)


def test_first_crawl_shows_progress(crawls):
    assert "crawl hrw" in crawls.runs["first"].stderr


def test_bodies_over_the_size_limit_are_refused_and_recorded(tmp_path):
    listing = "/hrw/middle-east/n-africa/syria"
    with Mirror() as mirror:
        assert len(urllib.request.urlopen(mirror.url + listing, timeout=5).read()) > 5000
        stats, _ = run_crawl(mirror.url, tmp_path, COI_MAX_BODY_BYTES="5000")
    with Store(tmp_path) as store:
        errors = store.recent_errors(50)
        assert store.count_documents() == 0
    assert stats["errors"] == len(errors) == 1
    assert errors[0]["url"] == mirror.url + listing and "max size" in errors[0]["message"]


def test_unknown_source_is_refused_with_the_known_ids(tmp_path):
    with pytest.raises(ValueError, match=r"unknown source 'nope'.*hrw"):
        crawl(Settings(data_dir=tmp_path), sources=["nope"])


def test_registry_finds_the_spiders():
    assert "hrw" in source_ids()
    assert spider_classes()["hrw"] is HumanRightsWatchSpider is spider_class("hrw")


def test_scrapy_settings_are_polite_live_and_fast_on_the_local_mirror(tmp_path):
    live = scrapy_settings(Settings(data_dir=tmp_path, contact="desk@example.org", max_body_bytes=1000))
    assert live.getbool("ROBOTSTXT_OBEY") and live.getbool("AUTOTHROTTLE_ENABLED")
    assert live.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2 and live.getfloat("DOWNLOAD_DELAY") >= 1
    assert "desk@example.org" in live["USER_AGENT"] and live.getint("DOWNLOAD_MAXSIZE") == 1000
    assert not live.getbool("HTTPCACHE_ENABLED") and not live.getbool("TELNETCONSOLE_ENABLED")
    assert live["SPIDER_MODULES"] == ["crawlers.spiders"] and live["COI_DATA_DIR"] == str(tmp_path)
    mirror = scrapy_settings(Settings(data_dir=tmp_path, mirror_url="http://127.0.0.1:8089"), log_level="debug")
    assert mirror.getfloat("DOWNLOAD_DELAY") == 0 and mirror.getfloat("AUTOTHROTTLE_START_DELAY") == 0
    assert mirror["LOG_LEVEL"] == "DEBUG" and mirror["COI_MIRROR_URL"] == "http://127.0.0.1:8089"
    remote = scrapy_settings(Settings(data_dir=tmp_path, mirror_url="http://mirror.example.org"))
    assert remote.getfloat("DOWNLOAD_DELAY") >= 1
