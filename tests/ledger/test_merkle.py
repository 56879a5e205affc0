"""RFC 9162 §2.1: the stored-subtree implementation against the RFC's own recursive definitions,
against published known answers, and its verifiers against tampered proofs."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fms.ledger import merkle

# ---- The RFC's definitions, transcribed literally over a list of leaves (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1)


def naive_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, leaves[:k], b), naive_mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_mth(leaves[:k])]


def naive_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    return naive_subproof(m, leaves, True) if 0 < m < len(leaves) else []


def stored(leaves: list[bytes]) -> dict[merkle.Node, bytes]:
    """Every node the log would store after appending these leaves one by one."""
    frontier = merkle.Frontier()
    nodes = {}
    for leaf in leaves:
        for level, index, value in frontier.append(leaf):
            nodes[level, index] = value
    return nodes


def leaves_of(count: int) -> list[bytes]:
    return [hashlib.sha256(f"event {i}".encode()).digest() for i in range(count)]


# ---- Known answers: the Certificate Transparency reference leaves and roots (transparency-dev/merkle
# testonly/constants.go, the same trees as RFC 6962's reference tests)

CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657")] + [
    bytes.fromhex("606162636465666768696a6b6c6d6e6f")
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CT_CONSISTENCY = [
    (
        2,
        8,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


@pytest.mark.parametrize("size", range(9))
def test_root_matches_the_published_root_for_every_size(size):
    assert merkle.root(size, stored(CT_LEAVES[:size])).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_inclusion_proof_matches_the_published_proof(index, size, expected):
    proof = merkle.inclusion_proof(index, size, stored(CT_LEAVES))
    assert [p.hex() for p in proof] == expected
    root = bytes.fromhex(CT_ROOTS[size])
    assert merkle.verify_inclusion(merkle.leaf_hash(CT_LEAVES[index]), index, size, proof, root)


@pytest.mark.parametrize(("first", "second", "expected"), CT_CONSISTENCY)
def test_consistency_proof_matches_the_published_proof(first, second, expected):
    proof = merkle.consistency_proof(first, second, stored(CT_LEAVES))
    assert [p.hex() for p in proof] == expected
    assert merkle.verify_consistency(
        first, second, bytes.fromhex(CT_ROOTS[first]), bytes.fromhex(CT_ROOTS[second]), proof
    )


def test_hashing_uses_the_rfc_prefixes():
    left, right = b"L" * 32, b"R" * 32
    assert merkle.leaf_hash(left) == hashlib.sha256(b"\x00" + left).digest()
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert merkle.node_hash(left, right) != merkle.node_hash(right, left)


# ---- Every shape of 1–8 leaves against the naive recursion, then random sizes with hypothesis


def _agrees_with_the_rfc(leaves: list[bytes]) -> None:
    n = len(leaves)
    nodes = stored(leaves)
    assert merkle.root(n, nodes) == naive_mth(leaves)
    for m in range(n):
        assert merkle.inclusion_proof(m, n, nodes) == naive_path(m, leaves), (m, n)
    for m in range(n + 1):
        assert merkle.consistency_proof(m, n, nodes) == naive_proof(m, leaves), (m, n)


@pytest.mark.parametrize("size", range(1, 9))
def test_every_proof_of_a_small_tree_is_the_rfcs(size):
    _agrees_with_the_rfc(leaves_of(size))


@settings(deadline=None, max_examples=40)  # the naive recursion is quadratic: slow, not flaky
@given(st.integers(min_value=1, max_value=200))
def test_every_proof_of_a_random_size_is_the_rfcs(size):
    _agrees_with_the_rfc(leaves_of(size))


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=5000), st.data())
def test_proofs_of_random_trees_verify(size, data):
    leaves = leaves_of(size)
    nodes = stored(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    first = data.draw(st.integers(min_value=0, max_value=size))
    root = merkle.root(size, nodes)
    path = merkle.inclusion_proof(index, size, nodes)
    assert merkle.verify_inclusion(merkle.leaf_hash(leaves[index]), index, size, path, root)
    proof = merkle.consistency_proof(first, size, nodes)
    assert merkle.verify_consistency(first, size, merkle.root(first, nodes), root, proof)


def test_the_frontier_root_is_the_mth_after_every_append():
    leaves = leaves_of(40)
    frontier = merkle.Frontier()
    for count, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        assert frontier.root() == naive_mth(leaves[:count])


def test_a_frontier_resumes_from_stored_nodes():
    leaves = leaves_of(23)
    nodes = stored(leaves[:13])
    resumed = merkle.Frontier(13, [nodes[node] for node in merkle.range_nodes(0, 13)])
    for leaf in leaves[13:]:
        resumed.append(leaf)
    assert resumed.root() == naive_mth(leaves)


def test_a_frontier_with_the_wrong_number_of_nodes_is_refused():
    with pytest.raises(ValueError, match="a tree of 13 has 3 frontier nodes, not 2"):
        merkle.Frontier(13, [b"x" * 32, b"y" * 32])


# ---- The verifiers refuse what does not prove the claim

SIZE = 13
LEAVES = leaves_of(SIZE)
NODES = stored(LEAVES)
ROOT = merkle.root(SIZE, NODES)


@pytest.mark.parametrize("index", range(SIZE))
def test_a_tampered_inclusion_proof_is_refused(index):
    leaf = merkle.leaf_hash(LEAVES[index])
    path = merkle.inclusion_proof(index, SIZE, NODES)
    assert merkle.verify_inclusion(leaf, index, SIZE, path, ROOT)
    flipped = [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]
    assert not merkle.verify_inclusion(leaf, index, SIZE, flipped, ROOT)
    assert not merkle.verify_inclusion(leaf, index, SIZE, path[:-1], ROOT)
    assert not merkle.verify_inclusion(leaf, index, SIZE, [*path, b"\x00" * 32], ROOT)
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"another event"), index, SIZE, path, ROOT)
    assert not merkle.verify_inclusion(leaf, (index + 1) % SIZE, SIZE, path, ROOT)
    # (A proof of the same shape fits every size with the same split pattern: the signed head binds the
    # root to its size. A size with another shape is refused.)
    assert not merkle.verify_inclusion(leaf, index, 2 * SIZE, path, ROOT)
    assert not merkle.verify_inclusion(leaf, SIZE, SIZE, path, ROOT)


@pytest.mark.parametrize("first", range(1, SIZE))
def test_a_tampered_consistency_proof_is_refused(first):
    old_root = merkle.root(first, NODES)
    proof = merkle.consistency_proof(first, SIZE, NODES)
    assert merkle.verify_consistency(first, SIZE, old_root, ROOT, proof)
    flipped = [bytes([proof[-1][0] ^ 1]) + proof[-1][1:], *proof[:-1]][::-1]
    assert not merkle.verify_consistency(first, SIZE, old_root, ROOT, flipped)
    assert not merkle.verify_consistency(first, SIZE, old_root, ROOT, proof[:-1])
    assert not merkle.verify_consistency(first, SIZE, old_root, ROOT, [*proof, b"\x00" * 32])
    rewritten = stored([*LEAVES[: first - 1], b"rewritten", *LEAVES[first:]])
    assert not merkle.verify_consistency(first, SIZE, merkle.root(first, rewritten), ROOT, proof)
    assert not merkle.verify_consistency(first, SIZE, old_root, merkle.root(SIZE, rewritten), proof)


def test_degenerate_consistency_cases():
    assert merkle.verify_consistency(5, 5, merkle.root(5, NODES), merkle.root(5, NODES), [])
    assert not merkle.verify_consistency(5, 5, merkle.root(5, NODES), ROOT, [])
    assert merkle.verify_consistency(0, SIZE, merkle.EMPTY_ROOT, ROOT, [])
    assert not merkle.verify_consistency(0, SIZE, ROOT, ROOT, [])
    assert not merkle.verify_consistency(SIZE, 5, ROOT, merkle.root(5, NODES), [])


@pytest.mark.parametrize(("index", "size"), [(0, 0), (5, 5), (-1, 3)])
def test_no_inclusion_proof_outside_the_tree(index, size):
    with pytest.raises(ValueError, match=f"leaf {index} is not in a tree of {size}"):
        merkle.inclusion_ranges(index, size)


def test_no_consistency_proof_backwards():
    with pytest.raises(ValueError, match="no consistency proof from 6 to 5"):
        merkle.consistency_ranges(6, 5)


def test_a_proof_reads_logarithmically_many_stored_nodes():
    size = 1_000_000
    assert len(merkle.proof_nodes(merkle.inclusion_ranges(123_456, size))) <= 2 * size.bit_length()
    assert len(merkle.proof_nodes(merkle.consistency_ranges(654_321, size))) <= 2 * size.bit_length()
