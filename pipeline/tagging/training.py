"""How the tagger's models are trained on the gold sets (`coi train-threat-model`, `train-group-model`,
`train-verifier`), with the settings of data/model/training.json.

The verifier reads, among other things, the passage classifiers' probabilities and the tags they add. On the
passages the classifiers were trained on, both are better than they will ever be on new text, so the verifier is
cross-fitted: the gold sets are split into folds (by set), and each fold is tagged with passage classifiers trained
on the other folds. Only the verifier is trained that way; the classifiers shipped are trained on every set.
"""

from __future__ import annotations

import tempfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .passage_model import PassageModel, save_model, train_on_gold

KINDS = ("threat", "group")


def train_passage_model(records: list[dict], kind: str, settings: dict) -> PassageModel:
    from .tagger import default_tagger

    tagger = default_tagger()
    return train_on_gold(records, lambda text, language: tagger.nlp(language).make_doc(text), kind=kind,
                         min_df=settings["min_df"], c=settings["c"], steps=settings["steps"],
                         stemmed=settings.get("stemmed", False))


def fold_of(record: dict, folds: int) -> int:
    """A record's fold: that of its gold set (records carry it as "gold_set"), else of its id."""
    return zlib.crc32(str(record.get("gold_set", record["id"])).encode()) % folds


def cross_fitted_instances(records: list[dict], settings: dict, processes: int = 2) -> list[list]:
    """Per record, the verifier's instances (doc_instances) as the tagger reads it with the verifier off and with
    passage classifiers trained without the record's fold."""
    folds = settings["verifier"]["folds"]
    with ProcessPoolExecutor(max_workers=max(1, min(processes, folds))) as pool:
        done = list(pool.map(_fold_instances, [(k, records, settings) for k in range(folds)]))
    by_index = {index: instances for part in done for index, instances in part}
    return [by_index[index] for index in range(len(records))]


def _fold_instances(job) -> list[tuple[int, list]]:
    from .tag_verifier import doc_instances
    from .tagger import Tagger

    fold, records, settings = job
    folds = settings["verifier"]["folds"]
    part = [(index, r) for index, r in enumerate(records) if fold_of(r, folds) == fold]
    rest = [r for r in records if fold_of(r, folds) != fold]
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for kind in KINDS:
            paths[kind] = Path(folder) / f"{kind}s.npz"
            save_model(train_passage_model(rest, kind, settings), paths[kind])
        tagger = Tagger(overrides={"components.coi_verifier.threshold": 0.0,
                                   **{f"components.coi_{kind}_model.model_path": str(path)
                                      for kind, path in paths.items()}})
        return [(index, doc_instances(tagger.text_doc(r["text"], r.get("language"), r.get("published"))))
                for index, r in part]
