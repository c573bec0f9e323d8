"""One settings object for the whole pipeline, read from environment variables with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Mapping

# Each setting: environment variable, default, and what it is for. README.md documents the same table.
DOCUMENTED = {
    "data_dir": ("COI_DATA_DIR", "./data", "where the store (SQLite), the archive and the SQLite search index live"),
    "search_backend": ("COI_SEARCH_BACKEND", "sqlite", "search backend: sqlite (embedded, zero set-up)"),
    "contact": ("COI_CONTACT", "coi-pipeline@example.org", "contact address sent in the crawler's User-Agent"),
    "mirror_url": ("COI_MIRROR_URL", "", "if set, every spider crawls this offline mirror instead of the live site"),
    "reliefweb_appname": ("COI_RELIEFWEB_APPNAME", "", "pre-approved ReliefWeb API appname; the ReliefWeb spider refuses to start without one"),
    "max_body_bytes": ("COI_MAX_BODY_BYTES", "52428800", "largest body we fetch, store or parse (bytes)"),
    "max_pdf_pages": ("COI_MAX_PDF_PAGES", "1500", "PDFs with more pages are refused"),
    "extract_timeout": ("COI_EXTRACT_TIMEOUT", "300", "seconds allowed to extract one document"),
    "ocr_languages": ("COI_OCR_LANGUAGES", "eng+ara", "Tesseract languages for pages without a text layer"),
    "ocr_timeout": ("COI_OCR_TIMEOUT", "120", "seconds allowed to OCR one page"),
}

BACKENDS = ("sqlite",)
_INT_FIELDS = {"max_body_bytes", "max_pdf_pages", "extract_timeout", "ocr_timeout"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./data")
    search_backend: str = "sqlite"
    contact: str = "coi-pipeline@example.org"
    mirror_url: str = ""
    reliefweb_appname: str = ""
    max_body_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 1500
    extract_timeout: int = 300
    ocr_languages: str = "eng+ara"
    ocr_timeout: int = 120

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
            elif name == "data_dir":
                values[name] = Path(raw)
            else:
                values[name] = raw
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
    def user_agent(self) -> str:
        return f"syria-coi-pipeline/0.1 (+https://github.com/syria-coi/pipeline; {self.contact})"


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]
