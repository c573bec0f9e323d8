"""The offline mirror: pages, PDFs, robots.txt, conditional requests, 404s and no way out of its tree."""

from __future__ import annotations

import http.client
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
from protego import Protego

from crawlers.mirror.server import SITES_DIR, Mirror, serve_mirror

REPORT = "/hrw/report/2025/03/12/they-came-to-kill-us"
NEWS = "/hrw/news/2025/07/24/syria-druze-civilians-killed-abducted-sweida"
PDF = "/hrw/sites/default/files/media_2025/03/syria0325_web.pdf"


@pytest.fixture(scope="module")
def mirror():
    with Mirror() as running:
        yield running


def get(mirror: Mirror, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body) for a raw request path, sent exactly as given."""
    host, port = urlsplit(mirror.url).hostname, urlsplit(mirror.url).port
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_serve_mirror_yields_a_loopback_url_on_a_free_port():
    with serve_mirror(port=0) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and not base_url.endswith(":0")
        with urllib.request.urlopen(base_url + "/hrw/middle-east/n-africa/syria", timeout=5) as response:
            assert b"Syria" in response.read()


def test_listing_and_its_pages(mirror):
    status, headers, body = get(mirror, "/hrw/middle-east/n-africa/syria")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'href="?page=1"' in body
    _, _, second = get(mirror, "/hrw/middle-east/n-africa/syria?page=1")
    assert b"no-safe-return" in second and b"no-safe-return" not in body
    assert get(mirror, "/hrw/middle-east/n-africa/syria?page=0")[2] == body
    assert get(mirror, "/hrw/middle-east/n-africa/syria?page=9")[0] == 404


@pytest.mark.parametrize("path", [REPORT, REPORT + "/", NEWS, "/hrw/ar/report/2025/03/12/391502"])
def test_pretty_urls_map_to_index_html_or_dot_html(path, mirror):
    status, headers, body = get(mirror, path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.startswith(b"<!DOCTYPE html>")


def test_pages_carry_etag_and_last_modified(mirror):
    _, headers, _ = get(mirror, REPORT)
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")


def test_if_none_match_gets_304_without_body(mirror):
    _, headers, _ = get(mirror, NEWS)
    status, again, body = get(mirror, NEWS, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"") and again["ETag"] == headers["ETag"]


def test_if_modified_since_gets_304(mirror):
    _, headers, _ = get(mirror, NEWS)
    assert get(mirror, NEWS, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(mirror, NEWS, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_a_stale_etag_gets_the_page_even_if_the_date_is_recent(mirror):
    _, headers, _ = get(mirror, NEWS)
    status, _, body = get(mirror, NEWS, {"If-None-Match": '"stale"', "If-Modified-Since": headers["Last-Modified"]})
    assert status == 200 and body


def test_robots_txt_disallows_search_and_video_for_every_agent(mirror):
    status, headers, body = get(mirror, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = Protego.parse(body.decode())
    agent = "syria-coi-pipeline/0.1"
    assert not robots.can_fetch(f"{mirror.url}/hrw/search?keyword=syria", agent)
    assert not robots.can_fetch(f"{mirror.url}/hrw/video-photos/video/2024/12/20/families-search-sednaya-missing",
                                agent)
    assert robots.can_fetch(f"{mirror.url}{REPORT}", agent)


def test_pdf_is_generated_from_its_description_and_is_a_valid_pdf(mirror):
    status, headers, body = get(mirror, PDF)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    description = json.loads((SITES_DIR / (PDF.removeprefix("/") + ".json")).read_text(encoding="utf-8"))
    document = pypdfium2.PdfDocument(body)
    try:
        assert len(document) == len(description["pages"]) >= 3
        third = document[2].get_textpage().get_text_range()
        assert "Baniyas" in third
    finally:
        document.close()
    assert get(mirror, PDF, {"If-None-Match": headers["ETag"]})[0] == 304


def test_sitemap_is_xml(mirror):
    status, headers, body = get(mirror, "/hrw/sitemap.xml")
    assert status == 200 and headers["Content-Type"] == "application/xml" and b"<urlset" in body


@pytest.mark.parametrize("path", [
    "/hrw/no/such/page",
    "/nosuchsite/report",
    "/hrw/sites/default/files/media_2025/03/syria0325_web.pdf.json",  # the PDF's source is not content
    "/hrw/README.md",
])
def test_unknown_paths_are_404(path, mirror):
    assert get(mirror, path)[0] == 404


@pytest.mark.parametrize("path", [
    "/hrw/../mirror/server.py",
    "/hrw/%2e%2e/%2e%2e/mirror/server.py",
    "/hrw/..%2f..%2fmirror%2fserver.py",
    "/hrw/..%5c..%5cmirror%5cserver.py",
    "/../../../etc/passwd",
    "/hrw/%00index.html",
    "/hrw/.hidden",
])
def test_no_way_out_of_the_site_tree(path, mirror):
    status, _, body = get(mirror, path)
    assert status == 404 and b"import" not in body and b"root:" not in body


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path):
    (tmp_path / "site").mkdir()
    secret = tmp_path / "secret.html"
    secret.write_text("<p>secret</p>")
    (tmp_path / "site" / "leak.html").symlink_to(secret)
    with Mirror(root=tmp_path) as mirror:
        assert get(mirror, "/site/leak")[0] == 404


def test_serves_a_given_root_and_sees_changes(tmp_path):
    root = tmp_path / "sites"
    shutil.copytree(SITES_DIR / "hrw", root / "hrw")
    page = root / "hrw" / "news" / "2025" / "07" / "24" / "syria-druze-civilians-killed-abducted-sweida.html"
    with Mirror(root=root) as mirror:
        _, headers, _ = get(mirror, NEWS)
        page.write_text(page.read_text(encoding="utf-8").replace("July 13", "July 12"), encoding="utf-8")
        status, changed, body = get(mirror, NEWS, {"If-None-Match": headers["ETag"]})
        assert status == 200 and b"July 12" in body and changed["ETag"] != headers["ETag"]


def test_head_has_headers_and_no_body(mirror):
    status, headers, body = get(mirror, REPORT, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_the_log_records_method_path_status_and_user_agent():
    with Mirror() as mirror:
        get(mirror, REPORT, {"User-Agent": "test-agent (someone@example.org)"})
        get(mirror, "/hrw/missing")
        assert mirror.log == [("GET", REPORT, 200), ("GET", "/hrw/missing", 404)]
        assert mirror.hits[0].user_agent == "test-agent (someone@example.org)"
        mirror.clear_log()
        assert mirror.log == []


def test_only_bound_to_loopback(mirror):
    assert mirror.httpd.server_address[0] == "127.0.0.1"


def test_every_site_tree_is_served_by_id():
    sites = sorted(p.name for p in Path(SITES_DIR).iterdir() if p.is_dir())
    assert "hrw" in sites
    with Mirror() as mirror:
        _, _, index = get(mirror, "/")
        assert all(f'href="/{site}/"'.encode() in index for site in sites)
