"""The digest part of `coi demo`: one subscription and this week's digest of it, written to the outbox."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..search.backend import SearchBackend
from ..store import Store
from .send import DigestConfig, send_digests
from .subscriptions import add_subscription, check_subscription, get_subscription
from .weeks import Week

DEMO_SUBSCRIPTION = "demo-everything"


def write_sample_digest(store: Store, backend: SearchBackend, settings) -> tuple[Path, int]:
    """Subscribe a demo address to everything and write this week's digest (the demo's documents were first seen
    today) to the outbox; returns the .eml file and how many documents it lists."""
    settings = settings.with_changes(smtp_url="", outbox=str(settings.outbox_dir))
    if get_subscription(store, DEMO_SUBSCRIPTION) is None:
        add_subscription(store, check_subscription(DEMO_SUBSCRIPTION, "analyst@example.org"))
    config = DigestConfig.from_settings(settings)
    week = Week.containing(datetime.now(config.timezone).date())
    [result] = send_digests(store, backend, config, week, [DEMO_SUBSCRIPTION], resend=True)
    if result.status != "sent":
        raise RuntimeError(f"the sample digest was not written: {result.status} {result.detail}")
    return Path(result.detail), result.documents
