"""The one error extraction raises: a short machine kind and a one-line message for people."""

from __future__ import annotations


class ExtractionError(Exception):
    """A document that cannot be turned into text; .kind is a short word such as "encrypted" or "timeout"."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):
        # The error crosses from the parsing child back to the caller, so it must pickle with its kind.
        return (type(self), (self.kind, str(self)))
