"""Score the tagger against a gold set (JSON Lines): precision, recall and F1 per facet, and every miss."""

from __future__ import annotations

from dataclasses import dataclass, field

from .gold import FACETS, GOLD_PATH, GOLD_SETS, GoldError, load_gold  # noqa: F401  (re-exported)
from .tagger import Tagger, TaggedText

# The bar of issue 4: (precision, recall) per facet on the development set and on the held-out real passages.
BAR = {"governorates": (0.95, 0.95), "groups": (0.9, 0.9), "threats": (0.9, 0.9), "actors": (0.75, 0.75)}


def predicted_facets(tagged: TaggedText) -> dict[str, set[str]]:
    return {"governorates": {pcode[:4] for pcode in tagged.values("region")},
            "groups": set(tagged.values("group")), "threats": set(tagged.values("threat")),
            "actors": set(tagged.values("actor"))}


@dataclass
class FacetScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Miss:
    passage: str
    facet: str
    value: str
    kind: str  # "missed" (in gold, not found) or "extra" (found, not in gold)
    text: str


@dataclass
class Evaluation:
    scores: dict[str, FacetScore] = field(default_factory=lambda: {f: FacetScore() for f in FACETS})
    misses: list[Miss] = field(default_factory=list)
    passages: int = 0
    by_language: dict[str, int] = field(default_factory=dict)

    def meets_bar(self) -> bool:
        return all(self.scores[f].precision >= p and self.scores[f].recall >= r for f, (p, r) in BAR.items())


def evaluate(records: list[dict], tagger: Tagger) -> Evaluation:
    result = Evaluation()
    for record in records:
        tagged = tagger.tag_text(record["text"], record.get("language"), record.get("published"))
        predicted = predicted_facets(tagged)
        result.passages += 1
        language = record.get("language") or "?"
        result.by_language[language] = result.by_language.get(language, 0) + 1
        for facet in FACETS:
            gold, found = set(record[facet]), predicted[facet]
            score = result.scores[facet]
            score.true_positives += len(gold & found)
            for value in sorted(gold - found):
                score.false_negatives += 1
                result.misses.append(Miss(record["id"], facet, value, "missed", record["text"]))
            for value in sorted(found - gold):
                score.false_positives += 1
                result.misses.append(Miss(record["id"], facet, value, "extra", record["text"]))
    return result


def report(result: Evaluation, misses: int | None = None) -> str:
    """The table of scores against the bar, then the misses (all, or the first `misses`)."""
    lines = [f"{result.passages} passages ({', '.join(f'{k}: {v}' for k, v in sorted(result.by_language.items()))})",
             f"{'facet':<14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>5}{'FN':>5}   bar (P/R)"]
    for facet in FACETS:
        s = result.scores[facet]
        p_bar, r_bar = BAR[facet]
        ok = "ok" if s.precision >= p_bar and s.recall >= r_bar else "BELOW"
        lines.append(f"{facet:<14}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.true_positives:>6}"
                     f"{s.false_positives:>5}{s.false_negatives:>5}   {p_bar:.2f}/{r_bar:.2f} {ok}")
    shown = result.misses if misses is None else result.misses[:misses]
    if shown:
        lines.append(f"misses ({len(result.misses)}):")
        for miss in shown:
            snippet = " ".join(miss.text.split())[:110]
            lines.append(f"  {miss.passage}: {miss.kind} {miss.facet[:-1]} {miss.value}  | {snippet}")
    return "\n".join(lines)
