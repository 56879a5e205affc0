"""API query strings: each parameter at most once and with a value.

No API parameter takes several values by repetition (lists are comma separated: ?status=write,review)
and none means anything when empty, so `?page_size=` or `?status=a&status=b` is a 400 naming the
parameter rather than a silent guess (Django would keep the last value, or ignore an empty one).
"""

from fms.core.problems import problem_response

API_PREFIX = "/api/v1/"


class QueryParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            errors = {}
            for name, values in request.GET.lists():
                if len(values) > 1:
                    errors[name] = ["Give this parameter once; several values are comma separated."]
                elif not values[0].strip():
                    errors[name] = ["Give a value, or leave the parameter out."]
            if errors:
                return problem_response(
                    request,
                    status_code=400,
                    slug="validation-error",
                    detail=f"Invalid value for: {', '.join(sorted(errors))}.",
                    errors=errors,
                )
        return self.get_response(request)
