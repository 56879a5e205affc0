"""A known answer for the ledger's event format 2 (fms/ledger/chain.py): format 1's payload plus `via` and
`hash_version` itself, the format every event `ledger_append` writes.

The expected bytes were written by hand and hashed independently of fms/ledger:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    hashlib.sha256(prev_hash.encode() + payload.encode()).hexdigest()
The event follows the first event of tests/ledger/known_answers.json's chain (whose hash is its prev_hash).
"""

import datetime as dt

import pytest

from fms.ledger import chain
from fms.ledger.canonical import canonical_json

FIELDS = {
    "case_id": "JA-P-SAA",
    "line_number": "001",
    "seq": 2,
    "action": "submit",
    "from_status": "draft",
    "to_status": "submitted",
    "actor_id": 11,
    "actor_name": "officer",
    "comment": "ready",
    "occurred_at": dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    "content_digest": "0c1224de9ce5831dc479a09d2fa43f243e14fd4dae3c945bdea98e4708a8a664",
    "prev_hash": "4ee94365e60b9f05895152ee080072aeec8c33355d77c10b6b68a1ba1ef04e27",
    "hash_version": 2,
    "via": "session+mfa",
}
PAYLOAD = (
    '{"action":"submit","actor_id":11,"actor_name":"officer","case_id":"JA-P-SAA","comment":"ready",'
    '"content_digest":"0c1224de9ce5831dc479a09d2fa43f243e14fd4dae3c945bdea98e4708a8a664","from_status":"draft",'
    '"hash_version":2,"line_number":"001","occurred_at":"2026-11-26T14:30:00.000000Z",'
    '"prev_hash":"4ee94365e60b9f05895152ee080072aeec8c33355d77c10b6b68a1ba1ef04e27","seq":2,"to_status":"submitted",'
    '"via":"session+mfa"}'
)
HASH = "1deb4124efd8b616da3ab8502bdb43eeae22a4854bce73aa9afd452e2a095da8"


def test_the_format_2_payload_and_hash():
    assert canonical_json(chain.event_payload(**FIELDS)) == PAYLOAD.encode()
    assert chain.event_hash(**FIELDS) == HASH
    # Columns the format does not cover change nothing.
    assert chain.event_hash(**FIELDS, id=7, hash="x", case_status="write", line_status="submitted") == HASH


@pytest.mark.parametrize(("field", "value"), [("via", "command"), ("hash_version", 1)])
def test_via_and_the_version_are_hashed(field, value):
    assert chain.event_hash(**{**FIELDS, field: value}) != HASH


def test_a_format_1_event_ignores_via():
    format_1 = {**FIELDS, "hash_version": 1}
    assert "via" not in chain.event_payload(**format_1)
    assert chain.event_hash(**format_1) == chain.event_hash(**{**format_1, "via": "command"})


@pytest.mark.parametrize("version", [0, 9])
def test_an_unknown_format_is_refused(version):
    with pytest.raises(ValueError, match=rf"^Unknown ledger hash format {version}\.$"):
        chain.event_payload(**{**FIELDS, "hash_version": version})
