"""Shared test set-up: make tests/ importable for shared helpers such as the search contract."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
