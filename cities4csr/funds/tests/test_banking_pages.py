"""The officer's pages and API of bank reconciliation, and the payment instruction."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from cities4csr.funds.models import BankLine, Contribution, StatementImport
from cities4csr.funds.tests.factories import a_fund, a_gift
from cities4csr.funds.tests.test_banking_services import FIXTURES, run_queued, with_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(two_cities):
    milan = two_cities.milan
    with scope(city=milan.city.pk):
        fund = a_fund(milan)
        rossi = with_reference(a_gift(milan, fund, 2000, received=False, name="Mario Rossi"), "RF47MI101")
        verdi = a_gift(milan, fund, 7500, received=False, name="Chiara Verdi")
    return two_cities, fund, rossi, verdi


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(name, city, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs={"city_slug": city.slug, **kwargs})


def test_the_officer_uploads_sees_the_progress_and_the_results(setup, django_capture_on_commit_callbacks):
    cities, fund, rossi, _ = setup
    milan = cities.milan
    officer = client_of(milan.officer)
    url = page("fund_statements", milan.city, fund_pk=fund.pk)
    assert officer.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            url,
            {"format": "camt053", "file": SimpleUploadedFile("march.xml", (FIXTURES / "camt053_v02.xml").read_bytes())},
        )
    assert response.status_code == 302
    with scopes_disabled():
        statement = StatementImport.objects.get()
    detail = officer.get(response["Location"])
    assert b'hx-trigger="every 2s"' in detail.content and b"pct-0" in detail.content  # queued: the bar polls
    run_queued()
    progress = officer.get(page("statement_progress", milan.city, pk=statement.pk), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and b"pct-100" in progress.content
    detail = officer.get(page("statement_detail", milan.city, pk=statement.pk)).content.decode()
    assert "hx-trigger" not in detail
    assert "RF47MI101 · Mario Rossi" in detail and "By its payment reference" in detail
    assert "VERDI COSTRUZIONI SRL" in detail


def test_a_malformed_statement_is_refused_on_the_page_in_italian(setup):
    cities, fund, _, _ = setup
    milan = cities.milan
    url = "/it" + page("fund_statements", milan.city, fund_pk=fund.pk).removeprefix("/en")
    response = client_of(milan.officer).post(
        url,
        {"format": "camt053", "file": SimpleUploadedFile("bad.xml", (FIXTURES / "camt053_malformed.xml").read_bytes())},
    )
    assert response.status_code == 400
    assert "Riga 77: l’importo “50,00” non si può leggere." in response.content.decode()
    with scopes_disabled():
        assert not StatementImport.objects.exists()


def test_the_queue_match_and_set_aside(setup, django_capture_on_commit_callbacks):
    cities, fund, rossi, verdi = setup
    milan = cities.milan
    officer = client_of(milan.officer)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            page("fund_statements", milan.city, fund_pk=fund.pk),
            {"format": "camt053", "file": SimpleUploadedFile("march.xml", (FIXTURES / "camt053_v02.xml").read_bytes())},
        )
    run_queued()
    queue = officer.get(page("bank_line_queue", milan.city)).content.decode()
    assert "VERDI COSTRUZIONI SRL" in queue and "Neri Luca" in queue and "ROSSI MARIO" not in queue
    with scopes_disabled():
        line = BankLine.objects.get(debtor_name="VERDI COSTRUZIONI SRL")
        neri = BankLine.objects.get(debtor_name="Neri Luca")
    # the only pending contribution of €75 is offered
    assert f'value="{verdi.pk}"' in queue
    wrong = officer.post(page("bank_line_match", milan.city, pk=line.pk), {f"match-{line.pk}-reference": "RF00 0000"})
    assert wrong.status_code == 400 and "No contribution to this fund has this reference." in wrong.content.decode()
    done = officer.post(page("bank_line_match", milan.city, pk=line.pk), {f"match-{line.pk}-contribution": verdi.pk})
    assert done.status_code == 302
    with scopes_disabled():
        verdi.refresh_from_db()
    assert verdi.state == Contribution.State.RECEIVED
    empty = officer.post(page("bank_line_ignore", milan.city, pk=neri.pk), {f"ignore-{neri.pk}-reason": ""})
    assert empty.status_code == 400
    assert (
        officer.post(
            page("bank_line_ignore", milan.city, pk=neri.pk), {f"ignore-{neri.pk}-reason": "Counter"}
        ).status_code
        == 302
    )
    queue = officer.get(page("bank_line_queue", milan.city)).content.decode()
    assert "VERDI COSTRUZIONI SRL" not in queue and "Neri Luca" not in queue and "Bianchi Anna" in queue


def test_only_the_citys_officers(setup):
    cities, fund, _, _ = setup
    milan, nantes = cities.milan, cities.nantes
    urls = [page("fund_statements", milan.city, fund_pk=fund.pk), page("bank_line_queue", milan.city)]
    for person in (milan.representative, milan.resident, milan.volunteer, nantes.officer):
        for url in urls:
            assert client_of(person).get(url).status_code == 403, (person, url)
    assert Client().get(urls[1]).status_code in (302, 403)
    # another city's fund under this city's address: not found
    assert client_of(nantes.officer).get(page("fund_statements", nantes.city, fund_pk=fund.pk)).status_code == 404
    api = reverse("api:bank-line-list", kwargs={"city_slug": milan.city.slug})
    assert client_of(nantes.officer).get(api).status_code == 403
    assert client_of(milan.representative).get(api).status_code == 403


def test_the_api(setup, django_capture_on_commit_callbacks):
    cities, fund, rossi, verdi = setup
    milan = cities.milan
    officer = client_of(milan.officer)
    url = reverse("api:fund-statement-list", kwargs={"city_slug": milan.city.slug, "fund_pk": fund.pk})
    bad = officer.post(
        url,
        {"format": "camt053", "file": SimpleUploadedFile("bad.xml", (FIXTURES / "camt053_malformed.xml").read_bytes())},
    )
    assert bad.status_code == 400 and "Line 77" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        created = officer.post(
            url,
            {"format": "camt053", "file": SimpleUploadedFile("march.xml", (FIXTURES / "camt053_v02.xml").read_bytes())},
        )
    assert created.status_code == 201 and created.json()["state"] == "queued" and created.json()["lines_total"] == 8
    run_queued()
    detail = officer.get(
        reverse("api:statement-detail", kwargs={"city_slug": milan.city.slug, "pk": created.json()["id"]})
    )
    assert detail.json()["state"] == "done" and detail.json()["percent"] == 100 and detail.json()["lines_matched"] == 1
    queue = officer.get(
        reverse("api:bank-line-list", kwargs={"city_slug": milan.city.slug}) + "?state=unmatched"
    ).json()
    rows = queue["results"] if isinstance(queue, dict) else queue
    verdi_line = next(r for r in rows if r["debtor_name"] == "VERDI COSTRUZIONI SRL")
    matched = officer.post(
        reverse("api:bank-line-match", kwargs={"city_slug": milan.city.slug, "pk": verdi_line["id"]}),
        {"contribution": verdi.pk},
        content_type="application/json",
    )
    assert (
        matched.status_code == 200 and matched.json()["state"] == "matched" and matched.json()["matched_by"] == "manual"
    )
    again = officer.post(
        reverse("api:bank-line-ignore", kwargs={"city_slug": milan.city.slug, "pk": verdi_line["id"]}),
        {"reason": "twice"},
        content_type="application/json",
    )
    assert again.status_code == 400


def test_the_payment_instruction(setup):
    cities, fund, rossi, _ = setup
    with scope(city=cities.milan.city.pk):
        html = Template("{% load funds_banking %}{% bank_transfer contribution %}").render(
            Context({"contribution": rossi, "city": cities.milan.city})
        )
    assert "IT60 X054 2811 1010 0000 0123 456" in html
    assert "RF47 MI10 1" in html
    assert '<img src="data:image/svg+xml' in html and 'alt="QR code of a transfer of' in html
    assert "20.00" in html or "20,00" in html


@pytest.mark.parametrize("lang", ["it", "fr"])
def test_the_pages_in_the_readers_words(setup, django_capture_on_commit_callbacks, lang):
    from tests.test_words import problems

    cities, fund, _, _ = setup
    milan = cities.milan
    officer = client_of(milan.officer)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            page("fund_statements", milan.city, fund_pk=fund.pk),
            {"format": "camt053", "file": SimpleUploadedFile("march.xml", (FIXTURES / "camt053_v02.xml").read_bytes())},
        )
    with scopes_disabled():
        statement = StatementImport.objects.get()
    running = officer.get(f"/{lang}" + page("statement_detail", milan.city, pk=statement.pk).removeprefix("/en"))
    run_queued()
    urls = [
        page("statement_detail", milan.city, pk=statement.pk),
        page("statement_progress", milan.city, pk=statement.pk),
        page("fund_statements", milan.city, fund_pk=fund.pk),
        page("bank_line_queue", milan.city),
    ]
    found = {"running": problems(running.content.decode(), lang)}
    for url in urls:
        response = officer.get(f"/{lang}" + url.removeprefix("/en"))
        assert response.status_code == 200
        found[url] = problems(response.content.decode(), lang)
    assert not any(found.values()), found
