"""`Authorization: Bearer fms_…` for the API."""

from rest_framework import authentication, exceptions

from fms.accounts.services import token_digest, token_for_secret
from fms.accounts.signin import mark_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            # e.g. DRF's own "Token" scheme: say which one this API takes rather than a bare 401.
            raise exceptions.AuthenticationFailed(
                f"Authorization scheme {scheme[:20]!r} is not accepted: send Authorization: Bearer fms_…"
            )
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer fms_…")
        token = token_for_secret(secret, count_rate=True)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        mark_token(request._request, token.prefix)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def idempotency_owner(request) -> str | None:
    """Who owns an Idempotency-Key (settings.IDEMPOTENCY_OWNER): a token that is active now, or the
    signed-in user.

    A replay is an answer like any other: an unknown, expired or revoked token (or any other
    Authorization) gets None here, so nothing is replayed or recorded and the API answers it 401
    as it would without the key.
    """
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or token_for_secret(secret) is None:
            return None
        return "token:" + token_digest(secret)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None
