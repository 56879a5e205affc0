"""The transparency log's routes (DESIGN §5, §9): its public key, its signed tree heads, and RFC 9162
inclusion and consistency proofs.

Heads and consistency proofs are hashes only: any API user may read them. An inclusion proof is
given only for an event the caller can read, and the ledger does not know who reads what: the app
that does hands the route its event selector (`visible_events`, set in fms/cases/api/urls.py). An
event the caller cannot read is a 404, exactly as one that does not exist.
"""

import base64
import re
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from fms.core.api.pagination import KeysetPage, Ordering, page_body
from fms.core.api.renderers import JSONRenderer, dumps
from fms.core.errors import NotFound, ValidationFailed
from fms.ledger import proofs, signing
from fms.ledger.api import serializers as s
from fms.ledger.models import SignedTreeHead

_COUNT = re.compile(r"[0-9]{1,18}", re.ASCII)


def _json(data) -> HttpResponse:
    return HttpResponse(dumps(data), content_type="application/json")


def _count(request, name: str) -> int:
    """A whole number in ASCII digits (not `²`, not `١٢`, not `-1`), or a 400 naming the parameter."""
    raw = request.query_params.get(name)
    if raw is None:
        raise ValidationFailed({name: ["Required: a whole number."]})
    if not _COUNT.fullmatch(raw):
        raise ValidationFailed({name: ["A whole number from 0, in ASCII digits."]})
    return int(raw)


def _count_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, int, required=True, description=description)


class LedgerView(APIView):
    """A route of the log. Its heads and proofs count every purchaser's events: a purchaser's user
    (bound to one, DESIGN §8) reads none of them, as if they did not exist (404)."""

    renderer_classes = [JSONRenderer]
    purchasers_may_read = False
    problem_codes: tuple[str, ...] = ("404",)  # a purchaser's user

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if not self.purchasers_may_read and user.is_authenticated and user.purchaser_id and not user.is_superuser:
            raise NotFound("Not found.")


class PublicKeyView(LedgerView):
    purchasers_may_read = True
    problem_codes = ()

    @extend_schema(responses={200: s.PublicKeySerializer}, summary="The key that signs the log's tree heads")
    def get(self, request):
        key = signing.verifier()
        public_key = base64.b64encode(key.public_key).decode()
        return _json({"key_name": key.name, "public_key": public_key, "vkey": key.vkey})


HEAD_ORDERINGS = {"-tree_size": Ordering(("tree_size", "id"), descending=True)}


class CheckpointListView(LedgerView):
    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="From a next/previous link."),
            OpenApiParameter("page_size", int, description="1 to 500 (larger values are capped); default 50."),
        ],
        responses={200: s.TreeHeadPageSerializer},
        summary="Signed tree heads, largest first",
    )
    def get(self, request):
        page = KeysetPage.from_request(request, HEAD_ORDERINGS, "-tree_size")
        rows = list(page.apply(SignedTreeHead.objects.all()).values("id", *proofs.HEAD_FIELDS))
        rows, next_cursor, previous_cursor = page.finish(rows, key=lambda row: [row["tree_size"], row["id"]])
        results = [dumps({field: row[field] for field in proofs.HEAD_FIELDS}) for row in rows]
        body = page_body(request, results, next_cursor, previous_cursor)
        return HttpResponse(body, content_type="application/json")


class LatestCheckpointView(LedgerView):
    problem_codes = ("404",)  # no head signed yet

    @extend_schema(responses={200: s.TreeHeadSerializer}, summary="The latest signed tree head")
    def get(self, request):
        head = proofs.latest_head()
        if head is None:
            raise NotFound("No tree head has been signed yet.")
        return _json(head)


class InclusionProofView(LedgerView):
    problem_codes = ("404", "409")  # an event the caller cannot read; one not in the log yet
    visible_events: Callable[..., QuerySet] | None = None  # the event selector, given by the app that routes

    @extend_schema(
        parameters=[
            _count_parameter("event", "The event's id (one you can read)."),
            _count_parameter("size", "The tree size to prove it in: a signed head's tree_size."),
        ],
        responses={200: s.InclusionProofSerializer},
        summary="Prove an event is in the log (RFC 9162 inclusion proof)",
    )
    def get(self, request):
        event_id, size = _count(request, "event"), _count(request, "size")
        if not self.visible_events(request.user).filter(pk=event_id).exists():
            raise NotFound(f"No event {event_id}.")
        return _json(proofs.inclusion_proof(event_id=event_id, size=size))


class ConsistencyProofView(LedgerView):
    @extend_schema(
        parameters=[
            _count_parameter("from", "The smaller tree size (a head you saved)."),
            _count_parameter("to", "The larger tree size (a newer head)."),
        ],
        responses={200: s.ConsistencyProofSerializer},
        summary="Prove the log of `to` entries extends the log of `from` (RFC 9162 consistency proof)",
    )
    def get(self, request):
        first, second = _count(request, "from"), _count(request, "to")
        return _json(proofs.consistency_proof(first=first, second=second))
