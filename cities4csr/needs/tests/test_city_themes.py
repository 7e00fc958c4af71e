"""The city's themes, named in its languages by its administrators."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Theme
from cities4csr.needs.selectors import catalogue_choices
from cities4csr.needs.services import theme_save


@pytest.mark.django_db
def test_an_admin_adds_and_renames_a_theme(world, django_capture_on_commit_callbacks):
    city = world.city
    with django_capture_on_commit_callbacks(execute=True):
        theme = theme_save(actor=world.admin, city=city, names={"it": "Orti  urbani", "en": "Urban gardens"})
    assert theme.key == "orti-urbani" and theme.names == {"it": "Orti urbani", "en": "Urban gardens"}
    assert ("orti-urbani", theme.names) in catalogue_choices(city=city)["themes"]  # the catalogue knows it at once
    theme_save(actor=world.admin, city=city, names={"it": "Orti urbani", "en": ""}, theme=theme)
    theme.refresh_from_db()
    assert theme.names == {"it": "Orti urbani"}
    assert list(
        AuditEvent.objects.filter(city=city, object_type="needs.theme", object_id=str(theme.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    ) == ["theme.create", "theme.update"]


@pytest.mark.django_db
def test_a_theme_needs_its_default_name_once_and_an_admin(world):
    count = Theme.objects.filter(city=world.city).count()
    with pytest.raises(ValidationError) as refused:
        theme_save(actor=world.admin, city=world.city, names={"en": "Only English"})
    assert refused.value.error_dict[f"name_{world.city.default_language}"][0].code == "name_required"
    existing = Theme.objects.filter(city=world.city).first()
    with pytest.raises(ValidationError) as refused:
        theme_save(actor=world.admin, city=world.city, names={"it": existing.names["it"].upper()})
    assert refused.value.error_dict["name_it"][0].code == "duplicate"
    with pytest.raises(PermissionDenied):
        theme_save(actor=world.officer, city=world.city, names={"it": "Nuovo"})
    assert Theme.objects.filter(city=world.city).count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "says"), [("it", "Temi"), ("en", "Themes"), ("fr", "Thèmes")])
def test_the_theme_pages(two_cities, lang, says):
    milan = two_cities.milan
    client = Client()
    client.force_login(milan.admin)
    base = f"/{lang}/{milan.city.slug}/manage/themes/"
    assert says in client.get(base).content.decode()
    response = client.post(base + "new/", {"name_it": "", "name_en": "Gardens"})
    assert response.status_code == 200 and "name_it" in response.context["form"].errors
    response = client.post(base + "new/", {"name_it": f"Giardini {lang}", "name_en": "Gardens"})
    assert response.status_code == 302
    officer = Client()
    officer.force_login(milan.officer)
    assert officer.get(base).status_code == 403
    nantes_theme = Theme.objects.with_scopes_disabled().filter(city=two_cities.nantes.city).first()
    assert client.get(f"{base}{nantes_theme.pk}/").status_code == 404
