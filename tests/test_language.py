"""Language detection on short report paragraphs, and no guess on text too short to tell."""

from __future__ import annotations

import pytest

from pipeline.language import detect_language

PARAGRAPHS = {
    "en": "Families who returned to the village told us that their houses had been occupied by members of a local "
          "militia and that they were asked to pay before they could move back in.",
    "ar": "قالت عائلات عادت إلى القرية إن منازلها كانت محتلة من قبل عناصر ميليشيا محلية، وإنه طُلب منها دفع مبالغ "
          "مالية قبل السماح لها بالعودة إليها.",
    "nl": "Gezinnen die naar het dorp terugkeerden, vertelden ons dat hun huizen bezet waren door leden van een lokale "
          "militie en dat ze moesten betalen voordat ze er weer in mochten.",
    "fr": "Des familles revenues au village nous ont raconté que leurs maisons étaient occupées par des membres d'une "
          "milice locale et qu'on leur avait demandé de payer avant de pouvoir y revenir.",
    "de": "Familien, die in das Dorf zurückkehrten, berichteten uns, dass ihre Häuser von Angehörigen einer örtlichen "
          "Miliz besetzt waren und dass sie zahlen sollten, bevor sie wieder einziehen durften.",
    "tr": "Köye dönen aileler, evlerinin yerel bir milis grubunun üyeleri tarafından işgal edildiğini ve geri "
          "taşınmadan önce para ödemeleri istendiğini bize anlattı.",
    "ku": "Malbatên ku vegeriyan gund ji me re gotin ku xaniyên wan ji aliyê endamên milîsekê ve hatine dagirkirin.",
    "es": "Las familias que regresaron al pueblo nos contaron que sus casas estaban ocupadas por miembros de una "
          "milicia local y que les pidieron pagar antes de poder volver.",
    "ru": "Семьи, вернувшиеся в деревню, рассказали нам, что их дома были заняты членами местного ополчения и что от "
          "них потребовали заплатить, прежде чем они смогли вернуться.",
}
SHORT = {
    "en": "The checkpoint was closed after the clashes.",
    "ar": "أُغلق الحاجز بعد الاشتباكات.",
    "nl": "De controlepost werd na de gevechten gesloten.",
    "fr": "Le poste de contrôle a été fermé après les affrontements.",
    "de": "Der Kontrollpunkt wurde nach den Kämpfen geschlossen.",
}


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_paragraphs_are_recognised(language):
    code, score = detect_language(PARAGRAPHS[language])
    assert code == language
    assert 0.9 <= score <= 1.0


@pytest.mark.parametrize("language", sorted(SHORT))
def test_single_sentences_are_recognised(language):
    assert detect_language(SHORT[language])[0] == language


@pytest.mark.parametrize("text", ["", "   \n ", "Idlib", "حلب", "12 / 2024", "https://example.org/report-2024.pdf"])
def test_too_little_text_gives_no_language(text):
    assert detect_language(text) == (None, 0.0)


def test_urls_and_numbers_do_not_sway_the_guess():
    text = PARAGRAPHS["de"] + " https://example.org/en/reports/2024/03/briefing-english-version 2024 43 12 7"
    assert detect_language(text)[0] == "de"


def test_a_long_document_is_judged_by_its_bulk():
    text = "\n\n".join([PARAGRAPHS["fr"]] * 400 + [PARAGRAPHS["en"]] * 3)
    assert detect_language(text)[0] == "fr"


def test_the_same_text_always_gets_the_same_answer():
    assert detect_language(PARAGRAPHS["nl"]) == detect_language(PARAGRAPHS["nl"])
