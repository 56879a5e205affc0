"""Response rules for every page and API answer the app itself serves (static files are not seen:
WhiteNoise answers them before these run).

- `Cache-Control: no-store`: case data must not stay in a shared proxy's or the browser's cache
  (RFC 9111 §5.2.2.5). A view that already chose a policy (the admin's `never_cache`) keeps it.
- Under /api/, a 404 that Django answered itself (no route matched) is problem+json like every API
  error, in DEBUG too, where Django would otherwise answer its HTML debug page.
"""

from fms.core.problems import PROBLEM_CONTENT_TYPE, problem_response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class ApiNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            return problem_response(request, status_code=404, slug="not-found", detail=f"No API route {request.path}.")
        return response
