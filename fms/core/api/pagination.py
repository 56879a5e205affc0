"""Keyset (cursor) pagination: every page costs the same, the first or the last of 100,000 rows.

The cursor is opaque to clients: the ordering and the sort key of the row to continue from,
encrypted and authenticated (AES-GCM, fms.core.opaque), so a cursor the API did not hand out
(edited, forged, a non-date or a NUL where a date belongs) is a 400 before any of it reaches a
query, and a reader learns nothing from it (a row's id is a global count: DESIGN §8). The filter is written so
PostgreSQL can walk the (a, b) index as a range: `a <= x AND
(a < x OR (a = x AND b < y))` (the OR alone makes it scan).
"""

from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from fms.core.numbers import ascii_int
from fms.core.opaque import open_bytes, seal_bytes

_CURSOR_SALT = "fms.core.api.pagination.cursor"
_NOT_OURS = "Not a cursor from this API; pass the `next` or `previous` value of a page."


@dataclass(frozen=True)
class Ordering:
    """A sort order that identifies rows uniquely: its last field is unique."""

    fields: tuple[str, ...]
    descending: bool = False

    def order_by(self, reverse: bool = False) -> list[str]:
        desc = self.descending != reverse
        return [f"-{field}" if desc else field for field in self.fields]

    def after(self, values: list, reverse: bool = False) -> Q:
        """Rows strictly after `values` in this order (before them when reverse)."""
        desc = self.descending != reverse
        strict, loose = ("lt", "lte") if desc else ("gt", "gte")
        first, *rest = self.fields
        if not rest:
            return Q(**{f"{first}__{strict}": values[0]})
        tail = Q(**{f"{first}__{strict}": values[0]}) | Q(**{first: values[0], f"{rest[0]}__{strict}": values[1]})
        return Q(**{f"{first}__{loose}": values[0]}) & tail


def page_size(request) -> int:
    """`page_size` from 1 to API_MAX_PAGE_SIZE (default API_PAGE_SIZE); anything else is a 400, never capped."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return settings.API_PAGE_SIZE
    size = ascii_int(raw)
    if size is None or not 1 <= size <= settings.API_MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"A whole number from 1 to {settings.API_MAX_PAGE_SIZE}."]})
    return size


def encode_cursor(payload: list) -> str:
    return seal_bytes(_CURSOR_SALT, orjson.dumps(payload))


def decode_cursor(raw: str) -> list:
    """The payload of a cursor this API sealed; a 400 naming `cursor` for anything else."""
    body = open_bytes(_CURSOR_SALT, raw)
    if body is None:
        raise ValidationError({"cursor": [_NOT_OURS]})
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ValidationError({"cursor": [_NOT_OURS]}) from error
    if not isinstance(payload, list) or len(payload) < 3:
        raise ValidationError({"cursor": [_NOT_OURS]})
    return payload


@dataclass
class KeysetPage:
    """One page of a queryset in a named ordering, with the cursors to the pages around it."""

    orderings: dict[str, Ordering]
    ordering_name: str
    size: int
    cursor_values: list | None = None
    backwards: bool = False

    @classmethod
    def from_request(cls, request, orderings: dict[str, Ordering], default: str) -> "KeysetPage":
        name = request.query_params.get("ordering") or default
        if name not in orderings:
            raise ValidationError({"ordering": [f"Use one of: {', '.join(orderings)}."]})
        page = cls(orderings, name, page_size(request))
        raw = request.query_params.get("cursor")
        if raw:
            direction, cursor_ordering, *values = decode_cursor(raw)
            if cursor_ordering != name or direction not in ("n", "p") or len(values) != len(orderings[name].fields):
                raise ValidationError({"cursor": ["This cursor belongs to another ordering or page size."]})
            page.cursor_values, page.backwards = values, direction == "p"
        return page

    @property
    def ordering(self) -> Ordering:
        return self.orderings[self.ordering_name]

    def apply(self, queryset: QuerySet) -> QuerySet:
        """Order and slice (one row more than a page, to know whether another page follows)."""
        if self.cursor_values is not None:
            queryset = queryset.filter(self.ordering.after(self.cursor_values, reverse=self.backwards))
        return queryset.order_by(*self.ordering.order_by(reverse=self.backwards))[: self.size + 1]

    def finish(self, rows: list, key) -> tuple[list, str | None, str | None]:
        """The page's rows in order, and the next and previous cursors. `key(row)` is its sort key."""
        more = len(rows) > self.size
        rows = rows[: self.size]
        if self.backwards:
            rows.reverse()
        has_next = more if not self.backwards else True
        has_previous = (self.cursor_values is not None) if not self.backwards else more
        next_cursor = encode_cursor(["n", self.ordering_name, *key(rows[-1])]) if rows and has_next else None
        previous_cursor = encode_cursor(["p", self.ordering_name, *key(rows[0])]) if rows and has_previous else None
        return rows, next_cursor, previous_cursor


def page_link(request, parameter: str, cursor: str | None) -> str | None:
    """This request's URL with `parameter` set to `cursor` (None without a cursor)."""
    if cursor is None:
        return None
    params = request.query_params.copy()
    params[parameter] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page_body(
    request, results: list[bytes] | list[str], next_cursor: str | None, previous_cursor: str | None, parameter="cursor"
) -> bytes:
    """The one page shape of every list (DESIGN §5): `results`, then `next` and `previous` as cursor
    tokens to pass back as `?<parameter>=` (null at either end), and the same as ready URLs in
    `next_url` and `previous_url`. `results` are JSON texts of the rows, already rendered."""
    parts = [b'{"results":[', b",".join(r.encode() if isinstance(r, str) else r for r in results), b"]"]
    for name, cursor in (("next", next_cursor), ("previous", previous_cursor)):
        url = page_link(request, parameter, cursor)
        parts += [b',"', name.encode(), b'":', orjson.dumps(cursor), b',"', name.encode(), b'_url":', orjson.dumps(url)]
    parts.append(b"}")
    return b"".join(parts)
