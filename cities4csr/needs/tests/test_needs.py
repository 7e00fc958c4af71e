"""Needs: location resolved to NIL and Municipio, totals, lifecycle by role, SDG codes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.needs import sdg
from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.organisations.models import Organisation


def test_sdg_catalogue_has_the_169_official_targets():
    assert len(sdg.TARGETS) == 169
    assert {"11.7", "17.17", "4.a", "1.b"} <= set(sdg.TARGETS)
    assert "17.a" not in sdg.TARGETS and "18" not in sdg.CODES
    with pytest.raises(ValueError, match="unknown SDG code"):
        sdg.validate_codes(["11.7", "11.9"])


@pytest.mark.django_db
def test_need_is_located_in_its_nil_and_municipio_with_totals(corvetto_need):
    assert (corvetto_need.area.code, corvetto_need.area.name) == ("35", "LODI - CORVETTO")
    assert corvetto_need.district.name == "Municipio 4"
    assert corvetto_need.value_requested_cents == 1_000_000 + 250_000
    assert corvetto_need.value_open_cents == 1_250_000
    assert corvetto_need.sdg_goals == "|4|11|"
    assert corvetto_need.published_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lat": 45.7, "lon": 9.7}, "lat"),
        ({"sdgs": ["99"]}, "sdgs"),
        ({"title": ""}, "title"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, None),
    ],
)
def test_bad_needs_are_refused_and_nothing_is_written(in_milano, users, fields, field):
    owner = Organisation.objects.get(name="Comune di Milano")
    before = Need.objects.count()
    with pytest.raises(ValidationError) as info:
        need_create(
            actor=users["milano", "officer"],
            city=in_milano,
            owner=owner,
            **{"title": "T", "description": "D", **fields},
        )
    if field:
        assert field in info.value.message_dict
    assert Need.objects.count() == before


@pytest.mark.django_db
def test_third_sector_proposal_goes_through_review(in_milano, users):
    from cities4csr.accounts.models import User
    from cities4csr.organisations.services import membership_add

    partner = Organisation.objects.get(name="Wau! Milano")
    rep = User.objects.create_user("wau@test.example")
    rep.emailaddress_set.create(email=rep.email, verified=True, primary=True)  # roles need a confirmed address
    membership_add(actor=None, organisation=partner, user=rep, role="representative")
    need = need_create(
        actor=rep, city=in_milano, owner=partner, title="Orto condiviso", description="…", lat=45.4403, lon=9.2235
    )
    line_add(actor=rep, need=need, kind=ResourceKind.GOODS, label="Attrezzi", quantity=20, value_cents=40_000)
    with pytest.raises(PermissionDenied):
        need_transition(actor=rep, need=need, to=Need.State.PUBLISHED)  # only an officer publishes
    need_transition(actor=rep, need=need, to=Need.State.UNDER_REVIEW)
    need_transition(actor=users["milano", "officer"], need=need, to=Need.State.PUBLISHED)
    assert need.state == Need.State.PUBLISHED
    with scopes_disabled():
        verbs = list(
            AuditEvent.objects.filter(object_type="needs.need", object_id=str(need.pk))
            .order_by("id")
            .values_list("verb", flat=True)
        )
    assert verbs == ["need.create", "need.submit", "need.publish"]


@pytest.mark.django_db
def test_disallowed_transitions_are_refused(corvetto_need, users):
    with pytest.raises(ValidationError, match="cannot go from published to closed"):
        need_transition(actor=users["milano", "officer"], need=corvetto_need, to=Need.State.CLOSED)
    with pytest.raises(PermissionDenied):
        need_transition(actor=users["milano", "public"], need=corvetto_need, to=Need.State.WITHDRAWN)


@pytest.mark.django_db
def test_a_need_without_lines_cannot_be_published(in_milano, users):
    owner = Organisation.objects.get(name="Comune di Milano")
    need = need_create(actor=users["milano", "officer"], city=in_milano, owner=owner, title="Vuoto", description="…")
    with pytest.raises(ValidationError, match="at least one resource line"):
        need_transition(actor=users["milano", "officer"], need=need, to=Need.State.PUBLISHED)


@pytest.mark.django_db
def test_line_validation(corvetto_need, users):
    officer = users["milano", "officer"]
    with pytest.raises(ValidationError):
        line_add(actor=officer, need=corvetto_need, kind=ResourceKind.GOODS, label="Banchi", quantity=10)
    with pytest.raises(ValidationError):
        line_add(actor=officer, need=corvetto_need, kind="rockets", label="X", quantity=1, value_cents=1)
    with pytest.raises(ValidationError):
        line_add(actor=officer, need=corvetto_need, kind=ResourceKind.GOODS, label="X", quantity=0, value_cents=1)
