"""Who may do what with results (ADR 0034). The same names are asked by the pages, the API and
the services.

An indicator of a need is kept by the city's officers and by the people of the need's owner; an
indicator of an action of the plan by the officers only. Updates are written by the same people;
only officers decide on them (approve, return), and never on one they wrote themselves (the
"four eyes" guard in ``services``).
"""

import rules

from cities4csr.organisations.rules import is_city_officer, is_org_member

from .models import IndicatorUpdate, ResultIndicator


def _need_of(obj):
    if isinstance(obj, IndicatorUpdate):
        obj = obj.indicator
    if isinstance(obj, ResultIndicator):
        return obj.need
    return obj if obj.__class__.__name__ == "Need" else None


@rules.predicate
def is_need_owner_member(user, obj):
    """A member of the organisation that owns the need (of this indicator, update, or the need itself)."""
    need = _need_of(obj)
    return need is not None and is_org_member(user, need.owner)


@rules.predicate
def is_reporter(user, update):
    """A member of the organisation that reports the update."""
    return update.organisation_id is not None and is_org_member(user, update.organisation)


@rules.predicate
def is_approved(user, update):
    return update.state == IndicatorUpdate.State.APPROVED


@rules.predicate
def is_need_public(user, obj):
    need = _need_of(obj)
    return need is None or need.is_public


# asked on a need or an action (to add) or on an indicator (to change)
rules.add_perm("impact.change_indicator", is_city_officer | is_need_owner_member)
# asked on an indicator: write an update of it
rules.add_perm("impact.add_update", is_city_officer | is_need_owner_member)
# asked on an update: correct a draft or a returned one
rules.add_perm("impact.change_update", is_city_officer | is_reporter)
# asked on the city: the review queue
rules.add_perm("impact.review_update", is_city_officer)
# asked on an update: approved ones of public needs and of the plan are public (value, note,
# evidence); the others only to the officers and to the people who report them
rules.add_perm(
    "impact.view_update", (is_approved & is_need_public) | is_city_officer | is_reporter | is_need_owner_member
)
