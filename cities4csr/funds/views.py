"""Pages of city funds."""

# --- card payments (ADR 0029) -----------------------------------------------------------------

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.views import View

from cities4csr.core.mixins import CityMixin

from .models import Contribution
from .providers import card_payments_available
from .providers.services import card_checkout_start
from .selectors import contribution_by_token


def contribution_page_path(contribution: Contribution) -> str:
    """The donor's own page of a contribution (``funds/contributions/<access_token>/``), where
    a card payment starts and comes back to."""
    kwargs = {"city_slug": contribution.city.slug, "access_token": contribution.access_token}
    try:
        return reverse("contribution_detail", kwargs=kwargs)
    except NoReverseMatch:  # the page's own route is the fund pages'; its address is fixed by them
        return reverse("contribution_pay_by_card", kwargs=kwargs).removesuffix("pay-by-card/")


class ContributionPayByCardView(CityMixin, View):
    """POST from a pending card contribution's page: off to the provider's hosted checkout.
    404 when the city takes no card payments or the contribution is not a card one."""

    http_method_names = ["post"]

    def post(self, request, city_slug, access_token):
        if not card_payments_available(self.city):
            raise Http404
        contribution = contribution_by_token(city=self.city, access_token=access_token)
        if contribution is None or contribution.channel != Contribution.Channel.CARD:
            raise Http404
        page = contribution_page_path(contribution)
        try:
            url = card_checkout_start(
                actor=request.user,
                contribution=contribution,
                success_url=f"{settings.SITE_URL}{page}?card=done",
                cancel_url=f"{settings.SITE_URL}{page}?card=cancelled",
                locale=get_language() or "",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(page)
        return HttpResponseRedirect(url)
