"""Who may do what with volunteering (pages, API and services ask the same names).

- An activity is prepared and run by its host's people (any member of the hosting body: a city
  department or a third-sector body, never a giver) and by the city's officers; once open (or
  closed, or cancelled) everyone sees it, a draft only they do.
- Any signed-in person may sign up (residents included); the host's people review requested
  registrations; a person withdraws their own.
- A company's representatives open its teams and follow its people's volunteering.
- Participants' names (privacy, issue 11 item 6) are seen by the host's people, by the
  representatives of the participant's own company and by the person themselves; nobody else,
  not even the city's officers: public pages and the city see counts.
"""

import rules

from cities4csr.cities.models import City
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.rules import is_city_officer, is_org_member, is_org_representative

#: organisations that give (and so take part), never host
GIVERS = (Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION)


def _activity(obj):
    """The activity of an activity, a slot, a team or a registration."""
    if hasattr(obj, "host_id"):
        return obj
    if hasattr(obj, "activity_id"):
        return obj.activity
    return obj.slot.activity


@rules.predicate
def is_in_a_host(user, obj):
    """Asked on the city: a member of one of its organisations that may host (not a giver).
    Asked on an organisation: a member of it, when it may host."""
    if not user.is_authenticated:
        return False
    if isinstance(obj, Organisation):
        return obj.kind not in GIVERS and is_org_member(user, obj)
    city = obj.pk if isinstance(obj, City) else obj.city_id
    return (
        Membership.objects.with_scope(city=city)
        .filter(user=user, organisation__city=city)
        .exclude(organisation__kind__in=GIVERS)
        .exists()
    )


@rules.predicate
def is_host_member(user, obj):
    """A member of the body hosting the activity (of the slot, team or registration)."""
    return is_org_member(user, _activity(obj).host)


@rules.predicate
def is_public_activity(user, activity):
    return activity.state != "draft"


@rules.predicate
def is_participant(user, registration):
    return user.is_authenticated and registration.user_id == user.pk


@rules.predicate
def is_participants_company_representative(user, registration):
    return registration.company_id is not None and is_org_representative(user, registration.company)


# asked on the city (may this person host anything?) or on the organisation that would host
rules.add_perm("volunteering.add_activity", is_city_officer | is_in_a_host)
# asked on the activity
rules.add_perm("volunteering.view_activity", is_public_activity | is_city_officer | is_host_member)
rules.add_perm("volunteering.change_activity", is_city_officer | is_host_member)
rules.add_perm("volunteering.view_participants", is_host_member)
# asked on the slot (or the city): any signed-in person
rules.add_perm("volunteering.sign_up", rules.is_authenticated)
# asked on the company
rules.add_perm("volunteering.open_team", is_org_representative)
# asked on the company: its volunteering dashboard (counts and hours, no names)
rules.add_perm("volunteering.view_company_volunteering", is_city_officer | is_org_representative)
# asked on a registration
rules.add_perm(
    "volunteering.view_registration", is_participant | is_host_member | is_participants_company_representative
)
rules.add_perm("volunteering.review_registration", is_host_member)
rules.add_perm("volunteering.withdraw_registration", is_participant)
