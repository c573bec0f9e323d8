"""`coi bench tag`: words per second per core of the whole tagger next to the spaCy tokenizer on the same text,
peak memory, and the speed-up with several processes.

A third figure shows how far the ratio to the tokenizer can go in this design: spaCy's own PhraseMatcher with the
tagger's lexicons and gazetteer, on the same normalised tokens and nothing else (no context, negation, models or
evidence) - the first step of the tagger, which every tag passes through."""

from __future__ import annotations

import json
import multiprocessing
import random
import resource
import time

from .evaluate import GOLD_PATH, load_gold
from .tagger import Tagger

PARAGRAPHS_PER_DOCUMENT = 12


def bench_corpus(words: int, language: str = "en", seed: int = 7) -> list[tuple[str, str]]:
    """(text, published) documents of about `words` words: the gold passages of the language, their sentences
    shuffled into new paragraphs so the text is not one passage repeated."""
    records = [r for r in load_gold(GOLD_PATH) if r.get("language") == language] or load_gold(GOLD_PATH)
    sentences = [s.strip() + "." for r in records for s in r["text"].split(". ") if s.strip()]
    dates = [r.get("published") or "2024-06-01" for r in records]
    rng = random.Random(seed)
    documents, total = [], 0
    while total < words:
        paragraphs = [" ".join(rng.sample(sentences, k=min(4, len(sentences)))) for _ in range(PARAGRAPHS_PER_DOCUMENT)]
        text = "\n\n".join(paragraphs)
        documents.append((text, rng.choice(dates)))
        total += len(text.split())
    return documents


def _words(documents) -> int:
    return sum(len(text.split()) for text, _ in documents)


def _time(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _match_all(nlp, documents) -> int:
    """The lexicon and gazetteer phrase matching alone: tokenizer, normaliser and the PhraseMatchers."""
    normalizer, mentions = nlp.get_pipe("coi_normalizer"), nlp.get_pipe("coi_mentions")
    found = 0
    for text, _ in documents:
        doc = normalizer(nlp.make_doc(text))
        found += len(mentions.norm_matcher(doc)) + len(mentions.orth_matcher(doc))
    return found


def _tag_all(tagger: Tagger, documents, language: str) -> int:
    return sum(len(tagger.tag_text(text, language, published).evidence) for text, published in documents)


_WORKER_TAGGER: Tagger | None = None


def _worker(args) -> int:
    documents, language = args
    return _tag_all(_WORKER_TAGGER, documents, language)


def _parallel(documents, language: str, processes: int) -> float:
    shares = [(documents[i::processes], language) for i in range(processes)]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        pool.map(_worker, [(d[:1], language) for d, _ in shares])  # start-up is not part of the measure
        started = time.perf_counter()
        pool.map(_worker, shares)
        return time.perf_counter() - started


def run_tag_bench(words: int = 300_000, language: str = "en", processes: int = 2, repeats: int = 3,
                  out=print) -> dict:
    """Measure and print; returns the figures as a dict."""
    global _WORKER_TAGGER
    documents = bench_corpus(words, language)
    total = _words(documents)
    started = time.perf_counter()
    tagger = Tagger()
    nlp = tagger.nlp(language)
    build_seconds = time.perf_counter() - started
    _WORKER_TAGGER = tagger
    _tag_all(tagger, documents, language)  # warm-up: both measures then see the same filled vocabulary
    tokenizer_seconds = _time(lambda: [nlp.make_doc(text) for text, _ in documents], repeats)
    matching_seconds = _time(lambda: _match_all(nlp, documents), repeats)
    pipeline_seconds = _time(lambda: _tag_all(tagger, documents, language), repeats)
    parallel_seconds = _parallel(documents, language, processes) if processes > 1 else pipeline_seconds
    figures = {
        "language": language,
        "documents": len(documents),
        "words": total,
        "pipeline_build_seconds": round(build_seconds, 2),
        "tokenizer_words_per_second": round(total / tokenizer_seconds),
        "matching_words_per_second": round(total / matching_seconds),
        "ratio_matching_to_tokenizer": round(tokenizer_seconds / matching_seconds, 3),
        "pipeline_words_per_second": round(total / pipeline_seconds),
        "ratio_pipeline_to_tokenizer": round(tokenizer_seconds / pipeline_seconds, 3),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "processes": processes,
        "parallel_words_per_second": round(total / parallel_seconds),
        "speedup": round(pipeline_seconds / parallel_seconds, 2),
        "tagger_version": tagger.version,
    }
    out(f"tagging benchmark: {total:,} words of {language} text in {len(documents)} documents")
    out(f"  spaCy tokenizer alone   {figures['tokenizer_words_per_second']:>12,} words/s (one core)")
    out(f"  phrase matching alone   {figures['matching_words_per_second']:>12,} words/s (one core)"
        f"   ratio {figures['ratio_matching_to_tokenizer']:.2f} (spaCy PhraseMatcher, our lexicons; no rules or models)")
    out(f"  full tagging pipeline   {figures['pipeline_words_per_second']:>12,} words/s (one core)"
        f"   ratio {figures['ratio_pipeline_to_tokenizer']:.2f} (goal >= 0.80, >= 100,000 words/s)")
    out(f"  {processes} processes            {figures['parallel_words_per_second']:>12,} words/s"
        f"   speed-up {figures['speedup']:.2f}x")
    out(f"  peak memory             {figures['peak_memory_mb']:>12,.1f} MB   (pipeline built in {build_seconds:.1f} s)")
    out(json.dumps(figures))
    return figures
