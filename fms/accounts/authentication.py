"""`Authorization: Bearer fms_…` for the API."""

from rest_framework import authentication, exceptions

from fms.accounts.services import token_for_secret


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
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
