"""The extraction worker process: runs the parse calls that isolation.py sends it, one after another."""

from __future__ import annotations

import logging
import resource
import sys
import traceback
from multiprocessing.connection import Connection

from .errors import ExtractionError

JOBS_PER_WORKER = 200
MAX_WORKER_RSS = 2 * 1024 ** 3  # bytes


def serve(connection: Connection) -> None:
    """(function, args) in; (retiring, ("ok", result) | ("error", ExtractionError) | ("bug", message, trace)) out."""
    from . import parse  # noqa: F401 - pay for the parser imports once, before the first deadline

    # trafilatura and its helpers log their judgement of every page at ERROR; the caller gets our errors instead.
    for name in ("trafilatura", "htmldate", "justext", "readability", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    connection.send("ready")
    for jobs in range(1, JOBS_PER_WORKER + 1):
        try:
            function, args = connection.recv()
        except EOFError:
            return  # the caller went away
        try:
            outcome = ("ok", function(*args))
        except ExtractionError as error:
            outcome = ("error", error)
        except Exception as error:  # noqa: BLE001 - every parser failure must reach the caller as a message
            outcome = ("bug", f"{type(error).__name__}: {error}", traceback.format_exc())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # ru_maxrss is in kilobytes on Linux
        # Parsers leak a little per document; a fresh worker now and then keeps that from piling up.
        retiring = jobs == JOBS_PER_WORKER or peak > MAX_WORKER_RSS
        connection.send((retiring, outcome))
        if retiring:
            return


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
