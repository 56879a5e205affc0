"""OpenAPI: every operation documents its problem+json error responses and its headers."""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A stable URI reference naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    request_id = serializers.CharField(allow_null=True, help_text="Also in the X-Request-ID header.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field name, for validation problems.",
    )

    class Meta:
        ref_name = "Problem"


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from your last GET of the record, e.g. "3". Missing: 428; malformed: 400; stale: 412.',
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag you hold, e.g. "3": 304 with no body while the record is still at that version.',
)
NOT_MODIFIED = OpenApiResponse(
    description="Not modified: the record is still at the version named by If-None-Match.",
    response=None,
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID). A retry within 24 hours gets the first response again.",
)


class AutoSchema(openapi.AutoSchema):
    # Status codes every operation may answer, and those that depend on what it does.
    ALWAYS = ("401", "403", "429", "503")

    def _error_codes(self) -> list[str]:
        codes = list(self.ALWAYS)
        if "{" in self.path:
            codes.append("404")
        if self.method in ("GET",) and not ("{" in self.path and self.path.rstrip("/").endswith("}")):
            codes.append("400")  # filters, cursors, page sizes
        if self.method in ("POST", "PATCH", "PUT"):
            codes += ["400", "409", "413", "415"]
        if self.method == "POST":
            codes.append("422")
        codes += getattr(self.view, "problem_codes", ())  # what a view answers beyond its method's usual
        if self.method in ("PATCH", "DELETE") or (self.method == "POST" and self._requires_if_match()):
            codes += ["400", "409", "412", "428"]  # 400: a malformed If-Match
        return sorted(set(codes))

    def _requires_if_match(self) -> bool:
        return any(getattr(p, "name", None) == "If-Match" for p in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_MEDIA_TYPE], direction)
        return responses


def tighten_schema(result, generator, request, public):
    """Postprocessing hook: say in the schema what the API already enforces everywhere.

    - query parameters are never empty (fms.core.api.query) and page_size is 1 to API_MAX_PAGE_SIZE;
    - If-Match is a strong ETag of ours; Idempotency-Key is 1 to 255 characters;
    - request bodies refuse fields they do not define (the serializers are strict).
    """
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query":
                    if schema.get("type") == "string" and "enum" not in schema:
                        schema.setdefault("minLength", 1)
                    if parameter["name"] == "page_size":
                        schema.update(minimum=1, maximum=settings.API_MAX_PAGE_SIZE)
                elif parameter["in"] == "header" and parameter["name"] == "If-Match":
                    schema["pattern"] = r'^"[0-9]+"$'
                elif parameter["in"] == "header" and parameter["name"] == "Idempotency-Key":
                    schema.update(minLength=1, maxLength=255)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
