"""Input shapes of the execution routes (strict: unknown fields refused, money only as strings) and
the response shapes the schema documents."""

from rest_framework import serializers

from fms.cases.api.serializers import MoneyField, StrictSerializer, money, page_of, signed_money
from fms.execution.choices import RECEIPT_KINDS, SdrKind, SdrResolution, SdrStatus, TransactionKind


class DeliveryInputSerializer(StrictSerializer):
    line_number = serializers.RegexField(r"^[0-9]{3}$")
    quantity = serializers.IntegerField(min_value=1)
    shipped_on = serializers.DateField()
    transportation_control_number = serializers.CharField(max_length=17, help_text="The 17-character TCN.")
    document_number = serializers.CharField(max_length=15, help_text="The requisition document number.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PerformanceInputSerializer(StrictSerializer):
    line_number = serializers.RegexField(r"^[0-9]{3}$")
    performed_through_month = serializers.IntegerField(min_value=1, max_value=32767)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SdrInputSerializer(StrictSerializer):
    delivery = serializers.IntegerField(min_value=1, help_text="The delivery's number within the case.")
    kind = serializers.ChoiceField(choices=SdrKind.choices)
    quantity = serializers.IntegerField(min_value=1)
    value = MoneyField(help_text="At least 200.00 except for wrong_item and quality (DSCA policy memo 04-47).")
    description = serializers.CharField(max_length=2000)


class SdrReviewSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SdrResolveSerializer(StrictSerializer):
    resolution = serializers.ChoiceField(choices=SdrResolution.choices)
    note = serializers.CharField(max_length=2000)


class MoneyInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=RECEIPT_KINDS)
    amount = MoneyField()
    posted_on = serializers.DateField()
    source_ref = serializers.CharField(max_length=64, help_text="The receipt's own reference (unique).")


class EmergencySerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class CancellationSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)
    termination_costs = MoneyField(help_text="Billed as the case's final billing; 0.00 if none.")


class CloseSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# ---- Output (documented) ------------------------------------------------------------------------


class DeliverySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    line_number = serializers.CharField()
    quantity = serializers.IntegerField()
    shipped_on = serializers.DateField()
    transportation_control_number = serializers.CharField()
    document_number = serializers.CharField()
    note = serializers.CharField()


class SdrSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    delivery = serializers.IntegerField()
    line_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=SdrKind.choices)
    quantity = serializers.IntegerField()
    value = money()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=SdrStatus.choices)
    resolution = serializers.CharField(allow_null=True)
    resolution_note = serializers.CharField()
    filed_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


DeliveryPageSerializer = page_of(DeliverySerializer, "DeliveryPage")
SdrPageSerializer = page_of(SdrSerializer, "SdrPage")


class MoneyFiguresSerializer(serializers.Serializer):
    obligations = money()
    expenditures = money()
    billed = money()
    collected = money()
    unliquidated_obligations = money()
    balance_due = signed_money()


class FinancialLineSerializer(MoneyFiguresSerializer):
    line_number = serializers.CharField(allow_null=True)


class TransactionSerializer(serializers.Serializer):
    line_number = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=TransactionKind.choices)
    amount = money()
    posted_on = serializers.DateField()
    source_ref = serializers.CharField()
    description = serializers.CharField()


class FinancialsSerializer(serializers.Serializer):
    case = serializers.CharField()
    document = serializers.CharField(allow_null=True)
    total_estimated_cost = money(allow_null=True)
    summary = MoneyFiguresSerializer()
    lines = FinancialLineSerializer(many=True)
    transactions = page_of(TransactionSerializer, "TransactionPage")()


class NextPaymentSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = money()


class StatementSerializer(serializers.Serializer):
    case = serializers.CharField()
    quarter = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    document = serializers.CharField(allow_null=True)
    total_estimated_cost = money(allow_null=True)
    billed_this_quarter = money()
    billed_cumulative = money()
    collected_this_quarter = money()
    collected_cumulative = money()
    balance_due = signed_money()
    obligations_cumulative = money()
    expenditures_cumulative = money()
    unliquidated_obligations = money()
    next_payment = NextPaymentSerializer(allow_null=True)


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()


class ClosureSerializer(serializers.Serializer):
    case = serializers.CharField()
    status = serializers.CharField()
    accelerated_closure = serializers.BooleanField()
    ready = serializers.BooleanField()
    checklist = ChecklistItemSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    cases = serializers.ListField(child=serializers.CharField())
