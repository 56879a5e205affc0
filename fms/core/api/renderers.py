"""JSON with orjson: money is already a string in our documents; datetimes end in Z."""

import datetime as dt
from decimal import Decimal

import orjson
from rest_framework import renderers


def _default(value):
    if isinstance(value, Decimal):
        return str(value)  # never a float: floats lose cents
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


class JSONRenderer(renderers.BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else dumps(data)


class ProblemJSONRenderer(JSONRenderer):
    media_type = "application/problem+json"


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation; list views stream the CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return dumps(data)  # only reached for errors, which are problem+json anyway
