from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.files import file_response, file_suffix, is_image, is_pdf
from cities4csr.core.forms import add_service_errors, transition_messages
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.needs.selectors import need_get, needs_to_review
from cities4csr.needs.views import NeedDetailView
from cities4csr.organisations.selectors import organisations_represented, partners_choosable

from . import selectors, services
from .forms import EvidenceForm, EvidenceReplaceForm, EvidenceWithdrawForm, PledgeForm, PledgeTransitionForm
from .models import Pledge


class PledgeCreateView(CityMixin, View):
    """POST from the need page: pledge quantities of its lines."""

    def post(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        form = PledgeForm(
            request.POST,
            lines=need.lines.all(),
            organisations=organisations_represented(actor=request.user, city=self.city),
            partners=partners_choosable(actor=request.user, city=self.city),
            currency=self.city.currency,
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                pledge = services.pledge_propose(
                    actor=request.user,
                    need=need,
                    organisation=data["organisation"],
                    items=data["items"],
                    costs=data["costs"],
                    is_public=data["is_public"],
                    message=data["message"],
                    partners=data["partners"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your pledge is sent to the city for acceptance."))
                return redirect("pledge_detail", city_slug=city_slug, pk=pledge.pk)
        view = NeedDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(pledge_form=form), status=400)


class PledgeDetailView(CityMixin, TemplateView):
    template_name = "pledges/pledge_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pledge = selectors.pledge_get(actor=user, city=self.city, pk=self.kwargs["pk"])
        partnerships = list(pledge.partnerships.all())
        evidence = list(pledge.evidence.all())
        for item in evidence:
            item.is_image, item.is_pdf = is_image(item.file.name), is_pdf(item.file.name)
            item.suffix = file_suffix(item.file.name).lstrip(".").upper()
        for partnership in partnerships:
            partnership.pledge = pledge
            partnership.next_steps = transitions_for(actor=user, obj=partnership)
        return super().get_context_data(
            pledge=pledge,
            partnerships=partnerships,
            **_agreement_context(user, self.city, pledge),
            transitions=transitions_for(actor=user, obj=pledge),
            can_add_evidence=user.has_perm("pledges.add_evidence", pledge)
            and pledge.state
            in (Pledge.State.ACCEPTED, Pledge.State.AGREED, Pledge.State.IN_DELIVERY, Pledge.State.DELIVERED),
            evidence_form=kwargs.pop("evidence_form", EvidenceForm()),
            evidence=evidence,
            can_view_evidence=user.has_perm("pledges.view_evidence", pledge),
            can_change_evidence=user.has_perm("pledges.change_evidence", pledge)
            and pledge.state in services.EVIDENCE_OPEN_STATES,
            evidence_withdrawn=selectors.evidence_withdrawn(city=self.city, pledge=pledge),
            **kwargs,
        )


def _agreement_context(user, city, pledge) -> dict:
    """The agreement panel (instrument, checklist, returns, drafts) of cities4csr.instruments."""
    from cities4csr.documents.rendering import DRAFTABLE, pdf_unavailable_reason
    from cities4csr.instruments.forms import AgreementTermsForm, ReturnForm
    from cities4csr.instruments.selectors import agreement_for_pledge

    agreement = agreement_for_pledge(city=city, pledge=pledge)
    if agreement is None:
        return {"agreement": None, "can_confirm": user.has_perm("instruments.confirm_instrument", pledge)}
    return {
        "agreement": agreement,
        "can_confirm": user.has_perm("instruments.confirm_instrument", pledge),
        "has_notice": any(s.blocks_agreement for s in agreement.steps.all()),
        "return_form": ReturnForm(currency=city.currency),
        "terms_form": AgreementTermsForm(instance=agreement, prefix="terms"),
        "draftable": agreement.instrument in DRAFTABLE,
        "pdf_missing": pdf_unavailable_reason(),
    }


class PledgeTransitionView(CityMixin, View):
    def post(self, request, city_slug, pk):
        pledge = selectors.pledge_get(actor=request.user, city=self.city, pk=pk)
        form = PledgeTransitionForm(request.POST)
        if form.is_valid():
            with transition_messages(request):
                services.pledge_transition(actor=request.user, pledge=pledge, **form.cleaned_data)
                messages.success(
                    request, _("Done: the pledge is now “%(state)s”.") % {"state": pledge.get_state_display()}
                )
        return redirect("pledge_detail", city_slug=city_slug, pk=pk)


class PartnershipTransitionView(CityMixin, View):
    """A named partner accepts or declines; the lead withdraws the invitation."""

    def post(self, request, city_slug, pk, organisation_pk):
        partnership = selectors.partnership_get(
            actor=request.user, city=self.city, pledge_pk=pk, organisation_pk=organisation_pk
        )
        with transition_messages(request):
            services.partnership_transition(actor=request.user, partnership=partnership, to=request.POST.get("to", ""))
            messages.success(request, _("Thank you: your answer has been recorded."))
        return redirect("pledge_detail", city_slug=city_slug, pk=pk)


class EvidenceAddView(CityMixin, View):
    def post(self, request, city_slug, pk):
        pledge = selectors.pledge_get(actor=request.user, city=self.city, pk=pk)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, pledge=pledge, **form.cleaned_data)
                messages.success(request, _("Evidence added."))
                return redirect("pledge_detail", city_slug=city_slug, pk=pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        view = PledgeDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(evidence_form=form), status=400)


class EvidenceFileView(CityMixin, View):
    """A piece of evidence's file, to those allowed only (403 for the others): images and PDFs
    shown in the browser, other files downloaded; ``?download=1`` always downloads."""

    def get(self, request, city_slug, pk):
        evidence = selectors.evidence_get(actor=request.user, city=self.city, pk=pk)
        if evidence.is_withdrawn:
            raise Http404("Withdrawn")
        return file_response(
            evidence.file, download=bool(request.GET.get("download")), filename=evidence.file_name or None
        )


class EvidenceCorrectView(CityMixin, View):
    """POST: replace a piece of evidence by a corrected file, or withdraw it (pledges.services)."""

    action = "replace"

    def post(self, request, city_slug, pk):
        evidence = selectors.evidence_get(actor=request.user, city=self.city, pk=pk)
        if self.action == "replace":
            form = EvidenceReplaceForm(request.POST, request.FILES)
        else:
            form = EvidenceWithdrawForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("pledge_detail", city_slug=city_slug, pk=evidence.pledge_id)
        try:
            if self.action == "replace":
                services.evidence_replace(actor=request.user, evidence=evidence, **form.cleaned_data)
                messages.success(request, _("The evidence has been replaced."))
            else:
                services.evidence_withdraw(actor=request.user, evidence=evidence, **form.cleaned_data)
                messages.success(request, _("The evidence has been withdrawn."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("pledge_detail", city_slug=city_slug, pk=evidence.pledge_id)


class OfficerWorkspaceView(CityPermissionMixin, TemplateView):
    """The officer's queues: needs to review, pledges to accept, deliveries to verify."""

    permission_required = "needs.review_need"
    template_name = "pledges/officer_workspace.html"

    #: each queue lists its oldest items, with how many there are in all: a metro-scale city has
    #: hundreds waiting, and a page listing them all took seconds (bench/locustfile.py)
    limit = 50

    def get_context_data(self, **kwargs):
        queues = {
            "needs_to_review": needs_to_review(city=self.city),
            "pledges_to_accept": selectors.pledges_in_state(city=self.city, states=[Pledge.State.PROPOSED]),
            "deliveries_to_verify": selectors.pledges_in_state(city=self.city, states=[Pledge.State.DELIVERED]),
        }
        context = {name: list(queryset[: self.limit]) for name, queryset in queues.items()}
        # the total only when the list is cut
        counts = {
            f"{name}_total": queryset.count() if len(context[name]) == self.limit else len(context[name])
            for name, queryset in queues.items()
        }
        return super().get_context_data(**context, **counts, workspace_limit=self.limit, **kwargs)
