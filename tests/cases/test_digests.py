"""Known answers for the line fields added after the ledger began (fms/cases/digests.py
LINE_LATER_CONTENT_FIELDS): set, they enter the line's content; unset (None or ""), they stay out, so
the digests recorded before they existed still verify.

The expected bytes were written by hand and hashed independently of fms/ledger and fms/cases:
    json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    hashlib.sha256(that.encode()).hexdigest()
(tests/ledger/known_answers.json holds the vectors of lines without these fields.)
"""

from decimal import Decimal

import pytest

from fms.cases import digests
from fms.ledger.canonical import canonical_json

LINE = {
    "line_number": "002",
    "category": "equipment",
    "description": "Radar spares",
    "masl": "RDR0000000000002",
    "quantity": 4,
    "unit_of_issue": "EA",
    "unit_cost": Decimal("1250.25"),
    "is_mde": False,
    "is_sme": False,
    # Bookkeeping, never part of the content.
    "review_status": "approved",
    "version": 7,
}
LATER_SET = {
    "source_code": "S",
    "type_of_assistance": "3",
    "offer_release_code": "A",
    "delivery_term_code": "5",
    "months_of_service": None,
    "delivery_from_months": 6,
    "delivery_to_months": 18,
}
WITH_LATER = (
    '{"category":"equipment","delivery_from_months":6,"delivery_term_code":"5","delivery_to_months":18,'
    '"description":"Radar spares","is_mde":false,"is_sme":false,"line_number":"002","masl":"RDR0000000000002",'
    '"offer_release_code":"A","quantity":4,"source_code":"S","total_cost":"5001.00","type_of_assistance":"3",'
    '"unit_cost":"1250.25","unit_of_issue":"EA"}'
)
WITH_LATER_DIGEST = "f85e8d3e313fc96e8ed26ebbec6c85cdeb8ece3a47f44bca0cacc36085fb8912"
WITHOUT_LATER = (
    '{"category":"equipment","description":"Radar spares","is_mde":false,"is_sme":false,"line_number":"002",'
    '"masl":"RDR0000000000002","quantity":4,"total_cost":"5001.00","unit_cost":"1250.25","unit_of_issue":"EA"}'
)
WITHOUT_LATER_DIGEST = "9d4b41bf9d3bd63277f152c04aa51c801e1d8c0f1c832aa79aea16b77fa2f6f9"


def test_later_fields_that_are_set_enter_the_content():
    values = {**LINE, **LATER_SET}
    assert canonical_json(digests.line_content(values)) == WITH_LATER.encode()
    assert digests.line_digest(values) == WITH_LATER_DIGEST


@pytest.mark.parametrize(
    "unset",
    [
        {},  # a line stored before the fields existed
        dict.fromkeys(LATER_SET),  # all None
        {**dict.fromkeys(LATER_SET), "source_code": "", "type_of_assistance": "", "offer_release_code": ""},
    ],
    ids=["absent", "none", "empty-text"],
)
def test_later_fields_that_are_unset_stay_out(unset):
    values = {**LINE, **unset}
    assert canonical_json(digests.line_content(values)) == WITHOUT_LATER.encode()
    assert digests.line_digest(values) == WITHOUT_LATER_DIGEST
