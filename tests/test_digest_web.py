"""Digests in the web app: /digests lists what was sent, one digest reads as text or sandboxed HTML, and
subscriptions are managed from a form and the JSON API only with the access token."""

import pytest
from digest_data import build_store
from fastapi.testclient import TestClient

from pipeline.digest.send import DigestConfig, send_digests
from pipeline.digest.subscriptions import add_subscription, check_subscription, list_subscriptions
from pipeline.digest.weeks import Week
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.web import create_app

TOKEN = "correct horse battery staple"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("digest-web")
    build_store(data_dir)
    settings = Settings(data_dir=data_dir)
    with Store(data_dir) as store:
        add_subscription(store, check_subscription("afrin", "analyst@example.org", filters={"district": ["Afrin"]}))
        backend = SQLiteBackend(settings.sqlite_index_path)
        send_digests(store, backend, DigestConfig.from_settings(settings), Week.parse("2025-W05"))
        backend.close()
    return data_dir


def client_for(data_dir, token=TOKEN) -> TestClient:
    return TestClient(create_app(Settings(data_dir=data_dir, search_backend="sqlite", digest_token=token)))


def test_sent_digests_are_listed_and_readable(data_dir):
    with client_for(data_dir) as client:
        page = client.get("/digests")
        assert page.status_code == 200 and "2025-W05" in page.text and 'href="/digests"' in page.text
        assert "analyst@example.org" not in page.text  # addresses are not shown to every reader
        with Store(data_dir) as store:
            [subscription] = list_subscriptions(store)
        one = client.get(f"/digests/{subscription.id}/2025-W05")
        assert one.status_code == 200 and "Arbitrary arrests continue in Afrin" in one.text
        assert "<script>alert" not in one.text and "&lt;script&gt;alert" in one.text
        html = client.get(f"/digests/{subscription.id}/2025-W05/html")
        assert html.status_code == 200 and "sandbox" in html.headers["content-security-policy"]
        assert "&lt;script&gt;" in html.text
        assert client.get(f"/digests/{subscription.id}/2024-W01").status_code == 404
        assert client.get("/api/digests").json()[0]["subscription_name"] == "afrin"


def test_the_subscribe_form_needs_the_token_and_checks_the_input(data_dir):
    with client_for(data_dir) as client:
        form = {"name": "coast", "email": "coast@example.org", "governorate": "Lattakia, Tartous", "group": "alawites"}
        refused = client.post("/digests/subscriptions", data={**form, "token": "guess"})
        assert refused.status_code == 403 and "wrong access token" in refused.text
        bad = client.post("/digests/subscriptions", data={**form, "email": "coast", "token": TOKEN})
        assert bad.status_code == 400 and "bad e-mail address" in bad.text
        unknown = client.post("/digests/subscriptions", data={**form, "threat": "nonsense", "token": TOKEN})
        assert unknown.status_code == 400 and "unknown threat" in unknown.text
        done = client.post("/digests/subscriptions", data={**form, "token": TOKEN}, follow_redirects=False)
        assert done.status_code == 303
        assert "Lattakia (SY06)" in client.get("/digests").text
        assert client.post("/digests/subscriptions/coast/delete", data={"token": "guess"}).status_code == 403
        assert client.post("/digests/subscriptions/coast/delete", data={"token": TOKEN},
                           follow_redirects=False).status_code == 303
    with Store(data_dir) as store:
        assert [s.name for s in list_subscriptions(store)] == ["afrin"]


def test_the_subscription_api_needs_the_token(data_dir):
    with client_for(data_dir) as client:
        assert client.get("/api/subscriptions").status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        created = client.post("/api/subscriptions", headers=auth, json={
            "name": "idlib", "email": "idlib@example.org", "query": "detain*", "governorate": ["Idlib"]})
        assert created.status_code == 201 and created.json()["filters"] == {"governorate": ["SY07"]}
        assert client.post("/api/subscriptions", headers=auth, json={"name": "x", "email": "nope"}).status_code == 400
        assert {s["name"] for s in client.get("/api/subscriptions", headers=auth).json()} == {"afrin", "idlib"}
        assert client.delete("/api/subscriptions/idlib", headers=auth).status_code == 204
        assert client.delete("/api/subscriptions/idlib", headers=auth).status_code == 404
    with client_for(data_dir, token="") as client:  # no token configured: nobody manages subscriptions from the web
        assert client.get("/api/subscriptions", headers={"Authorization": "Bearer "}).status_code == 403
        page = client.get("/digests")
        assert "COI_DIGEST_TOKEN" in page.text and 'action="/digests/subscriptions"' not in page.text
        assert client.post("/digests/subscriptions", data={"name": "x", "email": "x@example.org",
                                                            "token": ""}).status_code == 403
