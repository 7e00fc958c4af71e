"""Pledges: capacity never over-committed, lifecycle by role, evidence, notifications."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from cities4csr.needs.models import Need, ResourceKind
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import OverCommitError, evidence_add, pledge_propose, pledge_transition

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def lines(need):
    return {line.kind: line for line in need.lines.all()}


@pytest.fixture
def pledge(corvetto_need, company_rep):
    rep, company = company_rep
    by_kind = lines(corvetto_need)
    return pledge_propose(
        actor=rep,
        need=corvetto_need,
        organisation=company,
        items=[(by_kind[ResourceKind.MONEY], 500_000), (by_kind[ResourceKind.VOLUNTEER_TIME], 40)],
    )


@pytest.mark.django_db
def test_pledge_commits_capacity_and_values_time_at_cost(pledge, corvetto_need):
    by_kind = lines(corvetto_need)
    assert by_kind[ResourceKind.MONEY].committed == 500_000
    assert by_kind[ResourceKind.VOLUNTEER_TIME].committed == 40
    assert pledge.value_cents == 500_000 + 40 * 2500
    corvetto_need.refresh_from_db()
    assert corvetto_need.value_committed_cents == pledge.value_cents


@pytest.mark.django_db
def test_the_need_page_takes_the_givers_cost(corvetto_need, company_rep):
    from django.test import Client

    rep, company = company_rep
    time_line = lines(corvetto_need)[ResourceKind.VOLUNTEER_TIME]
    client = Client()
    client.force_login(rep)
    page = client.get(f"/en/milano/needs/{corvetto_need.pk}/").content.decode()
    assert "what it costs you, in EUR" in page
    url = f"/en/milano/needs/{corvetto_need.pk}/pledge/"
    form = {"organisation": company.pk, "is_public": "on", f"line_{time_line.pk}": 10}
    refused = client.post(url, {**form, f"cost_{time_line.pk}": "lots"})
    assert refused.status_code == 400 and "Write an amount such as 60,000 or 60,000.50" in refused.content.decode()
    assert not Pledge.objects.filter(need=corvetto_need).exists()
    client.post(url, {**form, f"cost_{time_line.pk}": "300.50"})
    pledge = Pledge.objects.get(need=corvetto_need)
    assert pledge.value_cents == 30_050 and pledge.items.get().value_cents == 30_050


@pytest.mark.django_db
def test_a_line_is_never_over_committed(pledge, corvetto_need, company_rep, users):
    rep, company = company_rep
    time_line = lines(corvetto_need)[ResourceKind.VOLUNTEER_TIME]
    with pytest.raises(OverCommitError, match="Only 60 hours"):
        pledge_propose(actor=rep, need=corvetto_need, organisation=company, items=[(time_line, 61)])
    with pytest.raises(PermissionDenied):
        pledge_propose(
            actor=rep, need=corvetto_need, organisation=company, items=[(time_line, 61)], allow_overcommit=True
        )
    officer_allowed = pledge_propose(
        actor=users["milano", "officer"],
        need=corvetto_need,
        organisation=company,
        items=[(time_line, 61)],
        allow_overcommit=True,
    )
    assert officer_allowed.items.get().quantity == 61


@pytest.mark.django_db
def test_declining_gives_the_capacity_back(pledge, corvetto_need, users):
    with pytest.raises(ValidationError):
        pledge_transition(actor=users["milano", "officer"], pledge=pledge, to=Pledge.State.DECLINED)  # no reason
    pledge_transition(actor=users["milano", "officer"], pledge=pledge, to=Pledge.State.DECLINED, reason="Duplicate")
    assert all(line.committed == 0 for line in corvetto_need.lines.all())


@pytest.mark.django_db
def test_full_lifecycle_with_evidence_and_notifications(
    pledge, corvetto_need, company_rep, users, django_capture_on_commit_callbacks
):
    rep, _company = company_rep
    officer = users["milano", "officer"]
    with pytest.raises(PermissionDenied):
        pledge_transition(actor=rep, pledge=pledge, to=Pledge.State.ACCEPTED)
    pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    corvetto_need.refresh_from_db()
    assert corvetto_need.state == Need.State.IN_PROGRESS
    with pytest.raises(ValidationError, match="evidence"):
        pledge_transition(actor=rep, pledge=pledge, to=Pledge.State.DELIVERED)
    evidence_add(actor=rep, pledge=pledge, kind="photo", file=SimpleUploadedFile("cortile.png", PNG))
    evidence_add(
        actor=rep,
        pledge=pledge,
        kind="attendance",
        volunteer_hours=40,
        file=SimpleUploadedFile("presenze.csv", b"name,hours\nAnna,8\n"),
    )
    pledge_transition(actor=rep, pledge=pledge, to=Pledge.State.DELIVERED)
    pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.IN_DELIVERY, reason="Missing receipt")
    pledge_transition(actor=rep, pledge=pledge, to=Pledge.State.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.VERIFIED)
    assert pledge.verified_at is not None
    # The e-mail waits in the database queue until a worker runs it, in the recipient's language.
    assert mail.outbox == []
    queued = (
        DBTaskResult.objects.filter(task_path__endswith="send_notification", status="READY")
        .order_by("enqueued_at")
        .last()
    )
    assert queued is not None
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])  # what db_worker does
    assert any(m.to == [rep.email] and "Verificato" in m.subject for m in mail.outbox), [m.subject for m in mail.outbox]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("photo", "fake.png", b"not an image", "not an image"),
        ("photo", "x.exe", PNG, "must be one of"),
        ("attendance", "list.png", PNG, "must be one of"),
    ],
)
def test_bad_evidence_is_refused(pledge, users, kind, name, content, message):
    pledge_transition(actor=users["milano", "officer"], pledge=pledge, to=Pledge.State.ACCEPTED)
    with pytest.raises(ValidationError, match=message):
        evidence_add(actor=users["milano", "officer"], pledge=pledge, kind=kind, file=SimpleUploadedFile(name, content))
    assert pledge.evidence.count() == 0


@pytest.mark.django_db
def test_cannot_pledge_to_a_closed_need_or_a_foreign_line(corvetto_need, company_rep, users, in_milano):
    from cities4csr.needs.services import line_add, need_create

    rep, company = company_rep
    other = need_create(actor=users["milano", "officer"], city=in_milano, owner=company, title="Altro", description="…")
    foreign = line_add(actor=users["milano", "officer"], need=other, kind="money", label="X", quantity=100)
    with pytest.raises(ValidationError, match="does not belong"):
        pledge_propose(actor=rep, need=corvetto_need, organisation=company, items=[(foreign, 1)])
    with pytest.raises(ValidationError, match="not open"):
        pledge_propose(actor=rep, need=other, organisation=company, items=[(foreign, 1)])
