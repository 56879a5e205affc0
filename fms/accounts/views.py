"""The purchaser administration page (DESIGN §5): a `client_admin` manages its purchaser's client users.

One page: the users with their tokens, and forms to create a user, issue a token (its secret is
shown on the answer, once), revoke a token and deactivate a user. Every change goes through
fms.accounts.purchaser_admin; a refusal comes back as a message and changes nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from fms.accounts import purchaser_admin, selectors
from fms.accounts.roles import ROLES_A_CLIENT_ADMIN_GRANTS
from fms.core.errors import DomainError


class NewUserForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=[(role, role) for role in ROLES_A_CLIENT_ADMIN_GRANTS])
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        required=False, widget=forms.PasswordInput, help_text="Leave empty for a user that uses API tokens only."
    )


class TokenForm(forms.Form):
    days = forms.IntegerField(min_value=1, initial=90)
    name = forms.CharField(max_length=100, required=False)


def _page(request, *, form=None, issued=None, status: int = 200):
    users = selectors.administered_users(request.user).prefetch_related("groups", "api_tokens").order_by("username")
    rows = [(user, purchaser_admin.role_of(user)) for user in users]
    context = {"rows": rows, "form": form or NewUserForm(), "token_form": TokenForm(), "issued": issued}
    return render(request, "accounts/purchaser_users.html", context, status=status)


def _back():
    return HttpResponseRedirect(reverse("purchaser-users"))


@login_required
def purchaser_users(request):
    if not selectors.is_purchaser_admin(request.user):
        raise PermissionDenied("Only a purchaser's administrator manages its users.")
    if request.method != "POST":
        return _page(request)
    action = request.POST.get("action")
    try:
        if action == "create":
            form = NewUserForm(request.POST)
            if not form.is_valid():
                return _page(request, form=form, status=400)
            user = purchaser_admin.purchaser_user_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{user.username} created as {form.cleaned_data['role']}.")
        elif action == "token":
            form = TokenForm(request.POST)
            if not form.is_valid():
                messages.error(request, "A token lives a whole number of days, at least 1.")
                return _back()
            username = request.POST.get("username", "")
            token, secret = purchaser_admin.purchaser_token_issue(
                actor=request.user, username=username, **form.cleaned_data
            )
            return _page(request, issued={"username": username, "token": token, "secret": secret})
        elif action == "revoke":
            token = purchaser_admin.token_revoke_by_prefix(actor=request.user, prefix=request.POST.get("prefix", ""))
            messages.success(request, f"Token {token.prefix} of {token.user.username} revoked.")
        elif action == "deactivate":
            username = request.POST.get("username", "")
            user = purchaser_admin.purchaser_user_deactivate(actor=request.user, username=username)
            messages.success(request, f"{user.username} deactivated; its tokens are revoked.")
        else:
            messages.error(request, "Unknown action.")
    except DomainError as refused:
        messages.error(request, refused.detail)
    return _back()
