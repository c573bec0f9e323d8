"""`coi demo`, the command behind `make demo`: mirror -> crawl -> process -> index -> searches with facets."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_demo_runs_the_whole_pipeline_offline(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "demo", "--data-dir", str(tmp_path / "demo")],
                            env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "== indexed into SQLite FTS5:" in out
    indexed = int(out.split("== indexed into SQLite FTS5:")[1].split()[0])
    crawled = int(out.split("== crawled ")[1].split()[0])
    copies = int(out.split("failed, ")[1].split(" near-duplicate")[0])
    failed = int(out.split("== processed:")[1].split(" extracted, ")[1].split()[0])
    # Every source was crawled, and every stored document is searchable once: copies are filed under their original.
    from crawlers.sources import source_ids
    for source_id in source_ids():
        line = next(line for line in out.splitlines() if line.strip().startswith(source_id + " "))
        assert int(line.split()[1]) > 0, line
    assert indexed == crawled - copies - failed and indexed >= 30
    assert "tagged: 0 documents" not in out
    assert "0 documents match" not in out.split("== Everything")[1].split("==")[0]
    assert "Facets (counts ignore the facet's own selection):" in out
    assert f"== web app: COI_DATA_DIR={tmp_path / 'demo'} .venv/bin/coi serve, then open http://" in out
    assert "Language: " in out and "Source: " in out and "Period: " in out
    tagged_search = out.split("== Tagged by the tagger: Alawites")[1].split("\n== ")[0]
    assert int(re.search(r"^(\d+) documents? match", tagged_search, re.M).group(1)) > 0
    assert "+Alawites (alawites) " in tagged_search  # the selected value, with its count
    # A sample digest of the demo's documents is in the outbox, as an e-mail with a text and an HTML part.
    from email import message_from_bytes, policy
    eml = Path(out.split("written to the outbox: ")[1].splitlines()[0])
    digest = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert digest.get_content_type() == "multipart/alternative" and eml.parent.parent == tmp_path / "demo" / "outbox"
    assert 0 < int(out.split("== sample digest of ")[1].split()[0]) <= indexed
    assert "Counts per governorate and threat" in digest.get_body(("plain",)).get_content()
    # The store and the index it leaves behind work with the ordinary commands.
    env["COI_DATA_DIR"] = str(tmp_path / "demo")
    status = subprocess.run([sys.executable, "-m", "pipeline.cli", "status"], env=env, capture_output=True, text=True)
    assert status.returncode == 0 and f"{crawled} documents in" in status.stdout
