"""Who may do what with volunteering pages (the services check the same before writing): a host's
people and the city's officers prepare and run activities; a company's representatives follow
their people's volunteering."""

import rules

from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.rules import is_city_officer, is_org_member, is_org_representative

GIVERS = (Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION)


@rules.predicate
def is_in_a_host(user, city):
    """A member of one of the city's organisations that may host activities (not a giver)."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.with_scope(city=city.pk)
        .filter(user=user, organisation__city=city)
        .exclude(organisation__kind__in=GIVERS)
        .exists()
    )


@rules.predicate
def is_host_member(user, activity):
    return is_org_member(user, activity.host)


# asked on the city
rules.add_perm("volunteering.add_activity", is_city_officer | is_in_a_host)
# asked on the activity
rules.add_perm("volunteering.change_activity", is_city_officer | is_host_member)
# asked on the company: its volunteering dashboard (counts and hours, no names)
rules.add_perm("volunteering.view_company_volunteering", is_city_officer | is_org_representative)
