"""Pages of city funds."""

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.mixins import CityMixin
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.rules import is_city_officer

from . import receipts as receipt_docs
from .forms import ME, GiftStatementForm
from .selectors import (
    contribution_for_receipt,
    gift_statement_contributions,
    receipt_contribution_by_token,
    represented_organisations,
)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF read in the browser (``inline``), never cached by a shared cache: it holds
    personal data."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def receipt_response(request, contribution):
    """The receipt's PDF in the reader's language, or a page saying why there is none yet."""
    refusal = receipt_docs.receipt_refusal(contribution)
    if refusal is not None:
        return render(
            request,
            "funds/receipt_unavailable.html",
            {"city": request.city, "contribution": contribution, "reason": refusal.messages[0]},
            status=409,
        )
    language = receipt_docs.receipt_language(translation.get_language(), request.city)
    data = receipt_docs.receipt_pdf(contribution, language=language)
    return pdf_response(data, f"{contribution.reference}.pdf")


class ContributionReceiptView(CityMixin, View):
    """A donor's receipt through the secret link of their contribution (no account needed)."""

    def get(self, request, city_slug, access_token):
        return receipt_response(request, receipt_contribution_by_token(city=self.city, access_token=access_token))


class OfficerContributionReceiptView(CityMixin, View):
    """A contribution's receipt by its number, for the city's officers and its donor; 404 for
    anyone else."""

    def get(self, request, city_slug, pk):
        return receipt_response(request, contribution_for_receipt(actor=request.user, city=self.city, pk=pk))


def gift_statement_form(request, city, data):
    officer = is_city_officer(request.user, city)
    officer_organisations = (
        Organisation.objects.filter(city=city, contributions__isnull=False).distinct().order_by("name", "pk")
        if officer
        else None
    )
    return GiftStatementForm(
        data,
        represented=represented_organisations(actor=request.user, city=city),
        officer_organisations=officer_organisations,
    )


def gift_statement_for(request, city, form):
    """The donor's name and the contributions a valid form asks for; 403 for an organisation the
    person may not see."""
    data = form.cleaned_data
    org_id = form.organisation_id()
    if org_id is not None:
        organisation = Organisation.objects.filter(city=city, pk=org_id).first()
        if organisation is None:
            raise Http404("No such organisation")
        if not request.user.has_perm("funds.view_statement", organisation):
            raise PermissionDenied
        contributions = gift_statement_contributions(
            city=city, start=data["start"], end=data["end"], organisation=organisation
        )
        return organisation.name, contributions
    if data["donor"] == ME:
        contributions = gift_statement_contributions(
            city=city, start=data["start"], end=data["end"], person=request.user
        )
        return str(request.user), contributions
    if not request.user.has_perm("funds.view_contributions", city):
        raise PermissionDenied
    contributions = list(
        gift_statement_contributions(city=city, start=data["start"], end=data["end"], email=data["email"])
    )
    name = contributions[-1].donor_name if contributions else data["email"]
    return f"{name} <{data['email']}>" if name != data["email"] else name, contributions


class GiftStatementView(LoginRequiredMixin, CityMixin, TemplateView):
    """A statement of a donor's gifts over a period: a person's own, an organisation's for its
    representatives, any donor's for the city's officers; as a page and as a PDF."""

    raise_exception = True  # 403, as every page of the city refuses (never a redirect that hints)
    template_name = "funds/gift_statements.html"
    pdf = False

    def get(self, request, *args, **kwargs):
        asked = bool(request.GET)
        form = gift_statement_form(request, self.city, request.GET if asked else None)
        if not asked or not form.is_valid():
            if self.pdf:
                return self.render_to_response(self.get_context_data(form=form), status=400)
            return self.render_to_response(self.get_context_data(form=form))
        donor, contributions = gift_statement_for(request, self.city, form)
        language = receipt_docs.receipt_language(translation.get_language(), self.city)
        statement = receipt_docs.gift_statement_build(
            contributions,
            city=self.city,
            donor=donor,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            language=language,
        )
        if self.pdf:
            name = _("statement") + f"-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.pdf"
            return pdf_response(receipt_docs.gift_statement_pdf(statement), name)
        return self.render_to_response(
            self.get_context_data(form=form, statement=statement, query=request.GET.urlencode())
        )
