"""Purchaser administration routes (DESIGN §5): `/purchaser-users/`, their tokens, `/tokens/{prefix}/`.

Reads go through fms.accounts.selectors, writes through fms.accounts.purchaser_admin; both refuse
anyone but the purchaser's own administrator, and a user outside its scope is a 404.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from fms.accounts import purchaser_admin, selectors
from fms.accounts.api import serializers as s
from fms.accounts.models import ApiToken, User
from fms.core.api.pagination import KeysetPage, Ordering, page_body
from fms.core.api.renderers import JSONRenderer, dumps
from fms.core.api.schema import IDEMPOTENCY_KEY
from fms.core.errors import NotAllowed, ValidationFailed

USER_ORDERINGS = {"username": Ordering(("username",))}
CURSOR = OpenApiParameter("cursor", str, description="The `next` or `previous` value of a page; omit for the first.")
PAGE_SIZE = OpenApiParameter("page_size", int, description="1 to 500 (anything else is a 400); default 50.")
USERNAME = OpenApiParameter("username", str, OpenApiParameter.PATH, description="A user of your purchaser.")
PREFIX = OpenApiParameter("prefix", str, OpenApiParameter.PATH, description="The token's prefix, e.g. fms_Ab3dEf9h.")


def _json(data, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(dumps(data), status=status, content_type="application/json")
    for name, value in headers.items():
        response[name] = value
    return response


def token_summary(token: ApiToken) -> dict:
    fields = ("prefix", "name", "created_at", "expires_at", "revoked_at", "last_used_at")
    return {field: getattr(token, field) for field in fields}


def user_document(user: User) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "purchaser": user.purchaser_id,
        "role": purchaser_admin.role_of(user),
        "is_active": user.is_active,
        "tokens": [token_summary(token) for token in user.api_tokens.all()],
    }


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AdministrationView(APIView):
    renderer_classes = [JSONRenderer]

    def administrator(self) -> User:
        if not selectors.is_purchaser_admin(self.request.user):
            raise NotAllowed("Only a purchaser's administrator (client_admin) manages its purchaser's users.")
        return self.request.user

    def user_response(self, username: str, status: int = 200, **headers) -> HttpResponse:
        users = selectors.administered_users(self.administrator()).prefetch_related("groups", "api_tokens")
        return _json(user_document(users.get(username=username)), status, **headers)


class PurchaserUserListView(AdministrationView):
    @extend_schema(
        parameters=[CURSOR, PAGE_SIZE],
        responses={200: s.PurchaserUserPageSerializer},
        summary="Your purchaser's client users",
        operation_id="purchaser_users_list",
    )
    def get(self, request):
        page = KeysetPage.from_request(request, USER_ORDERINGS, "username")  # bad paging is a 400 for anyone
        users = selectors.administered_users(self.administrator()).prefetch_related("groups", "api_tokens")
        rows = [(user, user.username) for user in page.apply(users)]
        rows, next_cursor, previous_cursor = page.finish(rows, key=lambda row: [row[1]])
        body = [dumps(user_document(user)) for user, _ in rows]
        return HttpResponse(page_body(request, body, next_cursor, previous_cursor), content_type="application/json")

    @extend_schema(
        request=s.PurchaserUserCreateSerializer,
        responses={201: s.PurchaserUserSerializer},
        parameters=[IDEMPOTENCY_KEY],
        summary="Create a client or client_officer user of your purchaser",
    )
    def post(self, request):
        self.administrator()
        data = _valid(s.PurchaserUserCreateSerializer, request.data)
        user = purchaser_admin.purchaser_user_create(actor=request.user, **data)
        return self.user_response(user.username, 201, Location=f"/api/v1/purchaser-users/{user.username}/")


class PurchaserUserDetailView(AdministrationView):
    @extend_schema(parameters=[USERNAME], responses={200: s.PurchaserUserSerializer}, summary="One of your users")
    def get(self, request, username: str):
        user = purchaser_admin.managed_user(request.user, username)
        return self.user_response(user.username)

    @extend_schema(
        parameters=[USERNAME],
        responses={200: s.PurchaserUserSerializer},
        summary="Deactivate one of your users (its tokens are revoked)",
    )
    def delete(self, request, username: str):
        user = purchaser_admin.purchaser_user_deactivate(actor=request.user, username=username)
        return _json(user_document(user))


class PurchaserUserTokenView(AdministrationView):
    @extend_schema(
        parameters=[USERNAME, IDEMPOTENCY_KEY],
        request=s.TokenIssueSerializer,
        responses={201: s.IssuedTokenSerializer},
        summary="Issue a read-only token for one of your users",
    )
    def post(self, request, username: str):
        data = _valid(s.TokenIssueSerializer, request.data)
        token, secret = purchaser_admin.purchaser_token_issue(actor=request.user, username=username, **data)
        body = {**token_summary(token), "username": username, "purchaser": token.purchaser_id,
                "read_only": token.read_only, "secret": secret}  # fmt: skip
        return _json(body, 201)


class TokenView(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(parameters=[PREFIX], responses={204: None}, summary="Revoke a token (yours, or your users')")
    def delete(self, request, prefix: str):
        if not prefix:
            raise ValidationFailed({"prefix": ["Name the token by its prefix."]})
        purchaser_admin.token_revoke_by_prefix(actor=request.user, prefix=prefix)
        return HttpResponse(status=204)
