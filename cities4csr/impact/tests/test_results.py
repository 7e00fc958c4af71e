"""Results: indicators and updates through the services, the four-eyes rule, numbers typed as the
page's language writes them, the results tree, the pages and the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cities4csr.core.models import AuditEvent
from cities4csr.impact import selectors, services
from cities4csr.impact.models import IndicatorUpdate, ResultIndicator
from cities4csr.needs.tests.factories import ActionFactory, NeedFactory

from .factories import an_indicator, an_update

U = IndicatorUpdate.State


@pytest.fixture
def partner_need(world):
    """A published need of the third-sector body, whose representative reports its results."""
    return NeedFactory(city=world.city, owner=world.third_sector, published=True, lat=45.44, lon=9.22)


def test_value_is_read_in_the_page_language():
    with translation.override("it"):
        assert services.value_parse("1.234,5") == Decimal("1234.5")
    with translation.override("fr"):
        assert services.value_parse("1 234,5") == Decimal("1234.5")
    with translation.override("en"):
        assert services.value_parse("1,234.5") == Decimal("1234.5")
        with pytest.raises(ValidationError) as exc:
            services.value_parse("dodici")
        assert exc.value.error_dict["value"][0].code == "not_a_number"
        with pytest.raises(ValidationError):
            services.value_parse("0.00001")


def test_submit_return_resubmit_approve_with_four_eyes(world, partner_need):
    rep = world.third_sector_representative
    indicator = an_indicator(city=world.city, need=partner_need, actor=rep)
    update = services.update_create(
        actor=rep, indicator=indicator, value="12", measured_on=datetime.date(2026, 2, 1), submit=True
    )
    assert update.state == U.SUBMITTED and update.organisation == world.third_sector
    with pytest.raises(PermissionDenied):  # the reporter does not decide
        services.update_transition(actor=rep, update=update, to=U.APPROVED)
    with pytest.raises(ValidationError):  # returning needs a reason
        services.update_transition(actor=world.officer, update=update, to=U.RETURNED)
    update = services.update_transition(
        actor=world.officer, update=update, to=U.RETURNED, reason="Allegate il registro"
    )
    assert update.state == U.RETURNED and update.return_reason == "Allegate il registro"
    proof = SimpleUploadedFile("registro.csv", b"giorno,alunni\n2026-02-01,14\n", content_type="text/csv")
    update = services.update_edit(actor=rep, update=update, value="14", evidence=proof, submit=True)
    assert update.state == U.SUBMITTED and update.return_reason == ""
    update = services.update_transition(actor=world.officer, update=update, to=U.APPROVED)
    assert update.decided_by == world.officer
    verbs = list(
        AuditEvent.objects.filter(object_type="impact.indicatorupdate", object_id=str(update.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "indicator_update.create",
        "indicator_update.submit",
        "indicator_update.return",
        "indicator_update.edit",
        "indicator_update.submit",
        "indicator_update.approve",
    ]
    with pytest.raises(ValidationError):  # approved is the record
        services.update_edit(actor=rep, update=update, value="15")


def test_an_officer_never_approves_what_they_wrote(world):
    action = ActionFactory(city=world.city)
    indicator = an_indicator(city=world.city, action=action, actor=world.officer)
    update = services.update_create(
        actor=world.officer, indicator=indicator, value=10, measured_on=datetime.date(2026, 1, 5), submit=True
    )
    with pytest.raises(ValidationError) as exc:
        services.update_transition(actor=world.officer, update=update, to=U.APPROVED)
    assert exc.value.code == "four_eyes"
    assert services.update_transition(actor=world.admin, update=update, to=U.APPROVED).state == U.APPROVED


def test_only_officers_and_the_owner_keep_indicators(world, partner_need):
    with pytest.raises(PermissionDenied):
        an_indicator(city=world.city, need=partner_need, actor=world.representative)
    with pytest.raises(PermissionDenied):  # the plan's actions are the city's
        an_indicator(city=world.city, action=ActionFactory(city=world.city), actor=world.third_sector_representative)
    with pytest.raises(ValidationError):
        an_indicator(city=world.city, need=partner_need, actor=world.officer, target=Decimal(0))


def test_evidence_type_is_checked(world, partner_need):
    indicator = an_indicator(city=world.city, need=partner_need, actor=world.officer)
    bad = SimpleUploadedFile("script.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        services.update_create(
            actor=world.officer, indicator=indicator, value=1, measured_on=datetime.date(2026, 1, 1), evidence=bad
        )
    assert "evidence" in exc.value.error_dict


def test_tree_rolls_up_latest_approved_by_weight(world, partner_need):
    action = ActionFactory(city=world.city)
    partner_need.action = action
    partner_need.save(update_fields=["action"])
    a = an_indicator(city=world.city, need=partner_need, weight=3)  # 0 → 100
    b = an_indicator(city=world.city, need=partner_need, name="Famiglie", weight=1)
    an_update(a, value=Decimal(20), measured_on=datetime.date(2026, 1, 1), state="approved")
    an_update(a, value=Decimal(60), measured_on=datetime.date(2026, 3, 1), state="approved")
    an_update(a, value=Decimal(90), measured_on=datetime.date(2026, 4, 1), state="submitted")  # not counted
    an_update(b, value=Decimal(100), state="returned")  # not counted
    tree = selectors.results_tree(city=world.city)
    action_node = next(n for n in tree.children if n.obj == action)
    need_node = action_node.children[0]
    assert need_node.obj == partner_need
    assert need_node.progress == pytest.approx((0.6 * 3 + 0 * 1) / 4)
    assert need_node.measured == 1 and need_node.indicators == 2
    assert tree.progress == pytest.approx(0.45)


def _pages(world, need, action):
    return [
        reverse("results", kwargs={"city_slug": world.city.slug}),
        reverse("results_need", kwargs={"city_slug": world.city.slug, "pk": need.pk}),
        reverse("results_action", kwargs={"city_slug": world.city.slug, "number": action.number}),
        reverse("results_points", kwargs={"city_slug": world.city.slug}),
    ]


def test_public_pages_show_approved_values_only(world, partner_need):
    action = ActionFactory(city=world.city)
    indicator = an_indicator(city=world.city, need=partner_need, name="Alunni seguiti")
    an_update(indicator, value=Decimal("42.5"), state="approved")
    an_update(indicator, value=Decimal(77), measured_on=datetime.date(2026, 4, 1), state="submitted")
    client = Client()
    for url in _pages(world, partner_need, action):
        assert client.get(url).status_code == 200, url
    with translation.override("it"):
        url = reverse("results_need", kwargs={"city_slug": world.city.slug, "pk": partner_need.pk})
    text = client.get(url).content.decode()
    latest = text.split('data-testid="indicator-latest">')[1].split("</dd>")[0]
    assert latest.startswith("42,5")  # the approved value, as Italian writes it; the submitted 77 is not shown
    assert ">77<" not in text
    points = client.get(reverse("results_points", kwargs={"city_slug": world.city.slug})).json()
    assert points["features"][0]["properties"]["progress"] == 42


def test_workspace_and_review_pages(world, partner_need):
    indicator = an_indicator(city=world.city, need=partner_need)
    update = an_update(indicator, actor=world.third_sector_representative, state="submitted")
    slug = world.city.slug
    client = Client()
    client.force_login(world.third_sector_representative)
    assert client.get(reverse("results_workspace", kwargs={"city_slug": slug})).status_code == 200
    assert client.get(reverse("results_review", kwargs={"city_slug": slug})).status_code == 403
    client.force_login(world.officer)
    page = client.get(reverse("results_review", kwargs={"city_slug": slug}))
    assert page.status_code == 200 and b'data-testid="review-update"' in page.content
    url = reverse("results_update_transition", kwargs={"city_slug": slug, "pk": update.pk})
    client.post(url, {"to": "returned", "reason": ""})
    update.refresh_from_db()
    assert update.state == U.SUBMITTED  # no reason, nothing changed
    client.post(url, {"to": "returned", "reason": "Il numero non torna"})
    update.refresh_from_db()
    assert update.state == U.RETURNED
    client.force_login(world.third_sector_representative)
    edit = reverse("results_update_edit", kwargs={"city_slug": slug, "update_pk": update.pk})
    response = client.post(edit, {"value": "abc", "measured_on": "01/03/2026", "submit": "1"})
    assert response.status_code == 400
    response = client.post(edit, {"value": "55", "measured_on": "01/03/2026", "submit": "1"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == U.SUBMITTED and update.value == 55


def test_evidence_file_is_permission_checked(world, partner_need):
    indicator = an_indicator(city=world.city, need=partner_need)
    proof = SimpleUploadedFile("registro.csv", b"a,b\n1,2\n", content_type="text/csv")
    update = services.update_create(
        actor=world.third_sector_representative,
        indicator=indicator,
        value=3,
        measured_on=datetime.date(2026, 1, 1),
        evidence=proof,
        submit=True,
    )
    url = reverse("results_evidence", kwargs={"city_slug": world.city.slug, "pk": update.pk})
    outsider = Client()
    outsider.force_login(world.representative)
    assert outsider.get(url).status_code == 403
    reporter = Client()
    reporter.force_login(world.third_sector_representative)
    assert reporter.get(url).status_code == 200
    services.update_transition(actor=world.officer, update=update, to=U.APPROVED)
    assert Client().get(url).status_code == 200  # approved evidence of a public need is public


def test_api_flow(world, partner_need):
    base = f"/api/v1/cities/{world.city.slug}/results/"
    rep = Client()
    rep.force_login(world.third_sector_representative)
    created = rep.post(
        base + "indicators/",
        {
            "need": partner_need.pk,
            "name": "Famiglie connesse",
            "baseline": "0",
            "baseline_on": "2025-01-01",
            "target": "40",
            "target_on": "2027-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    indicator = created.json()["id"]
    update = rep.post(
        base + "updates/",
        {"indicator": indicator, "value": "10", "measured_on": "2026-02-01", "submit": True},
        content_type="application/json",
    )
    assert update.status_code == 201 and update.json()["state"] == "submitted"
    pk = update.json()["id"]
    refused = rep.post(base + f"updates/{pk}/transition/", {"to": "approved"}, content_type="application/json")
    assert refused.status_code == 403
    officer = Client()
    officer.force_login(world.officer)
    done = officer.post(base + f"updates/{pk}/transition/", {"to": "approved"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "approved"
    tree = Client().get(base + "tree/").json()
    assert tree["key"] == "plan"
    timeline = Client().get(base + f"needs/{partner_need.pk}/timeline/").json()
    assert {"published", "result"} <= {m["kind"] for m in timeline}
    assert Client().get(base + "indicators/").json()["results"][0]["latest_value"] == "10.0000"


def test_indicator_form_reads_italian_numbers_and_the_owner_only_sees_its_needs(world, partner_need):
    slug = world.city.slug
    client = Client()
    client.force_login(world.third_sector_representative)
    with translation.override("it"):
        url = reverse("results_indicator_create", kwargs={"city_slug": slug})
    page = client.get(url).content.decode()
    assert f'value="need:{partner_need.pk}"' in page and 'value="action:' not in page
    response = client.post(
        url,
        {
            "subject": f"need:{partner_need.pk}",
            "name": "Metri quadri di cortile",
            "unit": "m²",
            "baseline": "1.200",
            "baseline_on": "01/09/2025",
            "target": "1.234,5",
            "target_on": "30/06/2027",
            "weight": "2",
        },
    )
    assert response.status_code == 302
    indicator = partner_need.indicators.get()
    assert (indicator.baseline, indicator.target) == (Decimal(1200), Decimal("1234.5"))
    assert AuditEvent.objects.filter(verb="result_indicator.create", object_id=str(indicator.pk)).exists()
    client.force_login(world.representative)  # another company: no need of its own here
    assert client.get(url).status_code == 403


def test_need_timeline_tells_publication_pledge_and_result_in_order(world, partner_need):
    from cities4csr.pledges.services import pledge_transition
    from cities4csr.pledges.tests.factories import PledgeFactory

    pledge = PledgeFactory(need=partner_need, organisation=world.company)
    pledge_transition(actor=world.officer, pledge=pledge, to="accepted")
    indicator = an_indicator(city=world.city, need=partner_need)
    an_update(indicator, value=Decimal(30), state="approved")
    an_update(indicator, value=Decimal(99), measured_on=datetime.date(2026, 4, 1), state="returned")
    with translation.override("en"):
        moments = selectors.timeline(city=world.city, actor=world.resident, need=partner_need)
    kinds = [m.kind for m in moments]
    assert kinds.index("published") < kinds.index("pledge") < kinds.index("result")
    assert any(world.company.name in m.text for m in moments if m.kind == "pledge")
    assert [m.text for m in moments if m.kind == "result"] == [
        "The city approved a result: Alunni nel doposcuola, 30 alunni (measured on 01/03/2026)."
    ]


@pytest.mark.parametrize(
    "fields, field, english, italian",
    [
        ({"target": Decimal(0)}, "target", "The target must differ from the baseline.", "obiettivo"),
        ({"target_on": datetime.date(2024, 1, 1)}, "target_on", "cannot be before the baseline date", "data"),
        ({"weight": 0}, "weight", "Give a weight between 1 and 100.", "peso"),
        ({"name": " "}, "name", "Give the indicator a name.", "nome"),
    ],
)
def test_a_bad_indicator_says_why_in_the_reader_s_language_and_writes_nothing(
    world, partner_need, fields, field, english, italian
):
    events = AuditEvent.objects.count()
    for language, words in (("en", english), ("it", italian)):
        with translation.override(language), pytest.raises(ValidationError) as error:
            an_indicator(city=world.city, need=partner_need, actor=world.officer, **fields)
        assert words.lower() in " ".join(error.value.message_dict[field]).lower()
    assert not ResultIndicator.objects.filter(city=world.city).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "value, measured_on, field",
    [
        ("dodici", datetime.date(2026, 3, 1), "value"),
        ("", datetime.date(2026, 3, 1), "value"),
        ("12", datetime.date(2999, 1, 1), "measured_on"),
        ("12", datetime.date(2020, 1, 1), "measured_on"),
    ],
)
def test_a_bad_update_is_refused_and_writes_nothing(world, partner_need, value, measured_on, field):
    indicator = an_indicator(city=world.city, need=partner_need, actor=world.officer)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.update_create(actor=world.officer, indicator=indicator, value=value, measured_on=measured_on)
    assert field in error.value.message_dict
    assert not IndicatorUpdate.objects.filter(indicator=indicator).exists()
    assert AuditEvent.objects.count() == events
