"""Cross-cutting pages: the catalogue of problem types that API errors point to."""

from django.http import JsonResponse

from fms.core.problems import PROBLEM_TYPES, problem_type_uri


def problem_types(request):
    return JsonResponse(
        {
            slug: {"type": problem_type_uri(slug), "title": title, "what_to_do": advice}
            for slug, (title, advice) in PROBLEM_TYPES.items()
        }
    )
