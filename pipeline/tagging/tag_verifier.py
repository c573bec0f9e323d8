"""A second reading of every tag in a passage: is the passage really about this place, group, threat or actor?

The rules find a value where a lexicon phrase names it, but reports name far more than what happened to whom: the
camp a convoy passed, the activists who reported a massacre, the group an attack was meant to protect. The verifier
is a logistic regression per facet (governorate, group, threat, actor) on the words around each of the value's
mentions in the passage: the words on either side, the next and previous word, pairs of them, the words of the
mention itself, the word before a number that counts the mention's people ("killed three rescue workers"), where the
mention comes from (a lexicon, the threat classifier, an act that usually names the group), how often the passage
names the value and how many values of that facet it names, which other groups, threats and actors the passage names
beside it (a killing beside Alawites and armed men, a clash beside two armed groups), and the probability the
passage classifier of threats or of groups gives the value in the passage (passage_model.py; in tenths). A value it
gives less than the threshold is set aside in that passage (its mentions are kept as dropped "verifier", so the
reason can be shown); what a rule reads from an act (the group it names by definition, ill-treatment of people back
from abroad) is not read but stands or falls with the act. It is trained in numpy on the gold sets by `coi
train-verifier`, from the tagger's own tags, and kept as data beside the lexicons (data/model/verifier.npz). So that
it learns from the passage classifiers as they read text they were not trained on, each gold passage is tagged with
classifiers trained without its fold of the gold sets (training.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import LIKE_NUM, NORM
from spacy.strings import hash_string

from .mentions import Mention, doc_text
from .passage_model import distinct, spread as _spread

MODEL_PATH = Path(__file__).parent / "data" / "model" / "verifier.npz"
KINDS = ("region", "group", "threat", "actor")
FACET_OF = {"region": "governorates", "group": "groups", "threat": "threats", "actor": "actors"}
WINDOW = 5  # words read on each side of a mention
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15
_SLOTS = {name: hash_string(f"verifier:{name}") for name in
          ("value", "count", "values", "language", "surface", "source", "left", "right", "near", "left1", "right1",
           "value_left1", "value_right1", "left2", "right2", "value_source", "value_across", "passage_score",
           "value_with")}
# Where a mention comes from, besides the lexicons: the threat classifier, or an act that usually names its group.
# (What a rule reads from an act, flag "implied", is not read: it stands or falls with its act.)
_SOURCES = {"model": 1, "likely": 2}


def _constant(slot: str) -> np.uint64:
    """A slot's hash after one mixing step: the key of (slot, x) is this XOR x."""
    return np.uint64((_SLOTS[slot] * _MIX) & _MASK)


def _then(keys: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """One more mixing step: the key of (slot, a, b) is _then(_constant(slot) ^ a, b)."""
    with np.errstate(over="ignore"):
        return (keys * np.uint64(_MIX)) ^ parts


@dataclass
class _Reading:
    """A doc's asserted mentions, the (passage, kind, value) instance each counts for, and every instance's feature
    keys as (row, key) pairs: sorted by instance and without repeats when read for training, else as found."""

    mentions: list[Mention]
    of_mention: list[int]  # instance number per mention, -1 outside every passage
    instances: list[tuple[int, str, str]]  # (passage number, kind, value)
    kinds: np.ndarray  # per instance, its kind's index in KINDS
    rows: np.ndarray  # instance number per key
    keys: np.ndarray  # uint64


def _pairs_in_passage(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (i, j), i != j, of instances in the same passage, given each instance's passage number."""
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    sizes = np.repeat(counts, counts)  # per instance (in passage order), how many share its passage
    firsts = np.repeat(starts, counts)
    mine = np.repeat(np.arange(len(numbers)), sizes)
    theirs = np.repeat(firsts, sizes) + np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    mine, theirs = order[mine], order[theirs]
    different = mine != theirs
    return mine[different], theirs[different]


def _passage_numbers(passages, chars: np.ndarray) -> np.ndarray:
    """The passage holding each character offset, -1 for none: the last passage starting at or before it, else (when
    passages overlap or are out of order) the first that holds it."""
    starts = np.array([start for start, _, _ in passages], dtype=np.int64)
    ends = np.array([end for _, end, _ in passages], dtype=np.int64)
    numbers = np.searchsorted(starts, chars, side="right") - 1
    held = (numbers >= 0) & (chars < ends[np.maximum(numbers, 0)])
    for index in np.flatnonzero(~held):
        char = chars[index]
        numbers[index] = next((n for n, (start, end, _) in enumerate(passages) if start <= char < end), -1)
    return numbers


def _read(doc, drop_repeats: bool = True) -> _Reading | None:
    """The doc's instances and their feature keys; `drop_repeats` sorts the keys by instance and drops repeats (what
    training reads), else they are left as found (verify drops repeats of the keys a model knows)."""
    mentions = [m for m in doc._.coi_mentions or () if m.kind in KINDS and m.value and m.dropped is None
                and not m.negated and m.flag != "implied"]
    if not mentions:
        return None
    passages = _passages(doc)
    numbers = _passage_numbers(passages, np.array([m.start_char for m in mentions], dtype=np.int64)).tolist()
    number_of: dict[tuple[int, str, str], int] = {}  # instance number of each (passage, kind, value), in order
    of_mention = [number_of.setdefault((number, m.kind, m.value[:4] if m.kind == "region" else m.value),
                                       len(number_of)) if number >= 0 else -1
                  for number, m in zip(numbers, mentions)]
    if not number_of:
        return None
    instances = list(number_of)
    count = len(instances)
    of = np.array(of_mention, dtype=np.int64)
    used = np.flatnonzero(of >= 0)
    owner = of[used]
    counts = np.bincount(owner, minlength=count)
    passage_of = np.array([number for number, _, _ in instances], dtype=np.int64)
    kinds = np.array([KINDS.index(kind) for _, kind, _ in instances], dtype=np.int64)
    of_passage_kind = passage_of * len(KINDS) + kinds
    per_kind = np.bincount(of_passage_kind)[of_passage_kind]  # how many values of its kind its passage names
    value_hashes = np.array([hash_string(value) for _, _, value in instances], dtype=np.uint64)
    language = np.uint64(hash_string(doc.lang_ or "xx"))
    rows = [np.arange(count)] * 4
    keys = [_constant("value") ^ value_hashes, _constant("count") ^ np.minimum(counts, 3).astype(np.uint64),
            _constant("values") ^ np.minimum(per_kind, 4).astype(np.uint64),
            np.full(count, _constant("language") ^ language, dtype=np.uint64)]
    # the other values (groups, threats, actors) the passage names beside this one
    mine, theirs = _pairs_in_passage(passage_of)
    theirs_named = kinds[theirs] != KINDS.index("region")
    mine, theirs = mine[theirs_named], theirs[theirs_named]
    rows.append(mine)
    keys.append(_then(_constant("value_with") ^ value_hashes[mine], value_hashes[theirs]))
    scored = _passage_scores(doc, passages, instances)
    rows.append(np.flatnonzero(scored >= 0))
    keys.append(_constant("passage_score") ^ scored[scored >= 0].astype(np.uint64))
    norms = doc.to_array(NORM)
    numbers_like = doc.to_array(LIKE_NUM)
    starts = np.array([m.start for m in mentions], dtype=np.int64)[used]
    ends = np.array([m.end for m in mentions], dtype=np.int64)[used]
    token_bounds = np.array([tokens for _, _, tokens in passages], dtype=np.int64).reshape(-1, 2)
    firsts, lasts = token_bounds[passage_of[owner], 0], token_bounds[passage_of[owner], 1]
    surfaces = np.full(len(used), _SLOTS["surface"], dtype=np.uint64)
    for offset in range(int((ends - starts).max())):  # the mention's words, mixed in one at a time
        longer = ends - starts > offset
        surfaces[longer] = _then(surfaces[longer], norms[starts[longer] + offset])
    sources = np.array([_SOURCES.get(m.flag, 0) for m in mentions], dtype=np.uint64)[used]
    rows += [owner, owner, owner]
    keys += [surfaces, _constant("source") ^ sources, _then(_constant("value_source") ^ value_hashes[owner], sources)]
    lows = np.minimum(np.maximum(firsts, starts - WINDOW), starts)
    highs = np.maximum(np.minimum(lasts, ends + WINDOW), ends)
    for (begin, stop), side in (((lows, starts), "left"), ((ends, highs), "right")):
        which, at = _spread(begin, stop)
        words = norms[at]
        rows += [owner[which], owner[which]]
        keys += [_constant(side) ^ words, _constant("near") ^ words]
    value_of_mention = value_hashes[owner]
    has = starts - lows >= 1
    before = norms[starts[has] - 1]
    rows += [owner[has], owner[has]]
    keys += [_constant("left1") ^ before, _then(_constant("value_left1") ^ value_of_mention[has], before)]
    has = highs - ends >= 1
    after = norms[ends[has]]
    rows += [owner[has], owner[has]]
    keys += [_constant("right1") ^ after, _then(_constant("value_right1") ^ value_of_mention[has], after)]
    has = starts - lows >= 2
    rows.append(owner[has])
    keys.append(_then(_constant("left2") ^ norms[starts[has] - 2], norms[starts[has] - 1]))
    has = highs - ends >= 2
    rows.append(owner[has])
    keys.append(_then(_constant("right2") ^ norms[ends[has]], norms[ends[has] + 1]))
    # the word before a number that counts the mention's people ("killed three rescue workers")
    counted = starts - lows >= 2
    counted[counted] = numbers_like[starts[counted] - 1] != 0
    rows.append(owner[counted])
    keys.append(_then(_constant("value_across") ^ value_of_mention[counted], norms[starts[counted] - 2]))
    all_rows, all_keys = np.concatenate(rows), np.concatenate(keys)
    if drop_repeats:
        order = _by_row_then_key(all_rows, all_keys)
        all_rows, all_keys = all_rows[order], all_keys[order]
        fresh = np.r_[True, (all_rows[1:] != all_rows[:-1]) | (all_keys[1:] != all_keys[:-1])]
        all_rows, all_keys = all_rows[fresh], all_keys[fresh]
    return _Reading(mentions, of_mention, instances, kinds, all_rows, all_keys)


def _by_row_then_key(rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The order that sorts (row, key) pairs by row, then key: the keys sorted first, then a stable sort of the
    rows, which numpy does by radix sort when they fit in 16 bits (five times faster than np.lexsort here)."""
    by_key = np.argsort(keys)
    small = rows.astype(np.uint16) if len(rows) and int(rows.max()) < 1 << 16 else rows
    return by_key[np.argsort(small[by_key], kind="stable")]


def _passage_scores(doc, passages, instances) -> np.ndarray:
    """For each instance, the tenth (0..9) of the probability the passage classifier of its kind gives its value in
    its passage, or -1 where there is none (no classifier for the kind, or the step is off)."""
    out = np.full(len(instances), -1, dtype=np.int64)
    columns = {kind: ({label: index for index, label in enumerate(labels)}, rows)
               for kind, (labels, rows) in (doc._.coi_passage_scores or {}).items()}
    for index, (number, kind, value) in enumerate(instances):
        if kind in columns:
            column, rows = columns[kind]
            row = rows.get(passages[number][:2]) if value in column else None
            if row is not None:
                out[index] = min(9, int(row[column[value]] * 10))
    return out


def doc_instances(doc) -> list[tuple[int, str, str, np.ndarray]]:
    """(passage number, kind, value, feature keys) for every value the doc's passages assert."""
    reading = _read(doc)
    if reading is None:
        return []
    bounds = np.searchsorted(reading.rows, np.arange(len(reading.instances) + 1))
    return [(number, kind, value, reading.keys[bounds[i]:bounds[i + 1]])
            for i, (number, kind, value) in enumerate(reading.instances)]


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

    def scores(self, rows: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
        """The score (log-odds) of each of `count` instances whose feature keys are given as (row, key) pairs, sorted
        by key; a pair given twice counts once."""
        out = np.full(count, self.intercept)
        if len(self.keys) and len(keys):
            at = np.searchsorted(self.keys, keys)
            at[at == len(self.keys)] = 0
            known = self.keys[at] == keys
            # (key, row) codes of the known pairs, sorted and without repeats: each row's weights are summed in
            # the order of its keys
            pairs = distinct(at[known] * count + rows[known])
            out += np.bincount(pairs % count, weights=self.coef[pairs // count], minlength=count)
        return out


Verifier = dict  # kind -> FacetModel


def verify(doc, verifier: Verifier, threshold: float, thresholds: dict[str, float] | None = None) -> None:
    """Set aside, passage by passage, the values the verifier gives less than `threshold`; what a rule reads from an
    act (flag "implied": the group it names by definition, ill-treatment on return) goes with its act."""
    reading = _read(doc, drop_repeats=False)
    if reading is None:
        return
    kinds = reading.kinds
    order = np.argsort(reading.keys)  # one sort of the keys: each model looks its own up in key order
    rows, keys = reading.rows[order], reading.keys[order]
    of_kind = kinds[rows]
    scores = np.zeros(len(reading.instances))
    for number, kind in enumerate(KINDS):
        model = verifier.get(kind)
        if model is None:
            scores[kinds == number] = np.inf  # no model for this facet: keep its tags
            continue
        mine = of_kind == number
        scores += model.scores(rows[mine], keys[mine], len(reading.instances)) * (kinds == number)
    limits = np.array([(thresholds or {}).get(kind, threshold) for kind in KINDS])[kinds]
    rejected = 1.0 / (1.0 + np.exp(-scores)) < limits
    for mention, instance in zip(reading.mentions, reading.of_mention):
        if instance >= 0 and rejected[instance]:
            mention.dropped = "verifier"
    acts = {(m.start, m.end) for m in doc._.coi_mentions
            if m.kind == "threat" and m.dropped is None and not m.negated and m.flag != "implied"}
    for mention in doc._.coi_mentions:
        if mention.flag == "implied" and mention.dropped is None and (mention.start, mention.end) not in acts:
            mention.dropped = "verifier"  # its act was set aside


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
    return train_on_instances(records, [doc_instances(docs(record)) for record in records], c=c, steps=steps)


def train_on_instances(records: list[dict], instances_per_record: list[list], c: float = 1.0,
                       steps: int = 300) -> Verifier:
    """As train_on_gold, from each record's doc_instances."""
    instances: dict[str, tuple[list, list]] = {kind: ([], []) for kind in KINDS}
    for record, found in zip(records, instances_per_record):
        for _, kind, value, keys in found:
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
