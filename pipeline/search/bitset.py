"""Sets of index row ids as Python integers (one bit per row): fast intersections and counts for facets."""

from __future__ import annotations

from typing import Iterable

import numpy as np


def from_rowids(rowids: Iterable[int], size_hint: int = 0) -> int:
    # numpy sets the bits and packs them in C: a Python loop per row id was a quarter of a search's time.
    ids = np.array(rowids, dtype=np.int64) if isinstance(rowids, list) else np.fromiter(rowids, dtype=np.int64)
    if ids.size == 0:
        return 0
    flags = np.zeros(max(size_hint, int(ids.max()) + 1), dtype=np.bool_)
    flags[ids] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


class Membership(frozenset):
    """Constant-time membership tests on a bitset (shifting a large int per test would be linear): the set bits
    as a frozenset, so `rowid in members` runs in C."""

    def __new__(cls, bits: int):
        packed = np.frombuffer(bits.to_bytes((bits.bit_length() >> 3) + 1, "little"), dtype=np.uint8)
        return super().__new__(cls, np.flatnonzero(np.unpackbits(packed, bitorder="little")).tolist())
