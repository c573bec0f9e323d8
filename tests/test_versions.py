"""Versions and change detection against the offline mirror: an edited report gets a new version, a withdrawn one
(404) a dated withdrawal, both keep every archived version; `coi changes` lists them; a citation names its version."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cite_corpus import page
from crawlers.mirror.server import Mirror
from pipeline.cite.citation import CitationError, build_citation
from pipeline.cite.formats import as_text
from pipeline.cite.recheck import RecheckOptions, recheck
from pipeline.cite.versions import changes_since, history, text_diff, withdrawal
from pipeline.cli import main
from pipeline.process import process_pending
from pipeline.settings import Settings
from pipeline.store import FetchedReport, SourceInfo, Store

AGENT = "syria-coi-pipeline/0.1 (+tests; lawyer-tests@example.org)"
ORIGINAL = ["Security forces detained 12 journalists in Homs in January 2025.",
            "The journalists were released after two weeks."]
EDITED = ["Security forces detained 14 journalists in Homs in January 2025.",
          "The journalists were released after two weeks."]
WITHDRAWN = ["Armed men abducted three aid workers near Idlib in February 2025."]
STEADY = ["Returnees from Lebanon reported extortion at checkpoints in Qusayr."]


class FakeClock:
    """Time that moves only when slept, so the politeness delay is checked without waiting."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "sites"
    reports = root / "snhr" / "reports"
    reports.mkdir(parents=True)
    (root / "snhr" / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (reports / "homs-journalists.html").write_bytes(page("Detention of journalists in Homs", ORIGINAL))
    (reports / "idlib-aid-workers.html").write_bytes(page("Abduction of aid workers near Idlib", WITHDRAWN))
    (reports / "qusayr-returnees.html").write_bytes(page("Extortion of returnees in Qusayr", STEADY))
    (root / "snhr" / "private").mkdir()
    (root / "snhr" / "private" / "draft.html").write_bytes(page("Draft", ["Not for crawlers."]))
    with Mirror(root=root) as mirror:
        yield root, mirror


@pytest.fixture
def store(tmp_path, site):
    root, mirror = site
    data_dir = tmp_path / "data"
    with Store(data_dir) as store:
        store.upsert_source(SourceInfo("snhr", "Syrian Network for Human Rights", "Syrian Network for Human Rights",
                                       "ngo", ("en",), True, "HTML listing", "https://snhr.example.org",
                                       "Documents violations through field researchers."))
        for path, title in (("reports/homs-journalists.html", "Detention of journalists in Homs"),
                            ("reports/idlib-aid-workers.html", "Abduction of aid workers near Idlib"),
                            ("reports/qusayr-returnees.html", "Extortion of returnees in Qusayr"),
                            ("private/draft.html", "Draft")):
            body = (root / "snhr" / path).read_bytes()
            store.ingest(FetchedReport("snhr", f"{mirror.url}/snhr/{path}", body, title=title,
                                       published=date(2025, 2, 1), language="en", content_type="text/html"))
        process_pending(store, Settings().with_changes(data_dir=data_dir), progress=False)
        yield store


def _doc(store: Store, slug: str) -> str:
    return store.db.execute("SELECT id FROM documents WHERE url LIKE ?", (f"%{slug}%",)).fetchone()[0]


def _edit_and_withdraw(root: Path) -> None:
    reports = root / "snhr" / "reports"
    (reports / "homs-journalists.html").write_bytes(page("Detention of journalists in Homs", EDITED))
    (reports / "idlib-aid-workers.html").unlink()


def test_recheck_records_new_version_and_withdrawal_and_keeps_every_version(store, site):
    root, mirror = site
    options = RecheckOptions(user_agent=AGENT, delay=0)
    first = recheck(store, options)
    assert (first.new_versions, first.withdrawn, first.skipped_robots) == (0, 0, 1)  # nothing changed yet
    _edit_and_withdraw(root)
    second = recheck(store, options)
    assert (second.new_versions, second.withdrawn, second.not_modified) == (1, 1, 1)

    edited, gone = _doc(store, "homs-journalists"), _doc(store, "idlib-aid-workers")
    versions = store.versions(edited)
    assert len(versions) == 2 and versions[0]["retrieved"] <= versions[1]["retrieved"]
    assert withdrawal(store, gone) == datetime.now(timezone.utc).date().isoformat()
    assert len(store.versions(gone)) == 1
    # The archive is append-only: every version's body is still there and still has its hash.
    for version in versions + store.versions(gone):
        assert hashlib.sha256(store.body(version["sha256"])).hexdigest() == version["sha256"]
    assert [entry["kind"] for entry in history(store, gone)] == ["version", "withdrawn"]
    assert [entry["kind"] for entry in history(store, edited)] == ["version", "version"]

    third = recheck(store, options)  # a report stays withdrawn once: no second event
    assert third.withdrawn == 0 and len([e for e in history(store, gone) if e["kind"] == "withdrawn"]) == 1


def test_recheck_is_polite(store, site):
    _, mirror = site
    clock = FakeClock()
    recheck(store, RecheckOptions(user_agent=AGENT, delay=1.5), sleep=clock.sleep, clock=clock)
    paths = [hit.path for hit in mirror.hits]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert "/snhr/private/draft.html" not in paths
    assert all(hit.user_agent == AGENT for hit in mirror.hits)
    # robots.txt and three documents on one host: a full pause before each request after the first.
    assert len(mirror.hits) == 4 and clock.sleeps == [1.5, 1.5, 1.5]
    mirror.clear_log()
    recheck(store, RecheckOptions(user_agent=AGENT, delay=0))
    statuses = {hit.path: hit.status for hit in mirror.hits}
    assert statuses["/snhr/reports/qusayr-returnees.html"] == 304  # validators from the stored version


def test_restored_report_is_recorded(store, site):
    root, _ = site
    body = (root / "snhr" / "reports" / "idlib-aid-workers.html").read_bytes()
    _edit_and_withdraw(root)
    recheck(store, RecheckOptions(user_agent=AGENT, delay=0))
    (root / "snhr" / "reports" / "idlib-aid-workers.html").write_bytes(body)
    stats = recheck(store, RecheckOptions(user_agent=AGENT, delay=0))
    gone = _doc(store, "idlib-aid-workers")
    assert stats.restored == 1 and withdrawal(store, gone) is None
    assert [entry["kind"] for entry in history(store, gone)] == ["version", "withdrawn", "restored"]


def test_citation_names_the_version_it_quotes(store, site, tmp_path):
    root, _ = site
    _edit_and_withdraw(root)
    recheck(store, RecheckOptions(user_agent=AGENT, delay=0))
    process_pending(store, Settings().with_changes(data_dir=tmp_path / "data"), progress=False)
    edited = _doc(store, "homs-journalists")
    versions = store.versions(edited)

    old = build_citation(store, edited, quote="detained 12 journalists")
    assert (old.version, old.versions, old.current, old.sha256) == (1, 2, False, versions[0]["sha256"])
    assert "Version 1 of 2 (since replaced by a later version)" in as_text(old)
    new = build_citation(store, edited, quote="detained 14 journalists")
    assert (new.version, new.current, new.sha256) == (2, True, versions[1]["sha256"])
    assert "Versie 2 van 2 (de versie die de bron nu publiceert)" in as_text(new, "nl")
    assert build_citation(store, edited, version=1).sha256 == versions[0]["sha256"]
    with pytest.raises(CitationError):
        build_citation(store, edited, quote="detained 13 journalists")

    gone = build_citation(store, _doc(store, "idlib-aid-workers"), paragraph=2)
    assert gone.withdrawn
    assert "Withdrawn by the source (found on " in as_text(gone)
    assert "Door de bron ingetrokken (vastgesteld op " in as_text(gone, "nl")

    diff = text_diff(store, edited, 1, 2)
    assert "-Security forces detained 12 journalists in Homs in January 2025." in diff
    assert "+Security forces detained 14 journalists in Homs in January 2025." in diff


def test_coi_changes_lists_edited_and_withdrawn_documents(store, site, tmp_path, monkeypatch, capsys):
    root, _ = site
    _edit_and_withdraw(root)
    recheck(store, RecheckOptions(user_agent=AGENT, delay=0))
    today = datetime.now(timezone.utc).date().isoformat()
    kinds = {(c.doc_id, c.kind) for c in changes_since(store, today)}
    assert kinds == {(_doc(store, "homs-journalists"), "edited"), (_doc(store, "idlib-aid-workers"), "withdrawn")}
    assert changes_since(store, "2999-01-01") == []

    monkeypatch.setenv("COI_DATA_DIR", str(tmp_path / "data"))
    assert main(["changes", "--since", today]) == 0
    out = capsys.readouterr().out
    assert "edited" in out and "withdrawn" in out and "Detention of journalists in Homs" in out
    assert "Extortion of returnees" not in out
    assert main(["changes", "--since", today, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["kind"] for row in rows} == {"edited", "withdrawn"}
    with pytest.raises(SystemExit) as exit_info:
        main(["changes", "--since", "yesterday"])
    assert exit_info.value.code == 2


def test_robots_crawl_delay_is_honoured(tmp_path):
    # The mirror serves one combined robots.txt without Crawl-delay, so this site is a minimal one of its own.
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"User-agent: *\nCrawl-delay: 3\n" if self.path == "/robots.txt" else page("Report", STEADY)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with Store(tmp_path / "data") as store:
            for n in (1, 2):
                url = f"http://127.0.0.1:{server.server_address[1]}/report-{n}.html"
                store.ingest(FetchedReport("snhr", url, page("Report", STEADY), title="Report"))
            clock = FakeClock()
            recheck(store, RecheckOptions(user_agent=AGENT, delay=0.5), sleep=clock.sleep, clock=clock)
    finally:
        server.shutdown()
        server.server_close()
    assert clock.sleeps == [3.0, 3.0]  # before each report, after robots.txt


def test_an_unreachable_site_is_an_error_not_a_withdrawal(store, site):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{closed_port}/snhr/reports/elsewhere.html"
    store.ingest(FetchedReport("snhr", url, page("Elsewhere", STEADY), title="Elsewhere", content_type="text/html"))
    stats = recheck(store, RecheckOptions(user_agent=AGENT, delay=0, timeout=5))
    doc_id = _doc(store, "elsewhere")
    assert stats.withdrawn == 0 and withdrawal(store, doc_id) is None
    assert any(url in error for error in stats.errors)
    assert any(e["url"] == url and e["stage"] == "fetch" for e in store.recent_errors(20))
