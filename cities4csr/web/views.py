from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.translation import get_language_from_request
from django.views.generic import TemplateView

from cities4csr.cities.selectors import cities_listed
from cities4csr.core.mixins import CityMixin


def root_redirect(request):
    language = get_language_from_request(request, check_path=False)
    return HttpResponseRedirect(f"/{language}/")


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


class NetworkHomeView(TemplateView):
    """The network's front page: the cities that run the platform."""

    template_name = "web/network_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(cities=cities_listed(), **kwargs)


class PingView(CityMixin, TemplateView):
    """A trivial city page: the same stack as every page (language prefix, tenancy, session, base
    template) and no query of its own. The benchmarks' reference (bench/run_catalogue.py)."""

    template_name = "web/ping.html"
