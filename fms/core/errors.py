"""The base of every domain error: one stable `type`, an HTTP status, words a user understands.

The API turns these into RFC 9457 problem+json, the admin and pages into messages.
"""


class DomainError(Exception):
    """A refused request. Subclasses set `type` (a stable slug), `status` and `title`."""

    type = "domain-error"
    status = 400
    title = "The request was refused"

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class ValidationFailed(DomainError):
    type = "validation-error"
    status = 400
    title = "The request has invalid fields"

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        summary = " ".join(f"{field}: {messages[0]}" for field, messages in sorted(errors.items()) if messages)
        super().__init__(detail or summary or "Invalid input.", errors=errors)


class NotAllowed(DomainError):
    type = "permission-denied"
    status = 403
    title = "You may not do this"


class NotFound(DomainError):
    type = "not-found"
    status = 404
    title = "Not found"


class Conflict(DomainError):
    type = "conflict"
    status = 409
    title = "The request conflicts with the current state"


class StaleVersion(DomainError):
    type = "stale-version"
    status = 412
    title = "The record changed since you read it"
