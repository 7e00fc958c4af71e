"""pagoPA in a city's funds (ADR 0028): the city's codes on its settings page, a notice per pagoPA
contribution, and the officer's import of the intermediary's reporting flow, on the page and in
the API: received once, unknown IUVs listed, a malformed file refused with nothing written, only
the city's own officers, only the city's own contributions."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from cities4csr.cities.services import city_settings_update
from cities4csr.core.models import AuditEvent
from cities4csr.funds.models import Contribution
from cities4csr.funds.pagopa import iuv_for, parse_notice_code
from cities4csr.funds.pagopa_models import PagopaFlow, PagopaFlowLine
from cities4csr.funds.pagopa_services import pagopa_notice_for, pagopa_report_import, pagopa_settings
from cities4csr.funds.services import contribution_create
from cities4csr.ledger.models import Account

from .factories import a_fund, a_gift
from .pagopa_flows import FIXTURES, MILANO, flow_xml

PAGOPA = {
    "enabled": True,
    "tax_code": MILANO,
    "aux_digit": 3,
    "segregation_code": "07",
    "application_code": "",
    "iuv_prefix": "",
    "intermediary": "Intermediario di prova S.p.A.",
}


def enable_pagopa(world, **changes):
    city = world.city
    city_settings_update(
        actor=world.admin,
        city=city,
        languages=city.languages,
        default_language=city.default_language,
        theme=city.theme,
        matching={},
        pagopa={**PAGOPA, **changes},
    )
    city.refresh_from_db()
    return city


def pagopa_gift(world, fund, cents, name="Giulia Bianchi"):
    return contribution_create(
        actor=None,
        target=fund,
        amount_cents=cents,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name=name,
        channel=Contribution.Channel.PAGOPA,
    )


def upload(data: bytes, name="flusso.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def paid(contribution, iur, amount=None, outcome="0", day="2026-12-02"):
    cents = contribution.amount_cents if amount is None else amount
    return (parse_notice_code(contribution.notice_code).iuv, iur, f"{cents // 100}.{cents % 100:02d}", outcome, day)


@pytest.fixture
def pagopa_world(world):
    enable_pagopa(world)
    world.fund = a_fund(world)
    return world


# ---------------------------------------------------------------- the city's settings


def test_the_city_admin_sets_the_pagopa_codes_on_the_settings_page(world):
    client = Client()
    client.force_login(world.admin)
    url = reverse("city_settings", kwargs={"city_slug": world.city.slug})
    page = client.get(url)
    assert "pagopa_segregation_code" in page.content.decode()
    form = {
        "languages": world.city.languages,
        "default_language": world.city.default_language,
        "theme": world.city.theme,
        **{f"weight_{name}": 0.2 for name in ("theme", "resource", "proximity", "timing", "equity")},
        "pagopa_enabled": "on",
        "pagopa_tax_code": "IT 01199250158",
        "pagopa_intermediary": "Intermediario S.p.A.",
        "pagopa_aux_digit": "3",
        "pagopa_segregation_code": "07",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    world.city.refresh_from_db()
    assert world.city.settings.pagopa["tax_code"] == MILANO
    assert pagopa_settings(world.city).segregation_code == "07"
    event = AuditEvent.objects.filter(city=world.city, verb="city.settings").latest("pk")
    assert event.payload["changed"]["pagopa"][1]["segregation_code"] == "07"


@pytest.mark.parametrize(
    ("changes", "field", "italian"),
    [
        ({"pagopa_tax_code": "01199250159"}, "pagopa_tax_code", "codice fiscale"),
        ({"pagopa_segregation_code": "99"}, "pagopa_segregation_code", "da 00 a 45"),
        ({"pagopa_aux_digit": "0", "pagopa_application_code": "x1"}, "pagopa_application_code", "due cifre"),
        ({"pagopa_iuv_prefix": "1234567"}, "pagopa_iuv_prefix", "6 cifre"),
    ],
)
def test_codes_pagopa_would_refuse_are_refused_in_the_readers_language(world, changes, field, italian):
    client = Client()
    client.force_login(world.admin)
    form = {
        "languages": world.city.languages,
        "default_language": world.city.default_language,
        "theme": world.city.theme,
        **{f"weight_{name}": 0.2 for name in ("theme", "resource", "proximity", "timing", "equity")},
        "pagopa_enabled": "on",
        "pagopa_tax_code": MILANO,
        "pagopa_aux_digit": "3",
        "pagopa_segregation_code": "07",
        **changes,
    }
    url = reverse("city_settings", kwargs={"city_slug": world.city.slug}).replace("/en/", "/it/", 1)
    with translation.override("it"):
        response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert italian in response.content.decode()
    world.city.refresh_from_db()
    assert not world.city.settings.pagopa


def test_a_french_city_has_no_pagopa_settings(two_cities):
    nantes = two_cities.nantes
    client = Client()
    client.force_login(nantes.admin)
    page = client.get(reverse("city_settings", kwargs={"city_slug": nantes.city.slug}))
    assert "pagopa_tax_code" not in page.content.decode()
    assert pagopa_settings(nantes.city) is None


# ---------------------------------------------------------------- notices


def test_a_pagopa_contribution_gets_its_notice_and_qr(pagopa_world):
    world = pagopa_world
    gift = pagopa_gift(world, world.fund, 2000)
    gift.refresh_from_db()
    read = parse_notice_code(gift.notice_code)
    assert (read.aux_digit, read.segregation_code) == (3, "07")
    assert read.iuv == iuv_for(pagopa_settings(world.city), gift.pk)
    notice = pagopa_notice_for(gift)
    assert notice.qr_payload == f"PAGOPA|002|{gift.notice_code}|{MILANO}|2000"
    assert notice.printed_code.replace(" ", "") == gift.notice_code
    assert notice.qr_src.startswith("data:image/svg+xml")
    assert notice.printed_code in notice.qr_alt


def test_the_notice_include_shows_the_code_tax_code_amount_and_an_alternative(pagopa_world, rf):
    from django.template import Context, Template

    world = pagopa_world
    gift = pagopa_gift(world, world.fund, 2550)
    gift.refresh_from_db()
    with translation.override("it"):
        html = Template("{% load funds_pagopa %}{% pagopa_notice contribution %}").render(
            Context({"contribution": gift, "city": world.city})
        )
    printed = pagopa_notice_for(gift).printed_code
    assert printed in html
    assert MILANO in html
    assert "25,50" in html
    assert "app IO" in html or "IO" in html
    assert "visually-hidden" in html  # the QR code's text alternative


def test_a_bank_transfer_has_no_notice(pagopa_world):
    gift = a_gift(pagopa_world, pagopa_world.fund, 2000, received=False)
    assert gift.notice_code == ""
    assert pagopa_notice_for(gift) is None


def test_a_city_without_pagopa_refuses_a_pagopa_contribution_and_writes_nothing(world):
    fund = a_fund(world)
    before = Contribution.objects.count()
    with pytest.raises(ValidationError) as refused:
        pagopa_gift(world, fund, 2000)
    assert "channel" in refused.value.message_dict
    assert Contribution.objects.count() == before


def test_notices_are_unique_in_the_city(pagopa_world):
    gifts = [pagopa_gift(pagopa_world, pagopa_world.fund, 1000 + n) for n in range(5)]
    codes = {Contribution.objects.get(pk=g.pk).notice_code for g in gifts}
    assert len(codes) == 5


# ---------------------------------------------------------------- the reporting flow


def test_a_flow_receives_each_paid_notice_once_and_lists_the_rest(pagopa_world):
    world = pagopa_world
    first, second, cancelled = (pagopa_gift(world, world.fund, c) for c in (2000, 15000, 500))
    first, second = (Contribution.objects.get(pk=c.pk) for c in (first, second))
    data = flow_xml(
        [
            paid(first, "IUR-1"),
            paid(second, "IUR-2", outcome="4"),
            ("02000000004512377", "IUR-3", "212.00", "0", "2026-12-03"),  # another service of the city
        ]
    )
    result = pagopa_report_import(actor=world.officer, city=world.city, file=upload(data))
    assert result.new_flow
    assert [line.result for line in result.lines] == ["received", "received", "unknown_iuv"]
    assert result.received_cents == 17000
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.received_cents, first.received_on) == ("received", 2000, datetime.date(2026, 12, 2))
    assert second.state == "received"
    assert Account.objects.get(pk=world.fund.account_id).balance_cents == 17000
    assert [line.payment.iuv for line in result.unknown] == ["02000000004512377"]
    flow = PagopaFlow.objects.get(city=world.city)
    assert flow.lines.count() == 3
    event = AuditEvent.objects.get(city=world.city, verb="pagopa.import")
    assert event.payload["received"] == 2 and event.payload["unknown_iuvs"] == ["02000000004512377"]
    assert cancelled.state == "pending"

    # the same file again: nothing is received twice, nothing is added
    again = pagopa_report_import(actor=world.officer, city=world.city, file=upload(data))
    assert not again.new_flow
    assert {line.result for line in again.lines} == {"already_reconciled"}
    assert Account.objects.get(pk=world.fund.account_id).balance_cents == 17000
    assert PagopaFlowLine.objects.filter(city=world.city).count() == 3


def test_a_flow_sent_again_with_a_new_payment_receives_only_that_one(pagopa_world):
    world = pagopa_world
    first, later = (pagopa_gift(world, world.fund, c) for c in (2000, 3000))
    first, later = (Contribution.objects.get(pk=c.pk) for c in (first, later))
    pagopa_report_import(actor=world.officer, city=world.city, file=upload(flow_xml([paid(first, "A")])))
    result = pagopa_report_import(
        actor=world.officer, city=world.city, file=upload(flow_xml([paid(first, "A"), paid(later, "B")]))
    )
    assert [line.result for line in result.lines] == ["already_reconciled", "received"]
    assert Account.objects.get(pk=world.fund.account_id).balance_cents == 5000


def test_a_city_still_on_aux_digit_0_is_reconciled_by_its_15_digit_iuvs(world):
    enable_pagopa(world, aux_digit=0, segregation_code="", application_code="12")
    fund = a_fund(world)
    gift = Contribution.objects.get(pk=pagopa_gift(world, fund, 4200).pk)
    assert gift.notice_code.startswith("012")
    iuv = parse_notice_code(gift.notice_code).iuv
    assert len(iuv) == 15
    result = pagopa_report_import(
        actor=world.officer, city=world.city, file=upload(flow_xml([(iuv, "R1", "42.00", "0", "2026-12-02")]))
    )
    assert [line.result for line in result.lines] == ["received"]
    gift.refresh_from_db()
    assert gift.state == "received"


def test_a_malformed_flow_is_refused_with_line_and_reason_and_nothing_is_written(pagopa_world):
    world = pagopa_world
    gift = Contribution.objects.get(pk=pagopa_gift(world, world.fund, 2000).pk)
    good = flow_xml([paid(gift, "IUR-1")]).decode()
    bad = good.replace("<singoloImportoPagato>20.00<", "<singoloImportoPagato>20,00<")
    events = AuditEvent.objects.count()
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        pagopa_report_import(actor=world.officer, city=world.city, file=upload(bad.encode()))
    error = refused.value.error_dict["file"][0]
    assert error.code == "amount_invalid"
    assert (
        error.params["line"]
        == good.splitlines().index(next(line for line in good.splitlines() if "singoloImportoPagato" in line)) + 1
    )
    assert str(error.message).startswith(f"Riga {error.params['line']}:")
    gift.refresh_from_db()
    assert gift.state == "pending"
    assert not PagopaFlow.objects.filter(city=world.city).exists()
    assert AuditEvent.objects.count() == events


def test_a_flow_for_another_ente_is_refused(pagopa_world):
    data = (FIXTURES / "pagopa_flow_milano.xml").read_bytes().replace(b"01199250158", b"00514490010")
    with pytest.raises(ValidationError) as refused:
        pagopa_report_import(actor=pagopa_world.officer, city=pagopa_world.city, file=upload(data))
    assert refused.value.error_dict["file"][0].code == "receiver_mismatch"


def test_only_the_citys_officers_import(pagopa_world, two_cities):
    data = flow_xml([("01000000000100121", "X", "1.00", "0", "2026-12-02")])
    for person in (pagopa_world.representative, pagopa_world.resident, two_cities.nantes.officer):
        with pytest.raises(PermissionDenied):
            pagopa_report_import(actor=person, city=pagopa_world.city, file=upload(data))


def test_a_notice_of_another_city_is_never_received(pagopa_world, two_cities):
    """Nantes' contribution with the same IUV (were it on pagoPA) stays Nantes': a flow of Milan
    only reads Milan's notices."""
    world = pagopa_world
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        fund = a_fund(nantes, slug="nantes-fund")
        foreign = a_gift(nantes, fund, 2000, received=False)
    with scopes_disabled():
        Contribution.objects.filter(pk=foreign.pk).update(
            channel=Contribution.Channel.PAGOPA, notice_code="3" + iuv_for(pagopa_settings(world.city), foreign.pk)
        )
    iuv = iuv_for(pagopa_settings(world.city), foreign.pk)
    result = pagopa_report_import(
        actor=world.officer, city=world.city, file=upload(flow_xml([(iuv, "I", "20.00", "0", "2026-12-02")]))
    )
    assert [line.result for line in result.lines] == ["unknown_iuv"]
    with scopes_disabled():
        assert Contribution.objects.get(pk=foreign.pk).state == "pending"


# ---------------------------------------------------------------- the page and the API


def test_the_officer_imports_on_the_page_and_sees_what_was_left(pagopa_world):
    world = pagopa_world
    gift = Contribution.objects.get(pk=pagopa_gift(world, world.fund, 2000).pk)
    client = Client()
    client.force_login(world.officer)
    url = reverse("funds_pagopa_import", kwargs={"city_slug": world.city.slug})
    assert client.get(url).status_code == 200
    data = flow_xml([paid(gift, "IUR-1"), ("02000000004512377", "IUR-3", "212.00", "0", "2026-12-03")])
    response = client.post(url, {"file": upload(data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert gift.reference in html
    assert "02000000004512377" in html
    gift.refresh_from_db()
    assert gift.state == "received"
    # the list of flows keeps the unknown IUV for later
    listed = client.get(url).content.decode()
    assert "2026-12-04ABCDITMMXXX-0001" in listed and "02000000004512377" in listed


def test_the_page_says_why_a_file_is_refused(pagopa_world):
    client = Client()
    client.force_login(pagopa_world.officer)
    url = reverse("funds_pagopa_import", kwargs={"city_slug": pagopa_world.city.slug})
    response = client.post(url, {"file": upload(b"<Document/>")})
    assert response.status_code == 400
    assert "FlussoRiversamento" in response.content.decode()


@pytest.mark.parametrize("who", ["representative", "resident", "volunteer"])
def test_the_page_is_for_officers_only(pagopa_world, who):
    client = Client()
    client.force_login(getattr(pagopa_world, who))
    url = reverse("funds_pagopa_import", kwargs={"city_slug": pagopa_world.city.slug})
    assert client.get(url).status_code == 403


def test_another_citys_officer_is_refused(pagopa_world, two_cities):
    client = Client()
    client.force_login(two_cities.nantes.officer)
    url = reverse("funds_pagopa_import", kwargs={"city_slug": pagopa_world.city.slug})
    assert client.get(url).status_code == 403


def test_the_api_imports_and_lists_flows(pagopa_world):
    world = pagopa_world
    gift = Contribution.objects.get(pk=pagopa_gift(world, world.fund, 2000).pk)
    client = Client()
    client.force_login(world.officer)
    url = f"/api/v1/cities/{world.city.slug}/funds/pagopa/flows/"
    data = flow_xml([paid(gift, "IUR-1"), ("02000000004512377", "IUR-3", "212.00", "0", "2026-12-03")])
    created = client.post(url, {"file": io.BytesIO(data)})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["received"] == 1 and body["received_cents"] == 2000
    assert body["lines"][0]["reference"] == gift.reference
    assert body["lines"][1]["result"] == "unknown_iuv"
    again = client.post(url, {"file": io.BytesIO(data)})
    assert again.status_code == 200 and again.json()["received"] == 0
    listed = client.get(url).json()
    assert listed[0]["received_count"] == 1
    assert [line["iuv"] for line in listed[0]["left"]] == ["02000000004512377"]
    refused = client.post(url, {"file": io.BytesIO(b"not xml")})
    assert refused.status_code == 400
    assert refused.json()["codes"] == {"file": ["xml_malformed"]}


def test_the_api_refuses_who_the_page_refuses(pagopa_world, two_cities):
    url = f"/api/v1/cities/{pagopa_world.city.slug}/funds/pagopa/flows/"
    for person in (pagopa_world.representative, two_cities.nantes.officer):
        client = Client()
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"file": io.BytesIO(b"<x/>")}).status_code == 403
