"""Reference data in the admin: purchasers and implementing agencies (codes never change once made)."""

from django.contrib import admin

from fms.reference.models import ImplementingAgency, Purchaser


@admin.register(Purchaser)
class PurchaserAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "review_group")
    list_filter = ("review_group",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()


@admin.register(ImplementingAgency)
class ImplementingAgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()
