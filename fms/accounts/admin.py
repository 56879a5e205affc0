from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fms.accounts.mfa import second_factor_reset
from fms.accounts.models import ApiToken, User
from fms.accounts.services import token_issue, token_revoke
from fms.core.admin import refusals_as_messages


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "purchaser", "is_staff", "is_active", "roles")
    list_filter = ("groups", "purchaser", "is_staff", "is_superuser", "is_active")
    list_select_related = ("purchaser",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("FMS", {"fields": ("purchaser",), "description": "Client users must belong to exactly one purchaser."}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("FMS", {"fields": ("purchaser",)}),
    )

    actions = ("reset_second_factor",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.action(description="Reset the second factor (they enrol again at next sign-in)")
    def reset_second_factor(self, request, queryset):
        removed = sum(second_factor_reset(user) for user in queryset)
        messages.success(request, f"Removed {removed} second factor(s) of {queryset.count()} user(s).")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "—"


class ApiTokenAddForm(forms.ModelForm):
    days = forms.IntegerField(min_value=1, initial=90, help_text="Lifetime in days.")

    class Meta:
        model = ApiToken
        fields = ("user", "name", "purchaser", "read_only")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created and revoked through the services; the secret is shown once, as a message."""

    list_display = ("prefix", "user", "name", "purchaser", "read_only", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("read_only", "purchaser")
    search_fields = ("prefix", "user__username", "name")
    list_select_related = ("user", "purchaser")
    actions = ("revoke",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "purchaser",
        "read_only",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_at",
        "issued_by",
    )

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ("user", "name", "purchaser", "read_only", "days")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        elif db_field.name == "user":  # an administrator: client and system accounts, and themselves
            kwargs["queryset"] = User.objects.filter(Q(is_staff=False) | Q(pk=request.user.pk))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        token, secret = token_issue(
            actor=request.user,
            user=data["user"],
            days=data["days"],
            purchaser_code=data["purchaser"].code if data.get("purchaser") else None,
            read_only=data.get("read_only", False),
            name=data.get("name", ""),
        )
        obj.pk, obj._state.adding = token.pk, False
        messages.warning(request, f"The token's secret, shown only this once: {secret}")

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of a token stays

    @admin.action(description="Revoke the selected tokens…")
    def revoke(self, request, queryset):
        """Confirmed on a page of its own first (like the admin's delete), naming what stops working."""
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Revoke these API tokens?",
                "tokens": queryset.select_related("user"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accounts/apitoken/revoke_confirmation.html", context)
        for token in queryset:
            token_revoke(actor=request.user, token=token)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
        return None


# App secrets and recovery codes are the users' own: operators never read them (the admin would show
# them); they reset a user's second factor with the user action above instead.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
