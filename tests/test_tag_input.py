"""The tagger on input as it comes: hostile runs of punctuation, megabyte paragraphs, Windows line ends, invisible
characters, hand-wrapped text, undecodable or empty lines and loose dates in `coi tag-text`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.tagging.sentences import sentence_starts
from pipeline.tagging.tagger import Tagger, default_tagger
from pipeline.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tagger():
    return default_tagger()


@pytest.fixture(scope="module")
def rules_only():
    """The tagger without its trained steps (the classifiers, the verifier)."""
    return Tagger(overrides={"components.coi_threat_model.threshold": 1.0,
                             "components.coi_group_model.threshold": 1.0, "components.coi_verifier.threshold": 0.0})


def values(tagged, kind):
    return set(tagged.values(kind))


# -- size and time: runs that used to take minutes are guarded by a timeout far above what they take now ----------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("run", [".", "?", "…", "?!", "(("])
def test_a_run_of_punctuation_is_read_in_one_pass(tagger, run):
    text = run * (200_000 // len(run))
    assert sentence_starts(text) == [0]
    assert tagger.tag_text(text, "en", "2023-01-01").evidence == []


@pytest.mark.timeout(60)
def test_a_hostile_run_beside_real_text_leaves_the_text_and_its_offsets_alone(tagger):
    text = "?" * 150_000 + " Government forces shelled Homs. " + "a?" * 100_000
    tagged = tagger.tag_text(text, "en", "2023-01-01")
    assert values(tagged, "region") == {"SY04"} and values(tagged, "threat") == {"indiscriminate_attack"}
    assert all(text[e.start:e.end] == e.surface for e in tagged.evidence)


@pytest.mark.timeout(120)
def test_a_paragraph_of_more_than_a_million_characters_is_tagged_to_its_end(tagger):
    text = "Nothing happened that day. " * 40_000 + "Government forces arrested two men in Homs."
    assert len(text) > 1_000_000 and "\n" not in text
    tagged = tagger.tag_text(text, "en", "2023-01-01")
    homs = [e for e in tagged.evidence if e.value == "SY04"]
    assert homs and homs[0].start == text.rindex("Homs") and homs[0].paragraph == 1
    assert "arbitrary_detention" in values(tagged, "threat")


@pytest.mark.timeout(60)
def test_thousands_of_one_word_paragraphs_name_places_and_nothing_else(tagger):
    tagged = tagger.tag_text("Homs\n\n" * 8_000, "en", "2023-01-01")
    assert values(tagged, "region") == {"SY04"} and not values(tagged, "group") and not values(tagged, "threat")
    assert max(e.paragraph for e in tagged.evidence) == 8_000


@pytest.mark.parametrize("name, group", [("Homs", "former_government_affiliates"), ("Latakia", "alawites"),
                                         ("Sweida", "druze")])
def test_a_place_name_alone_names_no_one(tagger, name, group):
    tagged = tagger.tag_text(name, "en", "2023-01-01")
    assert not values(tagged, "group") and not values(tagged, "threat")
    # ... while a passage that tells of people there still names them
    told = tagger.tag_text(f"Gunmen killed {group.replace('_', ' ')} in {name}.", "en", "2025-03-08")
    assert values(told, "threat")


# -- what the text looks like ------------------------------------------------------------------------------------


def test_windows_line_ends_part_paragraphs(tagger):
    text = "Shelling hit Aleppo.\r\n\r\nGovernment forces arrested men in Homs.\r\n"
    paragraphs = {e.value: e.paragraph for e in tagger.tag_text(text, "en", "2023-01-01").evidence}
    assert paragraphs["SY02"] == 1 and paragraphs["SY04"] == 2


@pytest.mark.parametrize("text", ["\ufeffAleppo: men were arres\u00adted by government forces.",
                                  "Men were arrested by government forces in Al\u200beppo."])
def test_invisible_characters_inside_words_do_not_hide_them(tagger, text):
    tagged = tagger.tag_text(text, "en", "2023-01-01")
    assert values(tagged, "region") == {"SY02"} and values(tagged, "threat") == {"arbitrary_detention"}
    assert values(tagged, "actor") == {"former_government_forces"}
    assert all(text[e.start:e.end] == e.surface for e in tagged.evidence)


@pytest.mark.parametrize("gap", ["  ", "\n", "\t", "\u00a0", " \n "])
def test_the_words_of_a_phrase_may_be_parted_by_any_space_but_a_blank_line(tagger, gap):
    text = f"Government{gap}forces arrested men in Deir{gap}ez-Zor."
    tagged = tagger.tag_text(text, "en", "2023-01-01")
    assert values(tagged, "actor") == {"former_government_forces"} and values(tagged, "region") == {"SY09"}
    actor = next(e for e in tagged.evidence if e.kind == "actor")
    assert (actor.start, actor.surface) == (0, f"Government{gap}forces")
    parted = tagger.tag_text("Government\n\nforces arrested men in Homs.", "en", "2023-01-01")
    # no phrase names an actor across the blank line (the arrest's usual actor may still be inferred from the act)
    assert all(e.source == "inferred" and e.surface == "arrested" for e in parted.evidence if e.kind == "actor")


@pytest.mark.parametrize("text", ["اعتُقِل شابان في حَلَب.", "قصفت الطائرات حَلَب."])
def test_a_vocalised_arabic_word_keeps_no_full_stop(tagger, text):
    assert values(tagger.tag_text(text, "ar", "2023-01-01"), "region") == {"SY02"}


# -- what is denied, and what is not -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, threat", [
    ("She did not report the rape to the police in Homs.", "sexual_gender_based_violence"),
    ("The family never reported his arrest in Homs to the UN.", "arbitrary_detention"),
    ("The authorities did not deny that he was arrested in Homs.", "arbitrary_detention"),
    ("Nobody denied the killings in Homs.", "unlawful_killing")])
def test_an_act_not_told_of_or_whose_denial_is_denied_happened(rules_only, text, threat):
    # The negation rules' reading, without the trained steps: the verifier weighs these acts afterwards like any other.
    tagged = rules_only.tag_text(text, "en", "2025-03-01")
    assert threat in values(tagged, "threat")


@pytest.mark.parametrize("text, threat", [
    ("Monitors did not report any arrests in Homs.", "arbitrary_detention"),
    ("The ministry denied that he was arrested in Homs.", "arbitrary_detention"),
    ("The report did not document torture in Homs.", "torture_ill_treatment")])
def test_an_act_not_reported_or_denied_is_still_negated(tagger, text, threat):
    tagged = tagger.tag_text(text, "en", "2025-03-01")
    assert threat not in values(tagged, "threat") and threat in {e.value for e in tagged.tags("threat", True)}


# -- dates -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day, epoch", [("2024-12-07", "assad_era"), ("2024-12-08", "transition"),
                                        ("2024-12-08T10:00:00", "transition"), ("20241201", None),
                                        ("2024-W49-6", None), ("2024-343", None), ("2024-13-45", None), ("", None)])
def test_an_epoch_is_given_only_for_a_date_written_as_iso(day, epoch):
    assert load_taxonomy().epoch_for(day) == epoch


def test_an_undated_text_takes_its_epoch_from_its_own_dates_either_way(tagger):
    after = tagger.tag_text("On 15 January 2025 security forces arrested men in Homs.", "en", None)
    before = tagger.tag_text("On 15 January 2023 security forces arrested men in Homs.", "en", None)
    unknown = tagger.tag_text("Security forces arrested men in Homs.", "en", None)
    assert (after.epoch, before.epoch, unknown.epoch) == ("transition", "assad_era", None)


# -- `coi tag-text`: one output line per input line, whatever the line ---------------------------------------------


def tag_text_command(data: bytes, **env):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "tag-text"], input=data, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=120)


def test_tag_text_answers_every_line_even_undecodable_empty_or_with_a_lone_surrogate():
    good = json.dumps({"id": "good", "text": "Government forces shelled Homs.", "published": "2023-05-01"})
    lines = [b'{"id": "c\\ud800", "text": "x"}', good.encode(), b"", b'{"id": "e", "text": "caf\xe9 in Homs"}',
             json.dumps({"id": "d", "text": "Arrests in Homs.", "published": "20241201"}).encode(),
             json.dumps({"id": "ar", "text": "قصفت الطائرات حلب.", "language": "ar"}, ensure_ascii=False).encode()]
    result = tag_text_command(b"\n".join(lines) + b"\n", PYTHONIOENCODING="ascii")
    assert result.returncode == 1, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    assert out[0]["line"] == 1 and "surrogate" in out[0]["error"]
    assert out[1]["id"] == "good" and out[1]["regions"][0]["pcode"] == "SY04" and out[1]["epoch"] == "assad_era"
    assert out[2] == {"line": 3, "error": "an empty line: one JSON object a line"}
    assert out[3]["line"] == 4 and "UTF-8" in out[3]["error"]
    assert out[4]["line"] == 5 and "YYYY-MM-DD" in out[4]["error"]
    assert out[5]["id"] == "ar" and out[5]["regions"][0]["pcode"] == "SY02"  # UTF-8 out, whatever the locale


def test_tag_text_reads_a_last_line_without_a_newline():
    result = tag_text_command(json.dumps({"id": "x", "text": "Shelling hit Idlib."}).encode())
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.decode().splitlines()] == ["x"]


def test_a_tagger_built_anew_reads_the_same(tagger):
    text = "Government\nforces arrested men in Deir\u00a0ez-Zor on 3 March 2025."
    first, second = tagger.tag_text(text, "en", None), Tagger().tag_text(text, "en", None)
    assert [(e.kind, e.value, e.start) for e in first.evidence] == [(e.kind, e.value, e.start) for e in second.evidence]
