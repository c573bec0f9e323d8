"""Citing in a real browser (Debian's chromium through Playwright): the copy button puts the citation on the
clipboard, and ticking paragraphs exports them in one RIS file."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import rispy

from cite_corpus import build_store
from pipeline.settings import Settings
from pipeline.web import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path(os.environ.get("COI_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import uvicorn

    data_dir = tmp_path_factory.mktemp("cite-browser")
    ids = build_store(data_dir)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    app = create_app(Settings().with_changes(data_dir=data_dir, search_backend="sqlite"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        assert thread.is_alive() and time.monotonic() - started < 30, "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Chromium at {CHROMIUM}: deploy/system-deps.sh installs it")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"] if os.geteuid() == 0 else [])
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium, site):
    context = chromium.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site[0])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def test_copy_button_puts_the_passage_citation_on_the_clipboard(tab, site):
    base, ids = site
    tab.goto(f"{base}/documents/{ids['sweida']}")
    button = tab.locator(f'#p3 button.copy-citation')
    button.click()
    # a locator assertion, not wait_for_function: the page's CSP forbids the eval that a string predicate needs
    from playwright.sync_api import expect

    expect(button).to_have_text("copied")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Human Rights Watch, “Kidnappings of Druze civilians on the Sweida road”, 14 May 2025, "
                             "p. 2, para. 3,")
    assert "SHA-256" in copied and "accessed" in copied
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "cite-document.png"), full_page=True)


def test_selected_paragraphs_export_as_one_ris_file(tab, site, tmp_path):
    base, ids = site
    tab.goto(f"{base}/documents/{ids['sweida']}")
    tab.check(f'input[name="item"][value="{ids["sweida"]}@2"]')
    tab.check(f'input[name="item"][value="{ids["sweida"]}@4"]')
    tab.select_option('#cite-export select[name="format"]', "ris")
    with tab.expect_download() as download:
        tab.click('#cite-export button[type="submit"]')
    saved = tmp_path / "citations.ris"
    download.value.save_as(saved)
    records = rispy.loads(saved.read_text(encoding="utf-8"))
    assert [r["start_page"] for r in records] == ["1", "2"]
    assert all(r["title"] == "Kidnappings of Druze civilians on the Sweida road" for r in records)
