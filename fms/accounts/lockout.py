"""Failed sign-ins: a limit per (user name, address) and a higher one per address (issue #14 item 6).

django-axes counts failures for each of AXES_LOCKOUT_PARAMETERS and compares the largest count with
one AXES_FAILURE_LIMIT. Password spraying tries one password on many user names, so the pair never
reaches the limit; the address does. An office behind one address mistypes more than one person,
so the address has a limit of its own (AXES_ADDRESS_FAILURE_LIMIT), put on axes's single scale here.
"""

from math import ceil

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


class PairAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry, in its order: the pair, then the address.
        pair, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        address_limit = settings.AXES_ADDRESS_FAILURE_LIMIT
        if not address_limit:
            return pair
        limit = get_failure_limit(request, credentials)
        # address * limit // address_limit reaches `limit` exactly when address reaches its own limit.
        return max(pair, address * limit // address_limit)


def lockout_response(request, original_response=None, credentials=None):
    """429 with what happened and for how long, for people and for scripts (Retry-After)."""
    cool_off = get_cool_off(request)
    minutes = ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": minutes,
            "pair_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
