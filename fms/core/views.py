"""Cross-cutting pages: the catalogue of problem types that API errors point to, the favicon."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static

from fms.core.problems import PROBLEM_TYPES, problem_type_uri


def problem_types(request):
    return JsonResponse(
        {
            slug: {"type": problem_type_uri(slug), "title": title, "what_to_do": advice}
            for slug, (title, advice) in PROBLEM_TYPES.items()
        }
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is a static file."""
    return HttpResponsePermanentRedirect(static("fms/favicon.svg"))
