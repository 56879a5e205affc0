"""Forms of the web pages. They check the shape of the input; the services decide the rest, and
their refusals are put back on the form, field by field."""

from django import forms

from fms.cases.models import Case, CongressionalNotification, LineItem
from fms.core.errors import DomainError


class DateInput(forms.DateInput):
    input_type = "date"


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ("case_id", "title", "description", "notes", "lor_date", "lor_received_on", "notification")
        widgets = {
            "lor_date": DateInput(),
            "lor_received_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"case_id": "Customer code, agency letter, designator: KS-B-RAD. Purchaser and agency follow."}

    def __init__(self, *args, notifications=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notification"].queryset = notifications or CongressionalNotification.objects.none()
        self.fields["notification"].required = False
        if editing:
            del self.fields["case_id"]

    def _post_clean(self):
        """The services validate the record; only the fields' own checks run here."""


class LineForm(forms.ModelForm):
    class Meta:
        model = LineItem
        fields = (
            "line_number",
            "category",
            "description",
            "masl",
            "quantity",
            "unit_of_issue",
            "unit_cost",
            "source_code",
            "type_of_assistance",
            "offer_release_code",
            "delivery_term_code",
            "months_of_service",
            "delivery_from_months",
            "delivery_to_months",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"line_number": "Leave empty for the next free number."}

    # Wider than the stored 16 characters: spaces and dashes are typed, then removed by the service.
    masl = forms.CharField(required=False, max_length=40, label="MASL")
    is_mde = forms.BooleanField(required=False, label="MDE (Major Defense Equipment)")
    is_sme = forms.BooleanField(required=False, label="SME (Significant Military Equipment)")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_number"].required = False
        if editing:
            del self.fields["line_number"]
            self.initial.update(is_mde=self.instance.is_mde, is_sme=self.instance.is_sme)

    def _post_clean(self):
        """The services validate the record; only the fields' own checks run here."""


class DecisionForm(forms.Form):
    """A step on a line or a case; `version` is what the page showed, so a stale step is refused."""

    action = forms.CharField(max_length=32)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=1)


def add_refusal(form: forms.Form, refused: DomainError) -> None:
    """Put a service's refusal on the form: on its fields when it names them."""
    placed = False
    for field, messages in refused.errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, refused.detail)
