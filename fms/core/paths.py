"""A NUL character in a URL path is never part of a record's key, and PostgreSQL text cannot hold
one: a view that looked it up failed inside the database driver (a 500, found by
tests/core/test_crafted_input.py). Such a request is answered 404 before any view runs, as
problem+json under /api/."""

from django.http import Http404

from fms.core.problems import problem_response


class NulPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            if request.path.startswith("/api/"):
                return problem_response(request, status_code=404, slug="not-found", detail="No such resource.")
            raise Http404("No such page.")
        return self.get_response(request)
