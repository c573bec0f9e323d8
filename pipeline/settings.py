"""One settings object for the whole pipeline, read from environment variables with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping

# Each setting: environment variable, default, and what it is for. README.md documents the same table.
DOCUMENTED = {
    "data_dir": ("COI_DATA_DIR", "./data", "where the store (SQLite), the archive and the SQLite search index live"),
    "search_backend": ("COI_SEARCH_BACKEND", "", "search backend: sqlite (embedded, zero set-up) or elasticsearch; empty: elasticsearch when COI_ELASTICSEARCH_URL is set, else sqlite"),
    "elasticsearch_url": ("COI_ELASTICSEARCH_URL", "", "Elasticsearch URL, e.g. http://127.0.0.1:9200; setting it switches the backend to Elasticsearch"),
    "elasticsearch_api_key": ("COI_ELASTICSEARCH_API_KEY", "", "Elasticsearch API key (base64 id:key), for clusters with security on"),
    "elasticsearch_user": ("COI_ELASTICSEARCH_USER", "", "Elasticsearch user for basic authentication (with COI_ELASTICSEARCH_PASSWORD)"),
    "elasticsearch_password": ("COI_ELASTICSEARCH_PASSWORD", "", "password for COI_ELASTICSEARCH_USER"),
    "elasticsearch_ca_cert": ("COI_ELASTICSEARCH_CA_CERT", "", "CA certificate file (PEM) for an https:// cluster with its own CA"),
    "elasticsearch_index": ("COI_ELASTICSEARCH_INDEX", "coi-docs", "alias the documents are searched under; indices are <alias>-<timestamp>"),
    "elasticsearch_profile": ("COI_ELASTICSEARCH_PROFILE", "single_node", "index settings from index_config/elasticsearch/profiles.json: single_node or cluster"),
    "contact": ("COI_CONTACT", "coi-pipeline@example.org", "contact address sent in the crawler's User-Agent"),
    "mirror_url": ("COI_MIRROR_URL", "", "if set, every spider crawls this offline mirror instead of the live site"),
    "reliefweb_appname": ("COI_RELIEFWEB_APPNAME", "", "pre-approved ReliefWeb API appname; the ReliefWeb spider refuses to start without one"),
    "max_body_bytes": ("COI_MAX_BODY_BYTES", "52428800", "largest body we fetch, store or parse (bytes)"),
    "max_pdf_pages": ("COI_MAX_PDF_PAGES", "1500", "PDFs with more pages are refused"),
    "extract_timeout": ("COI_EXTRACT_TIMEOUT", "300", "seconds allowed to extract one document"),
    "ocr_languages": ("COI_OCR_LANGUAGES", "eng+ara", "Tesseract languages for pages without a text layer"),
    "ocr_timeout": ("COI_OCR_TIMEOUT", "120", "seconds allowed to OCR one page"),
    "smtp_url": ("COI_SMTP_URL", "", "SMTP server for digests: smtp://host:25, smtp+starttls://host:587 or smtps://host:465; empty: digests go to the outbox"),
    "smtp_user": ("COI_SMTP_USER", "", "SMTP user name (a user in COI_SMTP_URL works too)"),
    "smtp_password": ("COI_SMTP_PASSWORD", "", "SMTP password (kept out of COI_SMTP_URL so it stays out of process listings)"),
    "smtp_ca_cert": ("COI_SMTP_CA_CERT", "", "CA certificate file (PEM) to trust for an SMTP server with its own CA"),
    "digest_from": ("COI_DIGEST_FROM", "coi-digest@example.org", "sender address of digest e-mails"),
    "digest_timezone": ("COI_DIGEST_TIMEZONE", "Europe/Amsterdam", "time zone of digest weeks and of the Monday 07:00 digest job"),
    "digest_skip_empty": ("COI_DIGEST_SKIP_EMPTY", "false", "true: send nothing for a week with no new documents; false: a digest that says so"),
    "outbox": ("COI_OUTBOX", "", "folder for digests as .eml files when no SMTP server is set; empty: <COI_DATA_DIR>/outbox"),
    "public_url": ("COI_PUBLIC_URL", "http://127.0.0.1:8000", "address of the web app, for links to /documents/{id} in digests"),
    "digest_token": ("COI_DIGEST_TOKEN", "", "access token for managing subscriptions in the web app; empty: read-only"),
    "crawl_interval_hours": ("COI_CRAWL_INTERVAL_HOURS", "24", "coi schedule: hours between crawls of a source"),
    "crawl_intervals": ("COI_CRAWL_INTERVALS", "", "coi schedule: per-source hours, e.g. snhr=12,usdos=168"),
    "host": ("COI_HOST", "127.0.0.1", "coi serve: address the web app listens on (0.0.0.0 for every interface)"),
    "port": ("COI_PORT", "8000", "coi serve: port the web app listens on"),
    "search_cache_seconds": ("COI_SEARCH_CACHE_SECONDS", "60", "coi serve: seconds a search's answer is reused for the same search; 0 turns the cache off"),
}

BACKENDS = ("sqlite", "elasticsearch")
_INT_FIELDS = {"max_body_bytes", "max_pdf_pages", "extract_timeout", "ocr_timeout", "crawl_interval_hours", "port",
               "search_cache_seconds"}
_BOOL_FIELDS = {"digest_skip_empty"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./data")
    search_backend: str = "sqlite"
    elasticsearch_url: str = ""
    elasticsearch_api_key: str = ""
    elasticsearch_user: str = ""
    elasticsearch_password: str = ""
    elasticsearch_ca_cert: str = ""
    elasticsearch_index: str = "coi-docs"
    elasticsearch_profile: str = "single_node"
    contact: str = "coi-pipeline@example.org"
    mirror_url: str = ""
    reliefweb_appname: str = ""
    max_body_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 1500
    extract_timeout: int = 300
    ocr_languages: str = "eng+ara"
    ocr_timeout: int = 120
    smtp_url: str = ""
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_ca_cert: str = ""
    digest_from: str = "coi-digest@example.org"
    digest_timezone: str = "Europe/Amsterdam"
    digest_skip_empty: bool = False
    outbox: str = ""
    public_url: str = "http://127.0.0.1:8000"
    digest_token: str = field(default="", repr=False)
    crawl_interval_hours: int = 24
    crawl_intervals: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    search_cache_seconds: int = 60

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from environment variables (os.environ by default); unknown values raise ValueError."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, (var, default, _doc) in DOCUMENTED.items():
            raw = environ.get(var, default)
            if name in _INT_FIELDS:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ValueError(f"{var} must be a whole number, not {raw!r}") from None
            elif name in _BOOL_FIELDS:
                if raw.strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(f"{var} must be true or false, not {raw!r}")
                values[name] = raw.strip().lower() in ("true", "1", "yes")
            elif name == "data_dir":
                values[name] = Path(raw)
            else:
                values[name] = raw
        if not values["search_backend"]:
            values["search_backend"] = "elasticsearch" if values["elasticsearch_url"] else "sqlite"
        if values["search_backend"] not in BACKENDS:
            raise ValueError(f"COI_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {values['search_backend']!r}")
        return cls(**values)

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.sqlite"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def sqlite_index_path(self) -> Path:
        return self.data_dir / "search.sqlite"

    @property
    def outbox_dir(self) -> Path:
        return Path(self.outbox) if self.outbox else self.data_dir / "outbox"

    @property
    def user_agent(self) -> str:
        return f"syria-coi-pipeline/0.1 (+https://github.com/syria-coi/pipeline; {self.contact})"


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]
