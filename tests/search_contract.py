"""The search contract: one test class that every backend must pass (SQLite now, Elasticsearch later).

A subclass provides a `backend` fixture that yields an empty backend; the tests load CORPUS into it.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.search.facets import InvalidRequest, validate_request
from pipeline.search.model import IndexDocument, SearchRequest
from pipeline.search.query import QuerySyntaxError


def doc(doc_id, title, body, *, source="hrw", source_type="ngo", doc_type="report", language="en",
        published=None, passages=(), **facets) -> IndexDocument:
    epoch = "" if published is None else ("transition" if published >= date(2024, 12, 8) else "assad_era")
    return IndexDocument(doc_id=doc_id, title=title, body=body, url=f"https://example.org/{doc_id}", source=source,
                         source_name=source.upper(), source_type=source_type, doc_type=doc_type, language=language,
                         published=published, first_seen="2025-01-01T00:00:00+00:00", epoch=epoch, facets=facets,
                         passages=[passage(body, sentence, **tags) for sentence, tags in passages])


def passage(body: str, sentence: str, **facets) -> dict:
    """A claim: one sentence of the body with the tags named together in it."""
    start = body.index(sentence)
    return {"text": sentence, "start": start, "end": start + len(sentence), "page": None, "paragraph": 1,
            "level": "sentence", **facets}


CORPUS = [
    doc("sweida-kidnap", "Kidnappings on the Damascus-Sweida road",
        "Armed men abducted Druze travellers near Sweida. Families paid ransom for their release. "
        "Kidnapping for ransom rose through the summer.",
        published=date(2025, 7, 20), governorate=["SY13"], district=["SY1300"], group=["druze"],
        threat=["kidnapping_abduction"], actor=["unidentified_armed_men"]),
    doc("coast-killings", "Killings of Alawite civilians on the coast",
        "Summary executions of Alawite men were reported in Jableh and Baniyas. "
        "Witnesses described house raids and arbitrary detention.",
        source="amnesty", published=date(2025, 3, 12), governorate=["SY06", "SY10"], district=["SY0602", "SY1002"],
        group=["alawites"], threat=["unlawful_killing", "arbitrary_detention", "sectarian_violence"],
        actor=["transitional_authorities"],
        passages=[("Summary executions of Alawite men were reported in Jableh and Baniyas.",
                   dict(governorate=["SY06", "SY10"], district=["SY0602", "SY1002"], group=["alawites"],
                        threat=["unlawful_killing", "sectarian_violence"], actor=["transitional_authorities"])),
                  ("Witnesses described house raids and arbitrary detention.", dict(threat=["arbitrary_detention"]))]),
    doc("afrin-property", "Property seizures in Afrin",
        "Factions of the Syrian National Army seized Kurdish homes and olive groves in Afrin. "
        "Owners who complained faced arbitrary detention.",
        source="stj", published=date(2023, 5, 2), governorate=["SY02"], district=["SY0203"], group=["kurds"],
        threat=["property_seizure_destruction", "arbitrary_detention"], actor=["sna_factions"],
        passages=[("Factions of the Syrian National Army seized Kurdish homes and olive groves in Afrin.",
                   dict(governorate=["SY02"], district=["SY0203"], group=["kurds"],
                        threat=["property_seizure_destruction"], actor=["sna_factions"]))]),
    doc("sednaya", "Sednaya prison: torture and disappearance",
        "Former detainees of Sednaya prison described torture and enforced disappearance over many years.",
        source="snhr", published=date(2022, 11, 30), governorate=["SY03"], district=["SY0304"],
        group=["perceived_opponents"], threat=["torture_ill_treatment", "enforced_disappearance"],
        actor=["former_government_forces"]),
    doc("returnees", "Returnees questioned at the border",
        "Returnees from Lebanon were interrogated and some were detained on return, a form of returnee ill-treatment.",
        source="unhcr", source_type="un", doc_type="position_paper", published=date(2024, 10, 1),
        governorate=["SY03"], group=["returnees_idps"], threat=["returnee_ill_treatment", "arbitrary_detention"],
        actor=["former_government_forces"]),
    doc("jaramana", "Clashes in Jaramana and Sahnaya",
        "Clashes between Druze armed groups and General Security forces in Jaramana left several dead.",
        published=date(2025, 4, 30), governorate=["SY03"], district=["SY0301"], group=["druze"],
        threat=["armed_clashes", "sectarian_violence"], actor=["druze_armed_groups", "transitional_authorities"]),
    doc("christians-damascus", "Church attack in Damascus",
        "A suicide bombing at a church in Damascus killed worshippers; Christians fear further attacks.",
        source="reliefweb", source_type="aggregator", doc_type="news", published=date(2025, 6, 23),
        governorate=["SY01"], district=["SY0100"], group=["christians"],
        threat=["attacks_on_protected_objects", "unlawful_killing"], actor=["isil"]),
    doc("al-hol", "Women and children in al-Hol camp",
        "Women and children held in al-Hol camp lack documents; repatriation remains slow.",
        source="hrw", published=date(2024, 2, 14), governorate=["SY08"], district=["SY0800"],
        group=["women_girls", "children", "isil_affiliation"], threat=["arbitrary_detention", "discrimination_documentation"],
        actor=["sdf_aanes"],
        passages=[("Women and children held in al-Hol camp lack documents; repatriation remains slow.",
                   dict(governorate=["SY08"], district=["SY0800"], group=["women_girls", "children"],
                        threat=["arbitrary_detention", "discrimination_documentation"]))]),
    doc("arabic-sweida", "اختطاف في السويداء",
        "اختطف مسلحون مجهولون مدنيين من الدروز في السويداء وطالبوا بفدية.",
        source="snhr", language="ar", published=date(2025, 8, 1), governorate=["SY13"], group=["druze"],
        threat=["kidnapping_abduction"], actor=["unidentified_armed_men"]),
    doc("dutch-report", "Ambtsbericht Syrië",
        "Willekeurige detentie en verdwijningen blijven voorkomen in het hele land.",
        source="nl-mfa", source_type="government", doc_type="country_report", language="nl",
        published=date(2025, 10, 1), threat=["arbitrary_detention", "enforced_disappearance"]),
    doc("hostile", "<script>alert(1)</script> Report",
        "Detention data <img src=x onerror=alert(1)> was published. Detention detention detention.",
        source="hrw", doc_type="news", published=None),
    doc("undated-guidance", "Country guidance summary",
        "Guidance on risk profiles for Kurds and Alawites.", source="euaa", source_type="un",
        doc_type="guidance", published=None, group=["kurds", "alawites"]),
]
BY_ID = {d.doc_id: d for d in CORPUS}


class SearchContract:
    """Every backend answers these the same way."""

    @pytest.fixture
    def loaded(self, backend):
        backend.index(CORPUS)
        return backend

    def run(self, backend, **kwargs):
        return backend.search(validate_request(SearchRequest(**kwargs)))

    @staticmethod
    def ids(response):
        return {hit.doc_id for hit in response.hits}

    @staticmethod
    def counts(response, facet):
        return {value.value: value.count for value in response.facets[facet]}

    # -- documents in and out --------------------------------------------------------------------------

    def test_empty_query_returns_everything_newest_first(self, loaded):
        response = self.run(loaded, per_page=100)
        assert response.total == len(CORPUS) == loaded.count()
        dated = [h.published for h in response.hits if h.published]
        assert dated == sorted(dated, reverse=True)
        assert response.hits[0].doc_id == "dutch-report"
        assert {h.doc_id for h in response.hits[-2:]} == {"hostile", "undated-guidance"}  # undated last

    def test_reindexing_a_document_replaces_it(self, loaded):
        changed = doc("sednaya", "Sednaya prison", "Mass graves near Sednaya were uncovered.",
                      source="snhr", published=date(2022, 11, 30), governorate=["SY03"])
        loaded.index([changed])
        assert loaded.count() == len(CORPUS)
        assert self.ids(self.run(loaded, query="graves")) == {"sednaya"}
        assert self.run(loaded, query="torture").total == 0
        assert self.counts(self.run(loaded, query="graves"), "threat") == {}

    def test_delete(self, loaded):
        loaded.delete(["sednaya", "not-there"])
        assert loaded.count() == len(CORPUS) - 1
        assert self.run(loaded, query="Sednaya").total == 0

    # -- query syntax ---------------------------------------------------------------------------------

    def test_word_matches_title_and_body(self, loaded):
        assert self.ids(self.run(loaded, query="Jaramana")) == {"jaramana"}
        assert self.ids(self.run(loaded, query="church")) == {"christians-damascus"}

    def test_phrase_matches_only_the_phrase(self, loaded):
        assert self.ids(self.run(loaded, query='"arbitrary detention"')) == {"coast-killings", "afrin-property"}
        assert self.run(loaded, query='"detention arbitrary"').total == 0

    def test_and_is_implicit_and_explicit(self, loaded):
        assert self.ids(self.run(loaded, query="Druze Sweida")) == {"sweida-kidnap"}
        assert self.ids(self.run(loaded, query="Druze AND Sweida")) == {"sweida-kidnap"}

    def test_or(self, loaded):
        assert self.ids(self.run(loaded, query="Afrin OR Jableh")) == {"afrin-property", "coast-killings"}

    def test_not_and_minus_exclude(self, loaded):
        base = self.ids(self.run(loaded, query="Druze", per_page=50))
        assert base == {"sweida-kidnap", "jaramana"}
        assert self.ids(self.run(loaded, query="Druze NOT Jaramana")) == {"sweida-kidnap"}
        assert self.ids(self.run(loaded, query="Druze -Jaramana")) == {"sweida-kidnap"}

    def test_only_negative_query_excludes_from_everything(self, loaded):
        response = self.run(loaded, query="-detention", per_page=50)
        assert "afrin-property" not in self.ids(response)
        assert "sweida-kidnap" in self.ids(response)

    def test_prefix(self, loaded):
        assert {"sweida-kidnap"} <= self.ids(self.run(loaded, query="kidnap*"))
        assert self.ids(self.run(loaded, query="repatri*")) == {"al-hol"}

    def test_parentheses_group(self, loaded):
        assert self.ids(self.run(loaded, query="(Afrin OR Jableh) Alawite")) == {"coast-killings"}

    def test_arabic_text(self, loaded):
        assert self.ids(self.run(loaded, query="السويداء")) == {"arabic-sweida"}

    def test_malformed_queries_are_refused_clearly(self, loaded):
        for query in ['"unbalanced', "(Afrin", "Afrin)", "Afrin OR", "AND"]:
            with pytest.raises(QuerySyntaxError):
                self.run(loaded, query=query)

    def test_query_with_fts_operators_as_words_is_safe(self, loaded):
        # Characters that mean something to a search engine are just text to the user.
        response = self.run(loaded, query="NEAR: col:title ^detention {x}")
        assert response.total >= 0

    # -- filters and exclusions -------------------------------------------------------------------------

    def test_filter_by_governorate_and_group(self, loaded):
        assert self.ids(self.run(loaded, filters={"governorate": ["SY13"]})) == {"sweida-kidnap", "arabic-sweida"}
        assert self.ids(self.run(loaded, filters={"group": ["druze"], "governorate": ["SY03"]})) == {"jaramana"}

    def test_values_of_one_facet_are_alternatives(self, loaded):
        response = self.run(loaded, filters={"group": ["druze", "kurds"]}, per_page=50)
        assert self.ids(response) == {"sweida-kidnap", "jaramana", "arabic-sweida", "afrin-property",
                                      "undated-guidance"}

    def test_region_names_resolve_to_pcodes(self, loaded):
        assert self.ids(self.run(loaded, filters={"governorate": ["Sweida"]})) == {"sweida-kidnap", "arabic-sweida"}
        assert self.ids(self.run(loaded, filters={"district": ["Afrin"]})) == {"afrin-property"}

    def test_filter_by_district_threat_actor(self, loaded):
        assert self.ids(self.run(loaded, filters={"district": ["SY0203"]})) == {"afrin-property"}
        assert self.ids(self.run(loaded, filters={"threat": ["enforced_disappearance"]})) == {"sednaya", "dutch-report"}
        assert self.ids(self.run(loaded, filters={"actor": ["isil"]})) == {"christians-damascus"}

    def test_filter_by_source_type_doc_type_language(self, loaded):
        assert self.ids(self.run(loaded, filters={"source": ["amnesty"]})) == {"coast-killings"}
        assert self.ids(self.run(loaded, filters={"source_type": ["government"]})) == {"dutch-report"}
        assert self.ids(self.run(loaded, filters={"doc_type": ["position_paper"]})) == {"returnees"}
        assert self.ids(self.run(loaded, filters={"language": ["ar"]})) == {"arabic-sweida"}

    def test_exclusion_filter_removes_documents_with_any_listed_value(self, loaded):
        response = self.run(loaded, filters={"threat": ["arbitrary_detention"]}, excludes={"group": ["kurds", "alawites"]},
                            per_page=50)
        assert self.ids(response) == {"returnees", "al-hol", "dutch-report"}

    def test_exclusion_alone(self, loaded):
        response = self.run(loaded, excludes={"language": ["en"]}, per_page=50)
        assert self.ids(response) == {"arabic-sweida", "dutch-report"}

    def test_date_range_and_epoch(self, loaded):
        response = self.run(loaded, since=date(2024, 12, 8), per_page=50)
        assert self.ids(response) == {d.doc_id for d in CORPUS if d.published and d.published >= date(2024, 12, 8)}
        assert self.ids(self.run(loaded, filters={"epoch": ["transition"]}, per_page=50)) == self.ids(response)
        window = self.run(loaded, since=date(2023, 1, 1), until=date(2024, 2, 14), per_page=50)
        assert self.ids(window) == {"afrin-property", "al-hol"}

    def test_unknown_values_and_impossible_dates_are_refused(self, loaded):
        with pytest.raises(InvalidRequest, match="druze"):
            self.run(loaded, filters={"group": ["druse"]})
        with pytest.raises(InvalidRequest, match="governorate"):
            self.run(loaded, filters={"governorate": ["SY99"]})
        with pytest.raises(InvalidRequest, match="impossible date range"):
            self.run(loaded, since=date(2025, 1, 2), until=date(2025, 1, 1))
        with pytest.raises(InvalidRequest):
            self.run(loaded, excludes={"colour": ["red"]})

    # -- facets -----------------------------------------------------------------------------------------

    def test_facet_counts_follow_the_query(self, loaded):
        response = self.run(loaded, query="detention")
        threats = self.counts(response, "threat")
        assert threats["arbitrary_detention"] == len(
            [d for d in CORPUS if "arbitrary_detention" in d.facets.get("threat", []) and "detention" in
             (d.title + d.body).lower()])
        assert self.counts(response, "source")["stj"] == 1
        assert sum(self.counts(response, "epoch").values()) <= response.total

    def test_facet_counts_are_disjunctive(self, loaded):
        everything = self.run(loaded)
        druze = self.run(loaded, filters={"group": ["druze"]})
        # The group facet ignores its own selection, so other groups stay visible with their full counts ...
        assert self.counts(druze, "group") == self.counts(everything, "group")
        assert next(v for v in druze.facets["group"] if v.value == "druze").selected
        # ... while every other facet counts only the selected documents.
        assert self.counts(druze, "governorate") == {"SY13": 2, "SY03": 1}
        assert druze.total == 3

    def test_disjunctive_counts_keep_other_filters(self, loaded):
        response = self.run(loaded, filters={"group": ["druze"], "governorate": ["SY13"]})
        assert response.total == 2
        assert self.counts(response, "group") == {"druze": 2}  # only SY13 documents, any group
        assert self.counts(response, "governorate") == {"SY13": 2, "SY03": 1}  # only druze documents, any region

    def test_excluded_values_are_reported_and_not_counted_in_other_facets(self, loaded):
        response = self.run(loaded, excludes={"group": ["druze"]}, per_page=50)
        group = {v.value: v for v in response.facets["group"]}
        assert group["druze"].excluded and group["druze"].count == 3
        assert "SY13" not in self.counts(response, "governorate")
        assert response.total == len(CORPUS) - 3

    def test_facet_values_carry_labels(self, loaded):
        response = self.run(loaded)
        governorates = {v.value: v.label for v in response.facets["governorate"]}
        assert governorates["SY13"] == "As-Sweida"
        assert {v.value: v.label for v in response.facets["threat"]}["kidnapping_abduction"]
        assert {v.value: v.label for v in response.facets["source"]}["amnesty"] == "AMNESTY"  # the source's name

    # -- snippets, sorting, paging -----------------------------------------------------------------------

    def test_snippets_highlight_the_matched_words(self, loaded):
        hit = self.run(loaded, query="ransom").hits[0]
        assert hit.doc_id == "sweida-kidnap"
        marked = {hit.snippet[start:end].lower() for start, end in hit.highlights}
        assert marked == {"ransom"}
        assert "Families paid ransom" in hit.snippet

    def test_title_highlights(self, loaded):
        hit = self.run(loaded, query="Afrin").hits[0]
        assert [hit.title[s:e] for s, e in hit.title_highlights] == ["Afrin"]

    def test_snippet_is_plain_text_even_for_hostile_content(self, loaded):
        hit = next(h for h in self.run(loaded, query="published").hits if h.doc_id == "hostile")
        assert "<img src=x onerror=alert(1)>" in hit.snippet  # returned as text; the UI escapes it
        assert hit.title.startswith("<script>")

    def test_relevance_puts_the_best_match_first(self, loaded):
        response = self.run(loaded, query="detention", sort="relevance")
        assert response.hits[0].doc_id == "hostile"  # four mentions in a short text
        assert all(h.score is not None for h in response.hits)

    def test_sort_by_date(self, loaded):
        response = self.run(loaded, query="detention OR detained OR detainees", sort="date", per_page=50)
        dated = [h.published for h in response.hits if h.published]
        assert dated == sorted(dated, reverse=True) and len(dated) >= 4

    def test_paging_walks_every_result_once(self, loaded):
        seen = []
        first = self.run(loaded, per_page=5)
        assert first.pages == 3
        for page in range(1, first.pages + 1):
            response = self.run(loaded, per_page=5, page=page)
            assert response.total == len(CORPUS)
            seen += [h.doc_id for h in response.hits]
        assert sorted(seen) == sorted(BY_ID)
        assert self.run(loaded, per_page=5, page=4).hits == []

    # -- same passage ------------------------------------------------------------------------------------

    def test_same_passage_needs_the_values_together_in_one_passage(self, loaded):
        anywhere = self.run(loaded, filters={"group": ["kurds"], "threat": ["arbitrary_detention"]})
        assert self.ids(anywhere) == {"afrin-property"}  # Kurds in one sentence, detention in another
        together = self.run(loaded, filters={"group": ["kurds"], "threat": ["arbitrary_detention"]}, same_passage=True)
        assert together.total == 0
        seizure = self.run(loaded, filters={"group": ["kurds"], "threat": ["property_seizure_destruction"]},
                           same_passage=True)
        assert self.ids(seizure) == {"afrin-property"}

    def test_same_passage_with_alternatives_regions_and_text(self, loaded):
        response = self.run(loaded, query="detention OR documents", same_passage=True,
                            filters={"group": ["alawites", "women_girls"], "threat": ["arbitrary_detention"]})
        assert self.ids(response) == {"al-hol"}  # coast-killings names detention in another sentence
        coast = self.run(loaded, same_passage=True, filters={"governorate": ["SY06"], "group": ["alawites"],
                                                             "actor": ["transitional_authorities"]})
        assert self.ids(coast) == {"coast-killings"}

    def test_same_passage_facet_counts_are_disjunctive_within_the_passage(self, loaded):
        response = self.run(loaded, same_passage=True, filters={"threat": ["arbitrary_detention"]})
        assert self.ids(response) == {"al-hol", "coast-killings"}  # one passage each names detention
        # A group counts where it shares a passage with detention: the Alawites of coast-killings do not.
        assert self.counts(response, "group") == {"women_girls": 1, "children": 1}
        # The threat facet ignores its own filter and counts passage values of every document.
        assert self.counts(response, "threat")["property_seizure_destruction"] == 1
        assert self.counts(response, "threat")["arbitrary_detention"] == 2
        assert self.counts(response, "source") == {"hrw": 1, "amnesty": 1}
        off = self.run(loaded, same_passage=False, filters={"threat": ["arbitrary_detention"]})
        assert off.total == 5

    def test_hits_carry_their_tags(self, loaded):
        hit = self.run(loaded, query="Afrin").hits[0]
        assert hit.facets["threat"] == ["property_seizure_destruction", "arbitrary_detention"]
        assert (hit.source, hit.source_type, hit.language, hit.epoch) == ("stj", "ngo", "en", "assad_era")
