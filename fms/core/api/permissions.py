"""Who may call the API at all. What they may see is decided by the selectors, what they may
change by the services; read-only tokens stop at safe methods here."""

from rest_framework import permissions


class ApiAccess(permissions.BasePermission):
    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        return request.method in permissions.SAFE_METHODS or not getattr(token, "read_only", False)
