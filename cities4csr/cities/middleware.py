"""The city is the tenant: taken from the URL once, here, for pages and the API.

``/<lang>/<city>/…`` and ``/api/v1/cities/<city>/…`` both name the city in the URL
keyword ``city_slug``. The middleware resolves the URL, loads the City (404 if unknown)
and runs the rest of the request inside ``django_scopes.scope(city=…)``, so every
city-owned query is filtered to that city and any query outside a city raises.
The admin site is global and runs with scopes disabled.
"""

from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from .models import City


class CityTenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.city = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.app_name == "admin":
            with scopes_disabled():
                return self.get_response(request)
        slug = match.kwargs.get("city_slug")
        if slug is None:
            return self.get_response(request)
        try:
            request.city = City.objects.get(slug=slug)
        except City.DoesNotExist:
            raise Http404("No such city") from None
        with scope(city=request.city.pk), timezone.override(request.city.timezone):
            return self.get_response(request)
