"""The company's sustainability statement page (ADR 0036): a period form, the statement's tables
in the page's language, its downloads (PDF, XLSX, JSON), and, for the company's representatives,
the form that records what running its community programme cost (B4SI's management costs) with
the list of those recorded and a button that cancels one entered in error."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.forms import add_service_errors
from cities4csr.core.mixins import CityMixin

from . import exporting, selectors, services
from .forms import ManagementCostForm, PeriodForm
from .statement import LANGUAGES, statement_build


def document_language(language: str | None) -> str:
    language = (language or "").split("-")[0]
    return language if language in LANGUAGES else "en"


class StatementMixin(LoginRequiredMixin, CityMixin):
    raise_exception = True  # 403, never a redirect that hints

    def period_form(self, request):
        self.organisations = list(selectors.statement_organisations(actor=request.user, city=self.city))
        if not self.organisations:
            raise PermissionDenied
        self.chosen = next((o for o in self.organisations if str(o.pk) == request.GET.get("organisation")), None)
        self.chosen = self.chosen or self.organisations[0]
        data = None
        if "start" in request.GET:
            data = request.GET.copy()
            data.setdefault("organisation", str(self.chosen.pk))
        return PeriodForm(data, organisations=self.organisations, initial={"organisation": self.chosen.pk})

    def statement_for(self, form):
        data = form.cleaned_data
        organisation = selectors.statement_organisation_get(
            actor=self.request.user, city=self.city, pk=data["organisation"]
        )
        return organisation, statement_build(
            city=self.city,
            organisation=organisation,
            since=data["start"],
            until=data["end"],
            language=document_language(translation.get_language()),
        )


class StatementView(StatementMixin, TemplateView):
    """The statement page: the period form, then the statement and its downloads."""

    template_name = "reporting/statement.html"

    def get(self, request, *args, **kwargs):
        form = self.period_form(request)
        context = {"form": form}
        organisation = self.chosen
        if form.is_bound and form.is_valid():
            organisation, statement = self.statement_for(form)
            context.update(
                statement=statement,
                tables=_page_tables(statement),
                query=request.GET.urlencode(),
            )
        context.update(self.costs_context(organisation))
        return self.render_to_response(self.get_context_data(**context))

    def costs_context(self, organisation, cost_form=None) -> dict:
        if not self.request.user.has_perm("reporting.record_management_cost", organisation):
            return {}
        return {
            "cost_organisation": organisation,
            "cost_form": cost_form or ManagementCostForm(currency=self.city.currency),
            "costs": selectors.management_costs_of(city=self.city, organisation=organisation),
        }


def _page_tables(statement) -> list[dict]:
    return [
        {
            **table,
            "rows": [
                [
                    (exporting.cell_text(kind, value, statement), exporting._css_class(kind, value), kind)
                    for kind, value in zip(table["kinds"], row, strict=True)
                ]
                for row in table["rows"]
            ],
            "total": [
                (exporting.cell_text(kind, value, statement), exporting._css_class(kind, value), kind)
                for kind, value in zip(table["kinds"], table["total"], strict=True)
            ]
            if table["total"]
            else None,
        }
        for table in exporting.tables(statement)
    ]


class StatementDownloadView(StatementMixin, View):
    """The statement as a file: ``fmt`` pdf, xlsx or json, in the page's language."""

    fmt = "pdf"

    def get(self, request, *args, **kwargs):
        form = self.period_form(request)
        if not form.is_bound or not form.is_valid():
            return HttpResponse(_("Choose a company and a period."), status=400, content_type="text/plain")
        _organisation, statement = self.statement_for(form)
        return statement_response(statement, self.fmt)


def statement_response(statement, fmt: str) -> HttpResponse:
    """The statement as a download (for the page and the API): never cached by a shared cache."""
    if fmt == "pdf":
        response = HttpResponse(exporting.statement_pdf(statement), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(exporting.statement_xlsx(statement), content_type=exporting.XLSX_TYPE)
    else:
        body = json.dumps(exporting.statement_data(statement), ensure_ascii=False, indent=1)
        response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exporting.filename(statement, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ManagementCostView(StatementMixin, View):
    """Record a management cost (POST) for the organisation ``pk``, which the person represents."""

    def post(self, request, city_slug, pk):
        organisation = selectors.statement_organisation_get(actor=request.user, city=self.city, pk=pk)
        if not request.user.has_perm("reporting.record_management_cost", organisation):
            raise PermissionDenied
        form = ManagementCostForm(request.POST, currency=self.city.currency)
        if form.is_valid():
            try:
                services.management_cost_record(
                    actor=request.user,
                    organisation=organisation,
                    amount_cents=form.cleaned_data["amount"],
                    on=form.cleaned_data["on"],
                    memo=form.cleaned_data["memo"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The management cost was recorded in the ledger."))
                return redirect(_page(self.city, organisation))
        page = StatementView(request=request, args=(), kwargs={"city_slug": city_slug})
        page.city = self.city
        context = {
            "form": PeriodForm(organisations=[organisation], initial={"organisation": organisation.pk}),
            **page.costs_context(organisation, cost_form=form),
        }
        return page.render_to_response(page.get_context_data(**context), status=400)


class ManagementCostCancelView(StatementMixin, View):
    """Cancel a management cost entered in error (POST): a reversing movement in the ledger."""

    def post(self, request, city_slug, pk, group_pk):
        organisation = selectors.statement_organisation_get(actor=request.user, city=self.city, pk=pk)
        group = selectors.management_cost_get(city=self.city, organisation=organisation, pk=group_pk)
        try:
            services.management_cost_reverse(actor=request.user, organisation=organisation, group=group)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The management cost was cancelled: a reversing movement is in the ledger."))
        return redirect(_page(self.city, organisation))


def _page(city, organisation) -> str:
    return reverse("company_statement", kwargs={"city_slug": city.slug}) + f"?organisation={organisation.pk}"
