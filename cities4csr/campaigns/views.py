"""Pages of campaigns: the public list and page (progress, match money left, "your €50 becomes
€100", the give form), the donor's own page of a gift, and the officers' pages to prepare, open
and close a campaign."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.forms import add_service_errors, transition_messages
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.funds.models import Contribution
from cities4csr.organisations.selectors import organisations_represented

from . import selectors, services
from .forms import CampaignForm, GiftForm, MatcherForm, PreviewForm, WithdrawForm
from .models import Campaign, Matcher


class CampaignListView(CityMixin, TemplateView):
    template_name = "campaigns/campaign_list.html"

    def get_context_data(self, **kwargs):
        campaigns = list(selectors.campaigns_visible(actor=self.request.user, city=self.city))
        return super().get_context_data(
            open_campaigns=[c for c in campaigns if c.state == Campaign.State.OPEN],
            past_campaigns=[c for c in campaigns if c.state in selectors.CLOSED_STATES],
            can_add=self.request.user.has_perm("campaigns.add_campaign", self.city),
            **kwargs,
        )


def _preview(figures, cents):
    preview = figures.preview(cents) if cents else None
    return {"preview": preview}


class CampaignDetailView(CityMixin, TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        campaign = selectors.campaign_get(actor=user, city=self.city, slug=self.kwargs["slug"])
        figures = selectors.campaign_figures(campaign)
        example = 5_000
        if "gift_form" not in kwargs and campaign.is_open:
            kwargs["gift_form"] = GiftForm(
                city=self.city, organisations=organisations_represented(actor=user, city=self.city)
            )
        return super().get_context_data(
            campaign=campaign,
            figures=figures,
            progress=figures.progress,
            preview=figures.preview(example) if campaign.is_open else None,
            preview_form=PreviewForm(currency=self.city.currency, initial={"amount": example}),
            can_change=user.has_perm("campaigns.change_campaign", campaign),
            top_ups=[m for m in figures.matchers if m.top_up_cents],
            **kwargs,
        )


class CampaignPreviewView(CityMixin, TemplateView):
    """What an amount typed on the page becomes (htmx), in the page's language and currency."""

    template_name = "campaigns/includes/preview.html"

    def get_context_data(self, **kwargs):
        campaign = selectors.campaign_get(actor=self.request.user, city=self.city, slug=self.kwargs["slug"])
        form = PreviewForm(self.request.GET, currency=self.city.currency)
        preview, error = None, ""
        if not campaign.is_open:
            error = _("This campaign is not open to gifts.")
        elif form.is_valid():
            preview = selectors.campaign_figures(campaign).preview(form.cleaned_data["amount"])
        else:
            error = " ".join(form.errors.get("amount", [])) or _("Give an amount.")
        return super().get_context_data(campaign=campaign, preview=preview, preview_error=error, **kwargs)


def contribution_url(city, contribution) -> str:
    """The donor's page of a gift to the campaign, with the campaign's own bank details."""
    return reverse("campaign_gift", kwargs={"city_slug": city.slug, "token": contribution.access_token})


class CampaignGiveView(CityMixin, View):
    """POST from the campaign page: a gift by bank transfer, then the donor's page with the
    payment instructions (reference, IBAN)."""

    def post(self, request, city_slug, slug):
        campaign = selectors.campaign_get(actor=request.user, city=self.city, slug=slug)
        organisations = organisations_represented(actor=request.user, city=self.city)
        form = GiftForm(request.POST, city=self.city, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                gift = services.campaign_gift_create(
                    actor=request.user,
                    campaign=campaign,
                    amount_cents=data["amount_cents"],
                    donor_kind=form.donor_kind(),
                    donor_name=data["donor_name"],
                    donor_email=data["donor_email"],
                    organisation=data.get("organisation"),
                    name_public=data["name_public"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your gift is announced. Here is how to pay it."))
                return redirect(contribution_url(self.city, gift))
        view = CampaignDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(gift_form=form), status=400)


class CampaignGiftView(CityMixin, TemplateView):
    """The donor's own page of a gift to a campaign, by its secret link: amount, state, how to pay."""

    template_name = "campaigns/gift_detail.html"

    def get_context_data(self, **kwargs):
        gift = (
            Contribution.objects.filter(city=self.city, access_token=self.kwargs["token"])
            .select_related("target")
            .first()
        )
        if gift is None or gift.target.kind != "campaign":
            raise Http404
        campaign = Campaign.objects.filter(city=self.city, account=gift.target).first()
        if campaign is None:
            raise Http404
        return super().get_context_data(gift=gift, campaign=campaign, **kwargs)


# -- the officers' pages --------------------------------------------------------------------------


class CampaignManageListView(CityPermissionMixin, TemplateView):
    permission_required = "campaigns.add_campaign"
    template_name = "campaigns/manage_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaigns=selectors.campaigns_visible(actor=self.request.user, city=self.city), **kwargs
        )


class CampaignCreateView(CityPermissionMixin, TemplateView):
    permission_required = "campaigns.add_campaign"
    template_name = "campaigns/campaign_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CampaignForm(city=self.city))
        return super().get_context_data(**kwargs)

    def post(self, request, city_slug):
        form = CampaignForm(request.POST, city=self.city)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            slug = fields.pop("slug")
            try:
                campaign = services.campaign_create(actor=request.user, city=self.city, slug=slug, **fields)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The campaign is saved as a draft: add its matchers, then open it."))
                return redirect("campaign_edit", city_slug=city_slug, slug=campaign.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class _CampaignOfficerMixin(CityMixin):
    def campaign(self) -> Campaign:
        campaign = selectors.campaign_get(actor=self.request.user, city=self.city, slug=self.kwargs["slug"])
        if not self.request.user.has_perm("campaigns.change_campaign", campaign):
            raise Http404
        return campaign


class CampaignEditView(_CampaignOfficerMixin, TemplateView):
    template_name = "campaigns/campaign_edit.html"

    def get_context_data(self, **kwargs):
        campaign = kwargs.pop("campaign", None) or self.campaign()
        kwargs.setdefault("form", CampaignForm(city=self.city, campaign=campaign))
        kwargs.setdefault("matcher_form", MatcherForm(city=self.city))
        return super().get_context_data(
            campaign=campaign,
            matchers=selectors.matchers_of(campaign),
            transitions=transitions_for(actor=self.request.user, obj=campaign),
            withdraw_form=WithdrawForm(),
            **kwargs,
        )

    def post(self, request, city_slug, slug):
        campaign = self.campaign()
        form = CampaignForm(request.POST, city=self.city, campaign=campaign)
        if form.is_valid():
            fields = {
                name: value
                for name, value in form.cleaned_data.items()
                if name not in form.fields or not form.fields[name].disabled
            }
            try:
                services.campaign_update(actor=request.user, campaign=campaign, **fields)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect("campaign_edit", city_slug=city_slug, slug=slug)
        return self.render_to_response(self.get_context_data(campaign=campaign, form=form), status=400)


class MatcherAddView(_CampaignOfficerMixin, View):
    def post(self, request, city_slug, slug):
        campaign = self.campaign()
        form = MatcherForm(request.POST, city=self.city)
        if form.is_valid():
            try:
                services.matcher_save(actor=request.user, campaign=campaign, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The matcher is added."))
                return redirect("campaign_edit", city_slug=city_slug, slug=slug)
        view = CampaignEditView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(campaign=campaign, matcher_form=form), status=400)


class MatcherEditView(_CampaignOfficerMixin, TemplateView):
    template_name = "campaigns/matcher_form.html"

    def matcher(self, campaign) -> Matcher:
        matcher = Matcher.objects.filter(campaign=campaign, pk=self.kwargs["pk"]).first()
        if matcher is None:
            raise Http404
        return matcher

    def get_context_data(self, **kwargs):
        campaign = kwargs.pop("campaign", None) or self.campaign()
        matcher = kwargs.pop("matcher", None) or self.matcher(campaign)
        kwargs.setdefault("form", MatcherForm(city=self.city, matcher=matcher))
        return super().get_context_data(campaign=campaign, matcher=matcher, **kwargs)

    def post(self, request, city_slug, slug, pk):
        campaign = self.campaign()
        matcher = self.matcher(campaign)
        if request.POST.get("delete"):
            with transition_messages(request):
                services.matcher_delete(actor=request.user, matcher=matcher)
                messages.success(request, _("The matcher is removed."))
            return redirect("campaign_edit", city_slug=city_slug, slug=slug)
        form = MatcherForm(request.POST, city=self.city, matcher=matcher)
        if form.is_valid():
            try:
                services.matcher_save(actor=request.user, campaign=campaign, matcher=matcher, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The matcher is saved."))
                return redirect("campaign_edit", city_slug=city_slug, slug=slug)
        return self.render_to_response(self.get_context_data(campaign=campaign, matcher=matcher, form=form), status=400)


class CampaignTransitionView(_CampaignOfficerMixin, View):
    """Open a draft, withdraw it, or close an open campaign now (its deadline applied at once)."""

    def post(self, request, city_slug, slug):
        campaign = self.campaign()
        action = request.POST.get("to", "")
        with transition_messages(request):
            if action == Campaign.State.OPEN:
                services.campaign_open(actor=request.user, campaign=campaign)
                messages.success(request, _("The campaign is open to gifts."))
            elif action == "withdraw":
                form = WithdrawForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.campaign_withdraw(actor=request.user, campaign=campaign, reason=reason)
                messages.success(request, _("The draft is withdrawn."))
            elif action == "close_now":
                campaign = services.campaign_close(actor=request.user, campaign=campaign)
                messages.success(
                    request,
                    _("The deadline is applied: the campaign is now “%(state)s”.")
                    % {"state": campaign.get_state_display()},
                )
            else:
                messages.error(request, _("Choose what to do."))
        return redirect("campaign_edit", city_slug=city_slug, slug=slug)
