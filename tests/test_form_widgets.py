"""Forms as people expect them (issue 14, item 4; ADR 0020): neighbourhoods counted 1, 2, … 10,
SDGs picked by their name, dates typed in the page's language (en-GB on English pages), amounts
written back as the reader types them, and an error beside its field, linked for screen readers."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import translation

from cities4csr.cities.models import Area
from cities4csr.cities.tests.factories import areas_load
from cities4csr.core.forms import LocaleDateField, date_hint
from cities4csr.core.templatetags.fields import control
from cities4csr.needs import sdg
from cities4csr.needs.forms import LineEditForm, NeedForm, SdgField
from cities4csr.needs.models import Action, ResourceKind, Theme
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.offers.forms import ProfileForm
from cities4csr.organisations.models import Organisation

NEIGHBOURHOODS = {
    code: (name, (9.0 + i / 100, 45.0, 9.0 + (i + 1) / 100, 45.01))
    for i, (code, name) in enumerate([("10", "Garibaldi"), ("2", "Brera"), ("11", "Isola"), ("1", "Duomo")])
}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_neighbourhoods_are_offered_by_their_number_then_name(world):
    areas_load(world.city, layers=[("quartiere", 0, "", NEIGHBOURHOODS)])
    areas = Area.objects.filter(city=world.city, kind="quartiere")
    assert [a.code for a in areas] == ["1", "10", "11", "2"]  # the database's order: text
    form = ProfileForm(currency="EUR", themes=Theme.objects.filter(city=world.city), areas=areas)
    labels = [label for _value, label in form.fields["preferred_areas"].choices]
    assert labels == ["1 Duomo", "2 Brera", "10 Garibaldi", "11 Isola"]


@pytest.mark.django_db
def test_neighbourhoods_are_ticked_in_a_filterable_fieldset(world):
    areas_load(world.city, layers=[("quartiere", 0, "", NEIGHBOURHOODS)])
    areas = Area.objects.filter(city=world.city, kind="quartiere")
    brera, isola = areas.get(code="2"), areas.get(code="11")
    form = ProfileForm(
        {"preferred_areas": [brera.pk, isola.pk]}, currency="EUR", themes=Theme.objects.none(), areas=areas
    )
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["preferred_areas"]) == {brera, isola}
    page = client_of(world.representative).get(f"/it/{world.city.slug}/workspace/company/").content.decode()
    assert '<fieldset class="mb-3 c4-choices" id="id_preferred_areas"' in page
    assert (
        'type="checkbox" name="preferred_areas"' in page and "<select" not in page.split("id_preferred_areas")[1][:400]
    )
    assert "Scrivi per cercare" in page and "js/choice-filter.js" in page  # the filter box, in Italian
    assert "Ctrl" not in page


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("it", "4.a — Costruire e migliorare le strutture educative"),
        ("en", "4.a — Build and upgrade education facilities"),
        ("fr", "4.a — Construire des établissements scolaires"),
    ],
)
def test_sdg_choices_are_labelled_by_their_name_in_the_page_language(lang, expected):
    with translation.override(lang):
        choices = dict(SdgField().choices)
    assert len(choices) == 17 + 169
    assert choices["4.a"].startswith(expected)
    assert choices["4"] == "4 — " + sdg.GOALS[4][lang]
    assert list(choices)[:3] == ["1", "1.1", "1.2"] and list(choices).index("10") > list(choices).index("9.c")


def test_sdg_field_cleans_to_codes_in_official_order_and_refuses_others():
    field = SdgField()
    assert field.clean(["11.7", "4.a", "4"]) == ["4", "4.a", "11.7"]
    with translation.override("it"), pytest.raises(Exception, match="Scegli un'opzione valida"):
        field.clean(["18"])


@pytest.mark.parametrize(("lang", "hint"), [("it", "gg/mm/aaaa"), ("en", "dd/mm/yyyy"), ("fr", "jj/mm/aaaa")])
def test_a_date_typed_01_12_2026_is_the_first_of_december_in_every_language(lang, hint):
    field = LocaleDateField(required=False)
    with translation.override(lang):
        assert field.clean("01/12/2026") == datetime.date(2026, 12, 1)
        assert date_hint() == hint and hint in str(field.help_text)
        assert field.widget.format_value(datetime.date(2026, 12, 1)) == "01/12/2026"
        assert 'type="text"' in field.widget.render("d", datetime.date(2026, 12, 1))
        assert field.clean("2026-12-01") == datetime.date(2026, 12, 1)  # a machine's ISO date still reads


def test_an_english_page_shows_dates_the_british_way():
    from django.utils.formats import date_format

    with translation.override("en"):
        assert date_format(datetime.date(2026, 12, 1), "SHORT_DATE_FORMAT") == "01/12/2026"
        with pytest.raises(Exception, match="valid date"):
            LocaleDateField().clean("12/31/2026")  # the US month-first form is no date here


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "shown"), [("it", "60.000,00"), ("fr", "60\u202f000,00"), ("en", "60,000.00")])
def test_an_amount_is_filled_in_as_the_reader_writes_it(world, lang, shown):
    need = NeedFactory(
        city=world.city, owner=world.third_sector, lines=[dict(kind="money", label="C", quantity=6_000_000)]
    )
    line = need.lines.get()
    with translation.override(lang):
        form = LineEditForm(initial=LineEditForm.initial_of(line), currency="EUR")
        assert f'value="{shown}"' in str(form["amount_eur"])
        goods = LineEditForm(
            initial={"kind": ResourceKind.GOODS, "label": "B", "quantity": 10, "amount_eur": 6_000_050}, currency="EUR"
        )
        assert f'value="{shown[:-2]}50"' in str(goods["amount_eur"])


@pytest.mark.django_db
def test_an_error_is_said_beside_its_field_linked_for_screen_readers(world):
    need = NeedFactory(city=world.city, owner=world.third_sector, title="Orto")
    response = client_of(world.officer).post(
        f"/it/{world.city.slug}/needs/{need.pk}/edit/", {"title": "Orto", "description": "D", "starts_on": "31/02/2026"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    control = re.search(r'<input[^>]*name="starts_on"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in control and 'class="form-control is-invalid"' in control
    assert 'aria-describedby="id_starts_on_helptext id_starts_on_error"' in control
    error = re.search(r'<div class="invalid-feedback d-block" id="id_starts_on_error">(.*?)</div>', page).group(1)
    assert "Inserisci una data valida" in error
    assert 'id="id_starts_on_helptext">Formato: gg/mm/aaaa</div>' in page
    summary = page.split('role="alert"')[1].split("</div>")[0]
    assert '<a class="alert-link" href="#id_starts_on">' in summary  # the summary on top links to the field


@pytest.mark.django_db
def test_the_need_form_picks_sdgs_and_dates_and_the_page_names_them(world):
    need = NeedFactory(city=world.city, owner=world.third_sector, title="Orto", sdgs=["4"])
    client = client_of(world.officer)
    url = f"/it/{world.city.slug}/needs/{need.pk}/edit/"
    form_page = client.get(url).content.decode()
    assert 'value="4" class="form-check-input" id="id_sdgs_0"' not in form_page  # goal 1 comes first
    assert re.search(r'<input type="checkbox" name="sdgs" value="4"[^>]*checked', form_page)
    assert "Costruire e migliorare le strutture educative" in form_page and 'type="date"' not in form_page
    response = client.post(
        url, {"title": "Orto", "description": "D", "sdgs": ["4", "4.a"], "starts_on": "01/12/2026", "ends_on": ""}
    )
    assert response.status_code == 302, response.context["form"].errors
    need.refresh_from_db()
    assert need.sdgs == ["4", "4.a"] and need.starts_on == datetime.date(2026, 12, 1)
    shown = client.get(f"/it/{world.city.slug}/needs/{need.pk}/").content.decode()
    assert "4.a — Costruire e migliorare le strutture educative" in shown and "01/12/2026" in shown
    again = client.get(url).content.decode()
    assert 'name="starts_on" value="01/12/2026"' in again


@pytest.mark.django_db
def test_every_visible_control_of_the_need_form_is_styled_for_its_kind(world):
    owners = Organisation.objects.filter(city=world.city)
    form = NeedForm(city=world.city, owners=owners, actions=Action.objects.filter(city=world.city))
    assert 'class="form-select"' in control(form["owner"])  # a select looks like one
    assert 'class="form-control"' in control(form["title"])
    assert 'class="form-control"' in control(form["starts_on"])
