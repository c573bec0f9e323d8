"""Bitsets of row ids: the same bits from lists and iterators, and membership that agrees with them."""

import random

from pipeline.search.bitset import Membership, from_rowids


def reference(rowids) -> int:
    return sum(1 << rowid for rowid in set(rowids))


def test_from_rowids_sets_exactly_the_given_bits():
    rng = random.Random(3)
    for count in (0, 1, 7, 5000):
        rowids = rng.sample(range(20_000), count)
        assert from_rowids(rowids, 20_001) == reference(rowids)
        assert from_rowids(iter(rowids)) == reference(rowids)  # iterators too, and no size hint needed
    assert from_rowids([3, 3, 8], 2) == 0b100001000  # duplicates are fine; the hint is only a hint


def test_membership_agrees_with_the_bits():
    rng = random.Random(4)
    bits = reference(rng.sample(range(3000), 700))
    members = Membership(bits)
    assert [r for r in range(3100) if r in members] == [r for r in range(3100) if bits >> r & 1]
    assert 5 not in Membership(0)
