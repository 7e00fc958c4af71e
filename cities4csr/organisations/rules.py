"""Who may do what, per city. The same permission names are used by views, API and templates.

Predicates take (user, obj) where obj is a City or a row that has a ``city``.
"""

import rules

from cities4csr.cities.models import City

from .models import CityRole, Membership, Organisation


def _city_of(obj):
    """The city's id (a row's ``city_id``: no query for the city itself)."""
    if isinstance(obj, City):
        return obj.pk
    return getattr(obj, "city_id", None)


def _cache(user, name: str) -> dict:
    # on the user itself, not on request.user's lazy wrapper: selectors ask with the wrapper,
    # permission checks with the user it wraps, and both should share one answer per request
    return getattr(user, "_wrapped", user).__dict__.setdefault(name, {})


def roles_forget(user) -> None:
    """Forget the roles asked so far (a service just granted or removed one)."""
    for name in ("_city_roles_cache", "_membership_role_cache"):
        getattr(user, "_wrapped", user).__dict__.pop(name, None)


def city_roles(user, city) -> set[str]:
    """The roles ``user`` holds in ``city`` (a City or its id), including "representative"
    derived from memberships."""
    city_id = getattr(city, "pk", city)
    if city_id is None or not user.is_authenticated:
        return set()
    cache = _cache(user, "_city_roles_cache")
    if city_id not in cache:
        roles = set(
            CityRole.objects.with_scope(city=city_id)
            .filter(user=user, is_active=True)
            .values_list("role", flat=True)
            .order_by()
        )
        if Membership.objects.with_scope(city=city_id).filter(user=user, role=Membership.Role.REPRESENTATIVE).exists():
            roles.add("representative")
        cache[city_id] = roles
    return cache[city_id]


def _organisation_of(obj):
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


def _membership_role(user, obj):
    """The user's role in the object's organisation, asked once per request (like city_roles)."""
    organisation = _organisation_of(obj)
    if organisation is None or not user.is_authenticated:
        return None
    cache = _cache(user, "_membership_role_cache")
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.with_scope(city=organisation.city_id)
            .filter(user=user, organisation=organisation)
            .values_list("role", flat=True)
            .first()
        )
    return cache[organisation.pk]


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
def has_a_part_in_city(user, obj):
    """A role in the city, or membership of one of its organisations."""
    city_id = _city_of(obj)
    if city_id is None or not user.is_authenticated:
        return False
    return bool(city_roles(user, city_id)) or Membership.objects.with_scope(city=city_id).filter(user=user).exists()


@rules.predicate
def is_public_organisation(user, obj):
    organisation = _organisation_of(obj)
    return organisation is not None and organisation.is_public


rules.add_perm("cities.change_city", is_city_admin)
rules.add_perm("cities.load_areas", is_city_admin)
rules.add_perm("core.view_auditevent", is_city_officer)
# API keys (accounts.apikeys): a key acts as its owner, so only someone with a part in the city needs one
rules.add_perm("accounts.add_apikey", has_a_part_in_city)
rules.add_perm("organisations.add_organisation", is_city_officer)
rules.add_perm("organisations.view_organisation", is_public_organisation | is_city_officer | is_org_member)
rules.add_perm("organisations.change_organisation", is_city_officer | is_org_representative)
rules.add_perm("organisations.view_members", is_city_officer | is_org_member)
rules.add_perm("organisations.manage_members", is_city_officer | is_org_representative)
rules.add_perm("organisations.grant_role", is_city_admin)
