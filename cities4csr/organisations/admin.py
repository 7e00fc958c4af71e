from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cities4csr.core.admin import CityScopedAdmin

from .models import CityInvitation, CityRole, Membership, Organisation, Site


@admin.register(Organisation)
class OrganisationAdmin(CityScopedAdmin):
    list_display = ["name", "kind", "city", "vat_number", "size_band", "is_public"]
    list_filter = ["city", "kind", "size_band", "nace_section", "is_public"]
    search_fields = ["name", "vat_number", "tax_code", "siren"]


@admin.register(Site)
class SiteAdmin(CityScopedAdmin):
    list_display = ["label", "organisation", "city", "address"]
    list_filter = ["city"]
    search_fields = ["label", "address", "organisation__name"]
    autocomplete_fields = ["organisation", "areas"]


@admin.register(Membership)
class MembershipAdmin(CityScopedAdmin):
    list_display = ["email", "organisation", "role", "city"]
    list_select_related = ["user", "organisation", "city"]
    list_filter = ["city", "role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    # a membership goes to a confirmed address only (organisations.services.membership_add)
    read_only_for_city_admins = True


@admin.register(CityRole)
class CityRoleAdmin(CityScopedAdmin):
    list_display = ["email", "user", "role", "city", "is_active"]
    list_select_related = ["user", "city"]
    list_filter = ["city", "role", "is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    # invited, changed and deactivated on the site's page, where the services' rules apply
    read_only_for_city_admins = True


@admin.register(CityInvitation)
class CityInvitationAdmin(CityScopedAdmin):
    list_display = ["email", "role", "city", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["city", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False  # `manage.py invite` or the people page: they e-mail the link

    def has_change_permission(self, request, obj=None):
        return False


@admin.display(description=_("e-mail address"), ordering="user__email")
def email(obj):
    return obj.user.email


MembershipAdmin.email = staticmethod(email)
CityRoleAdmin.email = staticmethod(email)
