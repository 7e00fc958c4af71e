"""Background jobs of matching (django-tasks; ``manage.py db_worker`` runs them)."""

from django.urls import reverse
from django_scopes import scope
from django_tasks import task

from cities4csr.core.notifications import notify


@task()
def recompute_matches(*, city_id: int, requested_at: float = 0.0) -> int:
    """Recompute a city's recommendations, unless a run newer than the request already did."""
    from cities4csr.cities.models import City

    from .models import MatchRun
    from .services import recommendations_recompute

    city = City.objects.get(pk=city_id)
    with scope(city=city.pk):
        latest = MatchRun.objects.filter(city=city).order_by("-created_at").first()
        if latest is not None and requested_at and latest.created_at.timestamp() > requested_at:
            return latest.pk
        return recommendations_recompute(city=city).pk


@task()
def notify_matching_companies(*, city_id: int, need_id: int) -> int:
    """On publication: tell the best-matched companies that asked to hear about new needs."""
    from cities4csr.cities.models import City
    from cities4csr.needs.models import Need
    from cities4csr.organisations.models import Membership

    from .selectors import companies_to_notify

    city = City.objects.get(pk=city_id)
    with scope(city=city.pk):
        need = Need.objects.get(city=city, pk=need_id)
        companies = companies_to_notify(city=city, need=need)
        people = Membership.objects.filter(
            city=city, organisation__in=companies, role=Membership.Role.REPRESENTATIVE
        ).select_related("user")
        users = [m.user for m in people]
        notify(  # outside a transaction, queued at once
            users=users,
            city=city,
            template="need_matches_you",
            context={
                "title": need.title,
                "url": reverse("need_detail", kwargs={"city_slug": city.slug, "pk": need.pk}),
            },
        )
        return len(companies)
