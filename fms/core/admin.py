"""Admin helpers shared by the apps."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

from fms.core.errors import DomainError


def refusals_as_messages(view):
    """Run an admin view; a refused change rolls back and comes back as an error message, not a 500."""

    @wraps(view)
    def wrapper(self, request: HttpRequest, *args, **kwargs):
        try:
            return view(self, request, *args, **kwargs)
        except DomainError as refused:
            messages.error(request, refused.detail)
            return HttpResponseRedirect(request.get_full_path())

    return wrapper


class VersionedModelForm(forms.ModelForm):
    """A change form that carries the `version` of the record it was read at (`read_version`).

    A save made on a stale read is refused by the form, so the page comes back with everything the
    user typed and a message naming the change; the field then holds the current version, so saving
    again knowingly replaces the colleague's change. The admin passes `read_version` to the services
    as `expected_version` too, which closes the gap between this check and the write.
    """

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["read_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.changed_data if name != "read_version"]
        if not self.instance.pk or not changed or "read_version" in self.errors:
            return cleaned  # a form left as it was (a line of a case saved for another reason) is not a write
        read, current = cleaned.get("read_version"), self.instance.version
        if read != current:
            self.data = self.data.copy()
            self.data[self.add_prefix("read_version")] = str(current)
            what = "This page was opened without a version" if read is None else f"You opened version {read}"
            raise forms.ValidationError(
                f"{self.instance} was changed by someone else since you opened it ({what}; it is now version "
                f"{current}). Nothing was saved. Your entries are kept below: compare them with the current "
                "record (open it in another tab) and save again to replace it, or reload to start over.",
                code="stale",
            )
        return cleaned
