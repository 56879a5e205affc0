"""Template context every page gets from accounts: whether the menu links to the read audit."""

from django.utils.functional import SimpleLazyObject

from fms.accounts.selectors import reads_the_read_audit


def read_audit_link(request) -> dict:
    # Lazy: anonymous pages never ask; the permission check reuses the user's permission cache.
    return {"reads_the_read_audit": SimpleLazyObject(lambda: reads_the_read_audit(request.user))}
