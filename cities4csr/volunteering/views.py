"""Pages of volunteering (ADR 0033): the public list, map and activity page, a team's join link,
"my volunteering"; and the workspace: the host's activities and their form, the check-in console
of a slot (on a phone), the hours to approve, and a company's dashboard.

Views parse and authorise; selectors read; services (``services.py``) write and enforce every
rule, so a refused sign-up comes back as the service's message, beside the form."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.cities.selectors import area_bounds
from cities4csr.core.forms import add_service_errors, date_hint, transition_messages
from cities4csr.core.i18n import pick
from cities4csr.core.lifecycle import TransitionRepeated, transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.needs.selectors import catalogue_choices

from . import calendars, selectors, services
from .certificate import certificate_language, certificate_pdf
from .forms import ActivityForm, HoursApproveForm, SignUpForm, SlotForm, TeamJoinForm, TeamOpenForm, TransitionForm
from .models import Activity, Registration
from .states import registration_roles


class SignedInMixin(LoginRequiredMixin):
    raise_exception = True  # 403, as every page of the city refuses (never a redirect that hints)


def _services():
    # the writes live in services.py (helpers vsign and vtime); imported when a write runs
    from . import services

    return services


# -- the public pages ------------------------------------------------------------------------------


class _FilterChoicesMixin:
    def filter_context(self, found) -> dict:
        city = self.city
        choices = catalogue_choices(city=city)  # the catalogue's drop-downs, read once a minute
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "filter": found,
            "query": query.urlencode(),
            "nils": choices["areas"][city.settings.primary_area_kind],
            "theme_choices": [(key, pick(names) or key) for key, names in choices["themes"]],
            "active_filters": sum(1 for name in found.form.fields if self.request.GET.get(name)),
        }


class ActivityListView(_FilterChoicesMixin, CityMixin, TemplateView):
    """Open activities with slots to come: soonest first, with places left; filters by day,
    neighbourhood, theme, skill and families welcome."""

    template_name = "volunteering/activity_list.html"

    def get_context_data(self, **kwargs):
        found, page = selectors.activities_page(city=self.city, params=self.request.GET)
        return super().get_context_data(
            page_obj=page,
            activities=page.object_list,
            can_add=self.request.user.has_perm("volunteering.add_activity", self.city),
            **self.filter_context(found),
            **kwargs,
        )


class ActivityMapView(_FilterChoicesMixin, CityMixin, TemplateView):
    """The same activities as dots on the city's neighbourhoods (Leaflet, as the needs' map)."""

    template_name = "volunteering/activity_map.html"

    def get_context_data(self, **kwargs):
        city = self.city
        found = selectors.activities_filter(city=city, params=self.request.GET)
        context = self.filter_context(found)
        primary = city.settings.primary_area_kind
        api = {"city_slug": city.slug}
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs=api) + f"?kind={primary}",
            "values": selectors.activity_counts_by_area(city=city, params=self.request.GET),
            "points": reverse("volunteering_points", kwargs=api) + (f"?{context['query']}" if context["query"] else ""),
            "label": _("Activities with dates to come"),
            "unit": "",
            "areaUrl": reverse("volunteering_list", kwargs=api) + "?nil=CODE",
            "bounds": area_bounds(city=city, kind=primary),
            "tileUrl": city.settings.map_tile_url,
            "tileAttribution": city.settings.map_tile_attribution,
        }
        return super().get_context_data(map_config=map_config, map_points=selectors.MAP_POINTS, **context, **kwargs)


class ActivityPointsView(CityMixin, View):
    """The map's dots as GeoJSON (same filters as the list)."""

    def get(self, request, city_slug):
        points = selectors.activity_points(city=self.city, params=request.GET)
        return JsonResponse(points, content_type="application/geo+json")


class ActivityDetailView(CityMixin, TemplateView):
    template_name = "volunteering/activity_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        activity = kwargs.pop("activity", None) or selectors.activity_get(
            user=user, city=self.city, slug=self.kwargs["slug"]
        )
        page = selectors.activity_detail(user=user, city=self.city, activity=activity)
        return super().get_context_data(
            activity=activity,
            page=page,
            sign_up_errors=kwargs.pop("sign_up_form", None),
            team_form=kwargs.pop("team_form", None)
            or (TeamOpenForm(companies=page.companies) if page.companies else None),
            login_url=reverse("account_login") + f"?next={self.request.path}",
            date_format_help=_("Format: %(format)s") % {"format": date_hint()},
            **kwargs,
        )


class SignUpView(SignedInMixin, CityMixin, View):
    """POST from the activity page: a sign-up for one slot (or a place on its waiting list)."""

    def post(self, request, city_slug, slug):
        activity = selectors.activity_get(user=request.user, city=self.city, slug=slug)
        form = SignUpForm(request.POST)
        if form.is_valid():
            slot = selectors.activity_slot_get(activity=activity, pk=form.cleaned_data["slot"])
            try:
                registration = _services().registration_create(
                    actor=request.user,
                    slot=slot,
                    birth_date=form.cleaned_data["birth_date"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _registration_message(registration))
                return redirect("volunteering_activity", city_slug=city_slug, slug=slug)
        view = ActivityDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(activity=activity, sign_up_form=form), status=400)


def _registration_message(registration: Registration) -> str:
    if registration.state == Registration.State.WAITLISTED:
        return _("The slot is full: you are on its waiting list. We will write to you if a place frees up.")
    if registration.state == Registration.State.REQUESTED:
        return _("Your sign-up is sent: the host will confirm it.")
    return _("You are signed up. Thank you!")


class WithdrawView(SignedInMixin, CityMixin, View):
    """POST: the person withdraws their own sign-up (the first person waiting takes the place)."""

    def post(self, request, city_slug, pk):
        registration = selectors.own_registration_get(user=request.user, city=self.city, pk=pk)
        with transition_messages(request):
            _services().registration_withdraw(actor=request.user, registration=registration)
            messages.success(request, _("You are no longer signed up for this slot."))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
            back = reverse("volunteering_me", kwargs={"city_slug": city_slug})
        return redirect(back)


class TeamOpenView(SignedInMixin, CityMixin, View):
    """POST from the activity page: a company's representative opens a team for a slot."""

    def post(self, request, city_slug, slug):
        activity = selectors.activity_get(user=request.user, city=self.city, slug=slug)
        companies = selectors.companies_represented(user=request.user, city=self.city)
        if not companies:
            raise PermissionDenied
        form = TeamOpenForm(request.POST, companies=companies)
        if form.is_valid():
            slot = selectors.activity_slot_get(activity=activity, pk=form.cleaned_data["slot"])
            try:
                team = _services().team_open(
                    actor=request.user,
                    slot=slot,
                    company=form.cleaned_data["company"],
                    name=form.cleaned_data["name"],
                    captain=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The team is open: share its link or its code with your colleagues."))
                return redirect("volunteering_team", city_slug=city_slug, code=team.invite_code)
        view = ActivityDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(activity=activity, team_form=form), status=400)


class TeamJoinView(CityMixin, TemplateView):
    """A team's invitation link: the activity, the slot, places left, and a button to join."""

    template_name = "volunteering/team_join.html"

    def get_context_data(self, **kwargs):
        team = kwargs.pop("team", None) or selectors.team_by_code(city=self.city, code=self.kwargs["code"])
        slot = team.slot
        user = self.request.user
        mine = selectors.active_registration_of(user=user, slot=slot)
        return super().get_context_data(
            team=team,
            slot=slot,
            activity=slot.activity,
            places_left=max(slot.capacity - slot.taken, 0),
            members=team.registrations.filter(state__in=Registration.HOLDING).count(),
            mine=mine,
            form=kwargs.pop("form", None) or TeamJoinForm(),
            login_url=reverse("account_login") + f"?next={self.request.path}",
            **kwargs,
        )

    def post(self, request, city_slug, code):
        if not request.user.is_authenticated:
            raise PermissionDenied
        team = selectors.team_by_code(city=self.city, code=code)
        form = TeamJoinForm(request.POST)
        if form.is_valid():
            try:
                registration = _services().team_join(
                    actor=request.user, code=team.invite_code, birth_date=form.cleaned_data["birth_date"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _registration_message(registration))
                return redirect("volunteering_team", city_slug=city_slug, code=team.invite_code)
        return self.render_to_response(self.get_context_data(team=team, form=form), status=400)


class MyVolunteeringView(SignedInMixin, CityMixin, TemplateView):
    """A person's sign-ups to come, the past ones and their hours."""

    template_name = "volunteering/my_volunteering.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mine=selectors.my_registrations(user=self.request.user, city=self.city), **kwargs
        )


# -- the workspace ---------------------------------------------------------------------------------


class ManageListView(CityPermissionMixin, TemplateView):
    """The host's activities (every activity of the city for its officers)."""

    permission_required = "volunteering.add_activity"
    template_name = "volunteering/manage_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            activities=selectors.activities_managed(user=self.request.user, city=self.city), **kwargs
        )


class ActivityCreateView(CityPermissionMixin, TemplateView):
    permission_required = "volunteering.add_activity"
    template_name = "volunteering/activity_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            ActivityForm(
                city=self.city,
                hosts=selectors.hosts_choosable(user=self.request.user, city=self.city),
                initial={"kind": "slots"},
            ),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, city_slug):
        form = ActivityForm(
            request.POST, city=self.city, hosts=selectors.hosts_choosable(user=request.user, city=self.city)
        )
        if form.is_valid():
            try:
                activity = _services().activity_create(actor=request.user, city=self.city, **form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The activity is saved as a draft: add its slots, then open it."))
                return redirect("volunteering_edit", city_slug=city_slug, slug=activity.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class _ManageMixin(CityMixin):
    def activity(self) -> Activity:
        activity = selectors.activity_get(user=self.request.user, city=self.city, slug=self.kwargs["slug"])
        if not self.request.user.has_perm("volunteering.change_activity", activity):
            raise PermissionDenied
        return activity


class ActivityEditView(_ManageMixin, TemplateView):
    """An activity's form, its slots (each with its console) and its next steps."""

    template_name = "volunteering/activity_edit.html"

    def get_context_data(self, **kwargs):
        activity = kwargs.pop("activity", None) or self.activity()
        user = self.request.user
        kwargs.setdefault(
            "form",
            ActivityForm(city=self.city, hosts=selectors.hosts_choosable(user=user, city=self.city), activity=activity),
        )
        kwargs.setdefault("slot_form", SlotForm(city=self.city))
        return super().get_context_data(
            activity=activity,
            slots=selectors.activity_slots(activity=activity),
            transitions=transitions_for(actor=user, obj=activity),
            is_host=selectors.is_host(user, activity),
            **kwargs,
        )

    def post(self, request, city_slug, slug):
        activity = self.activity()
        form = ActivityForm(
            request.POST,
            city=self.city,
            hosts=selectors.hosts_choosable(user=request.user, city=self.city),
            activity=activity,
        )
        if form.is_valid():
            try:
                _services().activity_update(actor=request.user, activity=activity, **form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The activity is saved."))
                return redirect("volunteering_edit", city_slug=city_slug, slug=slug)
        return self.render_to_response(self.get_context_data(activity=activity, form=form), status=400)


class SlotAddView(_ManageMixin, View):
    def post(self, request, city_slug, slug):
        activity = self.activity()
        form = SlotForm(request.POST, city=self.city)
        if form.is_valid():
            try:
                slots = _services().slots_add(actor=request.user, activity=activity, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Slots added: %(n)s.") % {"n": len(slots)})
                return redirect("volunteering_edit", city_slug=city_slug, slug=slug)
        view = ActivityEditView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(activity=activity, slot_form=form), status=400)


class ActivityTransitionView(_ManageMixin, View):
    def post(self, request, city_slug, slug):
        activity = self.activity()
        form = TransitionForm(request.POST)
        if form.is_valid():
            with transition_messages(request):
                activity = _services().activity_transition(
                    actor=request.user,
                    activity=activity,
                    to=form.cleaned_data["to"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request, _("Done: the activity is now “%(state)s”.") % {"state": activity.get_state_display()}
                )
        return redirect("volunteering_edit", city_slug=city_slug, slug=slug)


class ConsoleView(CityMixin, TemplateView):
    """A slot's people for check-in on the day, on the host's phone: each registered person with
    a check-in button; the waiting list below."""

    template_name = "volunteering/console.html"

    def get_context_data(self, **kwargs):
        slot = selectors.slot_get(user=self.request.user, city=self.city, pk=self.kwargs["pk"])
        return super().get_context_data(console=selectors.host_console(slot=slot), slot=slot, **kwargs)


class ConsoleCheckInView(CityMixin, View):
    """POST from the console: the host checks one person in."""

    def post(self, request, city_slug, pk):
        slot = selectors.slot_get(user=request.user, city=self.city, pk=pk)
        registration = selectors.slot_registration_get(slot=slot, pk=request.POST.get("registration"))
        with transition_messages(request):
            _services().registration_check_in(actor=request.user, registration=registration)
            messages.success(
                request,
                _("%(name)s is checked in.") % {"name": selectors.person_label(registration.user) or _("Someone")},
            )
        return redirect(
            reverse("volunteering_console", kwargs={"city_slug": city_slug, "pk": pk}) + f"#r{registration.pk}"
        )


class HoursApprovalView(SignedInMixin, CityMixin, TemplateView):
    """Hours awaiting the approval of the host's or the company's person reading: tick and
    approve them in one go."""

    template_name = "volunteering/hours.html"

    def entries(self):
        return selectors.hours_to_approve(user=self.request.user, city=self.city)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=list(self.entries()), **kwargs)

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        if request.user.is_authenticated and not (
            selectors.hosts_of(user=request.user, city=self.city)
            or selectors.companies_represented(user=request.user, city=self.city)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, city_slug):
        form = HoursApproveForm(request.POST, entries=self.entries())
        if form.is_valid():
            with transition_messages(request):
                approved = _services().hours_approve(actor=request.user, entries=list(form.cleaned_data["entries"]))
                messages.success(request, _("Hours approved: %(n)s.") % {"n": len(approved)})
        else:
            messages.error(request, _("Tick the hours to approve."))
        return redirect("volunteering_hours", city_slug=city_slug)


class CompanyDashboardView(SignedInMixin, CityMixin, TemplateView):
    """A company's volunteering this year: its people, their approved hours by need and by
    neighbourhood, against the days its CSR profile plans."""

    template_name = "volunteering/company_dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        companies = selectors.companies_represented(user=user, city=self.city)
        chosen = self.request.GET.get("organisation", "")
        if chosen and user.has_perm("volunteering.view_company_volunteering", self.city):
            company = selectors.city_organisation_get(city=self.city, pk=chosen)
            if company is None:
                raise Http404("No such company")
        else:
            company = next((c for c in companies if str(c.pk) == chosen), companies[0] if companies else None)
        if company is None or not user.has_perm("volunteering.view_company_volunteering", company):
            raise PermissionDenied
        year = timezone.localdate().year
        with contextlib.suppress(ValueError):
            year = int(self.request.GET.get("year", year))
        year = min(max(year, 2000), 2100)
        return super().get_context_data(
            dashboard=selectors.company_volunteering(company=company, year=year),
            companies=companies,
            company=company,
            years=[year - 1, year, year + 1],
            **kwargs,
        )


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
        feed = selectors.calendar_feed_by_token(city=self.city, token=token, of_company=False)
        return ical_response(calendars.person_feed_ical(feed), "my-volunteering.ics")


class CompanyFeedView(CityMixin, View):
    """A company's calendar feed (its employees' volunteering), through its secret address."""

    def get(self, request, city_slug, token):
        feed = selectors.calendar_feed_by_token(city=self.city, token=token, of_company=True)
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
        return render(request, self.template_name, self._context(registration))

    def _context(self, registration, **extra) -> dict:
        # the host reads who is in front of them: the first name; without one, what the console
        # shows the host (the e-mail), never "a participant" that the host cannot check
        user = registration.user
        label = (user.first_name if user else "") or selectors.person_label(user)
        return {"city": self.city, "registration": registration, "label": label, **extra}

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
                self._context(registration, errors=error.messages),
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
