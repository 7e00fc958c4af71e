"""Matching on the pages: "Recommended for you" in the company workspace, "Who could help" and
the pooling proposal on an officer's need page, and the two one-click writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin
from cities4csr.matching.states import invitation_roles
from cities4csr.needs.selectors import need_get

from . import selectors, services
from .models import Invitation


def company_context(*, user, city, organisation) -> dict:
    """What the company workspace shows of matching: recommended needs and invitations."""
    if not user.has_perm("matching.view_recommendations", organisation):
        return {}
    recommended = selectors.explained(
        city=city,
        recommendations=selectors.recommendations_for_company(city=city, organisation=organisation),
        reader="company",
    )
    invitations = list(selectors.invitations_of(city=city, organisations=[organisation]))
    for invitation in invitations:
        invitation.next_steps = transitions_for(actor=user, obj=invitation)
    return {
        "recommended": recommended,
        "match_run": selectors.last_run(city=city),
        "invitations": invitations,
    }


def need_context(*, user, city, need) -> dict:
    """What an officer sees on a need page: who could help, and a pooling proposal."""
    if not user.has_perm("matching.view_helpers", need):
        return {}
    helpers = selectors.explained(
        city=city, recommendations=selectors.recommendations_for_need(city=city, need=need), reader="city"
    )
    action = selectors.open_action_for_need(city=city, need=need)
    return {
        "helpers": helpers,
        "match_run": selectors.last_run(city=city),
        "proposal": selectors.pool_proposal(city=city, need=need) if helpers else None,
        "collective_action": action,
        "can_launch": user.has_perm("matching.launch_collective_action", need)
        and (action is None or action.state == action.State.CLOSED),
    }


class CollectiveActionLaunchView(CityMixin, View):
    def post(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        try:
            action = services.collective_action_launch(actor=request.user, need=need)
            messages.success(
                request,
                _("Collective action launched: %(count)s companies invited.") % {"count": action.invitations.count()},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("need_detail", city_slug=city_slug, pk=pk)


class InvitationTransitionView(CityMixin, View):
    def post(self, request, city_slug, pk):
        invitation = get_object_or_404(
            Invitation.objects.select_related("action__need", "organisation"), city=self.city, pk=pk
        )
        if not invitation_roles(request.user, invitation):
            raise PermissionDenied
        to = request.POST.get("to", "")
        if to not in Invitation.State.values:
            messages.error(request, _("Unknown step."))
        else:
            try:
                services.invitation_transition(actor=request.user, invitation=invitation, to=to)
                messages.success(request, _("Thank you: your answer has been recorded."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(
            f"{reverse('company_workspace', kwargs={'city_slug': city_slug})}?organisation={invitation.organisation_id}"
        )
