"""Template context every page gets: the inbox count of the header, computed only if shown."""

from django.utils.functional import SimpleLazyObject

from fms.cases.inbox import inbox_total_for_request


def inbox(request) -> dict:
    return {"inbox_total_header": SimpleLazyObject(lambda: inbox_total_for_request(request))}
