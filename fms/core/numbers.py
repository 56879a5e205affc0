"""Whole numbers that come from a request (ids, page sizes, cursors, form versions): ASCII digits only.

`str.isdigit()` is true for "²" and "١٢٣", which `int()` then refuses ("²": a 500) or reads as 123
("١٢٣"); every number a client sends goes through `ascii_int` instead. At most 18 digits, so the
value always fits a PostgreSQL bigint (a longer one would make the query itself fail).
"""

import re

_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def ascii_int(raw: object) -> int | None:
    """The number written in `raw` with ASCII digits only, or None when it is anything else."""
    if not isinstance(raw, str) or _ASCII_DIGITS.fullmatch(raw) is None:
        return None
    return int(raw)
