"""Strong ETags from a record's version; If-None-Match for reads, If-Match required for writes."""

import re

from fms.core.problems import PreconditionRequired, ProblemException

_ETAG = re.compile(r'^"(\d+)"$')


def etag(version: int) -> str:
    return f'"{version}"'


def not_modified(request, version: int) -> bool:
    """True when the client's If-None-Match already names this version (answer 304)."""
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in tags or etag(version) in tags


def expected_version(request) -> int:
    """The version named by If-Match: 428 without it, 412 when it is not an ETag of ours."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    match = _ETAG.match(header)
    if match is None:
        raise ProblemException(
            412,
            "stale-version",
            'If-Match must be the strong ETag from your last GET, e.g. "3" (weak tags, lists and * are not accepted).',
        )
    return int(match.group(1))
