"""Pages of volunteering: /<lang>/<city>/volunteering/…"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from cities4csr.core.lifecycle import TransitionRepeated
from cities4csr.core.mixins import CityMixin

from . import calendars, selectors, services
from .certificate import certificate_language, certificate_pdf
from .models import CalendarFeed, Registration
from .states import registration_roles


# Calendars
# ---------------------------------------------------------------------------------------------
def ical_response(data: bytes, filename: str) -> HttpResponse:
    """An iCalendar file; private: whoever has the address reads it, no shared cache keeps it."""
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class RegistrationCalendarView(CityMixin, View):
    """The .ics file of one registration, through its secret token (the link in "my volunteering")."""

    def get(self, request, city_slug, token):
        registration = selectors.registration_by_token(city=self.city, token=token)
        return ical_response(calendars.registration_ical(registration), "volunteering.ics")


class PersonFeedView(CityMixin, View):
    """A person's calendar feed, through its secret address (no login: calendar apps poll it)."""

    def get(self, request, city_slug, token):
        feed = get_object_or_404(
            CalendarFeed.objects.select_related("city"), city=self.city, token=token, user__isnull=False
        )
        return ical_response(calendars.person_feed_ical(feed), "my-volunteering.ics")


class CompanyFeedView(CityMixin, View):
    """A company's calendar feed (its employees' volunteering), through its secret address."""

    def get(self, request, city_slug, token):
        feed = get_object_or_404(
            CalendarFeed.objects.select_related("city", "organisation"),
            city=self.city,
            token=token,
            organisation__isnull=False,
        )
        return ical_response(calendars.company_feed_ical(feed), "company-volunteering.ics")


# Check-in (the host's phone page, opened from a registration's QR code)
# ---------------------------------------------------------------------------------------------
class CheckInView(LoginRequiredMixin, CityMixin, View):
    """The host scans a participant's QR code and lands here: the person's first name, the slot,
    a big "Check in" button (then "Check out"). Only the host's people see it (403 otherwise)."""

    template_name = "volunteering/checkin.html"
    raise_exception = True  # 403, as every page of the city refuses (never a redirect that hints)

    def _registration(self, request, token) -> Registration:
        registration = selectors.registration_by_token(city=self.city, token=token)
        if "host" not in registration_roles(request.user, registration):
            raise PermissionDenied
        return registration

    def get(self, request, city_slug, token):
        registration = self._registration(request, token)
        return render(request, self.template_name, {"city": self.city, "registration": registration})

    def post(self, request, city_slug, token):
        registration = self._registration(request, token)
        action = request.POST.get("action", "check_in")
        try:
            if action == "check_out":
                services.registration_check_out(actor=request.user, registration=registration)
                messages.success(request, _("Checked out: the hours are proposed for approval."))
            else:
                services.registration_check_in(actor=request.user, registration=registration)
                messages.success(request, _("Checked in."))
        except TransitionRepeated:
            messages.info(request, _("Already checked in."))
        except ValidationError as error:
            return render(
                request,
                self.template_name,
                {"city": self.city, "registration": registration, "errors": error.messages},
                status=400,
            )
        return redirect(request.path)


# Certificate of hours
# ---------------------------------------------------------------------------------------------
class CertificateView(LoginRequiredMixin, CityMixin, View):
    """The signed-in person's certificate of approved hours in this city, as PDF, in their language."""

    raise_exception = True

    def get(self, request, city_slug):
        language = certificate_language(translation.get_language(), self.city)
        data = certificate_pdf(user=request.user, city=self.city, language=language)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="volunteering-certificate.pdf"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
