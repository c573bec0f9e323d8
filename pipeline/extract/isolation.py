"""Run parses in a separate worker process that is killed when time is up, so no parser can hang or crash us."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from multiprocessing import Pipe

from .errors import ExtractionError

log = logging.getLogger(__name__)

_STARTUP_TIMEOUT = 120  # seconds for a fresh worker to import the parsers

# One worker (worker.py, run as `python -m pipeline.extract.worker`) serves document after document over a pipe, so a
# document costs two pickles (body in, Extraction out), about 1-3 ms, rather than a process start (about 0.4 s). It is
# replaced when killed on a timeout, when it crashes, and after worker.JOBS_PER_WORKER documents or
# worker.MAX_WORKER_RSS of memory.


class _Worker:
    def __init__(self):
        self.connection, child_end = Pipe()
        # A fresh interpreter rather than fork: the caller may run threads (tqdm, HTTP clients), and a forked copy
        # of those can deadlock. Its own session, so a kill on timeout also reaches the tesseract it runs.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen([sys.executable, "-m", "pipeline.extract.worker", str(child_end.fileno())],
                                        pass_fds=(child_end.fileno(),), start_new_session=True, env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        child_end.close()
        self.owner = os.getpid()
        try:
            ready = self.connection.poll(_STARTUP_TIMEOUT) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise ExtractionError("crashed", f"the extraction worker did not start ({self.exit_reason()})")

    def alive(self) -> bool:
        return self.process.poll() is None

    def exit_reason(self) -> str:
        code = self.process.poll()
        if code is not None and code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"

    def stop(self) -> None:
        self.connection.close()
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


_lock = threading.Lock()
_worker: _Worker | None = None


def run_isolated(function, args: tuple, timeout: float):
    """function(*args) (module-level, picklable) in the worker: "timeout" after timeout seconds, "crashed" if it dies.

    The clock starts once the worker is ready, so starting a fresh one (about a second) is not charged to the
    document. Calls from several threads take turns.
    """
    global _worker
    with _lock:
        if _worker is not None and (_worker.owner != os.getpid() or not _worker.alive()):
            if _worker.owner == os.getpid():
                _worker.stop()
            _worker = None
        if _worker is None:
            _worker = _Worker()
        worker = _worker
        started = time.monotonic()
        try:
            worker.connection.send((function, args))
            if not worker.connection.poll(max(timeout, 0.0)):
                raise ExtractionError("timeout", f"extraction took longer than {timeout:g} s and was stopped")
            retiring, outcome = worker.connection.recv()
        except (EOFError, OSError):
            _worker = None
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(5)
            reason = worker.exit_reason()
            worker.stop()
            raise ExtractionError("crashed", f"the parser crashed ({reason}); the document is probably "
                                             f"malformed") from None
        except BaseException:
            _worker = None  # timed out or interrupted mid-document: this worker cannot serve again
            worker.stop()
            raise
        if retiring:
            _worker = None
            worker.stop()
    log.debug("isolated %s took %.3f s", getattr(function, "__name__", function), time.monotonic() - started)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "error":
        raise outcome[1]
    log.warning("parser error: %s", outcome[2])
    raise ExtractionError("parser_error", f"the parser failed: {outcome[1]}")


def shutdown() -> None:
    """Stop the worker now (it also stops by itself when this process exits and the pipe closes)."""
    global _worker
    with _lock:
        if _worker is not None and _worker.owner == os.getpid():
            _worker.stop()
        _worker = None
