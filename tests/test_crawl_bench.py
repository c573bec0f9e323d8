"""The crawl benchmark's parts: its synthetic site, its reading of `scrapy bench`, its command, and a small run."""

from __future__ import annotations

import argparse
import urllib.request

from crawlers import bench
from crawlers.mirror.server import Mirror

SCRAPY_BENCH_LOG = """\
2026-11-29 02:59:58 [scrapy.extensions.logstats] INFO: Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)
2026-11-29 02:59:59 [scrapy.extensions.logstats] INFO: Crawled 179 pages (at 10740 pages/min), scraped 0 items (at 0 items/min)
2026-11-29 03:00:00 [scrapy.extensions.logstats] INFO: Crawled 345 pages (at 9960 pages/min), scraped 0 items (at 0 items/min)
2026-11-29 03:00:01 [scrapy.extensions.logstats] INFO: Crawled 473 pages (at 7680 pages/min), scraped 0 items (at 0 items/min)
"""


def test_scrapy_bench_rate_is_the_mean_of_its_logged_rates_after_the_idle_start():
    assert bench.pages_per_second(SCRAPY_BENCH_LOG.splitlines()) == (10740 + 9960 + 7680) / 3 / 60
    assert bench.pages_per_second([]) is None


def test_synthetic_site_is_served_by_the_mirror_in_the_shape_the_spider_reads(tmp_path):
    expected = bench.build_site(tmp_path, 45)
    assert expected == 45 + 9
    with Mirror(root=tmp_path) as mirror:
        listing = urllib.request.urlopen(f"{mirror.url}/hrw/{bench.LISTING}", timeout=5).read().decode()
        last = urllib.request.urlopen(f"{mirror.url}/hrw/{bench.LISTING}?page=2", timeout=5).read().decode()
        report = urllib.request.urlopen(f"{mirror.url}/hrw/news/2025/09/30/bench-report-00000", timeout=5).read()
        pdf = urllib.request.urlopen(f"{mirror.url}/hrw/sites/default/files/bench/bench-report-00000.pdf",
                                     timeout=5).read()
    assert listing.count('class="media-block ') == bench.PER_LISTING_PAGE and 'href="?page=1"' in listing
    assert last.count('class="media-block ') == 5 and "?page=3" not in last
    assert b"Bench document 0." in report and b"bench-report-00000.pdf" in report and pdf.startswith(b"%PDF-")


def test_bench_crawl_is_added_under_the_bench_command():
    parser = argparse.ArgumentParser(prog="coi")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bench").add_subparsers(dest="kind", required=True).add_parser("search")
    bench.register(commands)
    bench.register(commands)  # a second time changes nothing
    args = parser.parse_args(["bench", "crawl", "--documents", "50", "--no-reference"])
    assert (args.func, args.documents, args.no_reference, args.scrapy_seconds) == (bench.cmd_bench_crawl, 50, True, 10)


def test_a_small_run_stores_and_extracts_every_document(capsys):
    result = bench.run_crawl_bench(documents=15, reference=False)
    assert result.documents == result.extracted == 15 + 3 and result.errors == result.extraction_failed == 0
    assert result.ratio is None and result.documents_per_second > 0
    assert "documents/s" in capsys.readouterr().out
