"""Canonical JSON and SHA-256: the byte form every ledger hash and content digest is taken over.

Canonical JSON is UTF-8, keys sorted, no whitespace, money (Decimal) as a string with two
decimals, datetimes as UTC ISO 8601 with microseconds and a `Z`, dates as ISO 8601. The
database computes the same bytes for event hashes (see fms/ledger/sql.py); tests hold the two
to each other.
"""

import datetime as dt
import hashlib
from decimal import Decimal

import orjson


def plain_value(value):
    """One value as canonical JSON writes it (money, datetimes and dates as strings; others as they are)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical_json(data: dict) -> bytes:
    return orjson.dumps({key: plain_value(value) for key, value in data.items()}, option=orjson.OPT_SORT_KEYS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
