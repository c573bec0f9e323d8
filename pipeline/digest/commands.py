"""The digest commands: `coi subscribe`, `coi subscriptions`, `coi unsubscribe`, `coi digest`, `coi digests` and
`coi schedule`."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from datetime import datetime

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FILTER_FLAGS = ("governorate", "district", "group", "threat", "actor")


def _fail(message: str) -> int:
    print(f"coi: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _settings():
    from ..settings import Settings

    return Settings.from_env()


def _values(option_values: list[str] | None) -> list[str]:
    return [v.strip() for raw in option_values or [] for v in raw.split(",") if v.strip()]


def cmd_subscribe(args) -> int:
    from ..store import Store
    from .subscriptions import SubscriptionError, add_subscription, check_subscription

    filters = {facet: _values(getattr(args, facet)) for facet in FILTER_FLAGS}
    try:
        subscription = check_subscription(args.name, args.email, args.query or "", filters)
        with Store(_settings().data_dir) as store:
            subscription = add_subscription(store, subscription)
    except (SubscriptionError, ValueError) as error:
        return _fail(str(error))
    print(f"subscribed {subscription.email} to {subscription.name!r}: {subscription.describe()}")
    return EXIT_OK


def cmd_subscriptions(args) -> int:
    from ..store import Store
    from .subscriptions import list_subscriptions

    with Store(_settings().data_dir) as store:
        subscriptions = list_subscriptions(store)
    if args.format == "json":
        print(json.dumps([{"name": s.name, "email": s.email, "query": s.query, "filters": s.filters,
                           "created_at": s.created_at} for s in subscriptions], indent=1, ensure_ascii=False))
    elif not subscriptions:
        print("no subscriptions; add one with coi subscribe --name NAME --email ADDRESS [QUERY] [--governorate ...]")
    for s in subscriptions if args.format == "text" else []:
        print(f"{s.name}: {s.email}; {s.describe()} (since {s.created_at[:10]})")
    return EXIT_OK


def cmd_unsubscribe(args) -> int:
    from ..store import Store
    from .subscriptions import remove_subscription

    with Store(_settings().data_dir) as store:
        if not remove_subscription(store, args.name):
            return _fail(f"no subscription called {args.name!r}; coi subscriptions lists them")
    print(f"unsubscribed {args.name!r}; the digests sent to it stay on record")
    return EXIT_OK


def cmd_digest(args) -> int:
    from ..search.backend import open_backend
    from ..store import Store
    from .send import DigestConfig, render_week, send_digests
    from .weeks import Week, last_complete_week

    try:
        settings = _settings()
        config = DigestConfig.from_settings(settings)
        week = Week.parse(args.week) if args.week else last_complete_week(datetime.now(config.timezone),
                                                                           config.timezone)
    except ValueError as error:
        return _fail(str(error))
    names = args.subscription or None
    if args.resend and not names:
        return _fail("--resend needs --subscription NAME: it may send a digest a second time")
    with Store(settings.data_dir) as store:
        backend = open_backend(settings)
        try:
            if args.dry_run:
                rendered = render_week(store, backend, config, week, names)
            else:
                results = send_digests(store, backend, config, week, names, resend=args.resend)
        except ValueError as error:
            return _fail(str(error))
        finally:
            backend.close()
    if args.dry_run:
        if not rendered:
            print("no subscriptions; add one with coi subscribe")
        for subscription, digest, _count in rendered:
            print(f"To: {subscription.email}\nSubject: {digest.subject}\n")
            print(digest.html if args.html else digest.text)
        return EXIT_OK
    if not results:
        print("no subscriptions; add one with coi subscribe")
    for result in results:
        print(f"{result.week} {result.subscription} -> {result.email}: {result.status} "
              f"({result.documents} documents) {result.detail}".rstrip())
    return EXIT_FAILED if any(r.status in ("failed", "in_doubt") for r in results) else EXIT_OK


def cmd_digests(args) -> int:
    from ..store import Store
    from .send import sent_digests

    with Store(_settings().data_dir) as store:
        rows = sent_digests(store, args.limit)
    if args.format == "json":
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        print(f"{row['week']} {row['subscription_name']} -> {row['email']}: {row['status']} "
              f"({row['documents']} documents) {row['delivery'] or row['error'] or ''}".rstrip())
    if not rows:
        print("no digests sent yet")
    return EXIT_OK


def cmd_schedule(args) -> int:
    from crawlers.sources import source_ids

    from . import jobs
    from .schedule import build_scheduler, install_jobs, list_jobs

    try:
        settings = _settings()
        scheduler = build_scheduler(settings)
        scheduler.start(paused=True)
        install_jobs(scheduler, settings, source_ids())
    except ValueError as error:
        return _fail(str(error))
    if args.list:
        for job in list_jobs(scheduler):
            when = job.next_run.isoformat() if job.next_run else "paused"
            print(f"{job.id:<16} next {when:<27} {job.trigger:<40} {job.name}")
        scheduler.shutdown(wait=False)
        return EXIT_OK
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum, _frame):
        print(f"coi schedule: {signal.Signals(signum).name}: stopping after the running jobs", flush=True)
        jobs.stop_children()
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    jobs.configure(settings)
    scheduler.resume()
    print(f"coi schedule: started with {len(scheduler.get_jobs())} jobs in {settings.store_path} "
          f"(time zone {settings.digest_timezone}); SIGTERM stops it", flush=True)
    while not stop.wait(1):
        pass
    scheduler.shutdown(wait=True)
    print("coi schedule: stopped", flush=True)
    return EXIT_OK


def register_digest(commands) -> None:
    """Add the subscription, digest and schedule commands to the coi command line."""
    subscribe = commands.add_parser("subscribe", help="save a search and e-mail its weekly digest to an address")
    subscribe.add_argument("query", nargs="?", default="", help="search query, as for coi search (optional)")
    subscribe.add_argument("--name", required=True, help="a name for the subscription, unique")
    subscribe.add_argument("--email", required=True, help="where the digest goes")
    for facet in FILTER_FLAGS:
        subscribe.add_argument(f"--{facet}", action="append", metavar="VALUE",
                               help=f"{facet}: any of these values (repeat or comma-separate)")
    subscribe.set_defaults(func=cmd_subscribe)

    subscriptions = commands.add_parser("subscriptions", help="list the subscriptions")
    subscriptions.add_argument("--format", choices=("text", "json"), default="text")
    subscriptions.set_defaults(func=cmd_subscriptions)

    unsubscribe = commands.add_parser("unsubscribe", help="delete a subscription")
    unsubscribe.add_argument("name")
    unsubscribe.set_defaults(func=cmd_unsubscribe)

    digest = commands.add_parser("digest", help="send (or with --dry-run show) the digests of one ISO week")
    digest.add_argument("--week", help="ISO week such as 2025-W05 (default: the last complete week)")
    digest.add_argument("--dry-run", action="store_true", help="print the digests; send and record nothing")
    digest.add_argument("--html", action="store_true", help="with --dry-run: print the HTML part")
    digest.add_argument("--subscription", action="append", metavar="NAME", help="only this subscription (repeatable)")
    digest.add_argument("--resend", action="store_true", help="send again even if sent or in doubt (with --subscription)")
    digest.set_defaults(func=cmd_digest)

    digests = commands.add_parser("digests", help="the digests sent, newest week first")
    digests.add_argument("--limit", type=int, default=50)
    digests.add_argument("--format", choices=("text", "json"), default="text")
    digests.set_defaults(func=cmd_digests)

    schedule = commands.add_parser("schedule", help="run crawls, processing, indexing and the weekly digest on a "
                                                    "schedule kept in the store")
    schedule.add_argument("--list", action="store_true", help="show every job and its next run, then exit")
    schedule.set_defaults(func=cmd_schedule)
