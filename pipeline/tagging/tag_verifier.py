"""A second reading of every tag in a passage: is the passage really about this place, group, threat or actor?

The rules find a value where a lexicon phrase names it, but reports name far more than what happened to whom: the
camp a convoy passed, the activists who reported a massacre, the group an attack was meant to protect. The verifier
is a logistic regression per facet (governorate, group, threat, actor) on the words around each of the value's
mentions in the passage: the words on either side, the next and previous word, pairs of them, the words of the
mention itself, how often the passage names the value and how many values of that facet it names. A value it gives
less than the threshold is set aside in that passage (its mentions are kept as dropped "verifier", so the reason
can be shown). It is trained in numpy on the gold sets by `coi train-verifier`, from the rules' own tags, and kept
as data beside the lexicons (data/model/verifier.npz).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import NORM
from spacy.strings import hash_string

from .mentions import Mention, doc_text

MODEL_PATH = Path(__file__).parent / "data" / "model" / "verifier.npz"
KINDS = ("region", "group", "threat", "actor")
FACET_OF = {"region": "governorates", "group": "groups", "threat": "threats", "actor": "actors"}
WINDOW = 5  # words read on each side of a mention
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15
_SLOTS = {name: hash_string(f"verifier:{name}") for name in
          ("value", "count", "values", "language", "surface", "source", "left", "right", "near", "left1", "right1",
           "value_left1", "value_right1", "left2", "right2")}


def value_of(mention: Mention) -> str:
    """The value a mention counts for: a region counts for its governorate."""
    return mention.value[:4] if mention.kind == "region" else mention.value


def _key(slot: str, *parts: int) -> int:
    key = _SLOTS[slot]
    for part in parts:
        key = ((key * _MIX) & _MASK) ^ part
    return key


def passage_features(norms: np.ndarray, span: tuple[int, int], mentions: list[Mention],
                     language: str) -> dict[tuple[str, str], list[int]]:
    """The feature keys of each (kind, value) that the passage's asserted mentions name, from the doc's token NORM
    hashes; `span` is the passage's [start, end) token range, windows stop at its edges."""
    by_value: dict[tuple[str, str], list[Mention]] = {}
    for mention in mentions:
        by_value.setdefault((mention.kind, value_of(mention)), []).append(mention)
    per_kind: dict[str, int] = {}
    for kind, _ in by_value:
        per_kind[kind] = per_kind.get(kind, 0) + 1
    language_key = _key("language", hash_string(language or "xx"))
    first, last = span
    out = {}
    for (kind, value), found in by_value.items():
        value_hash = hash_string(value)
        keys = {_key("value", value_hash), _key("count", min(len(found), 3)), _key("values", min(per_kind[kind], 4)),
                language_key}
        for mention in found:
            left = [int(n) for n in norms[max(first, mention.start - WINDOW):mention.start]]
            right = [int(n) for n in norms[mention.end:min(last, mention.end + WINDOW)]]
            keys.add(_key("surface", *(int(n) for n in norms[mention.start:mention.end])))
            keys.add(_key("source", 1 if mention.flag == "model" else 0))
            for word in left:
                keys.update((_key("left", word), _key("near", word)))
            for word in right:
                keys.update((_key("right", word), _key("near", word)))
            if left:
                keys.update((_key("left1", left[-1]), _key("value_left1", value_hash, left[-1])))
            if right:
                keys.update((_key("right1", right[0]), _key("value_right1", value_hash, right[0])))
            if len(left) > 1:
                keys.add(_key("left2", left[-2], left[-1]))
            if len(right) > 1:
                keys.add(_key("right2", right[0], right[1]))
        out[(kind, value)] = sorted(keys)
    return out


def doc_instances(doc) -> list[tuple[int, str, str, list[int]]]:
    """(passage number, kind, value, feature keys) for every value the doc's passages assert."""
    mentions = [m for m in doc._.coi_mentions or () if m.kind in KINDS and m.value and m.dropped is None
                and not m.negated]
    if not mentions:
        return []
    norms = doc.to_array(NORM)
    out = []
    for number, (start, end, span) in enumerate(_passages(doc)):
        inside = [m for m in mentions if start <= m.start_char < end]
        if inside:
            for (kind, value), keys in passage_features(norms, span, inside, doc.lang_).items():
                out.append((number, kind, value, keys))
    return out


def _passages(doc) -> list[tuple[int, int, tuple[int, int]]]:
    """Each passage's character range and token range (doc._.coi_passages, else the whole doc)."""
    text = doc_text(doc)
    out = []
    for start, end in doc._.coi_passages or [(0, len(text))]:
        tokens = doc.char_span(start, end, alignment_mode="expand")
        out.append((start, end, (tokens.start, tokens.end) if tokens is not None else (0, 0)))
    return out


@dataclass(frozen=True)
class FacetModel:
    keys: np.ndarray  # sorted uint64 feature keys
    coef: np.ndarray  # float32, one per key
    intercept: float

    def probability(self, keys: list[int]) -> float:
        found = np.asarray(keys, dtype=np.uint64)
        at = np.searchsorted(self.keys, found)
        at[at == len(self.keys)] = 0
        score = self.intercept + float(self.coef[at[self.keys[at] == found]].sum()) if len(self.keys) else \
            self.intercept
        return 1.0 / (1.0 + np.exp(-score))


Verifier = dict  # kind -> FacetModel


def verify(doc, verifier: Verifier, threshold: float) -> None:
    """Set aside, passage by passage, the values the verifier gives less than `threshold`."""
    instances = doc_instances(doc)
    if not instances:
        return
    passages = _passages(doc)
    rejected: set[tuple[int, str, str]] = set()
    for number, kind, value, keys in instances:
        model = verifier.get(kind)
        if model is not None and model.probability(keys) < threshold:
            rejected.add((number, kind, value))
    if not rejected:
        return
    for mention in doc._.coi_mentions:
        if mention.kind not in KINDS or not mention.value or mention.dropped is not None or mention.negated:
            continue
        for number, (start, end, _) in enumerate(passages):
            if start <= mention.start_char < end and (number, mention.kind, value_of(mention)) in rejected:
                mention.dropped = "verifier"
                break


def train(instances: list[list[int]], labels: list[bool], c: float = 1.0, steps: int = 300,
          rate: float = 0.05) -> FacetModel:
    """A logistic regression on binary features, L2-regularised with strength 1/c, fitted by Adam."""
    n = len(instances)
    if not n:
        return FacetModel(np.empty(0, np.uint64), np.empty(0, np.float32), 0.0)
    flat = np.concatenate([np.asarray(keys, dtype=np.uint64) for keys in instances])
    rows = np.repeat(np.arange(n), [len(keys) for keys in instances])
    keys, columns = np.unique(flat, return_inverse=True)
    y = np.asarray(labels, dtype=np.float64)
    w, b = np.zeros(len(keys)), 0.0
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for step in range(1, steps + 1):
        scores = np.bincount(rows, weights=w[columns], minlength=n) + b
        error = (1.0 / (1.0 + np.exp(-scores)) - y) / n
        grad_w = np.bincount(columns, weights=error[rows], minlength=len(keys)) + w / (c * n)
        grad_b = float(error.sum())
        m_w = 0.9 * m_w + 0.1 * grad_w
        v_w = 0.999 * v_w + 0.001 * grad_w * grad_w
        w -= rate * (m_w / (1 - 0.9 ** step)) / (np.sqrt(v_w / (1 - 0.999 ** step)) + 1e-8)
        m_b = 0.9 * m_b + 0.1 * grad_b
        v_b = 0.999 * v_b + 0.001 * grad_b * grad_b
        b -= rate * (m_b / (1 - 0.9 ** step)) / (np.sqrt(v_b / (1 - 0.999 ** step)) + 1e-8)
    return FacetModel(keys=keys, coef=w.astype(np.float32), intercept=float(b))


def train_on_gold(records: list[dict], docs, c: float = 1.0, steps: int = 300) -> Verifier:
    """Train one model per facet on gold passages; docs(record) gives the record's doc as the tagger reads it with
    the verifier off (a value is right when the gold passage lists it)."""
    instances: dict[str, tuple[list, list]] = {kind: ([], []) for kind in KINDS}
    for record in records:
        for _, kind, value, keys in doc_instances(docs(record)):
            features, labels = instances[kind]
            features.append(keys)
            labels.append(value in {g[:4] if kind == "region" else g for g in record[FACET_OF[kind]]})
    return {kind: train(features, labels, c=c, steps=steps) for kind, (features, labels) in instances.items()}


def save_verifier(verifier: Verifier, path: Path = MODEL_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for kind, model in verifier.items():
        arrays[f"{kind}_keys"] = model.keys
        arrays[f"{kind}_coef"] = model.coef.astype(np.float16)
        arrays[f"{kind}_intercept"] = np.array([model.intercept])
    np.savez_compressed(path, **arrays)


def load_verifier(path: Path = MODEL_PATH) -> Verifier | None:
    return _load(str(path)) if path.exists() else None


@lru_cache(maxsize=4)
def _load(path: str) -> Verifier:
    with np.load(path, allow_pickle=False) as data:
        return {kind: FacetModel(keys=data[f"{kind}_keys"], coef=data[f"{kind}_coef"].astype(np.float32),
                                 intercept=float(data[f"{kind}_intercept"][0]))
                for kind in KINDS if f"{kind}_keys" in data}
