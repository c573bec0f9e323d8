"""Content-addressed archive of raw bodies: <root>/ab/cd/<sha256>, written once, atomically, never changed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class ArchiveCorrupted(OSError):
    """An archived file no longer has the SHA-256 it is stored under: it must not be served as that copy."""


class Archive:
    """Append-only: put() never replaces a stored body, files are made read-only, and get() checks the hash."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, body: bytes) -> str:
        """Store body (if not yet present) and return its SHA-256; the file appears whole or not at all."""
        digest = hashlib.sha256(body).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The body stored under sha256; ArchiveCorrupted if its bytes no longer hash to it."""
        body = self.path_for(sha256).read_bytes()
        if hashlib.sha256(body).hexdigest() != sha256:
            raise ArchiveCorrupted(f"archived copy {sha256} is corrupted: its bytes have another SHA-256")
        return body

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
