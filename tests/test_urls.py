"""Canonical URLs: the same report always gets the same document id."""

import pytest

from pipeline.urls import InvalidURL, canonical_url, document_id


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://WWW.HRW.ORG/report/2025/03/12/slug", "https://www.hrw.org/report/2025/03/12/slug"),
    ("https://www.hrw.org/report/2025/03/12/slug/", "https://www.hrw.org/report/2025/03/12/slug"),
    ("https://www.hrw.org/report/2025/03/12/slug#summary", "https://www.hrw.org/report/2025/03/12/slug"),
    ("https://www.hrw.org:443/report/x", "https://www.hrw.org/report/x"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/", "https://example.org/"),
    ("https://example.org//a//b/", "https://example.org/a/b"),
    ("https://example.org/a?utm_source=x&utm_medium=y&id=3", "https://example.org/a?id=3"),
    ("https://example.org/a?fbclid=abc&gclid=def&page=2", "https://example.org/a?page=2"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ("https://example.org/a%7Eb", "https://example.org/a~b"),
    ("https://example.org/ar/تقرير", "https://example.org/ar/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1"),
    ("https://example.org/a?q=x%20y", "https://example.org/a?q=x%20y"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_path_case_is_kept():
    # Hosts are case-insensitive, paths are not.
    assert canonical_url("https://Example.org/Report") == "https://example.org/Report"


def test_same_report_same_id_different_report_different_id():
    assert document_id("https://www.hrw.org/report/x/?utm_campaign=a#top") == document_id("https://www.hrw.org/report/x")
    assert document_id("https://www.hrw.org/report/x") != document_id("https://www.hrw.org/report/y")
    assert len(document_id("https://www.hrw.org/report/x")) == 20


@pytest.mark.parametrize("url", ["", "ftp://example.org/a", "javascript:alert(1)", "https:///nohost", "https://x:99999/"])
def test_invalid_urls_are_refused(url):
    with pytest.raises(InvalidURL):
        canonical_url(url)
