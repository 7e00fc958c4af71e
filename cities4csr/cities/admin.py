from django.contrib import admin

from cities4csr.core.admin import CityScopedAdmin

from .models import Area, AreaLayer, City, Indicator, Place


@admin.register(City)
class CityAdmin(CityScopedAdmin):
    list_display = ["name", "slug", "country", "default_language", "currency", "timezone", "theme", "is_listed"]
    list_filter = ["country", "theme", "is_listed"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # the slug is in every URL of the city; creating cities is `manage.py city_create`'s
        return [] if request.user.is_superuser else ["slug", "country", "currency"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser


@admin.register(AreaLayer)
class AreaLayerAdmin(CityScopedAdmin):
    list_display = ["kind", "city", "level", "parent_kind", "source"]
    list_filter = ["city", "kind"]
    search_fields = ["kind", "source"]


@admin.register(Area)
class AreaAdmin(CityScopedAdmin):
    list_display = ["code", "name", "kind", "city", "parent"]
    list_filter = ["city", "kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    # the geometry comes from `manage.py load_areas` (checked, bounding box computed)
    readonly_fields = ["geometry", "min_lon", "min_lat", "max_lon", "max_lat"]

    def has_add_permission(self, request):
        return False


@admin.register(Indicator)
class IndicatorAdmin(CityScopedAdmin):
    list_display = ["key", "city", "area_kind", "unit", "higher_is_worse"]
    list_filter = ["city", "area_kind", "higher_is_worse"]
    search_fields = ["key", "source"]


@admin.register(Place)
class PlaceAdmin(CityScopedAdmin):
    list_display = ["name", "kind", "city", "area", "attribution"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "address", "external_ref"]
    # loaded by `manage.py load_places` (checked, located in its neighbourhood)
    readonly_fields = ["external_ref", "area"]

    def has_add_permission(self, request):
        return False
