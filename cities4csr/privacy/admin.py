"""The cities' privacy settings in the Django admin, on a proxy model of its own so that it
sits beside whatever the City's own admin page shows."""

from django.contrib import admin
from django.db import transaction

from cities4csr.cities.models import City
from cities4csr.core.services import audit_log

from .models import CityPrivacy, Erasure


@admin.register(CityPrivacy)
class CityPrivacyAdmin(admin.ModelAdmin):
    list_display = ["name", "privacy_controller", "dpo_email", "retention_audit_personal_days"]
    ordering = ["name"]
    fields = ("name",) + City.PRIVACY_FIELDS
    readonly_fields = ("name",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Saved with an audit row in the city, in one transaction, as every write is."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                city=obj,
                verb="city.privacy_update",
                obj=obj,
                payload={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
            )


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "reason", "erased_at"]
    readonly_fields = ["user", "pseudonym", "reason", "cities", "erased_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
