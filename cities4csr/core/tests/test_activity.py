"""The audit trail as people read it (core.activity): sentences in it/en/fr, filters, CSV,
permissions and city scoping, erased people under their pseudonym, deleted objects."""

import ast
import csv
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import translation
from django_scopes import scope, scopes_disabled

from cities4csr.core.activity import GENERIC, SENTENCES, SENTENCES_BY_TYPE, activity_rows
from cities4csr.core.lifecycle import REGISTRY
from cities4csr.core.models import AuditEvent
from cities4csr.core.selectors import activity_recent, audit_events
from cities4csr.core.services import audit_log
from cities4csr.needs.models import Need
from cities4csr.needs.services import need_delete, need_transition
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.tests.factories import with_role

ROOT = Path(settings.BASE_DIR) / "cities4csr"


def _emitted_verbs() -> set[tuple[str, str]]:
    """Every (verb, object type or "") the code can write: the literal verbs of each
    ``audit_log(verb=...)`` call (a name is followed to the strings assigned to it in the same
    function), and each registered lifecycle's ``<name>.<verb>`` with its model."""
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
                continue
            assigned: dict[str, set[str]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                            assigned.setdefault(target.id, set()).add(node.value.value)
            for node in ast.walk(function):
                if not (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_log"
                ):
                    continue
                verb = next((k.value for k in node.keywords if k.arg == "verb"), None)
                if verb is None:
                    continue
                if isinstance(verb, ast.Constant):
                    found.add((verb.value, ""))
                elif isinstance(verb, ast.IfExp):
                    found.update((v.value, "") for v in (verb.body, verb.orelse) if isinstance(v, ast.Constant))
                elif isinstance(verb, ast.Name) and verb.id in assigned:
                    found.update((v, "") for v in assigned[verb.id])
                elif isinstance(verb, ast.Name) and verb.id == "verb":
                    continue  # audit_log itself, and the admin's pass-through
                elif isinstance(verb, ast.JoinedStr):
                    continue  # the lifecycle's f"{name}.{verb}": from the registry below
                else:
                    raise AssertionError(f"{path}: an audit verb this test cannot read: {ast.unparse(verb)}")
    for label, lifecycle in REGISTRY.items():
        found.update((f"{lifecycle.name}.{t.verb}", label) for t in lifecycle.transitions.values())
    return found


def test_every_emitted_verb_has_a_sentence():
    verbs = _emitted_verbs()
    assert ("need.publish", "needs.need") in verbs and ("need.create", "") in verbs  # the scan works
    assert len(verbs) > 60
    missing = sorted(v for v in verbs if v[0] not in SENTENCES and v not in SENTENCES_BY_TYPE)
    assert not missing, f"verbs without a sentence in core/activity.py: {missing}"


def test_every_sentence_is_translated_and_keeps_its_placeholders():
    for language in ("it", "fr"):
        for key, sentence in [*SENTENCES.items(), *SENTENCES_BY_TYPE.items(), ("", GENERIC)]:
            with translation.override("en"):
                english = str(sentence)
            with translation.override(language):
                text = str(sentence)
                assert text != english, f"{language}: {key} is not translated"
                for name in ("actor", "object", "person", "role"):
                    assert (f"%({name})s" in text) == (f"%({name})s" in english), f"{language}: {key}"


@pytest.fixture
def published(world):
    officer = with_role(world.city, "officer", first_name="Maria", last_name="Rossi")
    need = NeedFactory(
        city=world.city, title="Aule all'aperto", lines=[{"kind": "money", "label": "Banchi", "quantity": 50_000}]
    )
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    return officer, need


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "role", "state"),
    [
        ("en", "Maria Rossi (city staff) published the need “Aule all'aperto”", "city staff", "Published"),
        (
            "it",
            "Maria Rossi (personale comunale) ha pubblicato il bisogno «Aule all'aperto»",
            "personale comunale",
            "Pubblicato",
        ),
        (
            "fr",
            "Maria Rossi (services municipaux) a publié le besoin «\u00a0Aule all'aperto\u00a0»",
            "services municipaux",
            "Publié",
        ),
    ],
)
def test_a_published_need_reads_as_a_sentence(world, published, language, expected, role, state):
    officer, need = published
    with translation.override(language):
        row = activity_rows(audit_events(city=world.city, verb="need.publish"), city=world.city)[0]
        assert row.text == expected
        assert row.actor_name == "Maria Rossi" and row.actor_role == role
        assert f'<a href="/{language}/{world.city.slug}/needs/{need.pk}/">Aule all&#x27;aperto</a>' in row.sentence
        assert "need.publish" not in row.sentence
        (change,) = row.changes
        assert change.new == state


@pytest.mark.django_db
def test_a_deleted_object_keeps_its_recorded_title_without_a_link_and_no_class_names(world):
    need = NeedFactory(city=world.city, title="Orti condivisi")
    need_delete(actor=world.officer, need=need)
    from cities4csr.matching.services import recommendations_recompute

    recommendations_recompute(city=world.city)
    with translation.override("en"):
        rows = activity_rows(audit_events(city=world.city), city=world.city)
    deleted = next(r for r in rows if r.event.verb == "need.delete")
    assert deleted.object_title == "Orti condivisi" and deleted.object_url == ""
    assert "<a " not in deleted.sentence
    for row in rows:
        assert " object (" not in row.text and "MatchRun" not in row.text
        assert row.event.verb not in row.text


@pytest.mark.django_db
def test_an_erased_person_appears_by_their_pseudonym(world):
    from cities4csr.accounts.tests.factories import PASSWORD
    from cities4csr.privacy.services import account_erase

    volunteer = with_role(world.city, "volunteer", first_name="Giulia", last_name="Bianchi")
    with transaction.atomic():
        audit_log(actor=volunteer, city=world.city, verb="consent.give", obj=world.city, payload={})
    erasure = account_erase(actor=volunteer, user=volunteer, password=PASSWORD)
    with translation.override("it"):
        rows = activity_rows(audit_events(city=world.city, actor=volunteer), city=world.city)
    assert rows and all(r.actor_name == erasure.pseudonym for r in rows)
    assert not any("Giulia" in r.text or "Bianchi" in r.text or "@" in r.text for r in rows)


@pytest.mark.django_db
def test_filters(world, published):
    officer, need = published
    other = NeedFactory(city=world.city, title="Biblioteca di quartiere")
    need_transition(actor=world.officer, need=other, to=Need.State.UNDER_REVIEW)
    assert {e.verb for e in audit_events(city=world.city, actor=officer)} == {"need.publish"}
    assert {e.object_id for e in audit_events(city=world.city, q="biblioteca")} == {str(other.pk)}
    assert {e.verb for e in audit_events(city=world.city, verb="need.submit")} == {"need.submit"}
    assert {e.object_type for e in audit_events(city=world.city, object_type="needs.need")} == {"needs.need"}
    today = datetime.date.today()
    assert audit_events(city=world.city, since=today, until=today).count() == audit_events(city=world.city).count()
    assert not audit_events(city=world.city, until=today - datetime.timedelta(days=1)).exists()
    assert len(activity_recent(city=world.city, limit=2)) == 2


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_filters_by_verb_and_links_to_the_need(world, published):
    officer, need = published
    url = f"/it/{world.city.slug}/workspace/officer/activity/"
    page = _client(world.officer).get(url, {"verb": "need.publish"}).content.decode()
    results = page.split('id="officer-results"')[1]
    assert "ha pubblicato il bisogno" in results
    assert f'href="/it/{world.city.slug}/needs/{need.pk}/"' in page
    assert "ha creato il bisogno" not in results  # the need's creation is filtered out
    assert "need.publish" not in results and "needs.need" not in results
    bad = _client(world.officer).get(url, {"since": "2026-12-06", "until": "2026-12-01"}).content.decode()
    assert "ultimo giorno viene prima del primo." in bad


@pytest.mark.django_db
def test_the_former_address_shows_the_page(world, published):
    response = _client(world.officer).get(f"/en/{world.city.slug}/audit/?verb=need.publish")
    assert response.status_code == 200
    assert "published the need" in response.content.decode().split('id="officer-results"')[1]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["it", "en", "fr"])
def test_csv_export_neutralises_formulas_and_localises_dates(world, language):
    need = NeedFactory(city=world.city, title='=HYPERLINK("http://x")')
    need_transition(actor=world.officer, need=need, to=Need.State.UNDER_REVIEW)
    response = _client(world.officer).get(
        f"/{language}/{world.city.slug}/workspace/officer/activity/", {"export": "csv", "verb": "need.submit"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    header, row = rows
    assert header[0] == {"it": "Data e ora", "en": "Date and time", "fr": "Date et heure"}[language]
    assert row[5].startswith("'=HYPERLINK")
    day = AuditEvent.objects.with_scopes_disabled().filter(verb="need.submit", city=world.city).get().created_at
    from django.utils import timezone

    local = timezone.localtime(day)
    assert local.strftime("%d/%m/%Y") in row[0]  # day first in English too (config/formats/en)
    assert "-" not in row[0].split(" ")[0]  # never an ISO date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer", 200),
        ("admin", 200),
        ("representative", 403),
        ("volunteer", 403),
        ("resident", 403),
        ("nantes_officer", 403),
    ],
)
def test_only_the_citys_officers_and_admins_read_the_activity(two_cities, role, status):
    milan = two_cities.milan
    person = two_cities.nantes.officer if role == "nantes_officer" else getattr(milan, role)
    client = _client(person)
    assert client.get(f"/en/{milan.city.slug}/workspace/officer/activity/").status_code == status
    assert client.get(f"/en/{milan.city.slug}/workspace/officer/activity/?export=csv").status_code == status
    assert client.get(f"/api/v1/cities/{milan.city.slug}/audit/").status_code == status


@pytest.mark.django_db
def test_another_citys_events_never_appear(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scopes_disabled():
        NeedFactory(city=nantes.city, title="Jardin de Nantes")
        NeedFactory(city=milan.city, title="Giardino di Milano")
    client = _client(milan.officer)
    page = client.get(f"/en/{milan.city.slug}/workspace/officer/activity/").content.decode()
    assert "Giardino di Milano" in page and "Jardin de Nantes" not in page
    exported = client.get(f"/en/{milan.city.slug}/workspace/officer/activity/?export=csv").content.decode("utf-8-sig")
    assert "Giardino di Milano" in exported and "Jardin de Nantes" not in exported
    api = client.get(f"/api/v1/cities/{milan.city.slug}/audit/", {"q": "Jardin"}).json()
    assert api["count"] == 0
    with scope(city=milan.city.pk):
        assert not any("Nantes" in r.text for r in activity_recent(city=milan.city, limit=100))


@pytest.mark.django_db
def test_the_api_gives_the_filtered_trail_with_sentences(world, published):
    officer, need = published
    response = _client(world.officer).get(
        f"/api/v1/cities/{world.city.slug}/audit/",
        {"verb": "need.publish", "actor": officer.pk},
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["verb"] == "need.publish"
    assert item["sentence"] == "Maria Rossi (personale comunale) ha pubblicato il bisogno «Aule all'aperto»"
    assert item["object_url"] == f"/it/{world.city.slug}/needs/{need.pk}/"
    assert item["changes"] == [{"label": "Stato", "old": "Bozza", "new": "Pubblicato"}]
    bad = _client(world.officer).get(f"/api/v1/cities/{world.city.slug}/audit/", {"since": "yesterday"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_the_include_renders_recent_activity_for_other_pages(world, published):
    from django.template.loader import render_to_string

    officer, need = published
    with translation.override("fr"):
        html = render_to_string("includes/activity_list.html", {"rows": activity_recent(city=world.city, limit=3)})
    assert html.count("<li class=") == 3
    assert "a publié le besoin" in html and f"/fr/{world.city.slug}/needs/{need.pk}/" in html
    assert "État\u00a0: Brouillon → Publié" in html.replace(
        '<span aria-hidden="true">→</span><span class="visually-hidden">devient</span>', "→"
    )


@pytest.mark.django_db
def test_what_the_retention_purge_left_reads_in_the_readers_language(world):
    with transaction.atomic():
        audit_log(
            actor=world.admin, city=world.city, verb="membership.add", obj=world.city, payload={"user": "person #42"}
        )
    with translation.override("it"):
        (row,) = activity_rows(audit_events(city=world.city, verb="membership.add", actor=world.admin), city=world.city)
    assert "persona n. 42" in row.text and "person #" not in row.text
