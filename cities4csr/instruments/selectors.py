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
