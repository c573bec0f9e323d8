"""Index configuration files (index_config/ at the project root): facets and backend settings, as data."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

INDEX_CONFIG_DIR = Path(__file__).resolve().parents[2] / "index_config"


@lru_cache(maxsize=None)
def load_index_config(name: str) -> dict:
    path = INDEX_CONFIG_DIR / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuntimeError(f"index configuration {path} is missing; run from a checkout (pip install -e .)") from None
