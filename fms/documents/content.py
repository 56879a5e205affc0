"""The frozen content of an LOA document as one canonical JSON value, and its SHA-256.

    content_hash = SHA-256(canonical JSON of {header, lines, notes, cost_summary, payment_schedule})

Canonical JSON is the ledger's (fms.ledger.canonical.canonical_json: UTF-8, keys sorted, no
whitespace, money as strings with two decimals, dates ISO 8601), applied at every level, so
anyone holding the document's JSON can recompute the hash the purchaser accepted. No ORM here:
the services hand in plain values read from the frozen rows.
"""

from collections.abc import Mapping, Sequence

import orjson

from fms.ledger.canonical import canonical_json, plain_value, sha256_hex

HASH_VERSION = 1  # part of the hashed content: a change of this layout gets a new number

HEADER_FIELDS = (
    "case_id",
    "label",
    "kind",
    "supersedes",
    "title",
    "description",
    "reason",
    "terms_of_sale",
    "offered_on",
    "offer_expires_on",
    "issued_on",
)
LINE_FIELDS = (
    "line_number",
    "change",
    "category",
    "description",
    "masl",
    "quantity",
    "unit_of_issue",
    "unit_cost",
    "total_cost",
    "is_mde",
    "is_sme",
    "source_code",
    "type_of_assistance",
    "offer_release_code",
    "delivery_term_code",
    "months_of_service",
    "delivery_from_months",
    "delivery_to_months",
)
NOTE_FIELDS = ("number", "key", "title", "text")
COST_FIELDS = (
    "net_estimated_cost",
    "packing_crating_handling",
    "transportation",
    "administrative_surcharge",
    "contract_administration",
    "other",
    "total_estimated_cost",
)
PAYMENT_FIELDS = ("position", "due_on", "amount", "cumulative")


def _canonical_values(value):
    if isinstance(value, Mapping):
        return {key: _canonical_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_values(item) for item in value]
    return plain_value(value)


def _plain(value):
    """A JSON-ready value, converted exactly as the ledger converts it, at any depth (keys sorted)."""
    return orjson.loads(orjson.dumps(_canonical_values(value), option=orjson.OPT_SORT_KEYS))


def document_content(
    *,
    header: Mapping,
    lines: Sequence[Mapping],
    notes: Sequence[Mapping],
    cost_summary: Mapping,
    payment_schedule: Sequence[Mapping],
) -> dict:
    """The hashed content, keeping exactly the listed fields (a missing one is an error, not a default)."""
    return _plain(
        {
            "version": HASH_VERSION,
            "header": {field: header[field] for field in HEADER_FIELDS},
            "lines": [{field: line[field] for field in LINE_FIELDS} for line in lines],
            "notes": [{field: note[field] for field in NOTE_FIELDS} for note in notes],
            "cost_summary": {field: cost_summary[field] for field in COST_FIELDS},
            "payment_schedule": [{field: row[field] for field in PAYMENT_FIELDS} for row in payment_schedule],
        }
    )


def content_hash(content: dict) -> str:
    return sha256_hex(canonical_json(content))
