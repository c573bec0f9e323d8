"""Digests over SMTP to a real server on 127.0.0.1 (aiosmtpd): MIME structure, both parts, STARTTLS, TLS, login."""

import re
from email import message_from_bytes, policy

import pytest
from digest_data import build_store
from smtp_server import self_signed_certificate, smtp_server

from pipeline.digest.send import DigestConfig, send_digests
from pipeline.digest.subscriptions import add_subscription, check_subscription
from pipeline.digest.weeks import Week
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Store

pytestmark = [pytest.mark.smtp, pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]
W05 = Week.parse("2025-W05")


@pytest.fixture
def world(tmp_path):
    build_store(tmp_path)
    store = Store(tmp_path)
    add_subscription(store, check_subscription("afrin", "analyst@example.org", filters={"governorate": ["Aleppo"]}))
    backend = SQLiteBackend(Settings(data_dir=tmp_path).sqlite_index_path)
    yield store, backend
    backend.close()
    store.close()


def send(world, tmp_path, **settings):
    store, backend = world
    config = DigestConfig.from_settings(Settings(data_dir=tmp_path, digest_from="digests@coi.example.org", **settings))
    return send_digests(store, backend, config, W05)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_digest_arrives_over_smtp_as_text_and_html(world, tmp_path, security):
    cert, key = self_signed_certificate(tmp_path)
    scheme = {"starttls": "smtp+starttls", "tls": "smtps"}[security]
    with smtp_server(security, (cert, key), user="coi", password="s3cret pass") as (mailbox, port):
        [result] = send(world, tmp_path, smtp_url=f"{scheme}://127.0.0.1:{port}", smtp_user="coi",
                        smtp_password="s3cret pass", smtp_ca_cert=str(cert))
    assert result.status == "sent", result.detail
    assert result.detail == f"smtp {security} 127.0.0.1:{port}"
    [received] = mailbox.messages
    assert received["from"] == "digests@coi.example.org" and received["to"] == ["analyst@example.org"]
    message = message_from_bytes(received["data"], policy=policy.default)
    assert message["Subject"] == "COI digest afrin, week 2025-W05: 2 new documents"
    assert message["To"] == "analyst@example.org" and message["Message-ID"].startswith("<digest.")
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    text, html = (p.get_content() for p in parts)
    for part in (text, html):
        assert "Arbitrary arrests continue in Afrin" in part and "Kurdish civilians were arbitrarily detained" in part
    assert re.search(r"Aleppo +Arbitrary detention +2 +1 +\+1", text)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert not (tmp_path / "outbox").exists()
    # Sent is sent: the next run sends nothing.
    with smtp_server(security, (cert, key), user="coi", password="s3cret pass") as (mailbox, port):
        [again] = send(world, tmp_path, smtp_url=f"{scheme}://127.0.0.1:{port}", smtp_user="coi",
                       smtp_password="s3cret pass", smtp_ca_cert=str(cert))
    assert again.status == "already" and mailbox.messages == []


def test_a_wrong_password_or_a_refused_recipient_fails_and_is_tried_again(world, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    with smtp_server("starttls", (cert, key), user="coi", password="right") as (mailbox, port):
        url = f"smtp+starttls://127.0.0.1:{port}"
        [wrong] = send(world, tmp_path, smtp_url=url, smtp_user="coi", smtp_password="wrong", smtp_ca_cert=str(cert))
        assert wrong.status == "failed" and "SMTPAuthenticationError" in wrong.detail
        mailbox.refuse.add("analyst@example.org")
        [refused] = send(world, tmp_path, smtp_url=url, smtp_user="coi", smtp_password="right", smtp_ca_cert=str(cert))
        assert refused.status == "failed" and "refused" in refused.detail
        mailbox.refuse.clear()
        [sent] = send(world, tmp_path, smtp_url=url, smtp_user="coi", smtp_password="right", smtp_ca_cert=str(cert))
    assert sent.status == "sent" and len(mailbox.messages) == 1


def test_plain_smtp_without_login(world, tmp_path):
    with smtp_server("plain") as (mailbox, port):
        [result] = send(world, tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")
    assert result.status == "sent" and len(mailbox.messages) == 1


def test_a_bad_smtp_url_is_refused_clearly(tmp_path):
    with pytest.raises(ValueError, match="COI_SMTP_URL must look like"):
        DigestConfig.from_settings(Settings(data_dir=tmp_path, smtp_url="http://mail.example.org"))
