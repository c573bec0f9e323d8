"""The gazetteer: every name of a Syrian place we match, resolved to OCHA p-codes (reference file plus our additions)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..taxonomy import DATA_DIR as TAXONOMY_DIR
from .lexicon import DATA_DIR, LexiconError, norm_phrase, parse_lexicon
from .normalize import is_arabic

REFERENCE = TAXONOMY_DIR / "syria_admin.csv"
ADDITIONS = DATA_DIR / "gazetteer_additions.csv"
RULES = DATA_DIR / "gazetteer_rules.txt"
LEVELS = {4: "admin1", 6: "admin2", 8: "admin3"}
_ARTICLES = ("al", "el", "ar", "as", "ash", "ad", "an", "at", "az", "ez", "es", "ed", "ath", "adh")


def level_of(pcode: str) -> str:
    return LEVELS.get(len(pcode), "admin3")


@dataclass(frozen=True)
class Unit:
    """An administrative unit: p-code, level, names and parent."""

    pcode: str
    level: str
    name_en: str
    name_ar: str
    parent: str | None

    def parents(self) -> list[str]:
        """Admin1 and admin2 p-codes above this unit (not itself)."""
        return [p for p in (self.pcode[:4], self.pcode[:6]) if len(p) < len(self.pcode)]


@dataclass
class Place:
    """What one place name resolves to: p-codes (one, or a set the name covers), ambiguous candidates, or nothing."""

    name: str
    pcodes: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # different units sharing the name: the document decides
    person_risk: bool = False
    case_sensitive: bool = False

    @property
    def resolved(self) -> bool:
        return bool(self.pcodes)


@dataclass
class Gazetteer:
    units: dict[str, Unit]
    places: dict[str, Place] = field(default_factory=dict)  # surface form -> place

    def unit(self, pcode: str) -> Unit | None:
        return self.units.get(pcode)

    def names(self, arabic: bool) -> list[tuple[str, Place]]:
        return [(name, place) for name, place in self.places.items() if is_arabic(name) == arabic]


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _common_ancestor(pcodes: list[str]) -> str | None:
    for length in (6, 4):
        heads = {p[:length] for p in pcodes if len(p) >= length}
        if len(heads) == 1 and all(len(p) >= length for p in pcodes):
            return heads.pop()
    return None


def _article_variants(name: str) -> list[str]:
    """'As-Sweida' -> also 'Al-Sweida', 'Sweida'; 'Deir ez-Zor' is left alone (the particle is inside)."""
    head, sep, rest = name.replace(" ", "-", 1).partition("-")
    if not sep or head.lower() not in _ARTICLES or not rest:
        return []
    rest = rest.strip()
    return [f"al-{rest}", f"el-{rest}", rest]


def _joined_variants(name: str) -> list[str]:
    """'Rif Dimachq' -> also 'Rif-Dimachq', 'Tal-Abyad' -> also 'Tal Abyad': reports join a name's words either way
    (a name that mixes both, 'Deir ez-Zor', is left alone)."""
    if " " in name and "-" not in name:
        return [name.replace(" ", "-")]
    if "-" in name and " " not in name and not name.startswith("-"):
        return [name.replace("-", " ")]
    return []


def _read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if not row.get("name_en") or not row.get("parent_pcode") and row.get("level") not in ("admin1",):
            raise LexiconError(f"{path.name}:{number}: a row needs name_en and parent_pcode")
    return rows


def build_gazetteer(reference: Path = REFERENCE, additions: Path = ADDITIONS, rules: Path = RULES) -> Gazetteer:
    units: dict[str, Unit] = {}
    reference_rows = _read_rows(reference)
    for row in reference_rows:
        if row["level"] in ("admin1", "admin2", "admin3") and row["pcode"]:
            parent = row["parent_pcode"] if row["parent_pcode"] != "SY" else None
            units[row["pcode"]] = Unit(row["pcode"], row["level"], row["name_en"], row["name_ar"], parent)
    rule_lists = parse_lexicon(rules).words if rules.exists() else {}
    excluded = rule_lists.get("names:exclude", set())
    person = rule_lists.get("names:person", set())
    case = rule_lists.get("names:case", set())
    expand = rule_lists.get("names:expand", set())

    targets: dict[str, list[tuple[str, ...] | None]] = {}
    spelled: dict[str, list[str]] = {}

    def add(name: str, target: tuple[str, ...] | None) -> None:
        key = norm_phrase(name)
        if len(key.replace(" ", "")) < 3 or key in excluded:
            return
        spellings = spelled.setdefault(key, [])
        if name not in spellings:
            spellings.append(name)
        targets.setdefault(key, []).append(target)

    for path, rows in ((reference, reference_rows), (additions, _read_rows(additions) if additions.exists() else [])):
        for number, row in enumerate(rows, start=2):
            level = row["level"]
            names = [row["name_en"], row["name_ar"], *_split(row.get("variants", ""))]
            if level in ("admin1", "admin2", "admin3"):
                target: tuple[str, ...] | None = (row["pcode"],)
            else:
                parents = _split(row["parent_pcode"])
                unknown = [p for p in parents if p not in units]
                if unknown:
                    raise LexiconError(f"{path.name}:{number}: unknown parent p-code {', '.join(unknown)}")
                ancestor = parents[0] if len(parents) == 1 else _common_ancestor(parents)
                if ancestor:
                    target = (ancestor,)
                elif norm_phrase(row["name_en"]) in expand:
                    target = tuple(parents)
                else:
                    target = None  # an informal area that spans governorates: kept as an unresolved mention
            curated = level in ("admin1", "admin2") or path == additions
            for name in [n for n in names if n]:
                add(name, target)
                if curated and not is_arabic(name):
                    for variant in _article_variants(name) + _joined_variants(name):
                        add(variant, target)

    gazetteer = Gazetteer(units)
    for key, found in targets.items():
        name = spelled[key][0]
        place = Place(name, person_risk=key in person, case_sensitive=key in case)
        distinct = list(dict.fromkeys(found))
        if all(t is None for t in distinct):
            pass
        else:
            resolved = [t for t in distinct if t is not None]
            if len(resolved) == 1:
                place.pcodes = resolved[0]
            else:
                singles = sorted({p for t in resolved for p in t}, key=len)
                widest = singles[0]
                if all(p.startswith(widest) for p in singles):
                    place.pcodes = (widest,)  # a city and its district or governorate: the wider unit
                elif (ancestor := _common_ancestor(singles)) is not None:
                    place.pcodes = (ancestor,)
                else:
                    place.candidates = tuple(dict.fromkeys(p for t in resolved for p in t))  # the usual one first
        for spelling in spelled[key]:
            gazetteer.places[spelling] = place
    return gazetteer


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    return build_gazetteer()
