"""Digest content: the documents first seen in an ISO week (local time), grouped and counted, rendered safely."""

import re
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from digest_data import build_store

from pipeline.cli import main
from pipeline.digest.content import build_digest
from pipeline.digest.render import render_digest
from pipeline.digest.send import DigestConfig, send_digests
from pipeline.digest.subscriptions import add_subscription, check_subscription
from pipeline.digest.weeks import Week, last_complete_week
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Store

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
W05 = Week.parse("2025-W05")


@pytest.fixture
def world(tmp_path):
    ids = build_store(tmp_path)
    store = Store(tmp_path)
    backend = SQLiteBackend(Settings(data_dir=tmp_path).sqlite_index_path)
    yield store, backend, ids
    backend.close()
    store.close()


def digest_for(world, week=W05, tz=AMSTERDAM, **filters):
    store, backend, _ = world
    subscription = check_subscription("s", "analyst@example.org", filters.pop("query", ""), filters)
    return build_digest(store, backend, subscription, week, tz, "https://coi.example.org/")


def test_weeks_parse_and_cover_monday_to_monday_local_time():
    assert str(Week.parse("2025w05")) == "2025-W05" and W05.monday.isoformat() == "2025-01-27"
    assert W05.utc_bounds(AMSTERDAM) == ("2025-01-26T23:00:00+00:00", "2025-02-02T23:00:00+00:00")
    summer = Week.parse("2025-W27")
    assert summer.utc_bounds(AMSTERDAM)[0] == "2025-06-29T22:00:00+00:00"
    for bad in ("2025-05", "2025-W54", "W05"):
        with pytest.raises(ValueError):
            Week.parse(bad)
    from datetime import datetime
    assert last_complete_week(datetime(2025, 2, 3, 6, 0, tzinfo=ZoneInfo("UTC")), AMSTERDAM) == W05


def test_documents_first_seen_in_the_week_local_time_grouped_by_governorate_then_threat(world):
    digest = digest_for(world)
    titles = [e.title for e in digest.entries]
    # Sunday 23:30 UTC is Monday in Amsterdam: that document belongs to the next week; last week's is not repeated.
    assert sorted(titles) == sorted(["Arbitrary arrests continue in Afrin", "<script>alert('x')</script> Afrin raids",
                                     "Killings of Alawites near Jableh"])
    groups = digest.groups()
    assert [g for g, _ in groups] == ["Aleppo", "Lattakia"]
    aleppo_threats = groups[0][1]
    assert [t for t, _ in aleppo_threats] == ["Arbitrary detention"]
    entry = aleppo_threats[0][1][0]
    assert entry.source == "Syrian Network for Human Rights" and entry.published == "2025-01-20"
    assert entry.evidence == "Kurdish civilians were arbitrarily detained in Afrin city."
    assert entry.link == f"https://coi.example.org/documents/{world[2]['afrin-1']}"
    # In UTC the late Sunday document falls in week 5.
    assert len(digest_for(world, tz=ZoneInfo("UTC")).entries) == 4


def test_summary_counts_change_from_the_previous_week_and_new_sources(world):
    digest = digest_for(world)
    cells = {(r.governorate, r.threat): (r.count, r.previous, r.change) for r in digest.summary}
    assert cells[("Aleppo", "Arbitrary detention")] == (2, 1, "+1")
    assert cells[("Lattakia", "Unlawful killing")] == (1, 0, "new")
    assert digest.new_sources == ["Human Rights Watch", "Syrians for Truth and Justice"]
    week6 = digest_for(world, week=Week.parse("2025-W06"))
    assert {(r.governorate, r.count, r.previous, r.change) for r in week6.summary} == {
        ("Aleppo", 1, 2, "-1"), ("Lattakia", 0, 1, "-1")}
    assert week6.new_sources == []


def test_the_saved_search_filters_the_digest(world):
    assert [e.title for e in digest_for(world, group=["alawites"]).entries] == ["Killings of Alawites near Jableh"]
    assert len(digest_for(world, query="tortured").entries) == 1
    assert digest_for(world, governorate=["Idlib"]).empty


def test_both_parts_render_and_hostile_titles_are_escaped_in_html(world):
    rendered = render_digest(digest_for(world))
    assert rendered.subject == "COI digest s, week 2025-W05: 3 new documents"
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    for part in (rendered.text, rendered.html):
        assert "Arbitrary arrests continue in Afrin" in part and "27 January 2025" in part
        assert "Kurdish civilians were arbitrarily detained in Afrin city." in part
    assert re.search(r"Aleppo +Arbitrary detention +2 +1 +\+1", rendered.text)
    assert '<a href="https://coi.example.org/documents/' in rendered.html


def test_an_empty_week_says_so_or_is_skipped_by_setting(world, tmp_path):
    store, backend, _ = world
    empty = render_digest(digest_for(world, week=Week.parse("2024-W40")))
    assert "no new documents" in empty.subject and "No new documents matched" in empty.text
    add_subscription(store, check_subscription("all", "analyst@example.org"))
    config = DigestConfig.from_settings(Settings(data_dir=tmp_path))
    [result] = send_digests(store, backend, config, Week.parse("2024-W40"))
    assert result.status == "sent"
    skipping = DigestConfig.from_settings(Settings(data_dir=tmp_path, digest_skip_empty=True))
    [result] = send_digests(store, backend, skipping, Week.parse("2024-W41"))
    assert result.status == "skipped" and not (tmp_path / "outbox" / "2024-W41").exists()


def test_without_smtp_digests_go_to_the_outbox_once(world, tmp_path):
    store, backend, _ = world
    add_subscription(store, check_subscription("afrin", "analyst@example.org", filters={"governorate": ["SY02"]}))
    config = DigestConfig.from_settings(Settings(data_dir=tmp_path, outbox=str(tmp_path / "out")))
    [first] = send_digests(store, backend, config, W05)
    [again] = send_digests(store, backend, config, W05)
    assert (first.status, again.status) == ("sent", "already")
    message = message_from_bytes((tmp_path / "out" / "2025-W05" / "afrin.eml").read_bytes(), policy=policy.default)
    assert message["To"] == "analyst@example.org" and message.get_content_type() == "multipart/alternative"
    assert "Arbitrary arrests continue in Afrin" in message.get_body(("plain",)).get_content()


def test_coi_digest_dry_run_renders_a_week_and_records_nothing(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COI_DATA_DIR", str(tmp_path))
    assert main(["subscribe", "--name", "coast", "--email", "analyst@example.org", "--group", "alawites"]) == 0
    assert main(["digest", "--week", "2025-W05", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Subject: COI digest coast, week 2025-W05: 1 new document" in out and "Killings of Alawites" in out
    assert not (tmp_path / "outbox").exists()
    assert main(["digest", "--week", "2025-W5x"]) == 2
    assert "not an ISO week" in capsys.readouterr().err
    assert main(["digest", "--week", "2025-W05"]) == 0
    assert "2025-W05 coast -> analyst@example.org: sent (1 documents)" in capsys.readouterr().out
    assert main(["digests"]) == 0
    assert "2025-W05 coast -> analyst@example.org: sent" in capsys.readouterr().out


def test_two_subscriptions_never_share_an_outbox_file(world, tmp_path):
    store, backend, _ = world
    for name in ("coast a", "coast_a"):
        add_subscription(store, check_subscription(name, "analyst@example.org"))
    send_digests(store, backend, DigestConfig.from_settings(Settings(data_dir=tmp_path)), W05)
    assert len(list((tmp_path / "outbox" / "2025-W05").glob("*.eml"))) == 2
