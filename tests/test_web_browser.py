"""The web app in headless Chromium (Debian's chromium, driven by Playwright): what a researcher clicks, and
hostile documents whose payloads must not run. Screenshots go to test-artifacts/browser/."""

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.web import create_app
from web_corpus import build_corpus

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("COI_CHROMIUM", "/usr/bin/chromium")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the browser tests must run (deploy/system-deps.sh installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser")
    return data_dir, build_corpus(data_dir)


@pytest.fixture(scope="module")
def ids(corpus):
    return corpus[1]


@pytest.fixture(scope="module")
def base_url(corpus):
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings().with_changes(data_dir=corpus[0], search_backend="sqlite"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # Chromium's sandbox cannot start as root (CI runs as root).
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args + ["--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def results_heading(page) -> str:
    return page.locator("#results-heading").inner_text()


def test_search_facet_exclude_with_mouse_and_keyboard(page, base_url):
    page.goto(f"{base_url}/search")
    page.get_by_label("Search reports").fill("arrested")
    page.get_by_label("Search reports").press("Enter")
    assert results_heading(page).startswith("3 documents match")
    assert page.locator("li.hit mark").first.inner_text().lower().startswith("arrest")

    page.get_by_role("link", name=re.compile(r"^Filter by Population group: Alawites \(2 documents\)")).click()
    assert "group=alawites" in page.url and results_heading(page).startswith("2 documents")
    kurds = page.get_by_role("link", name=re.compile(r"^Filter by Population group: Kurds \(1 document\)"))
    assert kurds.count() == 1  # disjunctive counts: what widening the facet would add

    exclude = page.get_by_role("link", name="Exclude Governorate: Homs")
    exclude.focus()
    page.keyboard.press("Enter")  # facets work from the keyboard
    page.wait_for_url(re.compile(r"not_governorate=SY04"))
    assert results_heading(page).startswith("1 document match")
    assert page.locator(".facets").get_by_role("link", name="Stop excluding Governorate: Homs").count() == 1
    # Governorate -> district: Jablah sits inside Lattakia's list.
    assert page.locator("li.facet-value:has(> a[aria-label^='Filter by Governorate: Lattakia']) ul.children").inner_text() \
        .count("Jablah") == 1
    # The state is in the URL: reloading it gives the same page.
    url = page.url
    page.goto(url)
    assert results_heading(page).startswith("1 document match")


def test_open_a_document_and_jump_to_a_passage(page, base_url, ids):
    page.goto(f"{base_url}/search?q=Jableh")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(rf"/documents/{ids['jableh-raids']}$"))
    assert page.locator("h1").inner_text() == "Arrests of Alawite men in Jableh after the March clashes"
    assert page.locator(".source").inner_text().count("field researchers") == 1
    assert page.locator("mark.evidence").count() >= 1
    page.locator("details.tag-threat summary", has_text="Arbitrary detention").click()
    evidence = page.locator("details.tag-threat[open] a[href^='#p']").first
    anchor = evidence.get_attribute("href")
    evidence.click()
    assert page.url.endswith(anchor)
    target = page.evaluate("document.querySelector(':target').id")
    assert f"#{target}" == anchor
    # the paragraph it lands on tells of arrests or detentions: the evidence for the tag
    landed = page.locator(anchor).inner_text().lower()
    assert page.locator(anchor).is_visible() and ("arrest" in landed or "detention" in landed)
    # A pinpoint link from elsewhere lands on the paragraph.
    page.goto(f"{base_url}/documents/{ids['jableh-raids']}#p4")
    assert page.evaluate("document.querySelector(':target').id") == "p4"
    assert page.locator("#p4").inner_text().count("interrogation") == 1
    assert page.locator(".versions tbody tr").count() == 1


def test_matrix_cell_opens_its_search_and_its_trend(page, base_url):
    page.goto(f"{base_url}/matrix")
    expand = page.get_by_role("link", name="Show districts of Lattakia")
    expand.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"expand=SY06"))
    assert page.locator("#row-SY0602").is_visible()
    assert page.get_by_role("link", name="Hide districts of Lattakia").get_attribute("aria-expanded") == "true"
    cell = page.get_by_role("link", name=re.compile(r"^Lattakia, Arbitrary detention: \d+ documents?"))
    documents = int(re.search(r": (\d+) document", cell.get_attribute("aria-label")).group(1))
    assert documents == 1
    page.screenshot(path=str(ARTIFACTS / "matrix-expanded.png"), full_page=True)
    cell.click()
    page.wait_for_url(re.compile(r"/search\?governorate=SY06&threat=arbitrary_detention.*same_passage=1"))
    assert results_heading(page).startswith(f"{documents} document")
    page.go_back()
    page.get_by_role("link", name="Trend by month for Lattakia, Arbitrary detention").click()
    assert page.locator("svg.trend rect.bar").count() == 1
    assert page.locator(".trend-table").inner_text().count("2025-03") == 1


def test_matrix_filters_and_exports(page, base_url):
    page.goto(f"{base_url}/matrix")
    page.get_by_label("Population group").select_option(["druze"])
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"group=druze"))
    assert page.get_by_role("link", name=re.compile(r"^As-Sweida, Kidnapping and abduction: 1 document from 1 source$")).count() == 1
    assert page.get_by_role("link", name=re.compile(r"^Lattakia, ")).count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="SVG image").click()
    assert download.value.suggested_filename == "coi-matrix.svg"
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert Path(download.value.path()).read_text().startswith("pcode,region,level")


def assert_nothing_ran(page):
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('iframe, object, embed').length") == 0
    # Only our own script files (e.g. /static/cite.js), never an inline or foreign script.
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.trim() || "
                         "!s.src.startsWith(location.origin + '/static/')).length") == 0
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    assert page.evaluate("[...document.querySelectorAll('a[href]')]"
                         ".filter(a => !/^(https?:|\\/|#)/.test(a.getAttribute('href'))).length") == 0


def test_hostile_documents_do_not_execute(page, base_url, ids):
    for path in (f"/documents/{ids['hostile-text']}", f"/documents/{ids['hostile-title']}",
                 "/search?q=hostile+OR+abducted+OR+onerror", "/search?q=%3Cscript%3E", "/sources", "/matrix",
                 f"/api/documents/{ids['hostile-text']}"):
        response = page.goto(base_url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        assert_nothing_ran(page)
    # The payloads are on the page as text, where a researcher can read them.
    page.goto(f"{base_url}/documents/{ids['hostile-text']}")
    assert "<script>window.__xss = 'script'" in page.locator("h1").inner_text()
    assert "onerror=\"window.__xss = 'img'" in page.locator(".text").inner_text()
    assert "onerror=\"window.__xss='source'\"" in page.locator(".source").inner_text()
    page.goto(f"{base_url}/documents/{ids['hostile-title']}")
    assert page.locator("a.original").count() == 0  # a javascript: URL is shown, not linked
    assert page.locator(".unsafe-url").inner_text() == "javascript:window.__xss='url'"
    assert_nothing_ran(page)


def test_archived_copy_downloads_instead_of_rendering(page, base_url, ids):
    page.goto(f"{base_url}/documents/{ids['hostile-text']}")
    with page.expect_download() as download:
        page.locator("a.archived").click()
    assert download.value.suggested_filename.endswith(".html.txt")
    assert b"<script>window.__xss = 'live'</script>" in Path(download.value.path()).read_bytes()
    assert_nothing_ran(page)
    # Opened directly, the archived page is still a download (and sandboxed by its CSP), never a page of ours.
    response = page.request.get(base_url + page.locator("a.archived").get_attribute("href"))
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert response.headers["content-type"] == "application/octet-stream"
