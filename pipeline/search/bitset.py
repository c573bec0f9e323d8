"""Sets of index row ids as Python integers (one bit per row): fast intersections and counts for facets."""

from __future__ import annotations

from typing import Iterable


def from_rowids(rowids: Iterable[int], size_hint: int = 0) -> int:
    buffer = bytearray((size_hint >> 3) + 1)
    for rowid in rowids:
        byte = rowid >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1 + len(buffer)))
        buffer[byte] |= 1 << (rowid & 7)
    return int.from_bytes(buffer, "little")


class Membership:
    """Constant-time membership tests on a bitset (shifting a large int per test would be linear)."""

    def __init__(self, bits: int):
        self._bytes = bits.to_bytes((bits.bit_length() >> 3) + 1, "little")

    def __contains__(self, rowid: int) -> bool:
        byte = rowid >> 3
        return byte < len(self._bytes) and bool(self._bytes[byte] >> (rowid & 7) & 1)
