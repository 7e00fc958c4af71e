"""Each person's home, and the figures on the city's home and a neighbourhood's page.

The officer's and the company's homes are their workspaces with their figures on top; the city's
home and a neighbourhood's page get their figures the same way: each view here extends the page of
its app and fills a block its template leaves for it (``home_figures``), so the lower apps never
import this one.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView

from cities4csr.cities import views as city_views
from cities4csr.cities.forms import LANGUAGE_NAMES, WEIGHT_LABELS
from cities4csr.cities.selectors import area_get
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.offers.views import CompanyWorkspaceView
from cities4csr.organisations.models import CityRole
from cities4csr.organisations.selectors import organisations_represented
from cities4csr.pledges.views import OfficerWorkspaceView

from . import selectors


class OfficerHomeView(OfficerWorkspaceView):
    """The officer's workspace with its counts, the pipeline and the recent activity on top."""

    template_name = "homes/officer_home.html"

    def get_context_data(self, **kwargs):
        home = selectors.officer_home(city=self.city, on=timezone.localdate())
        return super().get_context_data(home=home, **kwargs)


class CompanyHomeView(CompanyWorkspaceView):
    """The company's workspace with what it gave this year and each pledge's true next step."""

    template_name = "homes/company_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for pledge in context["pledges"]:
            pledge.next_step = selectors.NEXT_STEP.get(pledge.state, "none")
        context["home"] = selectors.company_home(
            city=self.city, organisation=self.organisation, on=timezone.localdate()
        )
        return context


class CityHomeView(city_views.CityHomeView):
    """The city's home with its headline figures and latest verified contributions."""

    template_name = "homes/city_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=selectors.city_figures(city=self.city),
            latest=selectors.latest_verified(actor=self.request.user, city=self.city),
            **kwargs,
        )


class AreaDetailView(city_views.AreaDetailView):
    """A neighbourhood: its figures, its needs, its contributions and its indicators."""

    template_name = "homes/area_detail.html"

    def get_context_data(self, **kwargs):
        area = area_get(city=self.city, kind=self.kwargs["kind"], code=self.kwargs["code"])
        return super().get_context_data(
            figures=selectors.city_figures(city=self.city, area=area),
            area_needs=selectors.area_needs(city=self.city, area=area),
            latest=selectors.latest_verified(actor=self.request.user, city=self.city, area=area, limit=10),
            **kwargs,
        )


class PartnerHomeView(CityMixin, TemplateView):
    """A third-sector body's home: its proposals and what they received."""

    template_name = "homes/partner_home.html"

    def get(self, request, *args, **kwargs):
        organisations = [
            o
            for o in organisations_represented(actor=request.user, city=self.city)
            if o.kind not in selectors.GIVER_KINDS
        ]
        if not organisations:
            raise PermissionDenied
        chosen = request.GET.get("organisation", "")
        self.organisations = organisations
        self.organisation = next((o for o in organisations if str(o.pk) == chosen), organisations[0])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisations=self.organisations,
            organisation=self.organisation,
            home=selectors.partner_home(city=self.city, organisation=self.organisation),
            **kwargs,
        )


class AdminHomeView(CityPermissionMixin, TemplateView):
    """The city admin's home: people and roles, settings, organisations to verify."""

    permission_required = "organisations.grant_role"
    template_name = "homes/admin_home.html"

    def get_context_data(self, **kwargs):
        home = selectors.admin_home(city=self.city, now=timezone.now())
        return super().get_context_data(
            home=home,
            people=[(role, label, home.people.get(role, 0)) for role, label in CityRole.Role.choices],
            languages=[LANGUAGE_NAMES.get(code, code) for code in self.city.languages],
            weights=[(WEIGHT_LABELS.get(name, name), value) for name, value in home.weights.items()],
            **kwargs,
        )


class VolunteerHomeView(CityMixin, TemplateView):
    """What a volunteer (or anyone) can do now: the open needs that ask for time, and the city's figures."""

    template_name = "homes/volunteer_home.html"

    def get_context_data(self, **kwargs):
        count, needs = selectors.volunteer_needs(city=self.city)
        return super().get_context_data(
            count=count, needs=needs, figures=selectors.city_figures(city=self.city), **kwargs
        )


class MyHomesView(LoginRequiredMixin, TemplateView):
    """The chooser of a person with a part in several cities: each city and its homes."""

    template_name = "homes/my_homes.html"

    def get_context_data(self, **kwargs):
        language = get_language()
        rows = [
            {
                "city": entry.city,
                "links": [
                    (home, selectors.home_url(city=entry.city, home=home, language=language))
                    for home in entry.homes or [None]
                ],
            }
            for entry in selectors.homes_of(user=self.request.user)
        ]
        return super().get_context_data(rows=rows, **kwargs)
