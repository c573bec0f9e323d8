"""Bitsets of row ids: the same bits from lists and iterators, and arrays and flags that agree with them."""

import random

from pipeline.search.bitset import from_rowids, to_array, to_flags


def reference(rowids) -> int:
    return sum(1 << rowid for rowid in set(rowids))


def test_from_rowids_sets_exactly_the_given_bits():
    rng = random.Random(3)
    for count in (0, 1, 7, 5000):
        rowids = rng.sample(range(20_000), count)
        assert from_rowids(rowids, 20_001) == reference(rowids)
        assert from_rowids(iter(rowids)) == reference(rowids)  # iterators too, and no size hint needed
    assert from_rowids([3, 3, 8], 2) == 0b100001000  # duplicates are fine; the hint is only a hint


def test_arrays_and_flags_agree_with_the_bits():
    rng = random.Random(4)
    rowids = rng.sample(range(3000), 700)
    bits = reference(rowids)
    assert to_array(bits).tolist() == sorted(rowids)
    flags = to_flags(bits, 3100)
    assert [r for r in range(3100) if flags[r]] == sorted(rowids)
    assert to_array(0).tolist() == [] and not to_flags(0, 10).any()
    assert to_flags(bits, 100).tolist() == [bool(bits >> r & 1) for r in range(100)]  # cut at size
