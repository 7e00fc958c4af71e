"""Delivery evidence: its files open only for those allowed, with safe headers; it is corrected
(replaced or withdrawn) per state and role, audited, and a verified pledge's record never moves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cities4csr.core.models import AuditEvent
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.tests.factories import member_of
from cities4csr.pledges.models import Evidence, Pledge, PledgePartner
from cities4csr.pledges.services import (
    evidence_add,
    evidence_replace,
    evidence_withdraw,
    partnership_transition,
    pledge_propose,
    pledge_transition,
)
from cities4csr.pledges.tests.test_pledges import PNG


def _blank_pdf() -> bytes:
    """A real one-page PDF: uploads are parsed and checked for scripts (core.pdfs)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG)


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, PDF)


@pytest.fixture
def pledge(world):
    need = NeedFactory(city=world.city, owner=world.third_sector, published=True)
    pledge = pledge_propose(
        actor=world.representative,
        need=need,
        organisation=world.company,
        items=[(need.lines.get(), 10_000)],
        partners=[world.other_company],
    )
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    pledge.refresh_from_db()
    return pledge


def client_of(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(world, evidence, suffix=""):
    return reverse("evidence_file", kwargs={"city_slug": world.city.slug, "pk": evidence.pk}) + suffix


@pytest.mark.django_db
def test_the_officer_opens_an_image_and_a_pdf_inline_with_safe_headers(world, pledge):
    photo = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png("Aula rifatta.png"))
    receipt = evidence_add(actor=world.representative, pledge=pledge, kind="receipt", file=pdf())
    officer = client_of(world.officer)

    image = officer.get(url(world, photo))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Disposition"].startswith("inline;")
    assert "Aula" in image["Content-Disposition"]
    assert image["Cache-Control"] == "private, no-store"
    photo.file.open("rb")
    assert b"".join(image.streaming_content) == photo.file.read()  # as stored: saved again without metadata

    document = officer.get(url(world, receipt))
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"] == 'inline; filename="receipt.pdf"'
    assert b"".join(document.streaming_content) == PDF
    download = officer.get(url(world, receipt, "?download=1"))
    assert download["Content-Disposition"] == 'attachment; filename="receipt.pdf"'


@pytest.mark.django_db
def test_other_files_are_downloaded_never_shown(world, pledge):
    listing = evidence_add(
        actor=world.representative,
        pledge=pledge,
        kind="attendance",
        file=SimpleUploadedFile("presenze.csv", b"nome,ore\nAnna,4\n"),
    )
    response = client_of(world.officer).get(url(world, listing))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="presenze.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_who_may_open_the_evidence(world, pledge, two_cities):
    evidence = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png())
    partnership = PledgePartner.objects.get(pledge=pledge)
    other_member = member_of(world.other_company)
    may = {
        "officer": world.officer,
        "admin": world.admin,
        "representative": world.representative,
        "member": world.member,
        "need owner": world.third_sector_representative,
    }
    may_not = {
        "another company, invited as partner but not accepted": world.other_representative,
        "its member": other_member,
        "resident": world.resident,
        "volunteer": world.volunteer,
        "another city's officer": two_cities.nantes.officer,
    }
    for who, user in may.items():
        assert client_of(user).get(url(world, evidence)).status_code == 200, who
    for who, user in may_not.items():
        assert client_of(user).get(url(world, evidence)).status_code == 403, who
    assert client_of().get(url(world, evidence)).status_code == 403
    # once the partner accepted, its people see what they deliver
    partnership_transition(actor=world.other_representative, partnership=partnership, to=PledgePartner.State.ACCEPTED)
    assert client_of(other_member).get(url(world, evidence)).status_code == 200
    # an id that is not the city's is not found
    assert client_of(world.officer).get(url(world, Evidence(pk=evidence.pk + 1000))).status_code == 404


@pytest.mark.django_db
def test_nothing_is_served_raw_under_media(world, pledge, settings):
    evidence = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png())
    officer = client_of(world.officer)
    assert officer.get(settings.MEDIA_URL + evidence.file.name).status_code == 404
    page = officer.get(reverse("pledge_detail", kwargs={"city_slug": world.city.slug, "pk": pledge.pk}))
    body = page.content.decode()
    assert settings.MEDIA_URL not in body
    assert f'<img src="{url(world, evidence)}"' in body  # the thumbnail
    api = officer.get(f"/api/v1/cities/{world.city.slug}/pledges/{pledge.pk}/")
    assert api.json()["evidence"][0]["file"] == url(world, evidence)


@pytest.mark.django_db
def test_the_pdf_is_previewed_as_a_link_that_opens_it_in_a_new_tab(world, pledge):
    receipt = evidence_add(actor=world.representative, pledge=pledge, kind="receipt", file=pdf())
    page = client_of(world.representative).get(
        reverse("pledge_detail", kwargs={"city_slug": world.city.slug, "pk": pledge.pk})
    )
    body = page.content.decode()
    assert f'href="{url(world, receipt)}" target="_blank" rel="noopener" data-testid="evidence-open"' in body
    assert '<span class="evidence-type">PDF</span>' in body


@pytest.mark.django_db
def test_accel_redirect_and_sendfile_leave_the_bytes_to_the_server(world, pledge, settings):
    evidence = evidence_add(actor=world.representative, pledge=pledge, kind="receipt", file=pdf())
    settings.FILES_ACCEL_REDIRECT = "/protected-media/"
    response = client_of(world.officer).get(url(world, evidence))
    assert response["X-Accel-Redirect"] == "/protected-media/" + evidence.file.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # the permission is still the view's
    assert client_of(world.other_representative).get(url(world, evidence)).status_code == 403
    settings.FILES_ACCEL_REDIRECT = ""
    settings.FILES_SENDFILE = True
    response = client_of(world.officer).get(url(world, evidence))
    assert response["X-Sendfile"] == evidence.file.path
    assert response.content == b""


@pytest.mark.django_db
def test_replacing_keeps_the_record_and_deletes_the_old_file(world, pledge, django_capture_on_commit_callbacks):
    old = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png("sbagliata.png"))
    stored = old.file.name
    storage = old.file.storage
    with pytest.raises(ValidationError) as wrong:
        evidence_replace(actor=world.representative, evidence=old, file=pdf())  # a photo stays a photo
    assert wrong.value.message_dict["file"]
    with pytest.raises(PermissionDenied):
        evidence_replace(actor=world.member, evidence=old, file=png())  # a member, not its representative
    with pytest.raises(PermissionDenied):
        evidence_replace(actor=world.other_representative, evidence=old, file=png())

    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        new = evidence_replace(
            actor=world.representative, evidence=old, file=png("giusta.png"), reason="foto sbagliata"
        )
    old.refresh_from_db()
    assert new.replaces == old and new.kind == "photo" and new.file_name == "giusta.png"
    assert old.is_withdrawn and old.withdrawn_by == world.representative and old.withdrawn_reason == "foto sbagliata"
    assert not old.file and old.sha256 and old.file_name == "sbagliata.png"
    assert not storage.exists(stored)  # deleted once the change is committed
    assert list(pledge.evidence.filter(withdrawn_at__isnull=True)) == [new]
    event = AuditEvent.objects.filter(verb="evidence.replace").get()
    assert event.payload["replaces"] == old.pk and event.payload["old_sha256"] == old.sha256
    # a withdrawn file no longer opens, and cannot be corrected twice
    assert client_of(world.officer).get(url(world, old)).status_code == 404
    with pytest.raises(ValidationError) as twice:
        evidence_withdraw(actor=world.officer, evidence=old)
    assert twice.value.code == "withdrawn"


@pytest.mark.django_db
def test_withdraw_per_state_and_the_verified_record_never_moves(world, pledge):
    first = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png())
    junk = evidence_add(actor=world.representative, pledge=pledge, kind="receipt", file=pdf())
    evidence_withdraw(actor=world.officer, evidence=junk, reason="file di prova")  # the officer may
    assert AuditEvent.objects.filter(verb="evidence.withdraw").get().payload["reason"] == "file di prova"

    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    with pytest.raises(ValidationError) as last:
        evidence_withdraw(actor=world.representative, evidence=first)
    assert last.value.code == "last_evidence"  # a delivered pledge keeps its proof; replace it instead
    first = evidence_replace(actor=world.representative, evidence=first, file=png("nuova.png"))

    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.VERIFIED)
    events = AuditEvent.objects.count()
    for correct in (
        lambda: evidence_withdraw(actor=world.officer, evidence=first),
        lambda: evidence_replace(actor=world.representative, evidence=first, file=png()),
        lambda: evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png()),
    ):
        with pytest.raises(ValidationError) as closed:
            correct()
        assert closed.value.code == "closed"
    assert AuditEvent.objects.count() == events
    first.refresh_from_db()
    assert not first.is_withdrawn and first.file


@pytest.mark.django_db
def test_withdrawn_evidence_does_not_count_for_delivery(world, pledge):
    only = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png())
    evidence_withdraw(actor=world.representative, evidence=only)
    with pytest.raises(ValidationError) as none:
        pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    assert none.value.code == "no_evidence"


@pytest.mark.django_db
def test_the_pledge_page_corrects_evidence(world, pledge):
    evidence = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png("prima.png"))
    page_url = reverse("pledge_detail", kwargs={"city_slug": world.city.slug, "pk": pledge.pk})
    representative = client_of(world.representative)
    assert "Correct this evidence" in representative.get(page_url.replace("/it/", "/en/")).content.decode()
    member_page = client_of(world.member).get(page_url.replace("/it/", "/en/")).content.decode()
    assert "Correct this evidence" not in member_page and "prima.png" in member_page

    replace = reverse("evidence_replace", kwargs={"city_slug": world.city.slug, "pk": evidence.pk})
    refused = client_of(world.member).post(replace, {"file": png("seconda.png")})
    assert refused.status_code == 403
    response = representative.post(replace, {"file": png("seconda.png"), "reason": "più nitida"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "seconda.png" in body and "più nitida" in body  # the new file, and the record of the old one
    current = Evidence.objects.get(pledge=pledge, withdrawn_at__isnull=True)
    withdraw = reverse("evidence_withdraw", kwargs={"city_slug": world.city.slug, "pk": current.pk})
    representative.post(withdraw, {"reason": "doppione"})
    assert not Evidence.objects.filter(pledge=pledge, withdrawn_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_api_replaces_and_withdraws_evidence_per_role(world, pledge):
    first = evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=png("prima.png"))
    junk = evidence_add(actor=world.representative, pledge=pledge, kind="receipt", file=pdf())
    base = f"/api/v1/cities/{world.city.slug}/pledges/{pledge.pk}/evidence"

    refused = client_of(world.member).post(f"{base}/{first.pk}/replace/", {"file": png("seconda.png")})
    assert refused.status_code == 403
    other_pledge = client_of(world.representative).post(f"{base[:-9]}0/evidence/{first.pk}/withdraw/", {})
    assert other_pledge.status_code == 404

    replaced = client_of(world.representative).post(
        f"{base}/{first.pk}/replace/", {"file": png("seconda.png"), "reason": "più nitida"}
    )
    assert replaced.status_code == 201, replaced.content
    assert replaced.json()["replaces"] == first.pk and replaced.json()["file_name"] == "seconda.png"
    assert AuditEvent.objects.filter(verb="evidence.replace").exists()

    withdrawn = client_of(world.officer).post(
        f"{base}/{junk.pk}/withdraw/", {"reason": "file di prova"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200, withdrawn.content
    junk.refresh_from_db()
    assert junk.is_withdrawn and junk.withdrawn_reason == "file di prova"
    again = client_of(world.officer).post(f"{base}/{junk.pk}/withdraw/", {}, content_type="application/json")
    assert again.status_code == 400 and again.json()["codes"]
