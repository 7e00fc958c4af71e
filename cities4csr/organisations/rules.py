"""Who may do what, per city. The same permission names are used by views, API and templates.

Predicates take (user, obj) where obj is a City or a row that has a ``city``.
"""

import rules

from cities4csr.cities.models import City

from .models import CityRole, Membership, Organisation


def _city_of(obj):
    if isinstance(obj, City):
        return obj
    return getattr(obj, "city", None)


def city_roles(user, city) -> set[str]:
    """The roles ``user`` holds in ``city``, including "representative" derived from memberships."""
    if city is None or not user.is_authenticated:
        return set()
    # on the user itself, not on request.user's lazy wrapper: selectors ask with the wrapper,
    # permission checks with the user it wraps, and both should share one answer per request
    cache = getattr(user, "_wrapped", user).__dict__.setdefault("_city_roles_cache", {})
    if city.pk not in cache:
        roles = set(
            CityRole.objects.with_scope(city=city.pk).filter(user=user).values_list("role", flat=True).order_by()
        )
        if Membership.objects.with_scope(city=city.pk).filter(user=user, role=Membership.Role.REPRESENTATIVE).exists():
            roles.add("representative")
        cache[city.pk] = roles
    return cache[city.pk]


def _organisation_of(obj):
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


def _membership_role(user, obj):
    organisation = _organisation_of(obj)
    if organisation is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.with_scope(city=organisation.city_id)
        .filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


@rules.predicate
def is_city_admin(user, obj):
    return CityRole.Role.ADMIN in city_roles(user, _city_of(obj))


@rules.predicate
def is_city_officer(user, obj):
    return bool({CityRole.Role.ADMIN, CityRole.Role.OFFICER} & city_roles(user, _city_of(obj)))


@rules.predicate
def is_org_representative(user, obj):
    return _membership_role(user, obj) == Membership.Role.REPRESENTATIVE


@rules.predicate
def is_org_member(user, obj):
    return _membership_role(user, obj) is not None


@rules.predicate
def is_public_organisation(user, obj):
    organisation = _organisation_of(obj)
    return organisation is not None and organisation.is_public


rules.add_perm("cities.change_city", is_city_admin)
rules.add_perm("cities.load_areas", is_city_admin)
rules.add_perm("core.view_auditevent", is_city_officer)
rules.add_perm("organisations.add_organisation", is_city_officer)
rules.add_perm("organisations.view_organisation", is_public_organisation | is_city_officer | is_org_member)
rules.add_perm("organisations.change_organisation", is_city_officer | is_org_representative)
rules.add_perm("organisations.view_members", is_city_officer | is_org_member)
rules.add_perm("organisations.manage_members", is_city_officer | is_org_representative)
rules.add_perm("organisations.grant_role", is_city_admin)
