import rules

from cities4csr.needs.rules import is_owner_member
from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer, is_org_member, is_org_representative

from .models import PledgePartner


@rules.predicate
def is_pledger(user, pledge):
    return is_org_representative(user, pledge.organisation)


@rules.predicate
def is_pledger_member(user, pledge):
    return is_org_member(user, pledge.organisation)


@rules.predicate
def is_need_owner_member(user, pledge):
    return is_owner_member(user, pledge.need)


@rules.predicate
def is_named_partner_member(user, pledge):
    """A member of an organisation the lead named as partner (it must see what it is asked to join)."""
    if not user.is_authenticated:
        return False
    named = PledgePartner.objects.with_scope(city=pledge.city_id).filter(pledge=pledge).values("organisation_id")
    return Membership.objects.with_scope(city=pledge.city_id).filter(user=user, organisation__in=named).exists()


@rules.predicate
def is_accepted_partner_member(user, pledge):
    """A member of a partner that accepted to deliver the pledge with the lead."""
    if not user.is_authenticated:
        return False
    accepted = (
        PledgePartner.objects.with_scope(city=pledge.city_id)
        .filter(pledge=pledge, state=PledgePartner.State.ACCEPTED)
        .values("organisation_id")
    )
    return Membership.objects.with_scope(city=pledge.city_id).filter(user=user, organisation__in=accepted).exists()


# add_pledge is asked on the pledging organisation
rules.add_perm("pledges.add_pledge", is_org_representative | is_city_officer)
rules.add_perm(
    "pledges.view_pledge", is_city_officer | is_pledger_member | is_need_owner_member | is_named_partner_member
)
rules.add_perm("pledges.add_evidence", is_pledger | is_city_officer)
rules.add_perm("pledges.allow_overcommit", is_city_officer)
# the files of delivery evidence: the city's officers, who verify them; the people of the pledging
# organisation, of the need's owner and of the partners that deliver with it (not mere invitees)
rules.add_perm(
    "pledges.view_evidence", is_city_officer | is_pledger_member | is_need_owner_member | is_accepted_partner_member
)
# replace or withdraw evidence (while the pledge is not verified: pledges.services)
rules.add_perm("pledges.change_evidence", is_pledger | is_city_officer)
