"""A need's photo is answered by a view, to whoever may see the need: everyone once it is
published (cached as public), its officers and owner while it is a draft; never from /media/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.test_pledges import PNG


def photo_url(need):
    return reverse("need_photo", kwargs={"city_slug": need.city.slug, "pk": need.pk})


@pytest.mark.django_db
def test_a_published_need_photo_is_public_and_its_page_shows_it(world, settings):
    need = NeedFactory(
        city=world.city, owner=world.city_hall, photo=SimpleUploadedFile("aula.png", PNG), published=True
    )
    response = Client().get(photo_url(need))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "public, max-age=3600"
    need.photo.open("rb")
    assert b"".join(response.streaming_content) == need.photo.read()  # as stored: saved again without metadata
    page = Client().get(reverse("need_detail", kwargs={"city_slug": world.city.slug, "pk": need.pk})).content.decode()
    assert f'src="{photo_url(need)}"' in page and settings.MEDIA_URL not in page
    assert Client().get(settings.MEDIA_URL + need.photo.name).status_code == 404


@pytest.mark.django_db
def test_a_draft_need_photo_is_for_its_officers_and_owner_only(world):
    need = NeedFactory(city=world.city, owner=world.third_sector, photo=SimpleUploadedFile("bozza.png", PNG))
    for user in (None, world.resident, world.representative):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.get(photo_url(need)).status_code == 404  # as the draft's page
    for user in (world.officer, world.third_sector_representative):
        client = Client()
        client.force_login(user)
        response = client.get(photo_url(need))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_need_without_photo_has_none(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    assert Client().get(photo_url(need)).status_code == 404
