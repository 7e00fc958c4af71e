"""Reads for instruments: a pledge's agreement with its checklist, the returns register."""

from django.db.models import Prefetch, QuerySet

from cities4csr.pledges.models import Pledge

from .models import Agreement, ChecklistStep, ReturnItem

#: the returns register is public once the agreement is concluded
PUBLISHED_STATES = [Pledge.State.AGREED, Pledge.State.IN_DELIVERY, Pledge.State.DELIVERED, Pledge.State.VERIFIED]


def agreement_for_pledge(*, city, pledge) -> Agreement | None:
    """The agreement of a pledge the caller may already see (the view checked the pledge), with
    its drafts (documents sits above instruments: its Draft is reached by the reverse relation)."""
    Draft = Agreement.drafts.rel.related_model
    return (
        Agreement.objects.filter(city=city, pledge=pledge)
        .prefetch_related(
            Prefetch("steps", queryset=ChecklistStep.objects.filter(city=city).order_by("position")),
            Prefetch("returns", queryset=ReturnItem.objects.filter(city=city).order_by("id")),
            Prefetch("drafts", queryset=Draft.objects.filter(city=city).order_by("-created_at", "-id")),
        )
        .first()
    )


def returns_of_organisation(*, city, organisation) -> QuerySet[ReturnItem]:
    """What an organisation receives in return for its concluded agreements (public)."""
    return (
        ReturnItem.objects.filter(
            city=city, agreement__pledge__organisation=organisation, agreement__pledge__state__in=PUBLISHED_STATES
        )
        .select_related("agreement__pledge__need")
        .order_by("agreement__pledge__need__title", "id")
    )


def agreements_for_officer(*, actor, city, on, q: str = "") -> QuerySet[Agreement]:
    """Every agreement of the city, newest first, with its number of steps still open past
    their deadline on ``on`` (``overdue``); ``q`` searches the giver, the need and the instrument."""
    from django.db.models import Count, Q

    from cities4csr.organisations.rules import is_city_officer

    if not is_city_officer(actor, city):
        return Agreement.objects.none()
    agreements = (
        Agreement.objects.filter(city=city)
        .select_related("pledge__need", "pledge__organisation")
        .only(
            "state",
            "instrument",
            "advice",
            "created_at",
            "pledge__id",
            "pledge__need__title",
            "pledge__organisation__name",
        )
        .annotate(overdue=Count("steps", filter=Q(steps__done_on__isnull=True, steps__due_on__lt=on)))
        .order_by("-created_at", "-id")
    )
    for word in q.split():
        agreements = agreements.filter(
            Q(pledge__organisation__name__icontains=word)
            | Q(pledge__need__title__icontains=word)
            | Q(instrument__icontains=word)
        )
    return agreements


#: a checklist step's standing on a day: done, overdue (open past its deadline), open
STEP_STANDINGS = ("overdue", "open", "done")


def steps_for_officer(*, actor, city, on, q: str = "") -> QuerySet[ChecklistStep]:
    """The checklist steps of every agreement of the city, each with its ``standing`` on ``on``
    (done, overdue, open): overdue first by deadline, then open by deadline, then done;
    ``q`` searches the giver and the need."""
    from django.db.models import Case, CharField, IntegerField, Q, Value, When

    from cities4csr.organisations.rules import is_city_officer

    if not is_city_officer(actor, city):
        return ChecklistStep.objects.none()
    steps = (
        ChecklistStep.objects.filter(city=city)
        .select_related("agreement__pledge__need", "agreement__pledge__organisation")
        .only(
            "code",
            "labels",
            "due_on",
            "done_on",
            "blocks_agreement",
            "agreement__id",
            "agreement__pledge__id",
            "agreement__pledge__need__title",
            "agreement__pledge__organisation__name",
        )
        .annotate(
            state=Case(
                When(done_on__isnull=False, then=Value("done")),
                When(due_on__lt=on, then=Value("overdue")),
                default=Value("open"),
                output_field=CharField(),
            ),
            rank=Case(
                When(done_on__isnull=False, then=Value(2)),
                When(due_on__lt=on, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", "due_on", "id")
    )
    for word in q.split():
        steps = steps.filter(
            Q(agreement__pledge__organisation__name__icontains=word) | Q(agreement__pledge__need__title__icontains=word)
        )
    return steps
