"""Pages of the advisor: the public questionnaire (the Vademecum online) and its result, the
instrument pages, and inside a pledge the advisor pre-filled from it with the agreement panel."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.files import file_response
from cities4csr.core.mixins import CityMixin
from cities4csr.documents.models import Draft
from cities4csr.documents.services import draft_generate
from cities4csr.pledges.selectors import pledge_get

from . import advisor, services
from .adapters import answers_from_pledge
from .forms import AdvisorForm, AgreementTermsForm, NoticeForm, ReturnForm, answers_as_query
from .models import ChecklistStep
from .packs import load_pack


def instrument_names(city) -> dict:
    pack = load_pack(city.country) or {}
    return {code: spec["names"] for code, spec in pack.get("instruments", {}).items()}


class AdvisorFormView(CityMixin, TemplateView):
    template_name = "instruments/advisor_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", AdvisorForm(currency=self.city.currency)),
            has_rules=bool(load_pack(self.city.country)),
            **kwargs,
        )


class AdvisorResultView(CityMixin, TemplateView):
    template_name = "instruments/advisor_result.html"

    def get(self, request, *args, **kwargs):
        form = AdvisorForm(request.GET, currency=self.city.currency)
        if not form.is_valid():
            view = AdvisorFormView(request=request, kwargs=kwargs)
            view.city = self.city
            return view.render_to_response(view.get_context_data(form=form), status=400)
        advice = services.advise(city=self.city, answers=form.answers())
        return self.render_to_response(
            self.get_context_data(
                advice=advice,
                names=instrument_names(self.city),
                query=request.GET.urlencode(),
                open_funds=services.funds_for_advice(city=self.city, advice=advice),
            )
        )


class InstrumentListView(CityMixin, TemplateView):
    template_name = "instruments/instrument_list.html"

    def get_context_data(self, **kwargs):
        pack = load_pack(self.city.country)
        return super().get_context_data(pack=pack, **kwargs)


class InstrumentDetailView(CityMixin, TemplateView):
    template_name = "instruments/instrument_detail.html"

    def get_context_data(self, **kwargs):
        pack = load_pack(self.city.country) or {}
        if self.kwargs["code"] not in pack.get("instruments", {}):
            raise Http404("No such instrument here")
        spec = advisor.describe_instrument(pack, self.kwargs["code"], timezone.localdate())
        rules = [r for r in pack["rules"] if r.get("instrument") == self.kwargs["code"]]
        kwargs["code"] = self.kwargs["code"]
        return super().get_context_data(spec=spec, rules=rules, pack=pack, **kwargs)


class PledgeOfficerMixin(CityMixin):
    def get_pledge(self):
        pledge = pledge_get(actor=self.request.user, city=self.city, pk=self.kwargs["pk"])
        if not self.request.user.has_perm("instruments.confirm_instrument", pledge):
            raise PermissionDenied
        return pledge


class PledgeAdvisorView(PledgeOfficerMixin, TemplateView):
    """The advisor pre-filled from the pledge; the officer completes it and confirms."""

    template_name = "instruments/pledge_advisor.html"

    def get_context_data(self, **kwargs):
        pledge = self.get_pledge()
        data = (
            self.request.GET
            if self.request.GET
            else answers_as_query(answers_from_pledge(pledge), currency=self.city.currency)
        )
        form = AdvisorForm(data, currency=self.city.currency)
        advice = services.advise(city=self.city, answers=form.answers()) if form.is_valid() else None
        return super().get_context_data(
            pledge=pledge,
            form=form,
            advice=advice,
            names=instrument_names(self.city),
            answers_json=json.dumps(form.answers()) if advice else "",
            confirmable=advice is not None and advice.recommended != advisor.NEEDS_REVIEW,
            **kwargs,
        )

    def post(self, request, city_slug, pk):
        pledge = self.get_pledge()
        try:
            answers = json.loads(request.POST.get("answers", "{}"))
            notice = NoticeForm(request.POST) if request.POST.get("published_on") else None
            if notice is not None and not notice.is_valid():
                raise ValidationError(_("Enter the notice date as YYYY-MM-DD."))
            services.agreement_confirm(
                actor=request.user,
                pledge=pledge,
                answers=answers,
                instrument=request.POST.get("instrument", ""),
                notice_starts_on=notice.cleaned_data["published_on"] if notice else None,
            )
        except (ValidationError, json.JSONDecodeError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("pledge_advisor", city_slug=city_slug, pk=pk)
        pledge.refresh_from_db()
        messages.success(request, _("Instrument confirmed: the checklist of steps is started."))
        return redirect("pledge_detail", city_slug=city_slug, pk=pk)


class AgreementActionView(PledgeOfficerMixin, View):
    """POST actions on a pledge's agreement: notice, conclude, step done, return, drafts."""

    action = ""

    def post(self, request, city_slug, pk):
        pledge = self.get_pledge()
        agreement = getattr(pledge, "agreement", None)
        if agreement is None:
            raise Http404("No agreement")
        try:
            if self.action == "notice":
                form = NoticeForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Enter the notice date as YYYY-MM-DD."))
                services.agreement_record_notice(
                    actor=request.user, agreement=agreement, published_on=form.cleaned_data["published_on"]
                )
                messages.success(request, _("Notice date recorded."))
            elif self.action == "conclude":
                services.agreement_conclude(actor=request.user, agreement=agreement)
                messages.success(request, _("The agreement is concluded: the pledge is agreed."))
            elif self.action == "step":
                if not str(request.POST.get("step", "")).isdigit():
                    raise Http404("No such step")
                services.step_done(
                    actor=request.user,
                    step=get_object_or_404(
                        ChecklistStep.objects.filter(city=self.city, agreement=agreement), pk=request.POST["step"]
                    ),
                )
            elif self.action == "return":
                form = ReturnForm(request.POST, currency=self.city.currency)
                if not form.is_valid():
                    raise ValidationError(
                        [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields]
                        or [_("Check the form.")]
                    )
                data = form.cleaned_data
                services.return_add(
                    actor=request.user,
                    agreement=agreement,
                    kind=data["kind"],
                    description=data["description"],
                    value_cents=data["value_eur"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
                messages.success(request, _("Return recorded: it is published on the company's page."))
            elif self.action == "terms":
                form = AgreementTermsForm(request.POST, instance=agreement, prefix="terms")
                if not form.is_valid():
                    raise ValidationError(
                        [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields]
                        + list(form.non_field_errors())
                        or [_("Check the form.")]
                    )
                agreement.refresh_from_db()  # the form wrote into the instance; the service compares
                services.agreement_terms_update(
                    actor=request.user,
                    agreement=agreement,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
                messages.success(request, _("Terms saved: the next drafts will carry them."))
            elif self.action == "drafts":
                _drafts, missing = draft_generate(actor=request.user, agreement=agreement)
                if missing:
                    messages.warning(
                        request, _("The DOCX draft is ready; the PDF could not be made: %(why)s") % {"why": missing}
                    )
                else:
                    messages.success(request, _("Drafts generated."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("pledge_detail", city_slug=city_slug, pk=pk)


class DraftDownloadView(CityMixin, View):
    def get(self, request, city_slug, pk):
        item = get_object_or_404(Draft.objects.filter(city=self.city).select_related("agreement"), pk=pk)
        pledge_get(actor=request.user, city=self.city, pk=item.agreement.pledge_id)  # may the caller see it?
        return file_response(item.file, download=True)  # a draft is saved and worked on, not read in the browser
