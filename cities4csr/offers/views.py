from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cities4csr.cities.selectors import areas_of_kind
from cities4csr.core.forms import add_service_errors
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin
from cities4csr.matching.views import company_context
from cities4csr.needs.selectors import needs_of_organisation, themes_of_city
from cities4csr.organisations.selectors import organisations_represented
from cities4csr.pledges.selectors import partnerships_awaiting, pledges_of_organisations

from . import selectors, services
from .forms import OfferEditForm, OfferForm, ProfileForm


class CompanyWorkspaceView(CityMixin, TemplateView):
    """A representative's workspace: profile, offers, pledges and their next step."""

    template_name = "offers/company_workspace.html"

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        self.organisations = list(organisations_represented(actor=request.user, city=self.city))
        if not self.organisations:
            raise PermissionDenied
        chosen = request.GET.get("organisation") or request.POST.get("organisation")
        self.organisation = next((o for o in self.organisations if str(o.pk) == chosen), self.organisations[0])
        return super().dispatch(request, *args, **kwargs)

    def profile_choices(self) -> dict:
        return {
            "currency": self.city.currency,
            "themes": themes_of_city(city=self.city),
            "areas": areas_of_kind(city=self.city, kind=self.city.settings.primary_area_kind),
        }

    def get_context_data(self, **kwargs):
        profile = selectors.profile_of(organisation=self.organisation)
        initial = {"near_our_sites": True, "notify_new_needs": True}
        if profile:
            initial = {
                "themes": profile.themes.all(),
                "preferred_areas": profile.preferred_areas.all(),
                "sdgs": list(profile.sdgs),
                "headcount": profile.headcount,
                "near_our_sites": profile.near_our_sites,
                "notify_new_needs": profile.notify_new_needs,
                "volunteering_days_per_year": profile.volunteering_days_per_year,
                "volunteer_hour_cost_cents": profile.volunteer_hour_cost_cents,
            }
        pledges = list(pledges_of_organisations(city=self.city, organisations=[self.organisation]))
        invitations = list(partnerships_awaiting(city=self.city, organisations=[self.organisation]))
        for obj in pledges + invitations:
            obj.next_steps = transitions_for(actor=self.request.user, obj=obj)
        return super().get_context_data(
            organisation=self.organisation,
            organisations=self.organisations,
            profile_form=kwargs.pop("profile_form", ProfileForm(initial=initial, **self.profile_choices())),
            offer_form=kwargs.pop("offer_form", OfferForm(currency=self.city.currency)),
            offers=selectors.offers_of(city=self.city, organisations=[self.organisation]),
            pledges=pledges,
            partner_invitations=invitations,
            needs=needs_of_organisation(city=self.city, organisation=self.organisation),
            **company_context(user=self.request.user, city=self.city, organisation=self.organisation),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("form") == "offer":
            form = OfferForm(request.POST, currency=self.city.currency)
            if form.is_valid():
                try:
                    services.offer_create(actor=request.user, organisation=self.organisation, **form.service_kwargs())
                    messages.success(request, _("Offer added."))
                    return redirect(f"{request.path}?organisation={self.organisation.pk}")
                except ValidationError as exc:
                    form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(offer_form=form), status=400)
        form = ProfileForm(request.POST, **self.profile_choices())
        if form.is_valid():
            try:
                services.profile_update(actor=request.user, organisation=self.organisation, **form.cleaned_data)
                messages.success(request, _("Profile saved."))
                return redirect(f"{request.path}?organisation={self.organisation.pk}")
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(profile_form=form), status=400)


class OfferEditView(CityMixin, TemplateView):
    """A company corrects one of its offers (until when it holds, how much) or withdraws it."""

    template_name = "offers/offer_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        self.offer = selectors.offer_get(actor=request.user, city=self.city, pk=kwargs["pk"])
        if not request.user.has_perm("offers.change_profile", self.offer.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect(
            f"{reverse('company_workspace', kwargs={'city_slug': self.city.slug})}?organisation={self.offer.organisation_id}"
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", OfferEditForm(initial=OfferEditForm.initial_of(self.offer), currency=self.city.currency)
        )
        return super().get_context_data(offer=self.offer, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("form") == "withdraw":
            try:
                services.offer_withdraw(actor=request.user, offer=self.offer)
                messages.success(request, _("Offer withdrawn: it no longer counts in matching."))
            except ValidationError as exc:
                messages.info(request, " ".join(exc.messages))
            return self.back()
        form = OfferEditForm(request.POST, currency=self.city.currency)
        if form.is_valid():
            try:
                services.offer_update(actor=request.user, offer=self.offer, **form.service_kwargs())
                messages.success(request, _("Offer saved."))
                return self.back()
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "value_cents" in exc.error_dict:
                    exc = ValidationError({**exc.error_dict, "amount_eur": exc.error_dict.pop("value_cents")})
                add_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)
