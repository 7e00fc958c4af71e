"""The terms an agreement's draft needs (signatories and their acts, the acts of the premises with
dates, the agreement's dates, the payment term): the service's checks, the panel's form and the
API, with the same permissions."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.instruments.services import agreement_terms_update
from cities4csr.instruments.tests.factories import AgreementFactory
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory


@pytest.fixture
def agreement(world):
    need = NeedFactory(
        city=world.city,
        owner=world.city_hall,
        lines=[dict(kind="money", label="Arredi", quantity=100_000)],
        published=True,
    )
    return AgreementFactory(pledge=PledgeFactory(need=need, organisation=world.company, accepted=True))


@pytest.mark.django_db
def test_terms_are_saved_and_audited(agreement, world):
    agreement_terms_update(
        actor=world.officer,
        agreement=agreement,
        city_signatory="  Anna Rossi, dirigente  ",
        decision_ref="n. 345",
        decision_on=date(2026, 11, 20),
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 11, 30),
        payment_days=30,
    )
    agreement.refresh_from_db()
    assert agreement.city_signatory == "Anna Rossi, dirigente" and agreement.payment_days == 30
    event = AuditEvent.objects.filter(city=world.city, verb="agreement.terms").get()
    assert event.payload["decision_on"] == "2026-11-20"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"decision_ref": "n. 345"}, "decision_on"),  # an act is cited with its date
        ({"regulation_on": date(2024, 5, 2)}, "regulation_ref"),
        ({"starts_on": date(2027, 1, 1), "ends_on": date(2026, 12, 31)}, "ends_on"),
        ({"payment_days": 400}, "payment_days"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_written(agreement, world, terms, field):
    with pytest.raises(ValidationError) as error:
        agreement_terms_update(actor=world.officer, agreement=agreement, **terms)
    assert field in error.value.message_dict
    agreement.refresh_from_db()
    assert agreement.decision_ref == "" and agreement.starts_on is None and agreement.payment_days is None
    assert not AuditEvent.objects.filter(city=world.city, verb="agreement.terms").exists()


@pytest.mark.django_db
def test_only_the_city_sets_the_terms(agreement, world):
    for outsider in (world.representative, world.resident):
        with pytest.raises(PermissionDenied):
            agreement_terms_update(actor=outsider, agreement=agreement, payment_days=30)


@pytest.mark.django_db
def test_the_panel_form_saves_the_terms_and_shows_errors(agreement, world, client):
    client.force_login(world.officer)
    pledge_url = f"/it/{world.city.slug}/pledges/{agreement.pledge_id}/"
    page = client.get(pledge_url).content.decode()
    assert 'data-testid="agreement-terms"' in page and 'name="terms-decision_ref"' in page
    url = pledge_url + "agreement/terms/"
    refused = client.post(url, {"terms-decision_ref": "n. 345"}, follow=True).content.decode()
    assert "Indica la data dell" in refused  # in Italian, the reader's language
    agreement.refresh_from_db()
    assert agreement.decision_ref == ""
    client.post(
        url,
        {
            "terms-decision_ref": "n. 345",
            "terms-decision_on": "2026-11-20",
            "terms-payment_days": "30",
            "terms-giver_signatory": "Marco Bianchi",
        },
    )
    agreement.refresh_from_db()
    assert agreement.decision_on == date(2026, 11, 20) and agreement.giver_signatory == "Marco Bianchi"
    backwards = {"terms-starts_on": "2027-01-01", "terms-ends_on": "2026-12-31"}
    assert "L&#x27;accordo scade prima di iniziare." in client.post(url, backwards, follow=True).content.decode()
    agreement.refresh_from_db()
    assert agreement.starts_on is None
    client.force_login(world.representative)
    assert client.post(url, {"terms-payment_days": "10"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.payment_days == 30


@pytest.mark.django_db
def test_terms_through_the_api(agreement, world):
    url = f"/api/v1/cities/{world.city.slug}/pledges/{agreement.pledge_id}/agreement/terms/"
    officer = Client()
    officer.force_login(world.officer)
    done = officer.patch(
        url, {"starts_on": "2026-12-01", "ends_on": "2027-11-30", "payment_days": 30}, content_type="application/json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["terms"]["starts_on"] == "2026-12-01" and done.json()["terms"]["payment_days"] == 30
    kept = officer.patch(url, {"giver_signatory": "Marco Bianchi"}, content_type="application/json").json()
    assert kept["terms"]["payment_days"] == 30 and kept["terms"]["giver_signatory"] == "Marco Bianchi"
    wrong = officer.patch(url, {"ends_on": "2026-01-01"}, content_type="application/json")
    assert wrong.status_code == 400 and "ends_on" in wrong.json()
    unknown = officer.patch(url, {"iban": "IT00"}, content_type="application/json")
    assert unknown.status_code == 400 and "iban" in unknown.json()
    rep = Client()
    rep.force_login(world.representative)
    assert rep.patch(url, {"payment_days": 1}, content_type="application/json").status_code == 403
    assert rep.get(url.replace("terms/", "")).json()["terms"]["payment_days"] == 30
