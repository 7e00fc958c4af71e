from django.contrib import admin

from cities4csr.core.admin import CityScopedAdmin

from .models import Action, Theme


@admin.register(Theme)
class ThemeAdmin(CityScopedAdmin):
    list_display = ["key", "city"]
    list_filter = ["city"]
    search_fields = ["key"]


@admin.register(Action)
class ActionAdmin(CityScopedAdmin):
    list_display = ["number", "__str__", "city"]
    list_filter = ["city"]
    search_fields = ["titles"]
    autocomplete_fields = ["target_areas"]
