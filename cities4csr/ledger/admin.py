"""The ledger in the Django admin: read-only for everyone, superusers included (ADR 0025)."""

from django.contrib import admin

from cities4csr.core.admin import CityScopedAdmin

from .models import Account, Posting, PostingGroup


class _ReadOnly(CityScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "amount_cents", "quantity", "unit")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PostingGroup)
class PostingGroupAdmin(_ReadOnly):
    list_display = ("seq", "city", "effective_on", "source", "resource_kind", "motivation", "reverses", "hash")
    list_filter = ("city", "source", "resource_kind", "motivation")
    search_fields = ("source_ref", "hash", "memo")
    inlines = [PostingInline]


@admin.register(Account)
class AccountAdmin(_ReadOnly):
    list_display = ("__str__", "city", "kind", "ref_id", "balance_cents")
    list_filter = ("city", "kind")
    search_fields = ("label",)
