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
    content["total_cost"] = values["quantity"] * values["unit_cost"]
    return content


def line_digest(values: dict) -> str:
    return sha256_hex(canonical_json(line_content(values)))


def case_digest(case_values: dict, line_digests: dict[str, str]) -> str:
    """Digest of a case header and the digests of its current lines, keyed by line number."""
    content = {field: case_values[field] for field in CASE_CONTENT_FIELDS}
    content["lines"] = dict(sorted(line_digests.items()))
    return sha256_hex(canonical_json(content))
