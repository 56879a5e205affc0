"""Forms of the web pages. They check the shape of the input; the services decide the rest, and
their refusals are put back on the form, field by field.

An edit form carries the version it was read at and, as hidden inputs, the values it showed
(Django's `show_hidden_initial`): a stale save is refused, keeps what was typed, and shows what
the other person changed beside it.
"""

import re
from decimal import Decimal

from django import forms

from fms.cases.models import Case, LineItem
from fms.core.errors import DomainError
from fms.notifications.models import CongressionalNotification

# ASCII digits only (a Unicode digit such as "²" or "١" is refused, never a 500); grouping commas
# are accepted only where they group thousands, so "2,125,000.00" reads as typed.
_MONEY = re.compile(r"\$?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<cents>[0-9]*))?", re.ASCII)
_VERSION = re.compile(r"[0-9]{1,9}", re.ASCII)


class DateInput(forms.DateInput):
    input_type = "date"


class MoneyInput(forms.TextInput):
    """Text, not a number spinner: the scroll wheel never changes an amount; phones get the decimal keypad."""

    is_money = True  # the form template puts a "$" before it

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "class": "money", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return super().format_value(value)


class MoneyField(forms.Field):
    """US dollars to the cent: `$2,125,000.00`, `2125000`, `2125000.5`; never three decimals."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": "Enter an amount in dollars, e.g. 2,125,000.00.",
        "cents": "Give at most two decimals (cents): {value} has {count}.",
        "too_large": "Enter at most 9,999,999,999,999.99.",
    }

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        match = _MONEY.fullmatch(text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        cents = match["cents"] or ""
        if len(cents) > 2:
            raise forms.ValidationError(self.error_messages["cents"].format(value=text, count=len(cents)), code="cents")
        amount = Decimal(f"{match['whole'].replace(',', '')}.{cents.ljust(2, '0')}")
        if amount >= Decimal("10000000000000"):
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


class VersionField(forms.CharField):
    """The version the page was read at. Required: a write without it would skip the stale check."""

    widget = forms.HiddenInput
    default_error_messages = {"required": "This form is missing the version it was read at; reload the page."}

    def to_python(self, value):
        text = super().to_python(value).strip()
        if text in self.empty_values:
            return None
        if not _VERSION.fullmatch(text) or int(text) < 1:
            raise forms.ValidationError("The form's version is unreadable; reload the page.", code="invalid")
        return int(text)


class _EditForm(forms.ModelForm):
    """Shared by the case and line forms: the version and the values the form was read with."""

    version = VersionField()

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.initial["version"] = self.instance.version
            for name, field in self.fields.items():
                field.show_hidden_initial = name != "version"
        else:
            del self.fields["version"]

    def _post_clean(self):
        """The services validate the record; only the fields' own checks run here."""

    def changes(self) -> dict:
        """What the user changed against what the form showed (not against what is stored now)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}

    def _read_value(self, name: str):
        """The value field `name` had when the form was read, from its hidden initial input."""
        field = self.fields[name]
        raw = self._widget_data_value(field.hidden_widget(), self[name].html_initial_name)
        try:
            return field.to_python(raw)
        except forms.ValidationError:
            return None

    def refresh_after_stale(self, current) -> list[dict]:
        """After a stale save: what the other person changed (label, what you read, what is saved now,
        what you typed). The version and the hidden initial values move on to the saved record, so a
        second save, made knowing the other change, goes through; the typed values stay."""
        conflicts = []
        data = self.data.copy()
        for name, field in self.fields.items():
            if name == "version":
                continue
            saved = getattr(current, name)
            read = self._read_value(name)
            if _same(field, read, saved):
                continue
            typed = self.cleaned_data.get(name)
            conflicts.append(
                {
                    "label": field.label,
                    "read": _shown(field, read),
                    "saved": _shown(field, saved),
                    "yours": _shown(field, typed),
                    "kept": not _same(field, typed, read),
                }
            )
            data[self[name].html_initial_name] = "" if saved is None else str(getattr(saved, "pk", saved))
        data["version"] = str(current.version)
        self.data = data
        return conflicts


def _same(field: forms.Field, a, b) -> bool:
    if isinstance(field, forms.ModelChoiceField):
        a = getattr(a, "pk", a)
        b = getattr(b, "pk", b)
    return (a in (None, "") and b in (None, "")) or a == b


def _shown(field: forms.Field, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"${value:,.2f}"
    if isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=getattr(value, "pk", value)).first()
        return str(found) if found else str(value)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


class CaseForm(_EditForm):
    class Meta:
        model = Case
        fields = ("case_id", "title", "description", "notes", "lor_date", "lor_received_on", "notification")
        widgets = {
            "lor_date": DateInput(),
            "lor_received_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "case_id": "Case id",
            "lor_date": "Date of the Letter of Request",
            "lor_received_on": "Letter of Request received on",
            "notes": "Internal notes (staff and auditors only)",
        }
        help_texts = {"case_id": "Customer code, agency letter, designator: KS-B-RAD. Purchaser and agency follow."}

    def __init__(self, *args, notifications=None, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        self.fields["notification"].queryset = notifications or CongressionalNotification.objects.none()
        self.fields["notification"].required = False
        if editing:
            del self.fields["case_id"]


class LineForm(_EditForm):
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
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "quantity": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "unit_of_issue": forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
        }
        labels = {"unit_of_issue": "Unit of issue"}
        help_texts = {
            "line_number": "Leave empty for the next free number.",
            "unit_of_issue": "Two letters: EA each, LO lot, MO month.",
        }

    unit_cost = MoneyField(label="Unit cost")
    # Wider than the stored 16 characters: spaces and dashes are typed, then removed by the service.
    masl = forms.CharField(required=False, max_length=40, label="MASL")
    is_mde = forms.BooleanField(required=False, label="MDE (Major Defense Equipment)")
    is_sme = forms.BooleanField(required=False, label="SME (Significant Military Equipment)")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        self.fields["line_number"].required = False
        if editing:
            del self.fields["line_number"]
            self.initial.update(is_mde=self.instance.is_mde, is_sme=self.instance.is_sme)

    def clean_unit_of_issue(self):
        return (self.cleaned_data.get("unit_of_issue") or "").strip().upper()


class DecisionForm(forms.Form):
    """A step on a line or a case; `version` is what the page showed, so a stale step is refused."""

    action = forms.CharField(max_length=32)
    comment = forms.CharField(required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


def add_refusal(form: forms.Form, refused: DomainError) -> None:
    """Put a service's refusal on the form: on its fields when it names them, in words otherwise."""
    placed = False
    for field, messages in refused.errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, refusal_words(refused, form))


def refusal_words(refused: DomainError, form: forms.Form | None = None) -> str:
    """The refusal as a sentence with field labels, never field names."""
    if not refused.errors:
        return refused.detail
    labels = {name: field.label for name, field in (form.fields.items() if form else ())}
    return " ".join(
        f"{labels.get(name) or name.replace('_', ' ').capitalize()}: {messages[0]}"
        for name, messages in sorted(refused.errors.items())
        if messages
    )
