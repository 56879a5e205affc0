"""Filters of DESIGN §5, applied after scoping: they narrow what a user may see, never widen it."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from fms.cases.choices import CaseStatus, LineCategory, LineStatus
from fms.cases.models import Case, LineItem
from fms.cases.selectors import notification_required_q
from fms.ledger.models import ApprovalEvent
from fms.notifications.models import CongressionalNotification


class UTCDateTimeField(forms.CharField):
    """ISO 8601 with any offset (or Z), turned into UTC before it reaches a query.

    PostgreSQL refuses offsets of 16 hours or more, which Python accepts; a time without an
    offset is taken as UTC. A `+` sent unencoded in a query string arrives as a space.
    """

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            parsed = parse_datetime(value.strip().replace(" ", "+"))
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("Use ISO 8601, e.g. 2026-11-26T08:00:00Z or 2026-11-26T17:00:00+09:00.")
        if is_naive(parsed):
            parsed = parsed.replace(tzinfo=dt.UTC)
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("That time is out of range.") from None


@extend_schema_field(OpenApiTypes.DATETIME)
class UTCDateTimeFilter(django_filters.Filter):
    field_class = UTCDateTimeField


class CodeListField(forms.CharField):
    def __init__(self, *args, allowed=None, upper=False, **kwargs):
        self.allowed, self.upper = allowed, upper
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        codes = [v.strip().upper() if self.upper else v.strip() for v in value.split(",") if v.strip()]
        unknown = [code for code in codes if self.allowed is not None and code not in self.allowed]
        if unknown:
            # The values go in as params: django-filter %-formats the message, and a value may hold a %.
            raise forms.ValidationError(
                "Unknown value(s) %(unknown)s; use %(allowed)s.",
                params={"unknown": ", ".join(unknown), "allowed": ", ".join(self.allowed)},
            )
        return codes


@extend_schema_field(OpenApiTypes.STR)
class CodeListFilter(django_filters.Filter):
    """One code or several, comma separated: ?status=write,review."""

    field_class = CodeListField

    def __init__(self, *args, choices=None, upper=False, **kwargs):
        super().__init__(*args, allowed=choices, upper=upper, **kwargs)

    def filter(self, queryset, value):
        return queryset.filter(**{f"{self.field_name}__in": value}) if value else queryset


class StrictBooleanField(forms.CharField):
    TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")

    def clean(self, value):
        value = (super().clean(value) or "").strip().lower()
        if not value:
            return None
        if value not in self.TRUE + self.FALSE:
            raise forms.ValidationError("Use true or false.")
        return value in self.TRUE


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class CaseFilterSet(django_filters.FilterSet):
    status = CodeListFilter(field_name="status", choices=CaseStatus.values, help_text="e.g. write,review")
    purchaser = CodeListFilter(field_name="purchaser_id", upper=True, help_text="customer code(s), e.g. JA")
    implementing_agency = CodeListFilter(field_name="implementing_agency_id", upper=True, help_text="e.g. P")
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text="ISO 8601, any offset")
    notification_required = StrictBooleanFilter(method="filter_notification_required", help_text="true or false")
    q = django_filters.CharFilter(method="filter_q", help_text="words in the case id or title")

    class Meta:
        model = Case
        fields = []

    def filter_notification_required(self, queryset, name, value):
        if value is None:
            return queryset
        condition = notification_required_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_q(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(case_id__icontains=word) | Q(title__icontains=word))
        return queryset


class LineItemFilterSet(django_filters.FilterSet):
    review_status = CodeListFilter(field_name="review_status", choices=LineStatus.values)
    category = CodeListFilter(field_name="category", choices=LineCategory.values)
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = LineItem
        fields = []


class EventFilterSet(django_filters.FilterSet):
    action = CodeListFilter(field_name="action")
    since = UTCDateTimeFilter(field_name="occurred_at", lookup_expr="gte", help_text="ISO 8601, any offset")

    class Meta:
        model = ApprovalEvent
        fields = []


class NotificationFilterSet(django_filters.FilterSet):
    purchaser = CodeListFilter(field_name="purchaser_id", upper=True)

    class Meta:
        model = CongressionalNotification
        fields = []
