"""The region × threat matrix: distinct documents and sources per cell, filters, districts, trend, exports, CLI."""

import json
from datetime import date
from xml.etree import ElementTree

import pytest

from pipeline.cli import main
from pipeline.matrix import (InvalidMatrixRequest, MatrixRequest, build_matrix, cell_trend, heat_level, matrix_csv,
                             validate_matrix_request)
from pipeline.matrix_svg import matrix_svg
from pipeline.store import FetchedReport, SourceInfo, Store
from pipeline.tagging.claims import Claim, save_claims


def claim(region: str, threats=("arbitrary_detention",), groups=(), actors=(), text="A passage.") -> Claim:
    districts = [region[:6]] if len(region) >= 6 else []
    return Claim("sentence", 0, len(text), text, None, 1, None, regions=[region], governorates=[region[:4]],
                 districts=districts, groups=list(groups), threats=list(threats), actors=list(actors))


def add(store, source, slug, published, claims):
    result = store.ingest(FetchedReport(source_id=source, url=f"https://{source}.example.org/{slug}",
                                        body=slug.encode(), title=slug, published=published))
    save_claims(store, result.document_id, result.version_id, claims, "test")
    return result.document_id


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path) as store:
        for source in ("snhr", "hrw"):
            store.upsert_source(SourceInfo(source, source.upper(), source.upper(), "ngo"))
        a = add(store, "snhr", "jableh", date(2025, 3, 20), [claim("SY0602"), claim("SY0602", text="Again.")])
        add(store, "hrw", "jableh-hrw", date(2025, 4, 2), [claim("SY060200", groups=["alawites"])])
        add(store, "snhr", "aleppo", date(2023, 5, 1), [claim("SY02", actors=["former_government_forces"])])
        copy = add(store, "hrw", "jableh-copy", date(2025, 3, 21), [claim("SY06", threats=["unlawful_killing"])])
        store.db.execute("INSERT INTO duplicates (document_id, canonical_id, similarity, evidence, decided_at) "
                         "VALUES (?, ?, 0.95, '{}', '2025-03-22')", (copy, a))
        yield store


def cell(matrix, region, threat="arbitrary_detention"):
    row = next(r for r in matrix.rows if r.region == region)
    return row.cells[threat].documents, row.cells[threat].sources


def test_cells_count_distinct_documents_and_sources_and_copies_count_once(store):
    matrix = build_matrix(store, MatrixRequest())
    assert cell(matrix, "SY06") == (2, 2)  # two claims in one document count once
    assert cell(matrix, "SY02") == (1, 1)
    assert cell(matrix, "SY06", "unlawful_killing") == (0, 0)  # only a copy of another report says so
    assert cell(matrix, "SY13") == (0, 0)
    assert [r.region for r in matrix.rows if r.level == "governorate"] == [f"SY{n:02d}" for n in range(1, 15)]
    assert matrix.max_documents == 2
    row = next(r for r in matrix.rows if r.region == "SY06")
    assert (row.label, row.documents, row.sources) == ("Lattakia", 2, 2)


def test_filters_group_actor_epoch_and_dates(store):
    assert cell(build_matrix(store, MatrixRequest(groups=["alawites"])), "SY06") == (1, 1)
    assert cell(build_matrix(store, MatrixRequest(actors=["former_government_forces"])), "SY06") == (0, 0)
    assert cell(build_matrix(store, MatrixRequest(actors=["former_government_forces"])), "SY02") == (1, 1)
    assad = build_matrix(store, MatrixRequest(epochs=["assad_era"]))
    assert cell(assad, "SY06") == (0, 0) and cell(assad, "SY02") == (1, 1)
    april = build_matrix(store, MatrixRequest(since=date(2025, 4, 1), until=date(2025, 4, 30)))
    assert cell(april, "SY06") == (1, 1)


def test_an_expanded_governorate_lists_its_districts_under_it(store):
    matrix = build_matrix(store, MatrixRequest(expand=["SY06"]))
    regions = [r.region for r in matrix.rows]
    assert regions.index("SY0602") == regions.index("SY06") + 2  # SY0601 first, then Jablah
    assert all(r.region.startswith("SY06") for r in matrix.rows if r.level == "district")
    assert cell(matrix, "SY0602") == (2, 2)
    assert next(r for r in matrix.rows if r.region == "SY06").expanded


def test_trend_counts_one_cell_per_month_with_the_empty_months_between(store):
    months = cell_trend(store, MatrixRequest(), "SY06", "arbitrary_detention")
    assert months == [{"month": "2025-03", "documents": 1, "sources": 1},
                      {"month": "2025-04", "documents": 1, "sources": 1}]
    assert len(cell_trend(store, MatrixRequest(), "Lattakia", "arbitrary_detention")) == 2
    assert cell_trend(store, MatrixRequest(), "SY13", "arbitrary_detention") == []
    with pytest.raises(InvalidMatrixRequest, match="unknown threat"):
        cell_trend(store, MatrixRequest(), "SY06", "weather")


def test_requests_are_checked_and_region_names_become_pcodes():
    assert validate_matrix_request(MatrixRequest(expand=["Lattakia"])).expand == ["SY06"]
    with pytest.raises(InvalidMatrixRequest, match="unknown group 'druse'"):
        validate_matrix_request(MatrixRequest(groups=["druse"]))
    with pytest.raises(InvalidMatrixRequest, match="impossible date range"):
        validate_matrix_request(MatrixRequest(since=date(2025, 1, 2), until=date(2025, 1, 1)))
    with pytest.raises(InvalidMatrixRequest, match="unknown governorate"):
        validate_matrix_request(MatrixRequest(expand=["SY0602"]))


def test_csv_and_svg_exports(store):
    matrix = build_matrix(store, MatrixRequest(groups=["alawites"]))
    lines = matrix_csv(matrix).splitlines()
    assert lines[0].startswith("pcode,region,level,documents,sources,arbitrary_detention:documents,")
    assert lines[6].startswith("SY06,Lattakia,governorate,1,1,1,1,")
    svg = matrix_svg(matrix)
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "group: alawites" in svg and "Lattakia × Arbitrary detention: 1 documents, 1 sources" in svg
    assert heat_level(0, 5) == 0 and heat_level(5, 5) == 5 and 1 <= heat_level(1, 5) < heat_level(4, 5)


def test_coi_matrix_command(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COI_DATA_DIR", str(tmp_path))
    assert main(["matrix", "--format", "json", "--group", "alawites"]) == 0
    data = json.loads(capsys.readouterr().out)
    sy06 = next(r for r in data["rows"] if r["region"] == "SY06")
    assert sy06["cells"]["arbitrary_detention"] == {"documents": 1, "sources": 1}
    assert main(["matrix"]) == 0
    out = capsys.readouterr().out
    assert "SY06 Lattakia: 2 documents, 2 sources" in out and "arbitrary_detention=2/2" in out
    assert main(["matrix", "--trend", "SY06:arbitrary_detention"]) == 0
    assert "2025-04     1 documents    1 sources" in capsys.readouterr().out
    assert main(["matrix", "--format", "svg", "-o", str(tmp_path / "m.svg")]) == 0
    assert (tmp_path / "m.svg").read_text().startswith("<svg")
    assert main(["matrix", "--group", "nobody"]) == 2
    assert "unknown group 'nobody'" in capsys.readouterr().err
