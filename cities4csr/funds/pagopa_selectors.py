"""Reads of pagoPA in a city's funds (ADR 0028): the reporting flows its officers imported."""

from django.db.models import Count, Prefetch, Q, Sum

from cities4csr.core.permissions import require

from .pagopa_models import PagopaFlow, PagopaFlowLine


def flows_of(*, actor, city):
    """The city's imported flows, newest settlement first, each with what it received and the
    payments that were left (unknown IUVs, revocations…) for the officer to follow up: three
    queries whatever the number of flows and lines."""
    require(actor, "funds.import_pagopa_report", city)
    received = Q(lines__result=PagopaFlowLine.Result.RECEIVED)
    left = PagopaFlowLine.objects.filter(city=city).exclude(result=PagopaFlowLine.Result.RECEIVED).order_by("line")
    return (
        PagopaFlow.objects.filter(city=city)
        .annotate(
            received_count=Count("lines", filter=received), received_cents=Sum("lines__amount_cents", filter=received)
        )
        .prefetch_related(Prefetch("lines", queryset=left, to_attr="left_lines"))
        .order_by("-settlement_on", "-pk")
    )
