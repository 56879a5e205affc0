"""Serializers: strict input shapes (unknown fields refused, money only as strings) and the
response shapes the schema documents. Responses themselves are built by documents.py."""

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from fms.cases import rules
from fms.cases.choices import CaseAction, CaseStatus, LineCategory, LineStatus, event_actions
from fms.notifications.choices import NotificationKind, NotificationStatus
from fms.reference.codes import LINE_CODE_TABLES, ReviewGroup


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, and read-only ones, instead of silently ignoring them."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in unknown})
        return super().to_internal_value(data)


# ASCII digits only: \d alone would take "١٢٣.٠٠", which Decimal() reads as 123.00.
MONEY_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
MONEY_TEXT = re.compile(MONEY_PATTERN, re.ASCII)
TEXT = rules.TEXT_LIMITS


MONEY_SCHEMA = {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, "example": "133300000.00"}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.DecimalField):
    """US dollars with at most two decimals, sent as a JSON string: JSON numbers lose cents."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=rules.MONEY_MAX_DIGITS,
            decimal_places=rules.MONEY_DECIMAL_PLACES,
            min_value=Decimal("0.00"),
            max_value=rules.MONEY_MAX,
            coerce_to_string=True,
            **kwargs,
        )

    def to_internal_value(self, data):
        if isinstance(data, int | float) and not isinstance(data, bool):
            raise serializers.ValidationError(
                f'Send money as a string, e.g. "{data:.2f}": JSON numbers cannot carry cents exactly.'
            )
        if not isinstance(data, str) or not MONEY_TEXT.match(data.strip()):
            raise serializers.ValidationError('Send money as a string of digits with up to 2 decimals, e.g. "1234.50".')
        return super().to_internal_value(data.strip())


class CodeField(serializers.CharField):
    """A reference by code (purchaser JA, agency P), case-insensitive."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).strip().upper()


# ---- Input ------------------------------------------------------------------------------------


class CaseCreateSerializer(StrictSerializer):
    case_id = serializers.CharField(max_length=8, help_text="JA-P-SAA: customer code, agency letter, designator.")
    purchaser = CodeField(max_length=2, required=False, help_text="Defaults to the code in the case id.")
    implementing_agency = CodeField(max_length=1, required=False, help_text="Defaults to the code in the case id.")
    title = serializers.CharField(max_length=TEXT["title"])
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["description"])
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["notes"])
    lor_date = serializers.DateField(required=False, allow_null=True)
    lor_received_on = serializers.DateField(required=False, allow_null=True)
    notification = serializers.CharField(
        required=False, allow_null=True, help_text="Transmittal number of a notification for this purchaser."
    )
    notification_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def validate(self, attrs):
        if attrs.get("notification") and attrs.get("notification_id"):
            raise serializers.ValidationError({"notification": ["Give notification or notification_id, not both."]})
        return attrs


class CaseUpdateSerializer(CaseCreateSerializer):
    offer_expires_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("case_id", "purchaser", "implementing_agency"):
            self.fields.pop(name)
        self.fields["title"].required = False


class TransitionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=[a for a in CaseAction.values if a != CaseAction.CREATE])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["comment"])


class LineWriteSerializer(StrictSerializer):
    line_number = serializers.RegexField(
        rules.LINE_NUMBER_PATTERN, required=False, help_text="001–999; the next free number when omitted."
    )
    category = serializers.ChoiceField(choices=LineCategory.choices)
    description = serializers.CharField(max_length=TEXT["description"])
    masl = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Spaces and dashes are removed; no O or I."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    unit_of_issue = serializers.RegexField(rules.UNIT_OF_ISSUE_PATTERN, required=False)
    unit_cost = MoneyField()
    is_mde = serializers.BooleanField(required=False)
    is_sme = serializers.BooleanField(required=False, help_text="Required with is_mde: every MDE is SME.")
    source_code = serializers.ChoiceField(
        choices=LINE_CODE_TABLES["source_code"].choices, required=False, allow_blank=True
    )
    type_of_assistance = serializers.ChoiceField(
        choices=LINE_CODE_TABLES["type_of_assistance"].choices, required=False, allow_blank=True
    )
    offer_release_code = serializers.ChoiceField(
        choices=LINE_CODE_TABLES["offer_release_code"].choices, required=False, allow_blank=True
    )
    delivery_term_code = serializers.ChoiceField(
        choices=LINE_CODE_TABLES["delivery_term_code"].choices, required=False, allow_blank=True
    )
    months_of_service = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    delivery_from_months = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True, help_text="Months after acceptance."
    )
    delivery_to_months = serializers.IntegerField(min_value=0, max_value=600, required=False, allow_null=True)


class LineUpdateSerializer(LineWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("line_number")
        for field in self.fields.values():
            field.required = False


class CommentSerializer(StrictSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT["comment"], help_text="Required to reject or return a line."
    )


class NotificationCreateSerializer(StrictSerializer):
    """A 36(b) notification (cn_officer). `emergency` becomes a change for a second cn_officer."""

    kind = serializers.ChoiceField(choices=NotificationKind.choices, required=False)
    original = serializers.CharField(
        required=False, allow_null=True, help_text="Transmittal number of the 36b1 certification (36b5a, 36b5c)."
    )
    transmittal_number = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=6)
    purchaser = CodeField(max_length=2)
    implementing_agency = CodeField(max_length=1, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=NotificationStatus.choices, required=False)
    notified_on = serializers.DateField(required=False, allow_null=True)
    informal_review_started_on = serializers.DateField(required=False, allow_null=True)
    mde_value = MoneyField(required=False, allow_null=True)
    non_mde_value = MoneyField(required=False, allow_null=True)
    total_value = MoneyField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["description"])
    emergency = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["comment"])


class NotificationUpdateSerializer(NotificationCreateSerializer):
    """Fields to change; sensitive ones (DESIGN §4.4) become one pending change."""

    purchaser = None


class NotificationImportSerializer(StrictSerializer):
    text = serializers.CharField(max_length=200_000, help_text="A Congressional Record text or DSCA press release.")
    save = serializers.BooleanField(required=False, help_text="false: preview only (nothing written).")


class DecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=TEXT["comment"])


# ---- Output (documented; built by documents.py) -------------------------------------------------


@extend_schema_field({**MONEY_SCHEMA, "pattern": r"^[0-9]{1,13}\.[0-9]{2}$"})
class MoneyText(serializers.CharField):
    """Money in a response: always two decimals."""


def money(**kwargs) -> serializers.CharField:
    return MoneyText(help_text='US dollars as a string, e.g. "133300000.00".', **kwargs)


@extend_schema_field({**MONEY_SCHEMA, "pattern": r"^-?[0-9]{1,13}\.[0-9]{2}$"})
class SignedMoneyText(serializers.CharField):
    """Money in a response that may be below zero, e.g. a balance when more was collected than billed."""


def signed_money(**kwargs) -> serializers.CharField:
    help_text = 'US dollars as a string, negative when in the purchaser\'s favour, e.g. "-25.00".'
    return SignedMoneyText(help_text=help_text, **kwargs)


STAFF_ONLY = "Not in a purchaser's answers (DESIGN §8, docs/api.md §9)."


def staff_only(field: serializers.Field) -> serializers.Field:
    """A field a purchaser's users are not given: documented, but not required in the schema.

    Set in the constructor's arguments too: a serializer deep-copies its fields by constructing them again.
    """
    help_text = f"{field.help_text} {STAFF_ONLY}" if field.help_text else STAFF_ONLY
    field._kwargs.update(required=False, help_text=help_text)
    field.required, field.help_text = False, help_text
    return field


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"}]})
class EventIdField(serializers.Field):
    """An event's id: the global number for staff; for a purchaser's users an opaque id of their own."""


class LineItemSerializer(serializers.Serializer):
    case = staff_only(serializers.CharField())
    line_number = serializers.CharField()
    category = serializers.ChoiceField(choices=LineCategory.choices)
    description = serializers.CharField()
    masl = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    unit_of_issue = serializers.CharField()
    unit_cost = money()
    total_cost = money()
    is_mde = serializers.BooleanField()
    is_sme = serializers.BooleanField()
    source_code = serializers.CharField(allow_blank=True)
    type_of_assistance = serializers.CharField(allow_blank=True)
    offer_release_code = serializers.CharField(allow_blank=True)
    delivery_term_code = serializers.CharField(allow_blank=True)
    months_of_service = serializers.IntegerField(allow_null=True)
    delivery_from_months = serializers.IntegerField(allow_null=True)
    delivery_to_months = serializers.IntegerField(allow_null=True)
    review_status = staff_only(serializers.ChoiceField(choices=LineStatus.choices))
    created_by = staff_only(serializers.CharField())
    updated_by = staff_only(serializers.CharField())
    updated_at = staff_only(serializers.DateTimeField())
    version = staff_only(serializers.IntegerField())

    class Meta:
        ref_name = "LineItem"


class CaseSerializer(serializers.Serializer):
    case_id = serializers.CharField()
    purchaser = serializers.CharField()
    implementing_agency = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    notes = staff_only(serializers.CharField(allow_blank=True))
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    lor_date = serializers.DateField(allow_null=True)
    lor_received_on = serializers.DateField(allow_null=True)
    offer_expires_on = serializers.DateField(allow_null=True)
    notification = serializers.CharField(allow_null=True, help_text="Transmittal number; null if none or unknown.")
    notification_id = staff_only(serializers.IntegerField(allow_null=True))
    total_value = staff_only(money())
    mde_value = staff_only(money())
    design_construction_value = staff_only(money())
    notification_required = staff_only(serializers.BooleanField(help_text="Meets an AECA 36(b) threshold."))
    effective_document = serializers.CharField(
        allow_null=True, help_text="Label of the LOA document in force (the latest accepted or issued); null before."
    )
    estimated_total = MoneyText(
        allow_null=True,
        help_text=(
            'US dollars as a string, e.g. "133300000.00": the total estimated cost (lines, accessorials, '
            "surcharges) of the document in force, else of the offered one; before one is frozen, staff read the "
            "working lines priced today (null while they cannot be priced: no transportation estimate entered)."
        ),
    )
    created_by = staff_only(serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Case"


class CaseDetailSerializer(CaseSerializer):
    lines = LineItemSerializer(many=True)

    class Meta:
        ref_name = "CaseWithLines"


class CaseListItemSerializer(CaseSerializer):
    lines = LineItemSerializer(many=True, required=False, help_text="Only with ?expand=lines.")

    class Meta:
        ref_name = "CaseInList"


class EventSerializer(serializers.Serializer):
    id = EventIdField()
    case = serializers.CharField()
    line_number = staff_only(serializers.CharField(allow_null=True))
    seq = staff_only(serializers.IntegerField())
    action = serializers.ChoiceField(choices=event_actions())
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    actor = serializers.CharField()
    actor_name = serializers.CharField()
    comment = staff_only(serializers.CharField(allow_blank=True))
    occurred_at = serializers.DateTimeField()
    content_digest = staff_only(serializers.CharField())
    prev_hash = staff_only(serializers.CharField())
    hash = serializers.CharField()
    hash_version = staff_only(
        serializers.IntegerField(
            help_text="1: the hash covers no `via`; 2: it covers `via` too; 3: `via` and `document`."
        )
    )
    via = staff_only(
        serializers.CharField(
            allow_blank=True,
            help_text="How the actor signed in: session, session+mfa, token:<prefix>, command; empty: not kept.",
        )
    )
    document = serializers.CharField(
        allow_null=True,
        help_text="The LOA document a document step is about (BASIC, A01 …, M01 …); null for every other event.",
    )
    log_index = staff_only(
        serializers.IntegerField(
            allow_null=True, help_text="Position in the transparency log (from 0); null until the next checkpoint."
        )
    )

    class Meta:
        ref_name = "ApprovalEvent"


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    original = serializers.CharField(allow_null=True)
    original_id = serializers.IntegerField(allow_null=True)
    transmittal_number = serializers.CharField(allow_null=True)
    purchaser = serializers.CharField()
    implementing_agency = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=NotificationStatus.choices)
    notified_on = serializers.DateField(allow_null=True)
    informal_review_started_on = serializers.DateField(allow_null=True)
    mde_value = money(allow_null=True)
    non_mde_value = money(allow_null=True)
    total_value = money(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    emergency = serializers.BooleanField()
    review_group = serializers.CharField(allow_blank=True, help_text="Fixed at recording: the group on notified_on.")
    formal_review_days = serializers.IntegerField(allow_null=True)
    review_ends_on = serializers.DateField(allow_null=True, help_text="Last day of the formal review (Washington).")
    threshold_mde = money(allow_null=True)
    threshold_total = money(allow_null=True)
    threshold_design_construction = money(allow_null=True)
    committed_value = money()
    committed_mde_value = money()
    remaining_value = money(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "CongressionalNotification"


class NotificationDraftSerializer(serializers.Serializer):
    """One notification read from an imported text, before or after it is saved as a draft."""

    id = serializers.IntegerField(allow_null=True)
    transmittal_number = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    original = serializers.CharField(allow_null=True)
    purchaser = serializers.CharField(allow_null=True)
    implementing_agency = serializers.CharField(allow_null=True)
    notified_on = serializers.DateField(allow_null=True)
    mde_value = money(allow_null=True)
    non_mde_value = money(allow_null=True)
    total_value = money(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    warnings = serializers.ListField(child=serializers.CharField())


class NotificationImportResultSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    notifications = NotificationDraftSerializer(many=True)


class NotificationChangeSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    changes = serializers.DictField()
    previous = serializers.DictField()
    requested_by = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True)


class PurchaserSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    review_group = serializers.ChoiceField(choices=ReviewGroup.choices)
    accelerated_closure = serializers.BooleanField(help_text="Takes part in accelerated case closure (ACCP).")

    class Meta:
        ref_name = "Purchaser"


class ImplementingAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "ImplementingAgency"


def page_of(item: type[serializers.Serializer], name: str, parameter: str = "cursor", feed: bool = False):
    """The one page shape of every list (fms.core.api.pagination.page_body), as one object in the schema."""
    fields = {
        "results": item(many=True),
        "next": serializers.CharField(
            allow_null=not feed,
            help_text=f"Pass as ?{parameter}= for the next page"
            + ("; always present, even when results is empty." if feed else "; null on the last page."),
        ),
        "next_url": serializers.URLField(allow_null=not feed, help_text="This request with that parameter set."),
        "previous": serializers.CharField(allow_null=True, help_text=f"Pass as ?{parameter}= for the page before."),
        "previous_url": serializers.URLField(allow_null=True),
        "Meta": type("Meta", (), {"ref_name": name}),
    }
    return extend_schema_serializer(many=False)(type(name, (serializers.Serializer,), fields))


CasePageSerializer = page_of(CaseListItemSerializer, "CasePage")
LineItemPageSerializer = page_of(LineItemSerializer, "LineItemPage")
EventPageSerializer = page_of(EventSerializer, "EventPage")
NotificationPageSerializer = page_of(NotificationSerializer, "NotificationPage")
PurchaserPageSerializer = page_of(PurchaserSerializer, "PurchaserPage")
ImplementingAgencyPageSerializer = page_of(ImplementingAgencySerializer, "ImplementingAgencyPage")
FeedSerializer = page_of(EventSerializer, "EventFeed", parameter="after", feed=True)


class LedgerSerializer(serializers.Serializer):
    case = serializers.CharField()
    ok = serializers.BooleanField()
    events = serializers.IntegerField()
    first_break = serializers.DictField(allow_null=True, help_text="position, event_id and reason of the break")

    class Meta:
        ref_name = "LedgerVerification"
