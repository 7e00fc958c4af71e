"""A company's sites are corrected or removed by its representatives and the city's officers;
a new place is resolved to the city's areas again; audited; refused to others."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cities4csr.cities.tests.factories import CORVETTO
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import Site
from cities4csr.organisations.services import site_delete, site_update
from cities4csr.organisations.tests.factories import SiteFactory

DUOMO = (45.4642, 9.1900)


@pytest.fixture
def site(world):
    return SiteFactory(organisation=world.company, label="Sede", lat=CORVETTO[0], lon=CORVETTO[1])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["representative", "officer", "admin"])
def test_a_site_moves_and_is_located_again(world, site, who):
    assert [a.code for a in site.areas.filter(kind="nil")] == ["35"]
    moved = site_update(actor=getattr(world, who), site=site, lat=DUOMO[0], lon=DUOMO[1], label="Sede centrale")
    assert [a.code for a in moved.areas.filter(kind="nil")] == ["1"]
    event = AuditEvent.objects.get(verb="site.update", object_id=str(site.pk))
    assert event.payload["fields"] == ["label", "lat", "lon"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "other_representative", "third_sector_representative", "volunteer"])
def test_others_cannot_move_or_remove_a_site(world, site, who):
    with pytest.raises(PermissionDenied):
        site_update(actor=getattr(world, who), site=site, label="X")
    with pytest.raises(PermissionDenied):
        site_delete(actor=getattr(world, who), site=site)
    assert Site.objects.get(pk=site.pk).label == "Sede"


@pytest.mark.django_db
def test_a_bad_place_writes_nothing(world, site):
    with pytest.raises(ValidationError):
        site_update(actor=world.representative, site=site, lat=123.0)
    site.refresh_from_db()
    assert site.lat == CORVETTO[0]
    assert not AuditEvent.objects.filter(verb="site.update").exists()


@pytest.mark.django_db
def test_the_page_and_the_api_edit_and_remove(world, site):
    client = Client()
    client.force_login(world.representative)
    url = f"/it/{world.city.slug}/organisations/{world.company.pk}/sites/{site.pk}/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"label": "Sede", "lat": "abc", "lon": "9.2"})
    assert refused.status_code == 400 and "lat" in refused.context["form"].errors
    assert client.post(url, {"label": "Magazzino", "lat": DUOMO[0], "lon": DUOMO[1]}).status_code == 302
    assert Site.objects.get(pk=site.pk).label == "Magazzino"
    api = f"/api/v1/cities/{world.city.slug}/organisations/{world.company.pk}/sites/{site.pk}/"
    patched = client.patch(api, {"address": "Via Roma 1"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["address"] == "Via Roma 1"
    other = Client()
    other.force_login(world.other_representative)
    assert other.delete(api).status_code == 403
    assert other.post(url, {"form": "delete"}).status_code == 403
    assert client.delete(api).status_code == 204
    assert not Site.objects.filter(pk=site.pk).exists()
    assert AuditEvent.objects.filter(verb="site.delete").count() == 1
