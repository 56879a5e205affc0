"""The page forms of execution: field shapes only; every rule is the services'."""

from django import forms

from fms.execution.choices import SdrKind, SdrResolution

MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": 0}


class DeliveryForm(forms.Form):
    line_number = forms.ChoiceField(label="Line")
    quantity = forms.IntegerField(min_value=1)
    shipped_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    transportation_control_number = forms.CharField(label="TCN", max_length=17, help_text="17 letters and digits.")
    document_number = forms.CharField(max_length=15, help_text="The requisition document number (14 characters).")
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_number"].choices = [(n, n) for n in lines]


class PerformanceForm(forms.Form):
    line_number = forms.ChoiceField(label="Services line")
    performed_through_month = forms.IntegerField(min_value=1, max_value=32767, label="Performed through month")

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_number"].choices = [(n, n) for n in lines]


class SdrForm(forms.Form):
    delivery = forms.ChoiceField(label="Delivery")
    kind = forms.ChoiceField(choices=SdrKind.choices)
    quantity = forms.IntegerField(min_value=1)
    value = forms.DecimalField(label="Value (US$)", help_text="At least $200 except wrong item and quality.", **MONEY)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, deliveries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = [
            (d.number, f"{d.number}: line {d.line_number} × {d.quantity}, {d.shipped_on:%d %b %Y}") for d in deliveries
        ]


class SdrResolveForm(forms.Form):
    resolution = forms.ChoiceField(choices=SdrResolution.choices)
    note = forms.CharField(max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoneyForm(forms.Form):
    kind = forms.ChoiceField(choices=[("deposit", "Deposit"), ("collection", "Collection")])
    amount = forms.DecimalField(label="Amount (US$)", **MONEY)
    posted_on = forms.DateField(label="Received on", widget=forms.DateInput(attrs={"type": "date"}))
    source_ref = forms.CharField(label="Receipt reference", max_length=64)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class CancellationForm(forms.Form):
    reason = forms.CharField(max_length=2000)
    termination_costs = forms.DecimalField(label="Termination costs (US$)", **MONEY)
