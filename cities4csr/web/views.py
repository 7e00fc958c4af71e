import datetime
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import get_language_from_request
from django.views.generic import TemplateView

from cities4csr.cities.selectors import cities_listed
from cities4csr.core.mixins import CityMixin

logger = logging.getLogger(__name__)


def root_redirect(request):
    language = get_language_from_request(request, check_path=False)
    return HttpResponseRedirect(f"/{language}/")


def security_txt(request):
    """RFC 9116: whom to tell about a vulnerability, in which languages; valid for a year."""
    expires = (timezone.now() + datetime.timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: it, en, fr",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class NetworkHomeView(TemplateView):
    """The network's front page: the cities that run the platform."""

    template_name = "web/network_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(cities=cities_listed(), **kwargs)


class PingView(CityMixin, TemplateView):
    """A trivial city page: the same stack as every page (language prefix, tenancy, session, base
    template) and no query of its own. The benchmarks' reference (bench/run_catalogue.py)."""

    template_name = "web/ping.html"
