"""Exactly once: the sender is killed mid-run (SIGKILL) and started again; every (subscription, week) arrives once."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from digest_data import build_store
from smtp_server import smtp_server

from pipeline.digest.send import DigestConfig, send_digests
from pipeline.digest.subscriptions import add_subscription, check_subscription, list_subscriptions
from pipeline.digest.weeks import Week
from pipeline.search.sqlite import SQLiteBackend
from pipeline.settings import Settings
from pipeline.store import Store

ROOT = Path(__file__).parents[1]
NAMES = ["afrin", "aleppo", "coast", "everything"]
FILTERS = [{"district": ["Afrin"]}, {"governorate": ["Aleppo"]}, {"group": ["alawites"]}, {}]
WEEKS = ["2025-W05", "2025-W06"]


def sender(data_dir: Path, port: int, week: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COI_DATA_DIR": str(data_dir),
           "COI_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "digest", "--week", week], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.smtp
def test_a_sender_killed_mid_run_resumes_without_sending_anything_twice(tmp_path):
    build_store(tmp_path)
    with Store(tmp_path) as store:
        for name, filters in zip(NAMES, FILTERS):
            add_subscription(store, check_subscription(name, f"{name}@example.org", filters=filters))
    with smtp_server("plain") as (mailbox, port):
        # Week 5: killed on its first message; week 6: on its third, after two were sent and recorded.
        for week, kill_at in zip(WEEKS, (1, 3)):
            mailbox.hold_at, mailbox.held = {len(mailbox.messages) + kill_at}, threading.Event()
            first = sender(tmp_path, port, week)
            # The server holds this message: it has it whole, the sender has not heard "250" yet. Kill it now.
            assert mailbox.held.wait(60), first.communicate(timeout=5)[0]
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            assert first.returncode == -signal.SIGKILL
            restarted = sender(tmp_path, port, week)
            output = restarted.communicate(timeout=120)[0]
            # The one in doubt is reported, not sent again; the others are sent now.
            assert output.count(": in_doubt ") == 1, output
            assert output.count(": sent ") == len(NAMES) - kill_at, output
            assert output.count(": already ") == kill_at - 1, output
            again = sender(tmp_path, port, week)
            assert ": sent " not in again.communicate(timeout=120)[0]
        received = Counter()
        for message in mailbox.messages:
            parsed = message_from_bytes(message["data"], policy=policy.default)
            name, week = parsed["X-COI-Digest"].rsplit(" ", 1)
            assert parsed["To"] == f"{name}@example.org"
            received[(name, week)] += 1
    assert received == Counter({(name, week): 1 for name in NAMES for week in WEEKS})


def test_an_outbox_digest_left_half_sent_is_written_once_on_restart(tmp_path):
    build_store(tmp_path)
    settings = Settings(data_dir=tmp_path)
    week = Week.parse("2025-W05")
    with Store(tmp_path) as store:
        add_subscription(store, check_subscription("coast", "analyst@example.org", filters={"group": ["alawites"]}))
        backend = SQLiteBackend(settings.sqlite_index_path)
        config = DigestConfig.from_settings(settings)
        [sent] = send_digests(store, backend, config, week)
        # As if the run had been killed between claiming the digest and writing the file.
        path = Path(sent.detail)
        path.unlink()
        [subscription] = list_subscriptions(store)
        store.db.execute("UPDATE digest_sends SET status = 'sending' WHERE subscription_id = ?", (subscription.id,))
        [resumed] = send_digests(store, backend, config, week)
        [again] = send_digests(store, backend, config, week)
        backend.close()
    assert (resumed.status, again.status) == ("sent", "already")
    assert [p.name for p in path.parent.iterdir()] == ["coast.eml"]
