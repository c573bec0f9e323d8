"""The canonical ids of regions (OCHA p-codes), groups, threats, actors and epochs, loaded from data files."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")


def iso_day(value: str) -> date | None:
    """The day of "2024-12-01" or of a timestamp that starts with it; None for anything else, including the forms
    Python also reads as dates ("20241201", "2024-W49-6", "2024-343")."""
    if not _ISO_DAY.match(value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None

DATA_DIR = Path(__file__).parent
KINDS = ("group", "threat", "actor", "epoch")


@dataclass(frozen=True)
class Region:
    pcode: str
    level: str  # admin1, admin2, admin3
    name_en: str
    name_ar: str
    parent: str | None
    variants: tuple[str, ...]


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("-", " ").replace("'", "").replace("’", "").split())


class Taxonomy:
    """Ids, labels and definitions of every facet value, and the admin hierarchy of p-codes."""

    def __init__(self, entries: dict[str, list[dict]], regions: dict[str, Region]):
        self.entries = {kind: {e["id"]: e for e in values} for kind, values in entries.items()}
        self.regions = regions
        self._names: dict[str, str] = {}
        for region in regions.values():
            if region.level in ("admin1", "admin2"):
                for name in (region.name_en, region.name_ar, *region.variants):
                    # Governorates win a shared name ("Damascus" is SY01 and SY0100): the wider unit is the safe reading.
                    self._names.setdefault(_fold(name), region.pcode)

    # -- ids -----------------------------------------------------------------------------------

    def ids(self, kind: str) -> list[str]:
        if kind == "governorate":
            return [r.pcode for r in self.regions.values() if r.level == "admin1"]
        if kind == "district":
            return [r.pcode for r in self.regions.values() if r.level == "admin2"]
        return list(self.entries[kind])

    def label(self, kind: str, value: str) -> str:
        if kind in ("governorate", "district"):
            region = self.regions.get(value)
            return region.name_en if region else value
        entry = self.entries.get(kind, {}).get(value)
        return entry["label"] if entry else value

    # -- regions -------------------------------------------------------------------------------

    def governorate_of(self, pcode: str) -> str | None:
        return pcode[:4] if pcode[:4] in self.regions else None

    def district_of(self, pcode: str) -> str | None:
        return pcode[:6] if len(pcode) >= 6 and pcode[:6] in self.regions else None

    def resolve_region(self, text: str) -> str | None:
        """A governorate or district p-code from a p-code or an English or Arabic name; None if unknown."""
        candidate = text.strip().upper()
        if candidate in self.regions:
            return candidate
        return self._names.get(_fold(text))

    # -- epochs ----------------------------------------------------------------------------------

    def epoch_for(self, day: date | str | None) -> str | None:
        """The epoch a date falls in (assad_era, transition, ...); None for an unknown date."""
        if day is None:
            return None
        if isinstance(day, str):
            day = iso_day(day)
            if day is None:
                return None
        iso = day.isoformat()[:10]
        for epoch in self.entries["epoch"].values():
            if (epoch["from"] is None or iso >= epoch["from"]) and (epoch["to"] is None or iso <= epoch["to"]):
                return epoch["id"]
        return None


def _load_regions(path: Path) -> dict[str, Region]:
    regions = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] not in ("admin1", "admin2", "admin3") or not row["pcode"]:
                continue
            variants = tuple(v for v in (row.get("variants") or "").split("|") if v)
            parent = row["parent_pcode"] if row["parent_pcode"] != "SY" else None
            regions[row["pcode"]] = Region(row["pcode"], row["level"], row["name_en"], row["name_ar"], parent, variants)
    return regions


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    entries = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    return Taxonomy(entries, _load_regions(DATA_DIR / "syria_admin.csv"))
