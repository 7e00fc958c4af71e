from django.contrib import admin

from cities4csr.core.admin import CityScopedAdmin

from .models import Agreement


@admin.register(Agreement)
class AgreementAdmin(CityScopedAdmin):
    list_display = ["pledge", "instrument", "state", "city", "advised_on", "agreed_on"]
    list_filter = ["city", "state", "instrument", "jurisdiction"]
    search_fields = ["pledge__organisation__name", "pledge__need__title", "instrument"]
    # an agreement moves through its lifecycle and checklist (instruments.services): view only here
    read_only_for_city_admins = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
