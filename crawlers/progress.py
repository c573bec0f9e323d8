"""Crawl progress on the console: log lines printed above tqdm's progress bar instead of through it."""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager


class _AboveProgressBar(logging.Handler):
    """A stand-in for a console log handler that prints through tqdm, keeping the handler's level."""

    def __init__(self, original: logging.Handler):
        super().__init__(original.level)
        self.setFormatter(original.formatter)
        self.filters = list(original.filters)

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never break the crawl
            self.handleError(record)


@contextmanager
def logging_above_progress_bar():
    """While active, the console log handlers print through tqdm, so log lines do not break the bar."""
    root = logging.getLogger()
    originals = [h for h in root.handlers if isinstance(h, logging.StreamHandler)
                 and getattr(h, "stream", None) in (sys.stderr, sys.stdout)]
    swaps = [(original, _AboveProgressBar(original)) for original in originals]
    for original, stand_in in swaps:
        root.removeHandler(original)
        root.addHandler(stand_in)
    try:
        yield
    finally:
        for original, stand_in in swaps:
            root.removeHandler(stand_in)
            root.addHandler(original)
