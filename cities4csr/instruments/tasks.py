"""Background jobs of the instruments (django-tasks; ``manage.py db_worker`` runs them)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from django_tasks import task

from cities4csr.core.notifications import notify

#: A step's reminder goes out this many days before its deadline (and once it is overdue).
REMIND_DAYS_BEFORE = 3


@task()
def checklist_reminders_send(*, city_id: int, today: str = "") -> int:
    """Remind the city's officers and the pledging organisation's people of each agreement step
    due within REMIND_DAYS_BEFORE days or overdue and not done: once before the deadline and once
    after it (the notification's key), however often this runs. Returns how many steps."""
    from cities4csr.cities.models import City
    from cities4csr.organisations.models import CityRole, Membership

    from .models import Agreement, ChecklistStep

    city = City.objects.get(pk=city_id)
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with scope(city=city.pk):
        steps = (
            ChecklistStep.objects.filter(
                city=city,
                done_on__isnull=True,
                due_on__isnull=False,
                due_on__lte=day + datetime.timedelta(days=REMIND_DAYS_BEFORE),
                agreement__state=Agreement.State.CONFIRMED,
            )
            .select_related("agreement__pledge__need", "agreement__pledge__organisation")
            .order_by("due_on", "pk")
        )
        officers = [
            r.user
            for r in CityRole.objects.filter(city=city, role__in=["admin", "officer"], is_active=True).select_related(
                "user"
            )
        ]
        count = 0
        for step in steps:
            pledge = step.agreement.pledge
            people = [
                m.user
                for m in Membership.objects.filter(city=city, organisation=pledge.organisation_id).select_related(
                    "user"
                )
            ]
            overdue = step.due_on < day
            notify(  # outside a transaction: queued at once
                users=officers + people,
                city=city,
                template="checklist_reminder",
                context={
                    "step": step.label,
                    "title": pledge.need.title,
                    "organisation": pledge.organisation.name,
                    "due_on": step.due_on.isoformat(),
                    "overdue": overdue,
                    "url": reverse("pledge_detail", kwargs={"city_slug": city.slug, "pk": pledge.pk}),
                },
                key=f"checklist-step:{step.pk}:{step.due_on.isoformat()}:{'overdue' if overdue else 'due'}",
            )
            count += 1
    return count
