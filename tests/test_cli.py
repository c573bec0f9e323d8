"""The coi command line as a user runs it: results, facets, and one clear line (exit 2) for bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.search.sqlite import SQLiteBackend
from pipeline.store import FetchedReport, Store
from search_contract import CORPUS

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli")
    backend = SQLiteBackend(data / "search.sqlite")
    backend.index(CORPUS)
    backend.close()
    with Store(data) as store:
        result = store.ingest(FetchedReport(source_id="hrw", url="https://example.org/broken.pdf", body=b"%PDF-1.4 trunc"))
        store.mark(result.document_id, "extract", "failed", "corrupt_pdf: the PDF is truncated \x1b[31mred")
    return data


def coi(data_dir, *args):
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def test_search_prints_results_and_facet_counts(data_dir):
    result = coi(data_dir, "search", "kidnapping", "--governorate", "SY13")
    assert result.returncode == 0, result.stderr
    assert "1 documents match" in result.stdout
    assert "[Kidnappings] on the Damascus-Sweida road" in result.stdout
    assert "[Kidnapping] for ransom" in result.stdout  # highlighted, plain-text marks when not on a terminal
    assert "Governorate: +As-Sweida (SY13) 1" in result.stdout


def test_search_json(data_dir):
    result = coi(data_dir, "search", "--group", "druze,kurds", "--not-language", "ar", "--format", "json")
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["total"] == 4
    assert {h["doc_id"] for h in response["hits"]} == {"sweida-kidnap", "jaramana", "afrin-property", "undated-guidance"}
    groups = {v["value"]: v for v in response["facets"]["group"]}
    assert groups["druze"]["selected"] and groups["alawites"]["count"] >= 1


def test_search_by_region_name_and_date(data_dir):
    result = coi(data_dir, "search", "--governorate", "Sweida", "--since", "2025-07-25", "--format", "json")
    assert [h["doc_id"] for h in json.loads(result.stdout)["hits"]] == ["arabic-sweida"]


@pytest.mark.parametrize("args, message", [
    (["search", '"arbitrary detention'], "unbalanced quote"),
    (["search", "detention", "--group", "druse"], "did you mean 'druze'"),
    (["search", "--governorate", "Atlantis"], "unknown governorate 'Atlantis'"),
    (["search", "--since", "2025-02-01", "--until", "2025-01-01"], "impossible date range"),
    (["search", "--since", "last week"], "is not a date"),
    (["search", "(Afrin"], "unbalanced parenthesis"),
    (["search", "--per-page", "1000"], "between 1 and 100"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_clear_line_and_exit_2(data_dir, args, message):
    result = coi(data_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_shows_counts_and_errors_without_terminal_escapes(data_dir):
    result = coi(data_dir, "status")
    assert result.returncode == 0, result.stderr
    assert "1 documents" in result.stdout
    assert "extract" in result.stdout and "corrupt_pdf: the PDF is truncated" in result.stdout
    assert "\x1b" not in result.stdout  # a crawled error message cannot drive the terminal


def test_bad_setting_is_reported(data_dir):
    env = {**os.environ, "COI_DATA_DIR": str(data_dir), "COI_MAX_PDF_PAGES": "many", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "status"], env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "COI_MAX_PDF_PAGES must be a whole number" in result.stderr
