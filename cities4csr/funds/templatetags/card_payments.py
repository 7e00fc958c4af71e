"""``{% card_payment contribution %}``: the "Pay by card" panel of a contribution's page, shown
only when the contribution is a pending card one and its city takes card payments (ADR 0029)."""

from django import template

from cities4csr.funds.models import Contribution
from cities4csr.funds.providers import card_payments_available

register = template.Library()


@register.inclusion_tag("funds/includes/card_payment.html", takes_context=True)
def card_payment(context, contribution: Contribution) -> dict:
    request = context.get("request")
    shown = (
        contribution.channel == Contribution.Channel.CARD
        and contribution.state == Contribution.State.PENDING
        and card_payments_available(contribution.city)
    )
    returned = request.GET.get("card", "") if request is not None else ""
    return {
        "contribution": contribution,
        "card_payment_shown": shown,
        "card_payment_returned": returned if returned in ("done", "cancelled") else "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
