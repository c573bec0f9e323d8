"""The store of record: SQLite metadata plus a content-addressed archive of every body we fetched."""

from .archive import Archive
from .records import Extraction, FetchedReport, IngestResult, Passage, SourceInfo, Tag
from .store import STAGES, Store

__all__ = ["Archive", "Extraction", "FetchedReport", "IngestResult", "Passage", "SourceInfo", "STAGES", "Store", "Tag"]
