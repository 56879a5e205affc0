"""Strong ETags from a record's version; If-None-Match for reads, If-Match required for writes."""

import re

from rest_framework.exceptions import ValidationError

from fms.core.numbers import ascii_int
from fms.core.problems import PreconditionRequired

_ETAG = re.compile(r'"([0-9]+)"')


def etag(version: int) -> str:
    return f'"{version}"'


def not_modified(request, version: int) -> bool:
    """True when the client's If-None-Match already names this version (answer 304)."""
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in tags or etag(version) in tags


def expected_version(request) -> int:
    """The version named by If-Match: 428 without it, 400 naming the header when it is not an ETag
    of ours (a malformed header is the client's mistake, not a stale record: 412 would send it to
    re-read and retry the same bad header forever)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    match = _ETAG.fullmatch(header)
    version = ascii_int(match.group(1)) if match else None
    if version is None:
        raise ValidationError(
            {"If-Match": ['The strong ETag from your last GET, e.g. "3" (weak tags, lists and * are not accepted).']}
        )
    return version
