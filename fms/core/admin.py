"""Admin helpers shared by the apps."""

from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

from fms.core.errors import DomainError


def refusals_as_messages(view):
    """Run an admin view; a refused change rolls back and comes back as an error message, not a 500."""

    @wraps(view)
    def wrapper(self, request: HttpRequest, *args, **kwargs):
        try:
            return view(self, request, *args, **kwargs)
        except DomainError as refused:
            messages.error(request, refused.detail)
            return HttpResponseRedirect(request.get_full_path())

    return wrapper
