"""`coi demo`, the command behind `make demo`: mirror -> crawl -> process -> index -> searches with facets."""

import os
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
    assert indexed >= 8
    assert "0 documents match" not in out.split("== Everything")[1].split("==")[0]
    assert "Facets (counts ignore the facet's own selection):" in out
    assert "Language: " in out and "Source: " in out and "Period: " in out
    # The store and the index it leaves behind work with the ordinary commands.
    env["COI_DATA_DIR"] = str(tmp_path / "demo")
    status = subprocess.run([sys.executable, "-m", "pipeline.cli", "status"], env=env, capture_output=True, text=True)
    assert status.returncode == 0 and f"{indexed}" in status.stdout
