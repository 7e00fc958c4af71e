"""GET /api/v1/cities/<city>/me/home/ (the reader's homes in the city, with their figures) and
GET /api/v1/cities/<city>/areas/<kind>/<code>/ (a neighbourhood's figures)."""

from dataclasses import asdict

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.cities.selectors import area_get, area_indicator_values
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.permissions import CityRulesPermission

from .. import selectors
from .serializers import AreaFiguresSerializer, MyHomeSerializer


class MyHomeView(CityAPIMixin, APIView):
    """The homes the reader has in the city (admin, officer, company, partner, volunteer) and each
    one's figures; the city's headline figures for everyone."""

    permission_classes = [IsAuthenticated, CityRulesPermission]
    rules_permissions = {"GET": None}

    @extend_schema(responses=MyHomeSerializer)
    def get(self, request, city_slug):
        city, on = self.city, timezone.localdate()
        homes, organisations = selectors.homes_in_city(user=request.user, city=city)
        officer = selectors.officer_home(city=city, on=on) if "officer" in homes else None
        admin = selectors.admin_home(city=city, now=timezone.now()) if "admin" in homes else None
        rows = []
        for organisation in organisations:
            giver = organisation.kind in selectors.GIVER_KINDS
            partner = None if giver else asdict(selectors.partner_home(city=city, organisation=organisation))
            if partner:
                partner.pop("organisation")
                partner.pop("proposals")
                partner.pop("contributions")
            rows.append(
                {
                    "id": organisation.pk,
                    "name": organisation.name,
                    "kind": organisation.kind,
                    "home": "company" if giver else "partner",
                    "company": asdict(selectors.company_home(city=city, organisation=organisation, on=on))
                    if giver
                    else None,
                    "partner": partner,
                }
            )
        data = {
            "homes": homes,
            "url": selectors.home_url(city=city, home=homes[0] if homes else None, language=get_language()),
            "city": asdict(selectors.city_figures(city=city)),
            "officer": asdict(officer) if officer else None,
            "admin": {k: v for k, v in asdict(admin).items() if k != "organisations_to_verify"} if admin else None,
            "organisations": rows,
            "volunteer": {"needs_asking_time": selectors.volunteer_needs(city=city, limit=0)[0]}
            if "volunteer" in homes
            else None,
        }
        return Response(MyHomeSerializer(data).data)


class AreaFiguresView(CityAPIMixin, APIView):
    """A neighbourhood (or district): its figures, its public needs, its verified contributions and
    its indicators' values."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=AreaFiguresSerializer)
    def get(self, request, city_slug, kind, code):
        city = self.city
        area = area_get(city=city, kind=kind, code=code)
        data = {
            "kind": area.kind,
            "code": area.code,
            "name": area.name,
            "figures": asdict(selectors.city_figures(city=city, area=area)),
            "needs": [
                {
                    "id": need.pk,
                    "title": need.title,
                    "state": need.state,
                    "value_requested_cents": need.value_requested_cents,
                    "value_committed_cents": need.value_committed_cents,
                }
                for need in selectors.area_needs(city=city, area=area)
            ],
            "contributions": [
                {
                    "pledge": pledge.pk,
                    "need": pledge.need_id,
                    "need_title": pledge.need.title,
                    "giver": pledge.organisation.name,
                    "value_cents": pledge.value_cents,
                    "verified_at": pledge.verified_at.isoformat() if pledge.verified_at else None,
                }
                for pledge in selectors.latest_verified(actor=request.user, city=city, area=area, limit=10)
            ],
            "indicators": [
                {
                    "key": value.indicator.key,
                    "label": value.indicator.label,
                    "unit": value.indicator.unit,
                    "value": value.value,
                    "date": value.date.isoformat(),
                }
                for value in area_indicator_values(city=city, area=area)
            ],
        }
        return Response(AreaFiguresSerializer(data).data)
