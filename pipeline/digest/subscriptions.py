"""Subscriptions: saved searches with an e-mail address, checked before they are stored in the store of record."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from ..search.facets import validate_request
from ..search.model import SearchRequest
from ..store import Store
from ..store.store import utcnow
from ..taxonomy import load_taxonomy

SUBSCRIPTION_FACETS = ("governorate", "district", "group", "threat", "actor")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_NAME = re.compile(r"^[\w][\w .-]{0,79}$")


class SubscriptionError(ValueError):
    """A subscription the user must correct; the message says how."""


@dataclass
class Subscription:
    name: str
    email: str
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    id: int | None = None
    created_at: str = ""

    def request(self, **changes) -> SearchRequest:
        """The saved search as a search request."""
        return SearchRequest(query=self.query, filters={k: list(v) for k, v in self.filters.items()}, **changes)

    def describe(self) -> str:
        """The saved search in words: the query and each filter's values with their labels."""
        taxonomy = load_taxonomy()
        parts = [f'"{self.query}"'] if self.query else []
        parts += [f"{facet}: {', '.join(f'{taxonomy.label(facet, v)} ({v})' if taxonomy.label(facet, v) != v else v for v in values)}"
                  for facet, values in self.filters.items()]
        return "; ".join(parts) or "every new document"


def check_subscription(name: str, email: str, query: str = "", filters: dict[str, list[str]] | None = None) -> Subscription:
    """A valid subscription (region names turned into p-codes), or SubscriptionError saying what is wrong."""
    name, email, query = name.strip(), email.strip(), (query or "").strip()
    if not _NAME.match(name):
        raise SubscriptionError(f"bad subscription name {name!r}: use letters, digits, spaces, '.', '_' or '-' "
                                f"(at most 80)")
    if len(email) > 254 or not _EMAIL.match(email):
        raise SubscriptionError(f"bad e-mail address {email!r}: use one address such as analyst@example.org")
    wanted = {facet: values for facet, values in (filters or {}).items() if values}
    unknown = set(wanted) - set(SUBSCRIPTION_FACETS)
    if unknown:
        raise SubscriptionError(f"subscriptions filter on {', '.join(SUBSCRIPTION_FACETS)}, not {', '.join(sorted(unknown))}")
    try:
        checked = validate_request(SearchRequest(query=query, filters=wanted))
    except ValueError as error:  # InvalidRequest and QuerySyntaxError
        raise SubscriptionError(str(error)) from None
    return Subscription(name=name, email=email, query=query, filters=checked.filters)


def add_subscription(store: Store, subscription: Subscription) -> Subscription:
    """Store a checked subscription; SubscriptionError if the name is taken."""
    now = utcnow()
    try:
        with store.transaction() as db:
            new_id = db.execute(
                "INSERT INTO subscriptions (name, email, query, filters, created_at) VALUES (?, ?, ?, ?, ?)",
                (subscription.name, subscription.email, subscription.query,
                 json.dumps(subscription.filters, sort_keys=True), now)).lastrowid
    except sqlite3.IntegrityError:
        raise SubscriptionError(f"a subscription called {subscription.name!r} exists already; "
                                f"unsubscribe it first or choose another name") from None
    return Subscription(subscription.name, subscription.email, subscription.query, subscription.filters, new_id, now)


def _from_row(row) -> Subscription:
    return Subscription(row["name"], row["email"], row["query"], json.loads(row["filters"]), row["id"], row["created_at"])


def list_subscriptions(store: Store) -> list[Subscription]:
    return [_from_row(row) for row in store.db.execute("SELECT * FROM subscriptions ORDER BY name")]


def get_subscription(store: Store, name: str) -> Subscription | None:
    row = store.db.execute("SELECT * FROM subscriptions WHERE name = ?", (name,)).fetchone()
    return _from_row(row) if row else None


def remove_subscription(store: Store, name: str) -> bool:
    """Delete a subscription (its sent digests stay on record); False if there is none of that name."""
    with store.transaction() as db:
        return db.execute("DELETE FROM subscriptions WHERE name = ?", (name,)).rowcount > 0
