"""Input shapes of the document routes (strict: unknown fields refused, money only as strings) and
the response shapes the schema documents."""

from rest_framework import serializers

from fms.cases.api.serializers import MoneyField, StrictSerializer, money, page_of
from fms.documents.choices import DocumentKind, DocumentStatus, LineChange


class DocumentOpenSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=[DocumentKind.AMENDMENT, DocumentKind.MODIFICATION])
    reason = serializers.CharField(max_length=4000, help_text="What changes and why.")


class PaymentRowInputSerializer(StrictSerializer):
    due_on = serializers.DateField()
    amount = MoneyField()


class DocumentIssueSerializer(StrictSerializer):
    packing_crating_handling = MoneyField(required=False, allow_null=True)
    transportation = MoneyField(
        required=False, allow_null=True, help_text="Required when a line's delivery term code is not 4."
    )
    other = MoneyField(required=False, allow_null=True)


class DocumentOfferSerializer(DocumentIssueSerializer):
    payment_schedule = PaymentRowInputSerializer(
        many=True, required=False, help_text="Rows to use instead of the generated quarterly schedule."
    )


class DraftPaymentRowSerializer(StrictSerializer):
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="Left out for the first row (the deposit, due with acceptance)."
    )
    amount = MoneyField()


class DraftScheduleSerializer(DocumentIssueSerializer):
    payment_schedule = DraftPaymentRowSerializer(
        many=True, allow_empty=False, help_text="Every row, the initial deposit first; they sum to the total."
    )


class DocumentAcceptSerializer(StrictSerializer):
    content_hash = serializers.RegexField(r"^[0-9a-f]{64}$", help_text="The content_hash of the document accepted.")
    signatory_name = serializers.CharField(max_length=150)
    signatory_title = serializers.CharField(max_length=150)
    signed_copy_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$", required=False, help_text="Staff: the SHA-256 of the countersigned copy."
    )
    accepted_on = serializers.DateField(required=False, help_text="Staff: the date the copy was signed.")


class DocumentWithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=4000)


class DocumentReinstateSerializer(StrictSerializer):
    offer_expires_on = serializers.DateField(help_text="The new OED: after today and after the one in force.")
    reason = serializers.CharField(max_length=4000)


# ---- Output (documented) ------------------------------------------------------------------------


class DocumentLineSerializer(serializers.Serializer):
    line_number = serializers.CharField()
    change = serializers.ChoiceField(choices=LineChange.choices)
    category = serializers.CharField()
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


class LoaNoteSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()


class CostSummarySerializer(serializers.Serializer):
    net_estimated_cost = money()
    packing_crating_handling = money()
    transportation = money()
    administrative_surcharge = money()
    contract_administration = money()
    other = money()
    total_estimated_cost = money()


class PaymentRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True, help_text="null: a draft's deposit, dated when offered.")
    amount = money()
    cumulative = money()


class AcceptanceSerializer(serializers.Serializer):
    accepted_on = serializers.DateField()
    method = serializers.CharField()
    signatory_name = serializers.CharField()
    signatory_title = serializers.CharField()
    signed_copy_sha256 = serializers.CharField(allow_blank=True)


class DocumentSerializer(serializers.Serializer):
    case = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    reason = serializers.CharField(allow_blank=True)
    supersedes = serializers.CharField(allow_null=True)
    terms_of_sale = serializers.CharField()
    offered_on = serializers.DateField(allow_null=True)
    offer_expires_on = serializers.DateField(allow_null=True, help_text="The OED offered (part of the hashed content).")
    reinstated_until = serializers.DateField(
        allow_null=True, help_text="The OED in force after a reviewer's reinstatement; null: offer_expires_on."
    )
    issued_on = serializers.DateField(allow_null=True)
    content_hash = serializers.CharField(allow_blank=True, help_text="Empty while draft.")
    acceptance = AcceptanceSerializer(allow_null=True)

    class Meta:
        ref_name = "LoaDocument"


class DocumentDetailSerializer(DocumentSerializer):
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    lines = DocumentLineSerializer(many=True, help_text="Frozen lines; a draft shows none (its lines are the case's).")
    loa_notes = LoaNoteSerializer(many=True)
    cost_summary = CostSummarySerializer(
        allow_null=True, help_text="A draft's: its working lines priced today (null while they cannot be)."
    )
    payment_schedule = PaymentRowSerializer(many=True, help_text="A draft's: the rows entered (none: generated).")

    class Meta:
        ref_name = "LoaDocumentDetail"


# A case has a handful of documents: one page always (next and previous are null), in the page
# shape of every list (fms.core.api.pagination.page_body).
DocumentListSerializer = page_of(DocumentSerializer, "DocumentPage")


class FieldChangeSerializer(serializers.Serializer):
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class LineDiffSerializer(serializers.Serializer):
    line_number = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    fields = serializers.DictField(child=FieldChangeSerializer())


class FigureDeltaSerializer(serializers.Serializer):
    before = money()
    after = money()
    delta = serializers.CharField(help_text="after − before, may be negative.")


class DocumentDiffSerializer(serializers.Serializer):
    from_ = serializers.CharField(source="from")
    to = serializers.CharField()
    lines = LineDiffSerializer(many=True)
    cost_summary = serializers.DictField(child=FigureDeltaSerializer())
