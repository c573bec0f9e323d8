"""send_digests(week): every subscription's digest for one week, each (subscription, week) sent at most once.

A row in digest_sends is claimed ('sending') before the message leaves and marked 'sent' after the server accepted
it, so a run killed at any point and started again never sends a digest twice. A row left 'sending' by a killed run
is in doubt: an outbox file is simply written again (same file name, no copy), but over SMTP nobody can know if the
server took it, so it is reported and only sent again on request (`coi digest --subscription NAME --resend`)."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from ..search.backend import SearchBackend
from ..store import Store
from ..store.store import utcnow
from .content import build_digest
from .delivery import DeliveryError, SmtpConfig, build_message, outbox_path, send_smtp, write_outbox
from .render import RenderedDigest, render_digest
from .subscriptions import Subscription, list_subscriptions
from .weeks import Week

# A delivery callable gets the message, the subscription and the week and returns where the message went.
Deliver = Callable[..., str]


@dataclass
class SendResult:
    subscription: str
    email: str
    week: str
    status: str  # sent, skipped, already (sent or skipped before), in_doubt, failed
    detail: str = ""
    documents: int = 0


@dataclass
class DigestConfig:
    """What sending needs from the settings."""

    timezone: ZoneInfo
    sender: str
    public_url: str
    skip_empty: bool
    outbox: Path
    smtp: SmtpConfig | None

    @classmethod
    def from_settings(cls, settings) -> "DigestConfig":
        from .weeks import zone

        return cls(zone(settings.digest_timezone), settings.digest_from, settings.public_url,
                   settings.digest_skip_empty, settings.outbox_dir, SmtpConfig.from_settings(settings))


def render_week(store: Store, backend: SearchBackend, config: DigestConfig, week: Week,
                names: list[str] | None = None) -> list[tuple[Subscription, RenderedDigest, int]]:
    """Render every chosen subscription's digest for a week without sending or recording anything."""
    out = []
    for subscription in _chosen(store, names):
        digest = build_digest(store, backend, subscription, week, config.timezone, config.public_url)
        out.append((subscription, render_digest(digest), len(digest.entries)))
    return out


def _chosen(store: Store, names: list[str] | None) -> list[Subscription]:
    subscriptions = list_subscriptions(store)
    if names:
        unknown = set(names) - {s.name for s in subscriptions}
        if unknown:
            raise ValueError(f"no subscription called {', '.join(sorted(unknown))}; `coi subscriptions` lists them")
        subscriptions = [s for s in subscriptions if s.name in names]
    return subscriptions


def send_digests(store: Store, backend: SearchBackend, config: DigestConfig, week: Week,
                 names: list[str] | None = None, resend: bool = False) -> list[SendResult]:
    """Send the week's digest of every chosen subscription that has not had it; returns what happened to each.
    resend: send again even if it was sent, or is in doubt (only with names, as the user asked for it)."""
    results = []
    for subscription in _chosen(store, names):
        if resend:
            with store.transaction() as db:
                db.execute("DELETE FROM digest_sends WHERE subscription_id = ? AND week = ?",
                           (subscription.id, str(week)))
        results.append(_send_one(store, backend, config, subscription, week))
    return results


def _row(store: Store, subscription: Subscription, week: Week):
    return store.db.execute("SELECT * FROM digest_sends WHERE subscription_id = ? AND week = ?",
                            (subscription.id, str(week))).fetchone()


def _send_one(store: Store, backend: SearchBackend, config: DigestConfig, subscription: Subscription,
              week: Week) -> SendResult:
    result = SendResult(subscription.name, subscription.email, str(week), "")
    row = _row(store, subscription, week)
    if row is not None and row["status"] in ("sent", "skipped"):
        result.status, result.detail, result.documents = "already", f"{row['status']} {row['finished_at']}", row["documents"]
        return result
    if row is not None and row["status"] == "sending":
        if config.smtp is None:  # an outbox file has a fixed name: writing it again cannot make a second copy
            return _deliver(store, config, subscription, week, row["message_id"], row, result)
        result.status = "in_doubt"
        result.detail = (f"a run stopped while sending it at {row['started_at']}; not sent again "
                         f"(coi digest --week {week} --subscription '{subscription.name}' --resend sends it anyway)")
        return result
    digest = build_digest(store, backend, subscription, week, config.timezone, config.public_url)
    result.documents = len(digest.entries)
    if digest.empty and config.skip_empty:
        _record(store, subscription, week, "skipped", row is not None)
        result.status, result.detail = "skipped", "no new documents"
        return result
    rendered = render_digest(digest)
    domain = config.sender.rpartition("@")[2] or "localhost"
    message_id = f"<digest.{subscription.id}.{week}.{uuid.uuid4().hex[:12]}@{domain}>"
    if not _claim(store, subscription, week, rendered, message_id, result.documents, retry=row is not None):
        result.status, result.detail = "already", "another run is sending it"
        return result
    return _deliver(store, config, subscription, week, message_id, _row(store, subscription, week), result)


def _record(store: Store, subscription: Subscription, week: Week, status: str, exists: bool) -> None:
    now = utcnow()
    with store.transaction() as db:
        if exists:
            db.execute("UPDATE digest_sends SET status = ?, finished_at = ?, attempts = attempts + 1 "
                       "WHERE subscription_id = ? AND week = ?", (status, now, subscription.id, str(week)))
        else:
            db.execute("INSERT INTO digest_sends (subscription_id, week, subscription_name, email, status, started_at, "
                       "finished_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                       (subscription.id, str(week), subscription.name, subscription.email, status, now, now))


def _claim(store: Store, subscription: Subscription, week: Week, rendered: RenderedDigest, message_id: str,
           documents: int, retry: bool) -> bool:
    """Record the digest as being sent; False if another run got there first."""
    values = (subscription.name, subscription.email, message_id, rendered.subject, documents, rendered.text,
              rendered.html, utcnow())
    with store.transaction() as db:
        if retry:  # only a failed attempt may be taken over
            return db.execute(
                """UPDATE digest_sends SET subscription_name = ?, email = ?, message_id = ?, subject = ?, documents = ?,
                     text_body = ?, html_body = ?, started_at = ?, status = 'sending', error = NULL,
                     attempts = attempts + 1 WHERE subscription_id = ? AND week = ? AND status = 'failed'""",
                (*values, subscription.id, str(week))).rowcount == 1
        try:
            db.execute(
                """INSERT INTO digest_sends (subscription_name, email, message_id, subject, documents, text_body,
                     html_body, started_at, subscription_id, week, status, attempts)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', 1)""", (*values, subscription.id, str(week)))
        except sqlite3.IntegrityError:
            return False
    return True


def _deliver(store: Store, config: DigestConfig, subscription: Subscription, week: Week, message_id: str, row,
             result: SendResult) -> SendResult:
    rendered = RenderedDigest(row["subject"], row["text_body"], row["html_body"])
    message = build_message(rendered, config.sender, row["email"], message_id, f"{subscription.name} {week}")
    result.documents = row["documents"]
    try:
        if config.smtp is None:
            where = write_outbox(outbox_path(config.outbox, str(week), subscription.name), message)
        else:
            where = send_smtp(config.smtp, message)
    except DeliveryError as error:
        if error.certain:
            with store.transaction() as db:
                db.execute("UPDATE digest_sends SET status = 'failed', error = ?, finished_at = ? "
                           "WHERE subscription_id = ? AND week = ?", (str(error), utcnow(), subscription.id, str(week)))
            result.status, result.detail = "failed", f"{error} (tried again on the next run)"
        else:
            result.status, result.detail = "in_doubt", str(error)
        return result
    with store.transaction() as db:
        db.execute("UPDATE digest_sends SET status = 'sent', delivery = ?, finished_at = ? "
                   "WHERE subscription_id = ? AND week = ?", (where, utcnow(), subscription.id, str(week)))
    result.status, result.detail = "sent", where
    return result


def sent_digests(store: Store, limit: int = 100) -> list[dict]:
    """The most recent digests on record (newest week first), without their bodies."""
    rows = store.db.execute(
        """SELECT subscription_id, week, subscription_name, email, status, message_id, subject, documents, delivery,
                  error, attempts, started_at, finished_at FROM digest_sends
           ORDER BY week DESC, subscription_name LIMIT ?""", (limit,))
    return [dict(row) for row in rows]


def sent_digest(store: Store, subscription_id: int, week: str) -> dict | None:
    """One recorded digest with its text and HTML."""
    row = store.db.execute("SELECT * FROM digest_sends WHERE subscription_id = ? AND week = ?",
                           (subscription_id, week)).fetchone()
    return dict(row) if row else None
