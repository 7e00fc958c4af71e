"""Notifications: an inbox per person and city, e-mails in text and HTML with absolute links in
the reader's language, the e-mails a person chooses, reminders of agreement steps once only."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_scopes import scope
from django_tasks_db.models import DBTaskResult

from cities4csr.core.models import EmailOptOut, Notification
from cities4csr.core.tasks import send_notification

pytestmark = pytest.mark.django_db

CONTEXT = {
    "model": "needs.need",
    "state": "published",
    "title": "L'aula all'aperto",
    "reason": "",
    "url": "/it/x/needs/1/",
}


def send(world, user, template="need_transition", context=CONTEXT, key=""):
    return send_notification.call(
        user_ids=[user.pk], city_id=world.city.pk, template=template, context=context, key=key
    )


def run_queued(task_name):
    return [
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        for queued in DBTaskResult.objects.filter(task_path__endswith=task_name, status="READY").order_by("enqueued_at")
    ]


def test_a_notification_is_in_the_inbox_and_e_mailed_as_text_and_html_with_an_absolute_link(world, settings):
    settings.SITE_URL = "https://csr.comune.example"
    rep = world.representative
    rep.preferred_language = "it"
    rep.save()
    assert send(world, rep) == 1
    (note,) = Notification.objects.filter(user=rep)
    assert "L'aula all'aperto" in note.subject and "Pubblicato" in note.subject
    assert note.url == "/it/x/needs/1/" and note.read_at is None and note.kind == "need_transition"
    (message,) = mail.outbox
    assert "&#x27;" not in message.subject and "L'aula all'aperto" in message.subject
    assert "https://csr.comune.example/it/x/needs/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://csr.comune.example/it/x/needs/1/"' in html
    assert "L&#x27;aula all&#x27;aperto" in html  # escaped in HTML, as typed in the text part
    assert 'lang="it"' in html and "Apri sulla piattaforma" in html


def test_a_title_with_markup_is_escaped_in_the_html_part(world):
    send(world, world.representative, context={**CONTEXT, "title": "<script>alert(1)</script>"})
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_opted_out_kind_reaches_the_inbox_but_not_the_mailbox(world):
    EmailOptOut.objects.create(user=world.representative, kind="need_transition")
    assert send(world, world.representative) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.representative).count() == 1


def test_a_keyed_notification_reaches_each_person_once(world):
    send(world, world.representative, key="step:1:due")
    send(world, world.representative, key="step:1:due")
    assert Notification.objects.filter(user=world.representative).count() == 1
    assert len(mail.outbox) == 1


def test_the_inbox_shows_counts_opens_and_marks_read(world):
    send(world, world.representative)
    send(world, world.representative, context={**CONTEXT, "title": "Seconda"})
    send(world, world.officer)  # someone else's
    client = Client()
    client.force_login(world.representative)
    slug = world.city.slug
    page = client.get(f"/en/{slug}/inbox/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "2 unread." in body and "Seconda" in body
    assert 'class="badge bg-primary site-badge">2<' in body  # the header's count
    mine = Notification.objects.filter(user=world.representative).order_by("pk").first()
    theirs = Notification.objects.get(user=world.officer)
    opened = client.get(f"/en/{slug}/inbox/{mine.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/it/x/needs/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/en/{slug}/inbox/{theirs.pk}/").status_code == 404  # not another person's
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(f"/en/{slug}/inbox/").status_code == 400  # marking read says which
    client.post(f"/en/{slug}/inbox/", {"all": "1"})
    assert not Notification.objects.filter(user=world.representative, read_at__isnull=True).exists()
    assert "0 unread." in client.get(f"/en/{slug}/inbox/").content.decode()


def test_the_inbox_is_refused_to_a_visitor(world):
    assert Client().get(f"/en/{world.city.slug}/inbox/").status_code == 403


def test_a_person_chooses_which_e_mails_for_every_city(world):
    client = Client()
    client.force_login(world.representative)
    url = "/fr/account/e-mails/"
    page = client.get(url).content.decode()
    assert "Une nouvelle demande correspond à votre entreprise" in page
    response = client.post(url, {"by_email": ["pledge_transition"]})
    assert response.status_code == 302
    off = set(EmailOptOut.objects.filter(user=world.representative).values_list("kind", flat=True))
    assert "pledge_transition" not in off and {"need_transition", "need_matches_you"} <= off
    # an unknown kind is refused and changes nothing
    bad = client.post(url, {"by_email": ["pledge_transition", "spam"]})
    assert bad.status_code == 200 and "spam" in bad.content.decode()
    assert set(EmailOptOut.objects.filter(user=world.representative).values_list("kind", flat=True)) == off


def _agreement_with_steps(world, due_on):
    """A confirmed sponsorship of the company whose steps are all done but one, due on ``due_on``."""
    from cities4csr.instruments.tests.factories import AgreementFactory
    from cities4csr.needs.tests.factories import NeedFactory
    from cities4csr.pledges.tests.factories import PledgeFactory

    need = NeedFactory(city=world.city, published=True)
    agreement = AgreementFactory(pledge=PledgeFactory(need=need, organisation=world.company, accepted=True))
    step, *others = agreement.steps.order_by("position")
    for other in others:
        other.done_on = due_on
        other.save()
    step.labels, step.due_on, step.done_on = {"it": "Determina", "en": "Decision"}, due_on, None
    step.save()
    type(agreement).objects.filter(pk=agreement.pk).update(state=type(agreement).State.CONFIRMED)  # steps running
    return step


def test_steps_due_soon_are_reminded_once_before_and_once_after_their_deadline(
    world, django_capture_on_commit_callbacks
):
    from cities4csr.instruments.tasks import checklist_reminders_send

    step = _agreement_with_steps(world, datetime.date(2026, 12, 10))
    far = _agreement_with_steps(world, datetime.date(2027, 3, 1))

    def remind(today):  # the task runs outside a transaction: its notices are queued at once
        with django_capture_on_commit_callbacks(execute=True):
            return checklist_reminders_send.call(city_id=world.city.pk, today=today)

    assert remind("2026-12-08") == 1
    assert remind("2026-12-09") == 1
    run_queued("send_notification")
    reminded = Notification.objects.filter(kind="checklist_reminder")
    people = {world.officer.pk, world.admin.pk, world.representative.pk, world.member.pk}
    assert set(reminded.values_list("user_id", flat=True)) == people
    assert reminded.count() == len(people)  # twice run, once sent
    assert "Decision" in reminded.get(user=world.officer).subject
    remind("2026-12-11")  # now overdue
    run_queued("send_notification")
    assert Notification.objects.filter(kind="checklist_reminder").count() == 2 * len(people)
    assert "Overdue" in Notification.objects.filter(kind="checklist_reminder", user=world.officer).first().subject
    step.done_on = datetime.date(2026, 12, 11)
    step.save()
    assert remind("2026-12-12") == 0
    assert far.pk


def test_send_reminders_queues_a_task_per_city_and_refuses_an_unknown_city(two_cities, capsys):
    call_command("send_reminders")
    assert DBTaskResult.objects.filter(task_path__endswith="checklist_reminders_send").count() >= 2
    with pytest.raises(Exception, match="No city 'atlantide'"):
        call_command("send_reminders", city="atlantide")


def test_a_person_only_ever_reads_their_own_inbox_in_this_city(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk):
        send(milan, milan.representative)
    client = Client()
    client.force_login(milan.representative)
    assert "1 unread." in client.get(f"/en/{milan.city.slug}/inbox/").content.decode()
    assert "0 unread." in client.get(f"/en/{nantes.city.slug}/inbox/").content.decode()


def test_the_api_lists_ones_own_notifications_and_marks_them_read(world):
    send(world, world.representative)
    send(world, world.representative, context={**CONTEXT, "title": "Seconda"})
    send(world, world.officer)
    base = f"/api/v1/cities/{world.city.slug}/notifications/"
    assert Client().get(base).status_code in (401, 403)
    client = Client()
    client.force_login(world.representative)
    listed = client.get(base + "?unread=true").json()
    assert listed["count"] == 2 and {"id", "subject", "url", "read_at"} <= set(listed["results"][0])
    first = listed["results"][0]["id"]
    theirs = Notification.objects.get(user=world.officer).pk
    marked = client.post(base + "read/", {"ids": [first, theirs]}, content_type="application/json")
    assert marked.status_code == 200 and marked.json() == {"marked": 1}  # never someone else's
    assert client.get(base + "?unread=true").json()["count"] == 1
    refused = client.post(base + "read/", {}, content_type="application/json")
    assert refused.status_code == 400 and "ids" in refused.json()["codes"]
    assert client.post(base + "read/", {"all": True}, content_type="application/json").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs).read_at is None


def test_a_persons_data_export_holds_their_notifications_and_erasure_removes_them(world):
    from cities4csr.privacy.selectors import notifications_of as exported_notifications

    send(world, world.representative)
    send(world, world.officer, context={**CONTEXT, "title": "Di un altro"})
    EmailOptOut.objects.create(user=world.representative, kind="pledge_transition")
    (row,) = exported_notifications(user=world.representative)
    assert row["city"] == world.city.slug and "L'aula all'aperto" in row["subject"] and row["read_at"] is None
    from cities4csr.privacy.services import USER_RELATIONS

    assert USER_RELATIONS["core.notification.user"] == USER_RELATIONS["core.emailoptout.user"] == "delete"


def test_an_id_beyond_the_database_integer_is_a_400(world):
    client = Client()
    client.force_login(world.representative)
    url = f"/api/v1/cities/{world.city.slug}/notifications/read/"
    response = client.post(url, {"ids": [2**70]}, content_type="application/json")
    assert response.status_code == 400 and "ids" in response.json()["codes"]
