"""Subscriptions: saved searches are checked like searches and kept in the store; bad input is refused clearly."""

import json

import pytest

from pipeline.cli import main
from pipeline.digest.subscriptions import (SubscriptionError, add_subscription, check_subscription,
                                           list_subscriptions, remove_subscription)
from pipeline.store import Store


def test_region_names_become_pcodes_and_the_search_is_kept(tmp_path):
    subscription = check_subscription("afrin-detention", "analyst@example.org", '"arbitrary detention" OR arrest*',
                                      {"governorate": ["Aleppo"], "threat": ["arbitrary_detention"]})
    assert subscription.filters == {"governorate": ["SY02"], "threat": ["arbitrary_detention"]}
    with Store(tmp_path) as store:
        add_subscription(store, subscription)
        [kept] = list_subscriptions(store)
    assert (kept.name, kept.email, kept.query, kept.filters) == (
        "afrin-detention", "analyst@example.org", '"arbitrary detention" OR arrest*', subscription.filters)
    assert "Aleppo (SY02)" in kept.describe()


@pytest.mark.parametrize("email", ["", "analyst", "analyst@", "a b@example.org", "analyst@example", "a@b@example.org",
                                   "analyst@example.org\nBcc: everyone@example.org"])
def test_a_bad_email_address_is_refused(email):
    with pytest.raises(SubscriptionError, match="bad e-mail address"):
        check_subscription("x", email)


def test_an_unknown_facet_value_is_refused_with_a_hint():
    with pytest.raises(SubscriptionError, match=r"unknown threat 'arbitrary_detension' \(did you mean 'arbitrary_detention'"):
        check_subscription("x", "a@example.org", filters={"threat": ["arbitrary_detension"]})
    with pytest.raises(SubscriptionError, match="unknown governorate 'Atlantis'"):
        check_subscription("x", "a@example.org", filters={"governorate": ["Atlantis"]})
    with pytest.raises(SubscriptionError, match="subscriptions filter on"):
        check_subscription("x", "a@example.org", filters={"language": ["en"]})


def test_a_malformed_query_and_a_taken_name_are_refused(tmp_path):
    with pytest.raises(SubscriptionError):
        check_subscription("x", "a@example.org", '"unclosed phrase')
    with Store(tmp_path) as store:
        add_subscription(store, check_subscription("coast", "a@example.org"))
        with pytest.raises(SubscriptionError, match="exists already"):
            add_subscription(store, check_subscription("coast", "b@example.org"))
        assert remove_subscription(store, "coast") and not remove_subscription(store, "coast")


def test_the_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COI_DATA_DIR", str(tmp_path))
    assert main(["subscribe", "--name", "Alawites on the coast", "--email", "analyst@example.org",
                 "--governorate", "Lattakia,Tartous", "--group", "alawites"]) == 0
    assert "subscribed analyst@example.org" in capsys.readouterr().out
    assert main(["subscribe", "--name", "bad", "--email", "not-an-address"]) == 2
    assert "bad e-mail address" in capsys.readouterr().err
    assert main(["subscribe", "--name", "bad", "--email", "a@example.org", "--threat", "nonsense"]) == 2
    assert "unknown threat 'nonsense'" in capsys.readouterr().err
    assert main(["subscriptions", "--format", "json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["filters"] == {"governorate": ["SY06", "SY10"], "group": ["alawites"]}
    assert main(["unsubscribe", "Alawites on the coast"]) == 0
    assert main(["unsubscribe", "Alawites on the coast"]) == 2
    assert "no subscription called" in capsys.readouterr().err
