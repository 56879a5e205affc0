"""Known answers for every hash and digest the ledger stores: a change of the format fails here.

The vectors in known_answers.json were computed once, independently of fms/ledger/ and
fms/cases/digests.py (Python's json and hashlib). Events stored before a format change would read
as broken after it, so a change must be a versioned migration of the ledger, never an edit of the
vectors; the file's own digest is pinned below so that an edit of it shows up in this file too.
"""

import hashlib
import time

import pytest

from fms.cases import digests
from fms.ledger import canonical, chain
from tests.ledger import vectors

KNOWN = vectors.load()
FILE_SHA256 = "72b84468c6bba867b81412750294aa24f812da053a2a782cd6318fc58705ba73"


def test_the_vectors_are_the_ones_written_down():
    assert hashlib.sha256(vectors.PATH.read_bytes()).hexdigest() == FILE_SHA256


def test_genesis():
    assert chain.GENESIS == KNOWN["genesis"] == "0" * 64


@pytest.mark.parametrize("vector", KNOWN["canonical_json"], ids=lambda v: v["name"])
def test_canonical_json(vector):
    encoded = canonical.canonical_json(vectors.typed_dict(vector["input"]))
    assert encoded == vector["canonical"].encode()
    assert canonical.sha256_hex(encoded) == vector["sha256"]


@pytest.mark.parametrize("vector", KNOWN["line_digests"], ids=lambda v: v["name"])
def test_line_digest(vector):
    values = vectors.typed_dict(vector["values"])
    assert canonical.canonical_json(digests.line_content(values)) == vector["canonical"].encode()
    assert digests.line_digest(values) == vector["digest"]


@pytest.mark.parametrize("vector", KNOWN["case_digests"], ids=lambda v: v["name"])
def test_case_digest(vector):
    assert digests.case_digest(vectors.typed_dict(vector["values"]), vector["line_digests"]) == vector["digest"]


def test_case_digest_ignores_fields_outside_the_case_content():
    vector = KNOWN["case_digests"][0]
    values = {**vectors.typed_dict(vector["values"]), "status": "write", "version": 9, "total_value": 1}
    assert digests.case_digest(values, vector["line_digests"]) == vector["digest"]


@pytest.mark.parametrize("position", range(len(KNOWN["event_chain"])))
def test_event_hash(position):
    event = KNOWN["event_chain"][position]
    fields = vectors.typed_dict(event["fields"])
    assert chain.event_hash(**fields) == event["hash"]
    assert chain.event_hash(**fields, id=1, hash="x", case_status="write", line_status=None) == event["hash"]


@pytest.mark.parametrize("vector", KNOWN["versioned_events"], ids=lambda v: v["name"])
def test_versioned_event_hash(vector):
    """Formats 2 and 3 (ledger_append's): the payload adds via and hash_version, and from 3 the document."""
    fields = vectors.typed_dict(vector["fields"])
    assert canonical.canonical_json(chain.event_payload(**fields)) == vector["canonical"].encode()
    assert chain.event_hash(**fields) == vector["hash"]


def test_format_3_hashes_the_document_and_format_2_has_none():
    v2, v3, _ = (vectors.typed_dict(v["fields"]) for v in KNOWN["versioned_events"])
    assert "document" not in chain.event_payload(**v2, document="A01")
    assert chain.event_hash(**{**v3, "document": "A02"}) != chain.event_hash(**v3)


def test_the_known_chain_verifies():
    assert chain.verify_chain("JA-P-SAA", vectors.chain()) is None


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kathmandu"])
def test_canonical_json_does_not_depend_on_the_machines_time_zone(zone, monkeypatch):
    vector = next(v for v in KNOWN["canonical_json"] if v["name"].startswith("datetimes"))
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert canonical.canonical_json(vectors.typed_dict(vector["input"])) == vector["canonical"].encode()
    finally:
        monkeypatch.undo()
        time.tzset()
