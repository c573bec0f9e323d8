"""`coi bench tag` on a small text: its corpus, its three measures and its report (figures, not timings, are
asserted: a benchmark is not a timed test)."""

from __future__ import annotations

import json

from pipeline.tagging.bench import bench_corpus, run_tag_bench
from pipeline.tagging.tagger import Tagger


def test_the_bench_text_is_english_gold_sentences_in_new_paragraphs():
    documents = bench_corpus(3_000)
    words = sum(len(text.split()) for text, _ in documents)
    assert words >= 3_000 and words - len(documents[-1][0].split()) < 3_000  # stops once there are enough
    assert all(text.count("\n\n") == 11 for text, _ in documents)  # twelve paragraphs a document
    assert bench_corpus(3_000) == documents  # the same seed, the same text: runs can be compared


def test_the_bench_reports_the_pipeline_next_to_the_tokenizer_and_the_matching_alone():
    lines = []
    figures = run_tag_bench(words=2_000, processes=2, repeats=1, out=lines.append)
    assert figures["words"] >= 2_000 and figures["processes"] == 2
    for measure in ("tokenizer", "matching", "pipeline", "parallel"):
        assert figures[f"{measure}_words_per_second"] > 0
    # the ratios are of the same run's measures, as printed
    assert abs(figures["ratio_pipeline_to_tokenizer"]
               - figures["pipeline_words_per_second"] / figures["tokenizer_words_per_second"]) < 0.01
    assert abs(figures["ratio_matching_to_tokenizer"]
               - figures["matching_words_per_second"] / figures["tokenizer_words_per_second"]) < 0.01
    assert figures["tagger_version"] == Tagger().version and figures["peak_memory_mb"] > 0
    text = "\n".join(lines)
    for label in ("spaCy tokenizer alone", "phrase matching alone", "full tagging pipeline", "2 processes",
                  "peak memory"):
        assert label in text
    assert json.loads(lines[-1]) == figures
