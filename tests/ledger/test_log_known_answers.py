"""Known answers for the transparency log: leaf and node hashes, roots, inclusion and consistency proofs
and a checkpoint's text, for leaves that are the ledger's own event hashes (log_known_answers.json).

The vectors were computed once with hashlib from RFC 9162's recursive definitions, independently of
fms/ledger (section 2.1.1: MTH({}) = SHA-256(""), MTH({d}) = SHA-256(0x00 || d), MTH(D[n]) =
SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of two below n; 2.1.3.1 PATH and
2.1.4.1 PROOF / SUBPROOF transcribed as written). Proofs already handed to purchasers would stop
verifying after a change, so the file's digest is pinned below: a change is a new log, never an edit.
"""

import base64
import hashlib
import json
from pathlib import Path

import pytest

from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint

PATH = Path(__file__).with_name("log_known_answers.json")
FILE_SHA256 = "8125da1b27b43cbe1c653bf55ef8da60ea21743eb44bd93b5c2405fae5e78dd4"
KNOWN = json.loads(PATH.read_text(encoding="utf-8"))
LEAVES = [bytes.fromhex(leaf) for leaf in KNOWN["leaves"]]


def stored(leaves: list[bytes]) -> dict[merkle.Node, bytes]:
    """The nodes the log stores after appending these leaves one at a time."""
    frontier, nodes = merkle.Frontier(), {}
    for leaf in leaves:
        for level, index, value in frontier.append(leaf):
            nodes[level, index] = value
    return nodes


NODES = stored(LEAVES)


def test_the_vectors_are_the_ones_written_down():
    assert hashlib.sha256(PATH.read_bytes()).hexdigest() == FILE_SHA256


@pytest.mark.parametrize("index", range(len(LEAVES)))
def test_leaf_hash(index):
    assert merkle.leaf_hash(LEAVES[index]).hex() == KNOWN["leaf_hashes"][index]
    assert NODES[0, index].hex() == KNOWN["leaf_hashes"][index]


@pytest.mark.parametrize("vector", KNOWN["node_hashes"])
def test_node_hash(vector):
    left, right = bytes.fromhex(vector["left"]), bytes.fromhex(vector["right"])
    assert merkle.node_hash(left, right).hex() == vector["hash"]


@pytest.mark.parametrize("size", range(len(LEAVES) + 1))
def test_root_of_every_size(size):
    assert merkle.root(size, NODES).hex() == KNOWN["roots"][size]
    assert (
        merkle.Frontier(size, [NODES[node] for node in merkle.range_nodes(0, size)]).root().hex()
        == (KNOWN["roots"][size])
    )
    assert KNOWN["roots"][0] == KNOWN["empty_root"] == merkle.EMPTY_ROOT.hex()


@pytest.mark.parametrize("vector", KNOWN["inclusion_proofs"], ids=lambda v: f"{v['index']}-of-{v['size']}")
def test_inclusion_proof(vector):
    index, size = vector["index"], vector["size"]
    proof = merkle.inclusion_proof(index, size, NODES)
    assert [p.hex() for p in proof] == vector["path"]
    root = bytes.fromhex(KNOWN["roots"][size])
    assert merkle.verify_inclusion(bytes.fromhex(KNOWN["leaf_hashes"][index]), index, size, proof, root)


@pytest.mark.parametrize("vector", KNOWN["consistency_proofs"], ids=lambda v: f"{v['first']}-to-{v['second']}")
def test_consistency_proof(vector):
    first, second = vector["first"], vector["second"]
    proof = merkle.consistency_proof(first, second, NODES)
    assert [p.hex() for p in proof] == vector["proof"]
    first_root, second_root = bytes.fromhex(KNOWN["roots"][first]), bytes.fromhex(KNOWN["roots"][second])
    assert merkle.verify_consistency(first, second, first_root, second_root, proof)


def test_the_checkpoint_text():
    vector = KNOWN["checkpoint"]
    root = bytes.fromhex(vector["root"])
    assert root.hex() == KNOWN["roots"][vector["size"]]
    head = Checkpoint(vector["origin"], vector["size"], root, tuple(vector["extensions"]))
    assert head.text() == vector["text"]
    assert Checkpoint.parse(vector["text"]) == head
    assert vector["text"].split("\n")[2] == base64.b64encode(root).decode()
