"""`coi bench crawl`: documents per second through crawl, extraction and store over a synthetic mirror site,
next to the pages per second of `scrapy bench` on the same machine in the same run."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from html import escape, unescape
from pathlib import Path

SITES_DIR = Path(__file__).parent / "mirror" / "sites"  # the mirror's own site trees
BENCH_SOURCE = "hrw"  # the synthetic site copies its layout, so its spider crawls it unchanged
LISTING = "middle-east/n-africa/syria"
TEMPLATE = SITES_DIR / "hrw" / "news" / "2025" / "07" / "24" / "syria-druze-civilians-killed-abducted-sweida.html"
TEMPLATE_PATH = "/news/2025/07/24/syria-druze-civilians-killed-abducted-sweida"
TEMPLATE_TITLE = "Syria: Druze Civilians Killed, Abducted in Sweida Violence"
BODY_START, BODY_END = '<div class="news-body rich-text">', '</div>\n    <div class="tag-list">'
PER_LISTING_PAGE = 20
PDF_EVERY = 5  # one document in five links a PDF report, as report pages do
PARAGRAPHS = (8, 16)
# Politeness off for the benchmark only, and Scrapy's own concurrency defaults, the ones `scrapy bench` runs with.
BENCH_OVERRIDES = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}
GOAL = 0.5
_CRAWLED = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
_PARAGRAPH = re.compile(r"<p>([^<]{120,})</p>")


@dataclass
class CrawlBench:
    documents: int  # stored by the crawl
    responses: int
    errors: int
    extracted: int
    extraction_failed: int
    crawl_seconds: float  # from the spider opening to its closing
    extraction_seconds: float  # time spent extracting and saving, summed
    total_seconds: float  # from the spider opening to the last document extracted
    scrapy_bench_pages_per_second: float | None

    @property
    def documents_per_second(self) -> float:
        return self.extracted / self.total_seconds if self.total_seconds else 0.0

    @property
    def one_after_the_other(self) -> float:
        """Documents per second if extraction waited for the crawl to end, as `coi run` does."""
        seconds = self.crawl_seconds + self.extraction_seconds
        return self.extracted / seconds if seconds else 0.0

    @property
    def ratio(self) -> float | None:
        if not self.scrapy_bench_pages_per_second:
            return None
        return self.documents_per_second / self.scrapy_bench_pages_per_second


# -- the synthetic site ---------------------------------------------------------------------------------------


def text_pool() -> list[str]:
    """Paragraphs of the mirror's English pages, to write the synthetic documents from."""
    paragraphs = set()
    for source in ("hrw", "amnesty", "snhr"):
        for page in sorted((SITES_DIR / source).rglob("*.html")):
            text = page.read_text(encoding="utf-8")
            if 'lang="en' in text[:500]:
                paragraphs.update(unescape(p) for p in _PARAGRAPH.findall(text))
    return sorted(paragraphs)


def build_site(root: Path, documents: int, seed: int = 7) -> int:
    """Write an HRW-shaped site of `documents` news pages (one in PDF_EVERY linking a PDF) under root/hrw;
    returns how many documents a crawl should store (pages and PDFs)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    if BODY_START not in template or BODY_END not in template:
        raise RuntimeError(f"{TEMPLATE} no longer has the news body markers the benchmark fills in")
    site = root / BENCH_SOURCE
    (site / "news").mkdir(parents=True, exist_ok=True)
    (site / "robots.txt").write_text((SITES_DIR / BENCH_SOURCE / "robots.txt").read_text(encoding="utf-8"))
    pool, rng = text_pool(), random.Random(seed)
    entries = []
    for number in range(documents):
        published = date(2025, 9, 30) - timedelta(days=number // 3)
        path = f"/news/{published:%Y/%m/%d}/bench-report-{number:05d}"
        title = f"Syria: Bench Report {number} on Abuses Against Civilians"
        paragraphs = [f"(Beirut, {published:%B %d, %Y}) – Bench document {number}."]
        paragraphs += rng.sample(pool, k=min(len(pool), rng.randint(*PARAGRAPHS)))
        body = "".join(f"\n      <p>{escape(p)}</p>" for p in paragraphs)
        if number % PDF_EVERY == 0:
            pdf = f"/sites/default/files/bench/bench-report-{number:05d}.pdf"
            body += f'\n      <p><a href="{pdf}">Download the full report</a></p>'
            pages = [rng.sample(pool, k=min(len(pool), 6)) for _ in range(3)]
            description = json.dumps({"title": title, "pages": pages})
            _write(site / (pdf.lstrip("/").removesuffix(".pdf") + ".pdf.json"), description)
        head, rest = template.split(BODY_START, 1)
        page = head + BODY_START + body + "\n    " + BODY_END + rest.split(BODY_END, 1)[1]
        page = page.replace(TEMPLATE_PATH, path).replace(TEMPLATE_TITLE, title)
        page = page.replace("2025-07-24", published.isoformat())
        page = page.replace("July 24, 2025", f"{published:%B} {published.day}, {published.year}")
        _write(site / (path.lstrip("/") + ".html"), page)
        entries.append((path, title, published))
    _write_listing(site, entries)
    return documents + len(range(0, documents, PDF_EVERY))


def _write_listing(site: Path, entries: list[tuple[str, str, date]]) -> None:
    pages = [entries[i:i + PER_LISTING_PAGE] for i in range(0, len(entries), PER_LISTING_PAGE)]
    for number, page in enumerate(pages):
        blocks = "".join(
            f'<article class="media-block media-block--list"><div class="media-block__content">'
            f'<p class="media-block__type">News Release</p>'
            f'<h3 class="media-block__title"><a href="{path}">{escape(title)}</a></h3>'
            f'<p class="media-block__date"><time datetime="{published.isoformat()}T04:00:00Z">'
            f"{published:%B} {published.day}, {published.year}</time></p></div></article>\n"
            for path, title, published in page)
        pager = f'<li class="pager__item pager__item--next"><a href="?page={number + 1}" rel="next">Next</a></li>' \
            if number + 1 < len(pages) else ""
        html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Syria | Human Rights Watch'
                f'</title></head><body><main><h1>Syria</h1><div class="view-content">\n{blocks}</div>'
                f'<nav class="pager"><ul class="pager__items">{pager}</ul></nav></main></body></html>')
        name = "index.html" if number == 0 else f"index.page-{number}.html"
        _write(site / LISTING / name, html)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- the crawl, in a child process (Twisted's reactor runs once per process) --------------------------------


def crawl_for_bench() -> None:
    """Child side: crawl the bench source with politeness off and print its Scrapy figures as one JSON line."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from pipeline.settings import Settings

    from .settings import scrapy_setting_values
    from .sources import spider_class

    values = {**scrapy_setting_values(Settings.from_env()), **BENCH_OVERRIDES}
    process = CrawlerProcess(ScrapySettings(values))
    crawler = process.create_crawler(spider_class(BENCH_SOURCE))
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print("BENCH " + json.dumps({
        "started": stats["start_time"].timestamp(), "finished": stats["finish_time"].timestamp(),
        "documents": stats.get("coi/new_documents", 0), "errors": stats.get("coi/errors", 0),
        "responses": stats.get("response_received_count", 0), "finish_reason": stats.get("finish_reason"),
    }), flush=True)


def crawl_and_extract(mirror_url: str, data_dir: Path) -> dict:
    """Crawl in a child process while this one extracts what it stores; the crawl's figures and ours."""
    from pipeline.extract import ExtractLimits
    from pipeline.extract.isolation import shutdown as shutdown_extraction_worker
    from pipeline.process import extract_one
    from pipeline.settings import Settings
    from pipeline.store import Store

    settings = Settings.from_env().with_changes(data_dir=data_dir, mirror_url=mirror_url)
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MIRROR_URL": mirror_url,
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    limits = ExtractLimits.from_settings(settings)
    extracted = failed = 0
    extracting = 0.0
    child = [sys.executable, "-c", "from crawlers.bench import crawl_for_bench; crawl_for_bench()"]
    # Files, not pipes: nobody reads a pipe until the crawl ends, and a full one would stall it.
    with Store(data_dir) as store, tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        crawl = subprocess.Popen(child, env=env, stdout=out, stderr=err, text=True)
        try:
            while True:
                finished = crawl.poll() is not None  # before looking, so nothing stored after it is missed
                pending = store.pending("extract")
                for doc_id in pending:
                    started = time.perf_counter()
                    error = extract_one(store, doc_id, limits)
                    extracting += time.perf_counter() - started
                    extracted, failed = extracted + (error is None), failed + (error is not None)
                if finished and not pending:
                    break
                if not pending:
                    time.sleep(0.01)
            last_extracted = time.time()
        finally:
            if crawl.poll() is None:
                crawl.kill()
            crawl.wait()
            shutdown_extraction_worker()
        out.seek(0)
        err.seek(0)
        lines = [line for line in out.read().splitlines() if line.startswith("BENCH ")]
        if crawl.returncode != 0 or not lines:
            raise RuntimeError(f"the benchmark crawl failed (exit code {crawl.returncode}): {err.read()[-2000:]}")
    figures = json.loads(lines[-1].removeprefix("BENCH "))
    return {**figures, "extracted": extracted, "extraction_failed": failed, "extraction_seconds": extracting,
            "last_extracted": last_extracted}


# -- scrapy bench ---------------------------------------------------------------------------------------------


def scrapy_bench(seconds: int = 10) -> tuple[float | None, list[str]]:
    """Pages per second of `scrapy bench` (its mean "Crawled N pages (at M pages/min)" rate), and those lines.

    It runs in an empty directory, so it crawls with Scrapy's defaults rather than this project's settings.
    """
    with tempfile.TemporaryDirectory(prefix="coi-scrapy-bench-") as empty:
        env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                                 "-s", "TELNETCONSOLE_ENABLED=0", "-s", "REMOTE_CONTROL_ENABLED=0"],
                                cwd=empty, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError(f"scrapy bench failed (exit code {result.returncode}): {result.stderr[-2000:]}")
    lines = []
    for line in result.stderr.splitlines():
        if "Closing spider" in line:  # the line logged after it covers part of an interval
            break
        if _CRAWLED.search(line):
            lines.append(line)
    return pages_per_second(lines), lines


def pages_per_second(lines: list[str]) -> float | None:
    """The mean of the per-interval rates in `scrapy bench` log lines, leaving out the idle start; None if none."""
    rates = [int(match.group(2)) / 60 for match in map(_CRAWLED.search, lines) if match]
    moving = [rate for rate in rates if rate > 0]
    return sum(moving) / len(moving) if moving else None


# -- the benchmark --------------------------------------------------------------------------------------------


def run_crawl_bench(documents: int = 400, scrapy_seconds: int = 10, work_dir: str | None = None,
                    reference: bool = True) -> CrawlBench:
    """Serve a synthetic HRW-shaped site of `documents` pages (and their PDFs) on the mirror, crawl it into a fresh
    store while extracting what is stored, and print documents per second next to `scrapy bench` pages per second."""
    scrapy_rate, scrapy_lines = scrapy_bench(scrapy_seconds) if reference else (None, [])
    if reference:
        print(f"scrapy bench ({scrapy_seconds} s, Scrapy's defaults): "
              + (f"{scrapy_rate:.1f} pages/s" if scrapy_rate else "no rate in its log")
              + (f" (from {len(scrapy_lines)} 'Crawled N pages' lines)" if scrapy_lines else ""))
    from .mirror.server import Mirror

    with tempfile.TemporaryDirectory(prefix="coi-crawl-bench-", dir=work_dir) as work:
        site, data_dir = Path(work) / "sites", Path(work) / "data"
        expected = build_site(site, documents)
        with Mirror(root=site) as mirror:
            figures = crawl_and_extract(mirror.url, data_dir)
    result = CrawlBench(
        documents=figures["documents"], responses=figures["responses"], errors=figures["errors"],
        extracted=figures["extracted"], extraction_failed=figures["extraction_failed"],
        crawl_seconds=figures["finished"] - figures["started"], extraction_seconds=figures["extraction_seconds"],
        total_seconds=max(figures["last_extracted"], figures["finished"]) - figures["started"],
        scrapy_bench_pages_per_second=scrapy_rate)
    print(f"synthetic site: {documents} pages, {expected - documents} PDFs; stored {result.documents}, "
          f"{result.errors} errors, {result.extraction_failed} extraction failures")
    print(f"  crawl and store: {result.documents / result.crawl_seconds:.1f} documents/s "
          f"({result.responses / result.crawl_seconds:.1f} responses/s, {result.crawl_seconds:.1f} s)")
    print(f"  extraction and store: {result.extracted / result.extraction_seconds:.1f} documents/s "
          f"({result.extraction_seconds:.1f} s of work)")
    print(f"  crawl + extraction + store, end to end, extracting while the crawl runs: "
          f"{result.documents_per_second:.1f} documents/s ({result.total_seconds:.1f} s)")
    print(f"  the same, one stage after the other: {result.one_after_the_other:.1f} documents/s")
    if result.ratio is not None:
        verdict = "meets" if result.ratio >= GOAL else "misses"
        print(f"  ratio to scrapy bench: {result.ratio:.2f} ({verdict} the goal of {GOAL})")
    print(json.dumps({**asdict(result), "documents_per_second": result.documents_per_second,
                      "one_after_the_other": result.one_after_the_other, "ratio": result.ratio}))
    return result


# -- the command line -----------------------------------------------------------------------------------------


def cmd_bench_crawl(args) -> int:
    run_crawl_bench(documents=args.documents, scrapy_seconds=args.scrapy_seconds, work_dir=args.work_dir,
                    reference=not args.no_reference)
    return 0


def register(commands) -> None:
    """Add `bench crawl` under the coi command line's `bench` command (commands: the top-level subparsers)."""
    import argparse

    bench = commands.choices.get("bench")
    if bench is None:
        bench = commands.add_parser("bench", help="benchmarks")
    kinds = next((a for a in bench._actions if isinstance(a, argparse._SubParsersAction)), None)
    if kinds is None:
        kinds = bench.add_subparsers(dest="kind", required=True)
    if "crawl" in kinds.choices:
        return
    crawl = kinds.add_parser("crawl", help="documents per second through crawl, extraction and store over a "
                                           "synthetic mirror site, next to `scrapy bench` pages per second")
    crawl.add_argument("--documents", type=int, default=400, help="pages on the synthetic site (one in "
                                                                   f"{PDF_EVERY} also links a PDF)")
    crawl.add_argument("--scrapy-seconds", type=int, default=10, help="how long `scrapy bench` runs")
    crawl.add_argument("--work-dir", help="where the synthetic site and store are written (default: a temporary "
                                          "directory)")
    crawl.add_argument("--no-reference", action="store_true", help="skip `scrapy bench`")
    crawl.set_defaults(func=cmd_bench_crawl)
