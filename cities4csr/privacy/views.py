"""A person's own data (export, consents, erasure) and each city's privacy and cookie notices."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cities4csr.accounts.models import Consent
from cities4csr.accounts.selectors import consents_of, public_name
from cities4csr.accounts.services import consent_give, consent_withdraw, consent_wording
from cities4csr.cities.models import City
from cities4csr.core.mixins import CityMixin
from cities4csr.organisations.models import Membership

from . import cookies
from .forms import ConsentForm, EraseForm, NameForm
from .selectors import account_export
from .services import account_name_update, cities_of, erasure_blockers

# Where a person complains about the processing of their data (GDPR art. 77): the supervisory
# authority of the city's country; elsewhere, the list of the EU's authorities.
SUPERVISORY_AUTHORITIES = {
    "IT": ("Garante per la protezione dei dati personali", "https://www.garanteprivacy.it/"),
    "FR": ("Commission nationale de l'informatique et des libertés (CNIL)", "https://www.cnil.fr/"),
}
EDPB_MEMBERS = (
    "European Data Protection Board: members",
    "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en",
)


class AccountDataView(LoginRequiredMixin, TemplateView):
    """The person's page about their data: download it, the consents, erase the account."""

    template_name = "privacy/account_data.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        represented = sorted(
            {
                m.city
                for m in Membership.objects.with_scopes_disabled()
                .filter(user=user, role=Membership.Role.REPRESENTATIVE)
                .select_related("city")
            },
            key=lambda c: c.name,
        )
        standing = {(c.city_id, c.purpose) for c in consents_of(user=user) if c.is_standing}
        consent_rows = [
            {
                "city": city,
                "purpose": Consent.Purpose.PUBLIC_NAME,
                "wording": consent_wording(city=city, purpose=Consent.Purpose.PUBLIC_NAME),
                "given": (city.pk, Consent.Purpose.PUBLIC_NAME) in standing,
            }
            for city in represented
        ]
        return super().get_context_data(
            cities=cities_of(user=user),
            consent_rows=consent_rows,
            consents=consents_of(user=user),
            public_name=public_name(user=user),
            name_form=NameForm(initial={"first_name": user.first_name, "last_name": user.last_name}),
            blockers=erasure_blockers(user=user),
            **kwargs,
        )


class AccountExportView(LoginRequiredMixin, View):
    """The person's data as a JSON file (the same document as GET /api/v1/me/data/)."""

    def get(self, request):
        data = account_export(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="cities4csr-my-data-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response


class ConsentView(LoginRequiredMixin, View):
    """POST: give or withdraw a consent to one city."""

    def post(self, request):
        form = ConsentForm(request.POST)
        if not form.is_valid() or form.cleaned_data["purpose"] not in Consent.Purpose.values:
            messages.error(request, _("This consent could not be recorded: nothing was changed."))
            return redirect("account_data")
        city = City.objects.filter(slug=form.cleaned_data["city"]).first()
        if city is None:
            raise Http404
        purpose = form.cleaned_data["purpose"]
        if form.cleaned_data["give"]:
            consent_give(actor=request.user, user=request.user, city=city, purpose=purpose)
            messages.success(request, _("Your consent is recorded. You can withdraw it here at any time."))
        else:
            consent_withdraw(actor=request.user, user=request.user, city=city, purpose=purpose)
            messages.success(request, _("Your consent is withdrawn: your name is no longer shown."))
        return redirect("account_data")


class NameView(LoginRequiredMixin, View):
    """POST: the person corrects their first and last name."""

    def post(self, request):
        form = NameForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("This name could not be saved: nothing was changed."))
            return redirect("account_data")
        try:
            account_name_update(actor=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("account_data")
        messages.success(request, _("Your name is saved."))
        return redirect("account_data")


class AccountEraseView(LoginRequiredMixin, FormView):
    """The confirmation step: the password, and that the person understands; then the erasure."""

    template_name = "privacy/account_erase.html"
    form_class = EraseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(blockers=erasure_blockers(user=self.request.user), **kwargs)

    def form_valid(self, form):
        from .services import account_erase

        try:
            account_erase(actor=self.request.user, user=self.request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        logout(self.request)
        return redirect("account_erased")


class AccountErasedView(TemplateView):
    template_name = "privacy/account_erased.html"


class PrivacyNoticeView(CityMixin, TemplateView):
    """The city's privacy notice (GDPR art. 13): controller, data protection officer, what is
    processed and why, retention, rights, complaint."""

    template_name = "privacy/privacy_notice.html"

    def get_context_data(self, **kwargs):
        authority = SUPERVISORY_AUTHORITIES.get(self.city.country)
        return super().get_context_data(
            notice_date=self.city.privacy_notice_date or self.city.created_at.date(),
            authority_name=authority[0] if authority else "",
            authority_url=authority[1] if authority else EDPB_MEMBERS[1],
            **kwargs,
        )


class CookieNoticeView(TemplateView):
    """The cookies the site sets (technical ones only), with their purpose and duration."""

    template_name = "privacy/cookie_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cookies=cookies.site_cookies(), city=getattr(self.request, "city", None), **kwargs
        )
