"""JSON bodies must be objects; the size limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

import orjson
from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from fms.core.problems import ProblemException


class JSONParser(parsers.BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise ProblemException(413, "payload-too-large", f"The JSON body is larger than {limit} bytes.")
        if not raw.strip():
            return {}
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise ParseError(f"The body is not valid JSON: {error}.") from error
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object.")
        return data
