"""The gold sets the tagger is scored on (tests/fixtures/gold/*.jsonl), without loading the tagger."""

from __future__ import annotations

import json
from pathlib import Path

GOLD_DIR = Path(__file__).parents[2] / "tests" / "fixtures" / "gold"
GOLD_PATH = GOLD_DIR / "dev.jsonl"
# Named gold sets for `coi eval --set`: "dev" is the development set the lexicons were written against; "heldout"
# was written blind, before looking at the lexicons, to estimate how the tagger does on unseen reporting; "fresh"
# holds small batches written after a round of lexicon changes, each scored once before any further change;
# "fresh2" was written blind before the verb-form work of tagger 1.2 (scored once before it), "fresh3" and "fresh4"
# after rounds of it (each scored once; fresh3 misses then informed one more round, fresh4 was not tuned on).
# Batches added later are described in tests/fixtures/gold/README.md.
GOLD_SETS = {path.stem: path for path in sorted(GOLD_DIR.glob("*.jsonl"))}  # every file there, by its name
FACETS = ("governorates", "groups", "threats", "actors")


class GoldError(ValueError):
    """A gold line that cannot be read: the message names the line."""


def load_gold(path: Path = GOLD_PATH) -> list[dict]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldError(f"{path.name}:{number}: {error}") from None
        missing = [k for k in ("id", "text", *FACETS) if k not in record]
        if missing:
            raise GoldError(f"{path.name}:{number}: missing {', '.join(missing)}")
        records.append(record)
    return records
