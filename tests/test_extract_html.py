"""HTML extraction: main text without page furniture, offsets, charsets, Arabic pages and refused bodies."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.extract import ExtractionError, ExtractLimits, extract, parse
from pipeline.extract import html as html_extractor
from pipeline.language import detect_language

FIXTURES = Path(__file__).parent / "fixtures" / "html"
LIMITS = ExtractLimits(timeout=60)
URL = "https://levant-rights.example/reports/northern-aleppo"

FURNITURE_EN = [
    "We use cookies", "Accept all cookies", "Cookie settings", "About the Observatory", "Donate now", "Press room",
    "Search the archive", "Share on Facebook", "Post on X", "Related reports", "Annual report 2023",
    "Subscribe to our newsletter", "Privacy policy", "All rights reserved", "Work with us", "trackingId", "hideBanner",
]
FURNITURE_AR = ["نستخدم ملفات تعريف الارتباط", "التقارير والإحاطات", "من نحن", "تبرّع الآن", "شارك على فيسبوك",
                "اشترك في النشرة البريدية", "جميع الحقوق محفوظة", "trackingId"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def kind_of(call) -> str:
    with pytest.raises(ExtractionError) as caught:
        call()
    assert str(caught.value), "every refusal needs a message for people"
    return caught.value.kind


@pytest.fixture(scope="module")
def english():
    return extract(fixture("ngo_report_en.html"), "text/html; charset=utf-8", URL, LIMITS)


@pytest.fixture(scope="module")
def arabic():
    return extract(fixture("ngo_report_ar.html"), "text/html", URL + "-ar", LIMITS)


def texts(extraction) -> list[str]:
    return [extraction.passage_text(passage) for passage in extraction.passages]


def test_page_furniture_is_left_out(english):
    for furniture in FURNITURE_EN:
        assert furniture not in english.text, furniture


def test_article_paragraphs_are_kept_whole(english):
    paragraphs = texts(english)
    assert ("Our researchers interviewed 27 former detainees, relatives and local lawyers by telephone. Each account "
            "was cross-checked against at least one independent source before it was included in this briefing, and "
            "the names of all witnesses have been withheld for their protection.") in paragraphs
    assert paragraphs[-1].startswith("All parties to the conflict must release those held arbitrarily")
    assert "a resident of Afrin said" in english.text


def test_headings_list_items_and_table_rows_keep_their_kind(english):
    kinds = {english.passage_text(passage): passage.kind for passage in english.passages}
    assert kinds["Syria: Arbitrary detention continues in northern Aleppo countryside"] == "heading"
    assert kinds["Methodology"] == "heading"
    assert kinds["Denial of family visits for the entire period of detention"] == "item"
    assert kinds["Aleppo | 43"] == "cell"
    assert english.extractor == "html/trafilatura"


def test_title_comes_without_the_site_name(english):
    assert english.title == "Syria: Arbitrary detention continues in northern Aleppo countryside"


def test_passage_offsets_point_into_the_text(english):
    assert english.text == "\n\n".join(texts(english))
    for number, passage in enumerate(english.passages):
        assert passage.idx == number
        assert passage.paragraph == number + 1
        assert passage.page is None and passage.ocr is False
        assert english.text[passage.start:passage.end] == english.passage_text(passage)
        assert english.passage_text(passage) == english.passage_text(passage).strip()
        assert "\n\n" not in english.passage_text(passage)


def test_arabic_page_keeps_the_article_and_drops_the_furniture(arabic):
    for furniture in FURNITURE_AR:
        assert furniture not in arabic.text, furniture
    assert arabic.title == "سوريا: استمرار الاعتقال التعسفي في ريف حلب الشمالي"
    assert "وصف المعتقلون احتجازهم لأسابيع دون توجيه أي تهمة في مرافق مؤقتة قرب أعزاز وعفرين" in arabic.text
    assert [p.kind for p in arabic.passages].count("item") == 3
    assert detect_language(arabic.text)[0] == "ar"
    for passage in arabic.passages:
        assert arabic.text[passage.start:passage.end] == arabic.passage_text(passage)


def _arabic_page(meta: str) -> str:
    # windows-1256 has no Arabic-Indic digits, so legacy pages write Western ones.
    page = fixture("ngo_report_ar.html").decode("utf-8").replace('<meta charset="utf-8">', meta)
    return page.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))


@pytest.fixture(scope="module")
def arabic_western_digits():
    return extract(_arabic_page('<meta charset="utf-8">').encode("utf-8"), "text/html", URL, LIMITS)


def test_http_charset_decodes_a_legacy_arabic_page(arabic_western_digits):
    body = _arabic_page("").encode("cp1256")
    extraction = extract(body, "text/html; charset=windows-1256", URL, LIMITS)
    assert "أعزاز وعفرين" in extraction.text
    assert extraction.text == arabic_western_digits.text


def test_meta_charset_decodes_when_http_says_nothing(arabic_western_digits):
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    extraction = extract(_arabic_page(meta).encode("cp1256"), "text/html", URL, LIMITS)
    assert extraction.text == arabic_western_digits.text


def test_a_wrong_http_charset_falls_back_to_utf8(english):
    extraction = extract(fixture("ngo_report_en.html"), "text/html; charset=no-such-charset", URL, LIMITS)
    assert extraction.text == english.text


def test_fallback_walk_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(html_extractor, "trafilatura_blocks", lambda tree, url: [])
    extraction = parse(fixture("ngo_report_en.html"), "text/html", URL, LIMITS)
    assert extraction.extractor == "html/lxml"
    assert "Detainees described being held for weeks without charge" in extraction.text
    assert "Demands for payment in exchange for release, sometimes repeated several times" in texts(extraction)
    for furniture in FURNITURE_EN:
        assert furniture not in extraction.text, furniture


def test_entities_are_not_expanded_and_nothing_is_fetched():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<html><body><main><h1>Report</h1>
<p>The monitors recorded &lol3; shelling incidents near the city of Daraa during the month of May this year.</p>
<p>Local sources reported &secret; that humanitarian convoys were delayed at the crossings for several days.</p>
</main></body></html>"""
    extraction = extract(body, "text/html", URL, LIMITS)
    assert "lollollol" not in extraction.text
    assert "root:" not in extraction.text
    assert "humanitarian convoys were delayed" in extraction.text


def test_plain_text_is_split_on_blank_lines():
    body = b"First paragraph about Homs.\nStill the first.\n\nSecond paragraph about Hama.\n"
    extraction = extract(body, "text/plain; charset=utf-8", "https://example.org/notes.txt", LIMITS)
    assert extraction.extractor == "text/plain"
    assert texts(extraction) == ["First paragraph about Homs.\nStill the first.", "Second paragraph about Hama."]


def test_binary_body_is_undecodable():
    body = random.Random(7).randbytes(20_000)
    assert kind_of(lambda: extract(body, "text/html", URL, LIMITS)) == "undecodable"


def test_high_bytes_without_any_encoding_are_undecodable():
    assert kind_of(lambda: extract(bytes(range(128, 256)) * 40, "text/html", URL, LIMITS)) == "undecodable"


def test_too_large_is_refused_before_parsing():
    limits = ExtractLimits(max_body_bytes=1000, timeout=60)
    assert kind_of(lambda: extract(fixture("ngo_report_en.html"), "text/html", URL, limits)) == "too_large"


def test_empty_bodies_and_pages_without_text():
    assert kind_of(lambda: extract(b" \n ", "text/html", URL, LIMITS)) == "empty"
    assert kind_of(lambda: extract(b"<html><body><nav>Home</nav></body></html>", "text/html", URL, LIMITS)) == "empty"


def test_other_formats_are_unsupported():
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert kind_of(lambda: extract(png, "image/png", URL + ".png", LIMITS)) == "unsupported_type"
    docx = b"PK\x03\x04" + bytes(100)
    assert kind_of(lambda: extract(docx, None, URL + ".docx", LIMITS)) == "unsupported_type"
    assert kind_of(lambda: extract(b'{"a": 1}', "application/json", URL, LIMITS)) == "unsupported_type"
