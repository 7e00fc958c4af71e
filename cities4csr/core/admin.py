"""The Django admin, scoped per city: a city's administrators see and change their cities' rows
only; superusers see every city.

The admin runs with django-scopes disabled (cities.middleware), so every admin of a city-owned
model derives from ``CityScopedAdmin``: its list, its change pages, its search and autocomplete,
and the choices of its related fields are filtered to the cities where the person holds an
active admin role. Changes made here are audited like the services' (``admin.change`` …) in the
same transaction. People, roles and invitations are managed on the site's pages
(/<lang>/<city>/manage/people/), where the rules of the services apply; here they are read-only
except for superusers.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from .models import AuditEvent
from .services import audit_log


def admin_city_ids(user) -> frozenset[int]:
    """The cities whose rows ``user`` may see in the Django admin (every one for a superuser is
    not listed: ask ``user.is_superuser`` first)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    cache = getattr(user, "_wrapped", user).__dict__
    if "_admin_city_ids" not in cache:
        CityRole = apps.get_model("organisations", "CityRole")
        cache["_admin_city_ids"] = frozenset(
            CityRole.objects.with_scopes_disabled()
            .filter(user=user, role="admin", is_active=True)
            .values_list("city_id", flat=True)
        )
    return cache["_admin_city_ids"]


def _city_lookup(model) -> str | None:
    """How to filter ``model`` by city: "pk" for the city itself, "city" for a city-owned row."""
    if model._meta.label_lower == "cities.city":
        return "pk"
    if any(f.name == "city" for f in model._meta.fields):
        return "city"
    return None


class CityScopedAdmin(admin.ModelAdmin):
    #: view only for everyone but superusers (rows whose writes carry rules of their own)
    read_only_for_city_admins = False

    def _city_ids(self, request):
        return admin_city_ids(request.user)

    def _may(self, request, obj=None) -> bool:
        user = request.user
        if user.is_active and user.is_superuser:
            return True
        ids = self._city_ids(request)
        if not ids:
            return False
        if obj is None:
            return True
        lookup = _city_lookup(type(obj))
        return (obj.pk if lookup == "pk" else obj.city_id) in ids

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        if self.read_only_for_city_admins and not request.user.is_superuser:
            return False
        return self._may(request, obj)

    def has_add_permission(self, request):
        if self.read_only_for_city_admins and not request.user.is_superuser:
            return False
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        # deleting cascades through a city's records: superusers only
        return request.user.is_active and request.user.is_superuser

    def get_list_filter(self, request):
        # the city filter lists the cities of the rows shown (the admin's own), not every city
        return [
            ("city", admin.RelatedOnlyFieldListFilter) if name == "city" else name
            for name in super().get_list_filter(request)
        ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{_city_lookup(self.model)}__in": self._city_ids(request)})

    def _limit(self, request, model, queryset):
        """The choices of a related field: the person's cities' rows only."""
        if request.user.is_superuser:
            return queryset
        ids = self._city_ids(request)
        lookup = _city_lookup(model)
        if lookup is not None:
            return queryset.filter(**{f"{lookup}__in": ids})
        if model is get_user_model():  # people with a role or a membership in those cities
            return queryset.filter(
                Q(city_roles__city__in=ids) | Q(memberships__city__in=ids) | Q(pk=request.user.pk)
            ).distinct()
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        kwargs.setdefault("queryset", self._limit(request, model, model._default_manager.all()))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        model = db_field.related_model
        kwargs.setdefault("queryset", self._limit(request, model, model._default_manager.all()))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _city_of(self, obj):
        return obj if _city_lookup(type(obj)) == "pk" else obj.city

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                city=self._city_of(obj),
                verb="admin.change" if change else "admin.add",
                obj=obj,
                payload={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_log(actor=request.user, city=self._city_of(obj), verb="admin.delete", obj=obj)
            super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(CityScopedAdmin):
    read_only_for_city_admins = True
    list_display = ["created_at", "city", "actor_label", "verb", "object_type", "object_repr"]
    list_filter = ["city", "verb", "object_type"]
    search_fields = ["actor_label", "verb", "object_repr"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # append-only, written by the services

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
