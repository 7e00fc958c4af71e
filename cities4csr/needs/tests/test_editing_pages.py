"""The pages that correct a need and its lines: errors beside the field in the page's language,
amounts read as the language writes them, refusals for those who may not."""

import pytest
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory


@pytest.fixture
def pledged(world):
    need = NeedFactory(
        city=world.city,
        owner=world.third_sector,
        title="Aule all'aperto",
        lines=[
            dict(kind=ResourceKind.MONEY, label="Contributo", quantity=100_000),
            dict(kind=ResourceKind.GOODS, label="Banchi", quantity=10, value_cents=80_000),
        ],
        published=True,
    )
    money = need.lines.get(kind=ResourceKind.MONEY)
    pledge = PledgeFactory(need=need, organisation=world.company, items=[(money, 60_000)])
    return need, money, pledge


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_officer_raises_a_pledged_line_typed_in_italian(world, pledged):
    need, money, pledge = pledged
    url = f"/it/{world.city.slug}/needs/{need.pk}/lines/{money.pk}/"
    client = client_of(world.officer)
    page = client.get(url)
    assert page.status_code == 200 and 'value="1.000,00"' in page.content.decode()
    response = client.post(url, {"kind": "money", "label": "Contributo", "amount_eur": "1.500,00"})
    assert response.status_code == 302
    money.refresh_from_db()
    assert (money.quantity, money.committed) == (150_000, 60_000)
    pledge.refresh_from_db()
    assert pledge.value_cents == 60_000 and pledge.state == "proposed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "amount", "said"), [("fr", "599,99", "déjà engagés"), ("it", "599,99", "già promessi")]
)
def test_below_what_is_pledged_is_refused_beside_the_amount(world, pledged, lang, amount, said):
    need, money, _pledge = pledged
    response = client_of(world.officer).post(
        f"/{lang}/{world.city.slug}/needs/{need.pk}/lines/{money.pk}/",
        {"kind": "money", "label": "Contributo", "amount_eur": amount},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["amount_eur"] and said in errors["amount_eur"][0]
    assert "cents" not in response.content.decode()
    money.refresh_from_db()
    assert money.quantity == 100_000


@pytest.mark.django_db
def test_a_malformed_amount_writes_nothing(world, pledged):
    need, money, _pledge = pledged
    before = AuditEvent.objects.count()
    response = client_of(world.officer).post(
        f"/it/{world.city.slug}/needs/{need.pk}/lines/{money.pk}/",
        {"kind": "money", "label": "Contributo", "amount_eur": "mille"},
    )
    assert response.status_code == 400 and "amount_eur" in response.context["form"].errors
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_owner_edits_the_need_and_the_page_says_so(world, pledged):
    need, _money, _pledge = pledged
    client = client_of(world.third_sector_representative)
    url = f"/en/{world.city.slug}/needs/{need.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Aule all'aperto Rinaldi", "description": "Nuovo testo", "sdgs": ["4", "11.7"], "ends_on": ""}
    )
    assert response.status_code == 302, response.context["form"].errors
    need.refresh_from_db()
    assert (need.title, need.description, need.sdgs) == ("Aule all'aperto Rinaldi", "Nuovo testo", ["4", "11.7"])
    assert need.owner == world.third_sector


@pytest.mark.django_db
def test_dates_in_the_wrong_order_are_said_beside_the_end(world, pledged):
    need, _money, _pledge = pledged
    response = client_of(world.officer).post(
        f"/fr/{world.city.slug}/needs/{need.pk}/edit/",
        {"title": "X", "description": "Y", "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["La date de fin est antérieure à la date de début."]
    assert "need_dates_ordered" not in response.content.decode()
    need.refresh_from_db()
    assert need.title == "Aule all'aperto"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["representative", "member", "volunteer", "resident"])
def test_others_cannot_open_or_post_the_edit_pages(world, pledged, who):
    need, money, _pledge = pledged
    client = client_of(getattr(world, who))
    base = f"/en/{world.city.slug}/needs/{need.pk}"
    assert client.get(f"{base}/edit/").status_code == 403
    assert (
        client.post(f"{base}/lines/{money.pk}/", {"kind": "money", "label": "X", "amount_eur": "1"}).status_code == 403
    )
    assert client.post(f"{base}/lines/{money.pk}/delete/").status_code == 403
    assert ResourceLine.objects.filter(pk=money.pk, label="Contributo").exists()


@pytest.mark.django_db
def test_a_pledged_line_is_not_deleted_and_an_unpledged_one_is(world, pledged):
    need, money, _pledge = pledged
    client = client_of(world.officer)
    base = f"/en/{world.city.slug}/needs/{need.pk}/lines"
    client.post(f"{base}/{money.pk}/delete/")
    assert ResourceLine.objects.filter(pk=money.pk).exists()
    goods = need.lines.get(kind=ResourceKind.GOODS)
    assert client.post(f"{base}/{goods.pk}/delete/").status_code == 302
    assert not ResourceLine.objects.filter(pk=goods.pk).exists()


@pytest.mark.django_db
def test_a_draft_is_deleted_from_its_edit_page(world):
    draft = NeedFactory(city=world.city, owner=world.city_hall)
    client = client_of(world.officer)
    page = client.get(f"/en/{world.city.slug}/needs/{draft.pk}/edit/")
    assert "Delete draft" in page.content.decode()
    response = client.post(f"/en/{world.city.slug}/needs/{draft.pk}/delete/")
    assert response.status_code == 302 and response.url.endswith("/workspace/officer/needs/")
    assert not Need.objects.filter(pk=draft.pk).exists()
