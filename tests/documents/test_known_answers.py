"""A known LOA document content hash: the hash a purchaser accepted must stay recomputable.

The vector in known_answers.json was computed once, independently of fms/documents/content.py
(Python's json and hashlib). A change of the layout is a new HASH_VERSION, never an edit of the
vector; the file's own digest is pinned below.
"""

import hashlib
import json
from pathlib import Path

import pytest

from fms.documents import content
from tests.ledger.vectors import typed

PATH = Path(__file__).with_name("known_answers.json")
FILE_SHA256 = "57b95b4b86d55c19f76b8a824ea60ed406c1953741e5956458effa6019e92cec"
KNOWN = json.loads(PATH.read_text(encoding="utf-8"))


def deep_typed(value):
    if isinstance(value, list):
        return [deep_typed(item) for item in value]
    if isinstance(value, dict) and not any(key.startswith("$") for key in value):
        return {key: deep_typed(item) for key, item in value.items()}
    return typed(value)


def test_the_vector_is_the_one_written_down():
    assert hashlib.sha256(PATH.read_bytes()).hexdigest() == FILE_SHA256


def test_the_layout_version():
    assert content.HASH_VERSION == 1


@pytest.mark.parametrize("vector", KNOWN["documents"], ids=lambda v: v["name"])
def test_document_content_hash(vector):
    built = content.document_content(**deep_typed(vector["input"]))
    assert json.dumps(built, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == vector["canonical"]
    assert content.content_hash(built) == vector["content_hash"]


@pytest.mark.parametrize("part", ["header", "cost_summary"])
def test_a_missing_field_is_an_error_not_a_default(part):
    values = deep_typed(KNOWN["documents"][0]["input"])
    values[part].pop(next(iter(values[part])))
    with pytest.raises(KeyError):
        content.document_content(**values)
