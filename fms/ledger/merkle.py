"""The transparency log's Merkle tree, exactly as RFC 9162 §2.1 defines it; pure (no Django, no I/O).

    leaf hash  = SHA-256(0x00 ‖ leaf)              (RFC 9162 §2.1.1; our leaf is an event's 32-byte hash)
    node hash  = SHA-256(0x01 ‖ left ‖ right)
    MTH({})    = SHA-256("")

The tree is stored and read as *perfect subtrees*: node (level, index) is the hash of the 2**level
leaves from index·2**level. Every subtree that RFC 9162's recursions (MTH, PATH, PROOF) ever hash is
aligned so that it splits into a few perfect subtrees, largest first; its MTH is their right fold.
So a proof needs O(log n) stored nodes (`proof_nodes`), never the leaves: the caller fetches those
nodes in one query and hands them to `inclusion_proof` / `consistency_proof`.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step (they are what a client runs;
docs/verify_ledger_proofs.py carries its own copy for purchasers).
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index): the perfect subtree of leaves [index·2**level, (index+1)·2**level)
Range = tuple[int, int]  # [start, end) of leaves


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k of RFC 9162 §2.1.1: the largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up the RFC subtree of leaves [start, end), left to right."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 9162 tree")
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def range_hash(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH of leaves [start, end) from the stored perfect subtrees: a right fold, since RFC 9162's split
    puts the largest perfect subtree on the left at every level."""
    return _fold([nodes[node] for node in range_nodes(start, end)])


def _fold(hashes: Sequence[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _check_size(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The subtrees whose MTHs make PATH(index, D[size]) (RFC 9162 §2.1.3.1), in the RFC's order
    (the sibling nearest the leaf first)."""
    _check_size(index, size)
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The subtrees whose MTHs make PROOF(first, D[second]) (RFC 9162 §2.1.4.1), in the RFC's order."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    if first in (0, second):
        return []
    ranges: list[Range] = []
    start, end, m, complete = 0, second, first, True  # SUBPROOF(m, D[start:end], complete)
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def proof_nodes(ranges: Iterable[Range]) -> set[Node]:
    """The stored nodes a proof over these ranges needs (fetch them at once, then hash)."""
    return {node for start, end in ranges for node in range_nodes(start, end)}


def proof_from(ranges: Sequence[Range], nodes: Mapping[Node, bytes]) -> list[bytes]:
    return [range_hash(start, end, nodes) for start, end in ranges]


def inclusion_proof(index: int, size: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    return proof_from(inclusion_ranges(index, size), nodes)


def consistency_proof(first: int, second: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    return proof_from(consistency_ranges(first, second), nodes)


def root(size: int, nodes: Mapping[Node, bytes]) -> bytes:
    return range_hash(0, size, nodes)


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf_hash_: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove leaf `index` (with this leaf hash) in the tree of `size`?"""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in path):
        return False
    fn, sn, r = index, size - 1, leaf_hash_
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show the tree of `second` extends the tree of `first`?"""
    if not 0 <= first <= second or any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == second:
        return not proof and first_hash == second_hash
    if first == 0:
        return not proof and first_hash == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the first tree is itself a subtree
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


class Frontier:
    """The right edge of a growing tree: the perfect subtrees that cover [0, size), largest first.

    Appending a leaf yields every node it completes (the leaf's own hash at level 0 and each parent
    it closes), which is what the log stores; `root()` is the current MTH in O(log n).
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()):
        if len(hashes) != len(range_nodes(0, size)):
            raise ValueError(f"a tree of {size} has {len(range_nodes(0, size))} frontier nodes, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index, level = self.size, 0
        current = leaf_hash(leaf)
        completed = [(level, index, current)]
        while index & 1:  # a right child: it closes its parent with the left sibling on the stack
            current = node_hash(self.hashes.pop(), current)
            level, index = level + 1, index >> 1
            completed.append((level, index, current))
        self.hashes.append(current)
        self.size += 1
        return completed

    def root(self) -> bytes:
        return _fold(self.hashes)
