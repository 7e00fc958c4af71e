"""Matching in the app: stored recommendations with explanations, who could help, collective
actions from a pooling proposal, background recomputation and publication notices."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from cities4csr.cities.policy import CityPolicy
from cities4csr.matching.models import CollectiveAction, Invitation, MatchRun, Recommendation
from cities4csr.matching.selectors import companies_to_notify, pool_proposal
from cities4csr.matching.services import collective_action_launch, invitation_transition, recommendations_recompute
from cities4csr.needs.models import Need
from cities4csr.offers.models import CsrProfile
from cities4csr.offers.services import offer_create, profile_update
from cities4csr.pledges.models import Pledge

pytestmark = pytest.mark.django_db


def run_queued(task_name: str) -> list:
    """Run the queued tasks of that name as db_worker does."""
    results = []
    for queued in DBTaskResult.objects.filter(task_path__endswith=task_name, status="READY").order_by("enqueued_at"):
        results.append(queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]))
    return results


def test_recompute_keeps_top_k_both_ways_with_components(in_milano, fitting_company, corvetto_need):
    run = recommendations_recompute(city=in_milano)
    assert run.needs >= 1 and run.companies >= 30
    rows = Recommendation.objects.filter(run=run)
    for organisation_id in rows.values_list("organisation_id", flat=True).distinct():
        assert rows.filter(organisation_id=organisation_id, company_rank__isnull=False).count() <= 10
    assert rows.filter(need=corvetto_need, need_rank__isnull=False).count() == 10
    row = rows.filter(organisation=fitting_company[1], need=corvetto_need).get()
    assert 0 <= row.score <= 1
    assert set(row.components) >= {"theme", "resource", "proximity", "timing", "equity", "coverage", "site"}
    assert row.components["coverage"] >= 1_000_000 / (1_000_000 + 250_000) - 1e-3  # its €10,000 at least
    assert row.need_rank == 1 and row.company_rank <= 3
    # a second run replaces the first: pages never see two
    again = recommendations_recompute(city=in_milano)
    assert MatchRun.objects.filter(city=in_milano).get() == again
    assert not Recommendation.objects.filter(run=run).exists()


@pytest.mark.parametrize(
    ("lang", "heading", "reason"),
    [
        ("it", "Consigliati per voi", "dei vostri temi"),
        ("en", "Recommended for you", "of your themes"),
        ("fr", "Recommandé pour vous", "de vos thèmes"),
    ],
)
def test_company_workspace_shows_recommendations_in_the_readers_language(
    client, in_milano, fitting_company, corvetto_need, lang, heading, reason
):
    recommendations_recompute(city=in_milano)
    rep, _company = fitting_company
    client.force_login(rep)
    page = client.get(f"/{lang}/milano/workspace/company/").content.decode()
    assert heading in page
    assert corvetto_need.title in page
    assert reason in page


def test_officer_sees_who_could_help_and_the_public_does_not(client, in_milano, fitting_company, corvetto_need, users):
    recommendations_recompute(city=in_milano)
    client.force_login(users["milano", "officer"])
    page = client.get(f"/en/milano/needs/{corvetto_need.pk}/").content.decode()
    assert "Who could help" in page and fitting_company[1].name in page
    assert "Pooling proposal" in page and "Launch collective action" in page
    client.force_login(users["milano", "public"])
    assert "Who could help" not in client.get(f"/en/milano/needs/{corvetto_need.pk}/").content.decode()


def test_collective_action_from_a_pooling_proposal_to_accepted_pledges(
    in_milano, fitting_company, corvetto_need, users, django_capture_on_commit_callbacks
):
    recommendations_recompute(city=in_milano)
    officer = users["milano", "officer"]
    proposal = pool_proposal(city=in_milano, need=corvetto_need)
    assert proposal.members and proposal.method == "milp"
    with pytest.raises(PermissionDenied):
        collective_action_launch(actor=fitting_company[0], need=corvetto_need)
    assert not CollectiveAction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        action = collective_action_launch(actor=officer, need=corvetto_need)
    invited = {i.organisation_id for i in action.invitations.all()}
    assert invited == {m.organisation.pk for m in proposal.members}
    with pytest.raises(ValidationError):  # one open collective action per need
        collective_action_launch(actor=officer, need=corvetto_need)
    # the invited companies' representatives hear about it
    run_queued("send_notification")
    rep, company = fitting_company
    assert company.pk in invited
    assert any(m.to == [rep.email] for m in mail.outbox)
    invitation = action.invitations.get(organisation=company)
    member = rep
    invitation = invitation_transition(actor=member, invitation=invitation, to=Invitation.State.ACCEPTED)
    assert invitation.pledge is not None and invitation.pledge.state == Pledge.State.PROPOSED
    assert invitation.pledge.value_cents > 0
    corvetto_need.refresh_from_db()
    assert corvetto_need.value_committed_cents == invitation.pledge.value_cents
    with pytest.raises(ValidationError):
        invitation_transition(actor=member, invitation=invitation, to=Invitation.State.DECLINED)
    for other in action.invitations.exclude(pk=invitation.pk):
        invitation_transition(actor=None, invitation=other, to=Invitation.State.DECLINED)
    action.refresh_from_db()
    assert action.state == CollectiveAction.State.CLOSED


def test_an_outsider_cannot_answer_an_invitation(in_milano, fitting_company, corvetto_need, users):
    recommendations_recompute(city=in_milano)
    action = collective_action_launch(actor=users["milano", "officer"], need=corvetto_need)
    invitation = action.invitations.exclude(organisation=fitting_company[1]).first() or action.invitations.first()
    with pytest.raises(PermissionDenied):
        invitation_transition(actor=users["milano", "public"], invitation=invitation, to=Invitation.State.ACCEPTED)
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.INVITED and invitation.pledge is None


def test_changes_enqueue_a_recompute_after_commit_and_nobody_waits(
    in_milano, company_rep, django_capture_on_commit_callbacks
):
    rep, company = company_rep
    before = Recommendation.objects.filter(organisation=company).count()
    with django_capture_on_commit_callbacks(execute=True):
        offer_create(actor=rep, organisation=company, kind="money", label="Altro contributo", quantity=100_000)
    assert Recommendation.objects.filter(organisation=company).count() == before  # not computed in the request
    assert run_queued("recompute_matches")
    assert MatchRun.objects.filter(city=in_milano).count() == 1


def test_publication_notifies_only_well_matched_companies_that_asked(
    in_milano, fitting_company, corvetto_need, users, django_capture_on_commit_callbacks
):
    rep, company = fitting_company
    assert company in companies_to_notify(city=in_milano, need=corvetto_need)
    profile_update(actor=rep, organisation=company, notify_new_needs=False)
    assert company not in companies_to_notify(city=in_milano, need=corvetto_need)
    wanting = set(CsrProfile.objects.filter(notify_new_needs=True).values_list("organisation_id", flat=True))
    assert {o.pk for o in companies_to_notify(city=in_milano, need=corvetto_need)} <= wanting


def test_publication_enqueues_the_notice(in_milano, users, corvetto_need, django_capture_on_commit_callbacks):
    from cities4csr.needs.services import line_add, need_create, need_transition

    officer = users["milano", "officer"]
    need = need_create(
        actor=officer,
        city=in_milano,
        owner=corvetto_need.owner,
        title="Doposcuola",
        description="d",
        lat=45.4403,
        lon=9.2235,
    )
    line_add(actor=officer, need=need, kind="money", label="Tutor", quantity=300_000)
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    assert run_queued("notify_matching_companies")


def test_city_weights_are_policy_data_and_validated(milano):
    assert CityPolicy.from_data({"matching": {"equity": 0.5}}).matching == {"equity": 0.5}
    with pytest.raises(ValueError):
        CityPolicy.from_data({"matching": {"equity": -1}})
    with pytest.raises(ValueError):
        CityPolicy.from_data({"matching": {"colour": 1}})


def test_accepting_after_others_covered_the_need_is_refused_and_writes_nothing(
    in_milano, fitting_company, corvetto_need, users
):
    from cities4csr.pledges.services import pledge_propose

    recommendations_recompute(city=in_milano)
    officer = users["milano", "officer"]
    action = collective_action_launch(actor=officer, need=corvetto_need)
    rep, company = fitting_company
    invitation = action.invitations.get(organisation=company)
    # meanwhile, someone else pledges everything that is still missing
    lines = [(line, line.remaining) for line in corvetto_need.lines.all()]
    pledge_propose(actor=officer, need=corvetto_need, organisation=corvetto_need.owner, items=lines)
    pledges_before = Pledge.objects.count()
    with pytest.raises(ValidationError, match="nothing is left"):
        invitation_transition(actor=rep, invitation=invitation, to=Invitation.State.ACCEPTED)
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.INVITED and invitation.pledge is None
    assert Pledge.objects.count() == pledges_before
