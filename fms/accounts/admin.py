from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from fms.accounts.models import User


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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "—"
