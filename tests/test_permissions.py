"""Every registered permission, for every role: who may and who may not.

``EXPECTED`` holds one row per permission and object it is asked on. A permission registered
without a row fails ``test_every_permission_has_an_expectation``; a rule that lets in, or
keeps out, a role the table does not say fails ``test_permission_per_role``.

Roles are relative to the object: "representative" and "member" belong to the organisation
the object is about (the company; for ``third_sector_need`` the third-sector body owns the
need); "other_representative" acts for another company, "third_sector_representative" for a
third-sector body; "nantes_*" hold their role in the other city.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope

from cities4csr.matching.models import Invitation
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.offers.tests.factories import CsrProfileFactory, OfferFactory
from cities4csr.organisations.tests.factories import MembershipFactory, OrganisationFactory, SiteFactory
from cities4csr.pledges.tests.factories import PledgeFactory

ROLES = (
    "anonymous",
    "resident",
    "volunteer",
    "representative",
    "member",
    "other_representative",
    "third_sector_representative",
    "officer",
    "admin",
    "nantes_officer",
    "nantes_admin",
)
EVERYONE = frozenset(ROLES)
OFFICERS = frozenset({"officer", "admin"})

# permission -> {object it is asked on: the roles that may}
EXPECTED = {
    "cities.change_city": {"city": {"admin"}},
    "cities.load_areas": {"city": {"admin"}},
    "core.view_auditevent": {"city": OFFICERS},
    "ledger.view_postinggroup": {"city": OFFICERS},
    # bank statements and reconciliation (funds.banking)
    "funds.reconcile": {"city": OFFICERS},
    # importing the pagoPA reporting flows its intermediary sends (ADR 0028)
    "funds.import_pagopa_report": {"city": OFFICERS},
    # a statement of an organisation's gifts (receipts, ADR 0032)
    "funds.view_statement": {"company": OFFICERS | {"representative"}},
    # a company's sustainability statement and its programme's management costs (ADR 0036)
    "reporting.view_statement": {"company": OFFICERS | {"representative"}},
    "reporting.record_management_cost": {"company": {"representative"}},
    "accounts.add_apikey": {"city": EVERYONE - {"anonymous", "resident", "nantes_officer", "nantes_admin"}},
    "organisations.add_organisation": {"city": OFFICERS},
    "organisations.grant_role": {"city": {"admin"}},
    "organisations.view_organisation": {
        "company": EVERYONE,
        "private_company": OFFICERS | {"representative", "member"},
    },
    "organisations.change_organisation": {"company": OFFICERS | {"representative"}},
    "organisations.view_members": {"company": OFFICERS | {"representative", "member"}},
    "organisations.manage_members": {"company": OFFICERS | {"representative"}},
    "needs.change_action": {"city": OFFICERS},
    "needs.add_need": {"company": OFFICERS | {"representative"}},
    "needs.change_need": {
        "draft_need": OFFICERS | {"representative"},
        "third_sector_need": OFFICERS | {"third_sector_representative"},
    },
    "needs.view_need": {
        "draft_need": OFFICERS | {"representative", "member"},
        "published_need": EVERYONE,
    },
    "needs.review_need": {"draft_need": OFFICERS},
    "offers.change_profile": {"company": OFFICERS | {"representative"}},
    "pledges.add_pledge": {"company": OFFICERS | {"representative"}},
    # the pledging company's people and the need owner's (here the third-sector body)
    "pledges.view_pledge": {"pledge": OFFICERS | {"representative", "member", "third_sector_representative"}},
    "pledges.add_evidence": {"pledge": OFFICERS | {"representative"}},
    # evidence files: as the pledge, but a partner only once it accepted (none here)
    "pledges.view_evidence": {"pledge": OFFICERS | {"representative", "member", "third_sector_representative"}},
    "pledges.change_evidence": {"pledge": OFFICERS | {"representative"}},
    "pledges.allow_overcommit": {"third_sector_need": OFFICERS},
    "instruments.confirm_instrument": {"pledge": OFFICERS},
    "matching.view_allocation": {"city": OFFICERS},
    "matching.view_helpers": {"third_sector_need": OFFICERS},
    "matching.launch_collective_action": {"third_sector_need": OFFICERS},
    "matching.view_recommendations": {"company": OFFICERS | {"representative", "member"}},
    # only the invited company answers, never the city for it
    "matching.respond_invitation": {"invitation": {"representative"}},
    # city funds: officers run them; the giving company's representative sees its own gift
    "funds.add_fund": {"city": OFFICERS},
    "funds.add_award": {"city": OFFICERS},
    "funds.record_contribution": {"city": OFFICERS},
    "funds.view_contributions": {"city": OFFICERS},
    "funds.change_fund": {"fund": OFFICERS},
    "funds.view_contribution": {"contribution": OFFICERS | {"representative"}},
    "funds.refund_contribution": {"contribution": OFFICERS},
    "funds.add_disbursement": {"award": OFFICERS},
    "campaigns.add_campaign": {"city": OFFICERS},
    "campaigns.view_campaign": {"draft_campaign": OFFICERS, "open_campaign": EVERYONE},
    "campaigns.change_campaign": {"draft_campaign": OFFICERS, "open_campaign": OFFICERS},
    "campaigns.close_campaign": {"open_campaign": OFFICERS},
    # volunteering: the host's people (here the third-sector body's) and the city's officers run
    # activities; anyone signed in signs up; a company's representatives open its teams; a
    # participant's registration is seen by them, the host and their company's representatives
    "volunteering.add_activity": {
        "city": OFFICERS | {"third_sector_representative"},
        "third_sector": OFFICERS | {"third_sector_representative"},
    },
    "volunteering.view_activity": {
        "draft_activity": OFFICERS | {"third_sector_representative"},
        "open_activity": EVERYONE,
    },
    "volunteering.change_activity": {
        "draft_activity": OFFICERS | {"third_sector_representative"},
        "open_activity": OFFICERS | {"third_sector_representative"},
    },
    "volunteering.view_participants": {"open_activity": {"third_sector_representative"}},
    "volunteering.sign_up": {"city": EVERYONE - {"anonymous"}},
    "volunteering.open_team": {"company": {"representative"}},
    "volunteering.view_company_volunteering": {"company": OFFICERS | {"representative"}},
    "volunteering.view_registration": {"registration": {"member", "representative", "third_sector_representative"}},
    "volunteering.review_registration": {"registration": {"third_sector_representative"}},
    "volunteering.withdraw_registration": {"registration": {"member"}},
    # results (ADR 0034): a need's indicators are kept by the officers and the need owner's people
    # (here the third-sector body); only officers decide; approved values of public needs are public
    "impact.change_indicator": {
        "third_sector_need": OFFICERS | {"third_sector_representative"},
        "need_indicator": OFFICERS | {"third_sector_representative"},
    },
    "impact.add_update": {"need_indicator": OFFICERS | {"third_sector_representative"}},
    "impact.change_update": {"submitted_update": OFFICERS | {"third_sector_representative"}},
    "impact.review_update": {"city": OFFICERS},
    "impact.view_update": {
        "submitted_update": OFFICERS | {"third_sector_representative"},
        "approved_update": EVERYONE,
    },
}


def test_every_permission_has_an_expectation():
    registered = set(rules.permissions.permissions)
    assert registered, "no rules registered: is rules.apps.AutodiscoverRulesConfig installed?"
    assert sorted(registered - set(EXPECTED)) == [], "add a row to EXPECTED for each new permission"
    assert sorted(set(EXPECTED) - registered) == [], "a permission in EXPECTED is no longer registered"


@pytest.fixture
def matrix(two_cities):
    """The people of the roles and the objects the permissions are asked on, in Milan."""
    milan, nantes = two_cities.milan, two_cities.nantes
    people = {
        "anonymous": AnonymousUser(),
        "nantes_officer": nantes.officer,
        "nantes_admin": nantes.admin,
        **{role: getattr(milan, role) for role in ROLES if not role.startswith(("anonymous", "nantes_"))},
    }
    with scope(city=milan.city.pk):
        private = OrganisationFactory(city=milan.city, is_public=False)
        MembershipFactory(organisation=private, user=milan.representative, representative=True)
        MembershipFactory(organisation=private, user=milan.member)
        area = milan.areas["35"]
        lat, lon = (area.min_lat + area.max_lat) / 2, (area.min_lon + area.max_lon) / 2
        third_sector_need = NeedFactory(city=milan.city, owner=milan.third_sector, lat=lat, lon=lon, published=True)
        # the company fits the need, is recommended for it and invited to a collective action
        SiteFactory(organisation=milan.company, lat=lat, lon=lon)
        CsrProfileFactory(organisation=milan.company, preferred_areas=[area])
        OfferFactory(organisation=milan.company, quantity=50_000)
        from cities4csr.matching.tests.factories import CollectiveActionFactory

        action = CollectiveActionFactory(need=third_sector_need)
        fund, contribution, award = _fund_objects(milan)
        from cities4csr.campaigns.tests.factories import a_campaign

        draft_campaign = a_campaign(milan, slug="bozza", open_it=False, need=third_sector_need)
        open_campaign = a_campaign(milan, slug="aperta", need=third_sector_need)
        from cities4csr.impact.tests.factories import an_indicator, an_update
        from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

        need_indicator = an_indicator(city=milan.city, need=third_sector_need)
        submitted_update = an_update(need_indicator, actor=milan.third_sector_representative, state="submitted")
        approved_update = an_update(need_indicator, state="approved")
        open_activity = an_activity(milan, slug="aperta")
        registration = a_registration(a_slot(open_activity), milan.member, company=milan.company)
        objects = {
            "need_indicator": need_indicator,
            "submitted_update": submitted_update,
            "approved_update": approved_update,
            "draft_activity": an_activity(milan, slug="bozza", state="draft"),
            "open_activity": open_activity,
            "registration": registration,
            "third_sector": milan.third_sector,
            "draft_campaign": draft_campaign,
            "open_campaign": open_campaign,
            "city": milan.city,
            "company": milan.company,
            "private_company": private,
            "draft_need": NeedFactory(city=milan.city, owner=milan.company),
            "published_need": NeedFactory(city=milan.city, owner=milan.company, published=True),
            "third_sector_need": third_sector_need,
            "pledge": PledgeFactory(need=third_sector_need, organisation=milan.company),
            "invitation": Invitation.objects.get(action=action, organisation=milan.company),
            "fund": fund,
            "contribution": contribution,
            "award": award,
        }
    return people, objects


def _fund_objects(milan):
    """A fund, a company's gift to it made by its representative, and an award of the fund."""
    import datetime

    from cities4csr.funds.services import award_propose, contribution_create
    from cities4csr.funds.tests.factories import a_fund, a_purpose

    fund = a_fund(milan)
    contribution = contribution_create(
        actor=milan.representative,
        target=fund,
        amount_cents=10_000,
        donor_kind="company",
        donor_name=milan.company.name,
        organisation=milan.company,
    )
    award = award_propose(
        actor=milan.officer,
        fund=fund,
        purpose=a_purpose(milan),
        description="Buoni spesa",
        act_number="DG 1",
        act_on=datetime.date(2026, 4, 1),
        amount_cents=5_000,
        organisation=milan.third_sector,
    )
    return fund, contribution, award


ROWS = sorted((perm, target) for perm, targets in EXPECTED.items() for target in targets)


@pytest.mark.django_db
@pytest.mark.parametrize(("perm", "target"), ROWS, ids=[f"{p}@{t}" for p, t in ROWS])
def test_permission_per_role(matrix, perm, target):
    people, objects = matrix
    granted = {role for role in ROLES if people[role].has_perm(perm, objects[target])}
    assert granted == set(EXPECTED[perm][target])
