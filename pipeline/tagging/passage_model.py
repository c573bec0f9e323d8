"""Passage classifiers for threats and for groups, trained on the gold sets, that add what the rules miss.

The rules find a threat where a lexicon phrase names it; reports also describe threats in words no lexicon lists ("the
checkpoints let no one out, not even the sick"), and the people concerned by what they did or were taken for ("men who
had served in the old army", "families of men who joined the Islamic State"). A classifier reads a whole passage as
words and word pairs (the tokens' NORMs, so the normaliser's folding of case, accents and Arabic spelling applies; with
`stemmed`, the Snowball stems of those NORMs in the passage's language, so that "arrested" and "arrests", اعتقلت and
اعتقال, count as one word) and gives each threat, or each group, a probability; one at or above the threshold that the
rules did not find in the passage is added, with the sentence that scores highest for it as its evidence. It is a
logistic regression per label on TF-IDF features, small enough to train in numpy in about a minute
(`coi train-threat-model`, `coi train-group-model`) and stored as data beside the lexicons.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import NORM

from .mentions import Mention, doc_text
from .sentences import sentence_span, sentence_starts, sentence_text

MODEL_DIR = Path(__file__).parent / "data" / "model"
MODEL_PATHS = {"threat": MODEL_DIR / "threats.npz", "group": MODEL_DIR / "groups.npz"}
FACET_OF = {"threat": "threats", "group": "groups"}
_MIX = np.uint64(0x9E3779B97F4A7C15)


def feature_keys(norms: np.ndarray) -> np.ndarray:
    """The features of a run of tokens: each token's NORM hash and a hash of each pair of neighbours."""
    norms = np.asarray(norms, dtype=np.uint64)
    return np.concatenate([norms, pair_keys(norms)])


def pair_keys(norms: np.ndarray) -> np.ndarray:
    """A hash of each pair of neighbouring tokens (one per token but the last)."""
    with np.errstate(over="ignore"):
        return (norms[:-1] * _MIX) ^ norms[1:]


@dataclass(frozen=True)
class PassageModel:
    keys: np.ndarray  # sorted uint64 feature keys
    idf: np.ndarray  # float32, one per key
    coef: np.ndarray  # float32, keys x labels
    intercept: np.ndarray  # float32, one per label
    labels: tuple[str, ...]
    stemmed: bool = False  # words are read as their Snowball stems (model_words)
    vocabulary: str = ""  # a digest of keys and idf when loaded: models that share it share their TF-IDF vectors

    def probabilities(self, runs: list[np.ndarray]) -> np.ndarray:
        """Per run of token NORM hashes, the probability of each label (runs x labels)."""
        norms, ranges = _joined(runs)
        return self.range_probabilities(norms, ranges)

    def range_probabilities(self, norms: np.ndarray, ranges: list[tuple[int, int]], vectors=None) -> np.ndarray:
        """The probability of each label for each [start, end) range of a doc's token NORM hashes, with the
        features looked up once for the whole doc (ranges x labels); `vectors` are the ranges' TF-IDF vectors if
        known (`tfidf` with this model's keys and idf)."""
        scores = np.tile(self.intercept.astype(np.float64), (len(ranges), 1))
        row_of, feature_of, weights = vectors or tfidf(self.keys, self.idf, norms, ranges)
        if len(weights):
            firsts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
            scores[row_of[firsts]] += np.add.reduceat(weights[:, None] * self.coef[feature_of], firsts, axis=0)
        return 1.0 / (1.0 + np.exp(-scores))


def tfidf(keys: np.ndarray, idf: np.ndarray, norms: np.ndarray, ranges: list[tuple[int, int]]):
    """The TF-IDF vectors (sublinear counts, L2-normalised) of [start, end) ranges of token NORM hashes, as sparse
    entries sorted by range: (range numbers, feature indices, weights). A word pair is read only inside a range."""
    norms = np.asarray(norms, dtype=np.uint64)
    empty = np.empty(0, dtype=np.int64)
    if not len(norms) or not ranges:
        return empty, empty, np.empty(0)
    first, last = min(start for start, _ in ranges), max(end for _, end in ranges)
    if first > 0 or last < len(norms):  # only the tokens the ranges cover are looked up (one passage of many)
        norms, ranges = norms[first:last], [(start - first, end - first) for start, end in ranges]
    unigrams, pairs = lookup(keys, norms), lookup(keys, pair_keys(norms))
    bounds = np.asarray(ranges, dtype=np.int64)
    u_rows, u_at = spread(bounds[:, 0], bounds[:, 1])
    p_rows, p_at = spread(bounds[:, 0], np.maximum(bounds[:, 0], bounds[:, 1] - 1))
    rows, features = np.concatenate([u_rows, p_rows]), np.concatenate([unigrams[u_at], pairs[p_at]])
    rows, features = rows[features >= 0], features[features >= 0]
    if not len(features):
        return empty, empty, np.empty(0)
    combined, counts = distinct(rows * len(keys) + features, counts=True)
    row_of, feature_of = combined // len(keys), combined % len(keys)
    weights = (1.0 + np.log(counts)) * idf[feature_of]
    weights /= np.sqrt(np.bincount(row_of, weights=weights * weights))[row_of]
    return row_of, feature_of, weights


def _joined(runs: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Runs of NORM hashes as one array and the range of each."""
    bounds = np.cumsum([0] + [len(run) for run in runs]).tolist()
    norms = np.concatenate([np.asarray(run, dtype=np.uint64) for run in runs]) if runs else np.empty(0, np.uint64)
    return norms, list(zip(bounds[:-1], bounds[1:]))


def lookup(keys: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Each found key's index among the sorted keys, or -1. The found keys are searched in sorted order, which
    keeps the binary search in cache (about twice as fast on a doc's few thousand keys)."""
    if not len(found) or not len(keys):
        return np.full(len(found), -1, dtype=np.int64)
    order = np.argsort(found)
    at = np.empty(len(found), dtype=np.int64)
    at[order] = np.searchsorted(keys, found[order])
    at[at == len(keys)] = 0
    return np.where(keys[at] == found, at, -1)


def distinct(values: np.ndarray, counts: bool = False):
    """The distinct values, sorted (and how often each occurs, with counts=True), as np.unique gives them: numpy
    2.4's np.unique takes ten to twenty times as long on the few thousand values of a doc."""
    ordered = np.sort(values)
    firsts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else np.empty(0, np.int64)
    if not counts:
        return ordered[firsts]
    return ordered[firsts], np.diff(np.r_[firsts, len(ordered)])


def spread(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [start, end): the range number and the position of every position in them, as two arrays."""
    lengths = ends - starts
    rows = np.repeat(np.arange(len(starts)), lengths)
    firsts = np.cumsum(lengths) - lengths
    return rows, np.arange(int(lengths.sum())) - np.repeat(firsts, lengths) + np.repeat(starts, lengths)


def load_model(path: Path) -> PassageModel | None:
    return _load(str(path)) if path.exists() else None


@lru_cache(maxsize=4)
def _load(path: str) -> PassageModel:
    with np.load(path, allow_pickle=False) as data:
        keys, idf = data["keys"], data["idf"].astype(np.float32)
        return PassageModel(keys=keys, idf=idf, coef=data["coef"].astype(np.float32),
                            intercept=data["intercept"].astype(np.float32),
                            labels=tuple(str(label) for label in data["labels"]),
                            stemmed=bool(data["stemmed"]) if "stemmed" in data else False,
                            vocabulary=hashlib.sha256(keys.tobytes() + idf.tobytes()).hexdigest())


def doc_probabilities(doc, model: PassageModel, norms: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
    """model.range_probabilities of the doc's token ranges, with the TF-IDF vectors kept on the doc: the threat
    and group models are trained on the same passages and share their vocabulary, so the second reads the
    vectors the first computed."""
    if not model.vocabulary:
        return model.range_probabilities(norms, ranges)
    kept = doc.user_data.setdefault("coi_tfidf", {})
    key = (model.vocabulary, tuple(ranges))
    if key not in kept:
        kept[key] = tfidf(model.keys, model.idf, norms, ranges)
    return model.range_probabilities(norms, ranges, kept[key])


STEMMERS = {"en": "english", "ar": "arabic", "de": "german", "fr": "french", "nl": "dutch"}
_STEM_HASHES: dict[str, dict[int, int]] = {}  # per language: a NORM hash -> the hash of its stem


def model_words(doc, stemmed: bool = False) -> np.ndarray:
    """The words a passage model reads: the tokens' NORM hashes, or with stemmed the hashes of their NORMs'
    Snowball stems in the doc's language ("arrested", "arrests" and "arresting" are one word), kept on the doc."""
    if not stemmed or doc.lang_ not in STEMMERS:
        return doc.to_array(NORM)
    if "coi_stems" not in doc.user_data:
        stems = _STEM_HASHES.setdefault(doc.lang_, {})
        strings = doc.vocab.strings
        words = []
        for norm in doc.to_array(NORM).tolist():
            word = stems.get(norm)
            if word is None:
                word = stems[norm] = strings.add(_stemmer(doc.lang_).stemWord(strings[norm]))
            words.append(word)
        doc.user_data["coi_stems"] = np.array(words, dtype=np.uint64)
    return doc.user_data["coi_stems"]


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(STEMMERS[language])


def save_model(model: PassageModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, keys=model.keys, idf=model.idf.astype(np.float16), coef=model.coef.astype(np.float16),
                        intercept=model.intercept, labels=np.array(model.labels),
                        stemmed=np.array(model.stemmed))


def train(runs: list[np.ndarray], targets: list[set[str]], labels: list[str], min_df: int = 2, c: float = 4.0,
          steps: int = 400, rate: float = 0.05, stemmed: bool = False) -> PassageModel:
    """A logistic regression per label on TF-IDF features of the runs, each label's classes weighted to balance
    (as scikit-learn's class_weight="balanced"), L2-regularised with strength 1/c, fitted by Adam."""
    norms, ranges = _joined(runs)
    every, document_frequency = np.unique(np.concatenate(
        [np.unique(feature_keys(norms[start:end])) for start, end in ranges if end > start] or [np.empty(0, np.uint64)]),
        return_counts=True)
    keys, df = every[document_frequency >= min_df], document_frequency[document_frequency >= min_df]
    n = len(runs)
    idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    rows, indices_all, data_all = tfidf(keys, idf, norms, ranges)  # the passages as a sparse matrix, by row
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
    y = np.array([[label in target for label in labels] for target in targets], dtype=np.float64)
    positives = y.sum(axis=0).clip(1)
    sample_weight = np.where(y == 1, n / (2 * positives), n / (2 * (n - positives).clip(1)))
    w = np.zeros((len(keys), len(labels)))
    b = np.zeros(len(labels))
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    starts = indptr[:-1]
    for step in range(1, steps + 1):
        products = data_all[:, None] * w[indices_all]
        scores = np.zeros((n, len(labels)))
        nonempty = np.diff(indptr) > 0
        scores[nonempty] = np.add.reduceat(products, starts[nonempty], axis=0)
        scores += b
        error = (1.0 / (1.0 + np.exp(-scores)) - y) * sample_weight / n
        grad_w = np.empty_like(w)
        for label in range(len(labels)):
            grad_w[:, label] = np.bincount(indices_all, weights=data_all * error[rows, label], minlength=len(keys))
        grad_w += w / (c * n)
        grad_b = error.sum(axis=0)
        for param, grad, m, v in ((w, grad_w, m_w, v_w), (b, grad_b, m_b, v_b)):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return PassageModel(keys=keys, idf=idf, coef=w.astype(np.float32), intercept=b.astype(np.float32),
                        labels=tuple(labels), stemmed=stemmed)


def add_model_tags(doc, model: PassageModel, threshold: float, kind: str = "threat", min_words: int = 1) -> None:
    """For each passage of the doc (doc._.coi_passages, else the whole doc) of at least min_words words, add the
    tags of this kind (threat or group) the model gives at least `threshold` and the rules did not name there
    (asserted, negated or set aside: where the rules read a tag's own words, they decide). The evidence is the passage's sentence that scores highest
    for the tag, unless the rules read a denied act or a shielded threat ("fears arrest") in that sentence. Every
    passage's probabilities are kept in doc._.coi_passage_scores[kind] for the verifier."""
    text = doc_text(doc)
    if not text.strip():
        return
    mentions = doc._.coi_mentions if doc._.coi_mentions is not None else []
    norms = model_words(doc, model.stemmed)
    starts = doc._.coi_sentences or sentence_starts(text)
    denied = {m.sentence for m in mentions if m.kind == "threat" and m.negated}
    denied.update(sentence_span(starts, len(text), char) for char in doc._.coi_shields or ())
    passages = []  # (start char, end char, token span)
    for start, end in doc._.coi_passages or [(0, len(text))]:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            passages.append((start, end, span))
    if not passages:
        return
    probabilities = doc_probabilities(doc, model, norms, [(span.start, span.end) for _, _, span in passages])
    scores = doc._.coi_passage_scores if doc._.coi_passage_scores is not None else {}
    scores[kind] = (model.labels, {(start, end): row for (start, end, _), row in zip(passages, probabilities)})
    doc._.coi_passage_scores = scores  # the verifier reads them (tag_verifier.py)
    found = sorted((m.start_char, m.value) for m in mentions if m.kind == kind)
    found_starts = [char for char, _ in found]
    added = []
    for (start, end, span), row in zip(passages, probabilities):
        wanted = np.flatnonzero(row >= threshold).tolist()
        if not wanted or not _has_words(span, min_words):  # a heading or a place name alone names nothing
            continue
        named = {value for _, value in found[bisect.bisect_left(found_starts, start):
                                              bisect.bisect_left(found_starts, end)]}
        wanted = [j for j in wanted if model.labels[j] not in named]
        if wanted:
            added.extend(_evidence_sentences(doc, text, norms, starts, (start, end), wanted, model, denied, kind))
    if added:
        doc._.coi_mentions = sorted(mentions + added, key=lambda m: (m.start_char, m.end_char))


def _has_words(span, count: int) -> bool:
    """Whether the span holds at least count words (tokens with a letter or digit); long spans are not counted."""
    if len(span) > 64:
        return True
    return sum(1 for token in span if any(char.isalnum() for char in token.text)) >= count


def _evidence_sentences(doc, text: str, norms: np.ndarray, starts: list[int], passage: tuple[int, int],
                        wanted: list[int], model: PassageModel, denied: set, kind: str) -> list[Mention]:
    """A mention for each wanted label, on the passage's sentence that scores highest for it."""
    start, end = passage
    sentences = []  # (doc sentence span, trimmed start, trimmed end, token span)
    for first in starts[bisect.bisect_right(starts, start) - 1: bisect.bisect_left(starts, end)]:
        sentence = sentence_span(starts, len(text), max(first, start))
        _, s_start, s_end = sentence_text(text, (max(sentence[0], start), min(sentence[1], end)))
        tokens = doc.char_span(s_start, s_end, alignment_mode="expand") if s_end > s_start else None
        if tokens is not None and len(tokens):
            sentences.append((sentence, s_start, s_end, tokens))
    if not sentences:
        return []
    scores = doc_probabilities(doc, model, norms, [(tokens.start, tokens.end) for *_, tokens in sentences])
    out = []
    for j in wanted:
        sentence, s_start, s_end, tokens = sentences[int(np.argmax(scores[:, j]))]
        if sentence in denied:
            continue  # "returnees said they were not arrested", "fears arrest": the rules read it
        out.append(Mention(kind, model.labels[j], tokens.start, tokens.end, s_start, s_end,
                           text[s_start:s_end], flag="model", sentence=sentence))
    return out


TRAINING_PATH = MODEL_DIR / "training.json"


def train_on_gold(records: list[dict], make_doc, kind: str = "threat", min_df: int = 2, c: float = 4.0,
                  steps: int = 400, stemmed: bool = False) -> PassageModel:
    """Train on gold passages for one kind of tag (threat or group); make_doc(text, language) tokenises as the
    tagger does (the NORMs must match)."""
    facet = FACET_OF[kind]
    runs = [model_words(make_doc(r["text"], r.get("language")), stemmed) for r in records]
    labels = sorted({tag for r in records for tag in r[facet]})
    return train(runs, [set(r[facet]) for r in records], labels, min_df=min_df, c=c, steps=steps,
                 stemmed=stemmed)
