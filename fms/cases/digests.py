"""What a decision is about: the content digests of a line and of a case header.

    content_digest = SHA-256(canonical JSON of the line (or case) content decided on)

The ledger records these digests without knowing what they cover; this module says what.
"""

from fms.ledger.canonical import canonical_json, sha256_hex

LINE_CONTENT_FIELDS = (
    "line_number",
    "category",
    "description",
    "masl",
    "quantity",
    "unit_of_issue",
    "unit_cost",
    "is_mde",
    "is_sme",
)
# Fields added after the ledger began: they enter a line's content only once set, so the digests
# recorded before they existed still verify.
LINE_LATER_CONTENT_FIELDS = (
    "source_code",
    "type_of_assistance",
    "offer_release_code",
    "delivery_term_code",
    "months_of_service",
    "delivery_from_months",
    "delivery_to_months",
)
CASE_CONTENT_FIELDS = (
    "case_id",
    "purchaser_id",
    "implementing_agency_id",
    "title",
    "description",
    "lor_date",
    "lor_received_on",
    "offer_expires_on",
    "notification_id",
)


def line_content(values: dict) -> dict:
    """The content of a line that a decision is about (not its status or bookkeeping), with its total."""
    content = {field: values[field] for field in LINE_CONTENT_FIELDS}
    content.update({f: values[f] for f in LINE_LATER_CONTENT_FIELDS if values.get(f) not in (None, "")})
    content["total_cost"] = values["quantity"] * values["unit_cost"]
    return content


def line_digest(values: dict) -> str:
    return sha256_hex(canonical_json(line_content(values)))


def case_digest(case_values: dict, line_digests: dict[str, str]) -> str:
    """Digest of a case header and the digests of its current lines, keyed by line number."""
    content = {field: case_values[field] for field in CASE_CONTENT_FIELDS}
    content["lines"] = dict(sorted(line_digests.items()))
    return sha256_hex(canonical_json(content))
