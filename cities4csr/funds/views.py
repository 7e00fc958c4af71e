"""Pages of city funds."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scope

from cities4csr.core.files import file_response
from cities4csr.core.forms import transition_messages
from cities4csr.core.i18n import translated as translated_text
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.core.money import cents_to_euros
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.rules import is_city_officer
from cities4csr.organisations.selectors import organisations_represented, organisations_visible

from . import receipts as receipt_docs
from . import selectors, services
from . import selectors as funds_selectors
from . import services as funds_services
from .banking.rf import rf_normalise
from .exporting import ledger_csv_chunks, ledger_json_chunks
from .forms import (
    ME,
    AwardForm,
    BankLineIgnoreForm,
    BankLineMatchForm,
    CancelForm,
    ContributionFilterForm,
    DisbursementForm,
    EarmarkForm,
    FundForm,
    GiftStatementForm,
    GiveForm,
    LedgerLookupForm,
    LedgerPageForm,
    PurposeForm,
    ReasonForm,
    ReceiveForm,
    RecipientForm,
    RecordForm,
    RefundForm,
    StatementUploadForm,
    service_errors,
)
from .models import Award, BankLine, Contribution, Fund, StatementImport
from .providers import card_payments_available
from .providers.services import card_checkout_start
from .selectors import (
    contribution_for_receipt,
    gift_statement_contributions,
    receipt_contribution_by_token,
    represented_organisations,
)
from .statement_errors import statement_message

# --- card payments (ADR 0029) -----------------------------------------------------------------


def contribution_page_path(contribution: Contribution) -> str:
    """The donor's own page of a contribution, where a card payment starts and comes back to."""
    return reverse(
        "contribution_detail",
        kwargs={"city_slug": contribution.city.slug, "access_token": contribution.access_token},
    )


class ContributionPayByCardView(CityMixin, View):
    """POST from a pending card contribution's page: off to the provider's hosted checkout.
    404 when the city takes no card payments or the contribution is not a card one."""

    http_method_names = ["post"]

    def post(self, request, city_slug, access_token):
        if not card_payments_available(self.city):
            raise Http404
        contribution = funds_selectors.contribution_by_token(city=self.city, token=access_token)
        if contribution.channel != Contribution.Channel.CARD:
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


# === Bank statements and reconciliation ===========================================================
# The officer's pages: a fund's statements and the upload form, a statement with its progress
# (htmx polls it while it runs) and its lines, and the queue of lines no contribution was found for.


def _form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form, field by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class FundStatementsView(CityPermissionMixin, TemplateView):
    """A fund's statements, newest first, and the form to upload the next one."""

    permission_required = "funds.reconcile"
    template_name = "funds/banking/statements.html"

    def dispatch(self, request, *args, **kwargs):
        self.fund = get_object_or_404(Fund.objects.filter(city=request.city), pk=kwargs["fund_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.fund

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", StatementUploadForm())
        kwargs["fund"] = self.fund
        kwargs["statements"] = funds_selectors.statements_of(actor=self.request.user, city=self.city, fund=self.fund)[
            :50
        ]
        kwargs["to_look_at"] = funds_selectors.bank_lines_to_look_at(
            actor=self.request.user, city=self.city, fund=self.fund
        ).count()
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                statement = funds_services.statement_upload(
                    actor=request.user,
                    fund=self.fund,
                    file=form.cleaned_data["file"],
                    format=form.cleaned_data["format"],
                    csv_profile=form.csv_profile(),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect(reverse("statement_detail", kwargs={"city_slug": self.city.slug, "pk": statement.pk}))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StatementObjectMixin(CityPermissionMixin):
    permission_required = "funds.reconcile"

    def dispatch(self, request, *args, **kwargs):
        self.statement = get_object_or_404(
            StatementImport.objects.filter(city=request.city).select_related("fund", "created_by"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.statement.fund


class StatementDetailView(StatementObjectMixin, TemplateView):
    """A statement: its progress while it runs, then what came of each line."""

    template_name = "funds/banking/statement_detail.html"

    def get_context_data(self, **kwargs):
        kwargs["statement"] = self.statement
        kwargs["fund"] = self.statement.fund
        if self.statement.state == StatementImport.State.FAILED:
            params = dict(self.statement.error_params)
            kwargs["error"] = statement_message(self.statement.error_code, params.pop("line", 0), params)
        kwargs["lines"] = (
            funds_selectors.statement_lines(statement=self.statement)[:500] if not self.statement.is_running else []
        )
        return super().get_context_data(**kwargs)


class StatementProgressView(StatementObjectMixin, TemplateView):
    """The progress bar alone, for htmx to poll while the statement runs."""

    template_name = "funds/banking/includes/statement_progress.html"

    def get_context_data(self, **kwargs):
        kwargs["statement"] = self.statement
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.statement.is_running and self.request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # done: the whole page, with its results
        return response


class BankLineQueueView(CityPermissionMixin, TemplateView):
    """The credits no contribution was found for, each with the forms to match or set it aside."""

    permission_required = "funds.reconcile"
    template_name = "funds/banking/bank_line_queue.html"

    def get_context_data(self, **kwargs):
        lines = list(funds_selectors.bank_lines_to_look_at(actor=self.request.user, city=self.city)[:50])
        candidates = funds_selectors.bank_line_candidates(lines=lines)
        forms = kwargs.pop("forms", {})
        kwargs["items"] = [
            (
                line,
                forms.get(("match", line.pk))
                or BankLineMatchForm(candidates=candidates[line.pk], prefix=f"match-{line.pk}"),
                forms.get(("ignore", line.pk)) or BankLineIgnoreForm(prefix=f"ignore-{line.pk}"),
            )
            for line in lines
        ]
        kwargs["total"] = funds_selectors.bank_lines_to_look_at(actor=self.request.user, city=self.city).count()
        return super().get_context_data(**kwargs)


class BankLineActionView(CityPermissionMixin, TemplateView):
    """Match a line with a contribution, or set it aside (POST); the queue again on an error."""

    permission_required = "funds.reconcile"
    template_name = "funds/banking/bank_line_queue.html"
    action = "match"
    http_method_names = ["post"]

    def post(self, request, city_slug, pk):
        line = get_object_or_404(BankLine.objects.filter(city=self.city).select_related("fund"), pk=pk)
        if self.action == "match":
            form = BankLineMatchForm(
                request.POST,
                candidates=funds_selectors.bank_line_candidates(lines=[line])[line.pk],
                prefix=f"match-{line.pk}",
            )
        else:
            form = BankLineIgnoreForm(request.POST, prefix=f"ignore-{line.pk}")
        if form.is_valid():
            try:
                if self.action == "match":
                    chosen = form.cleaned_data["contribution"]
                    contribution = (
                        Contribution.objects.filter(city=self.city, pk=chosen).first()
                        if chosen
                        else self._by_reference(line, form.cleaned_data["reference"])
                    )
                    funds_services.bank_line_match(actor=request.user, line=line, contribution=contribution)
                    messages.success(
                        request,
                        _("The line pays the contribution %(reference)s, now received.")
                        % {"reference": contribution.reference},
                    )
                else:
                    funds_services.bank_line_ignore(actor=request.user, line=line, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The line is set aside."))
                return redirect(reverse("bank_line_queue", kwargs={"city_slug": self.city.slug}))
            except ValidationError as error:
                _form_errors(form, error)
        view = BankLineQueueView(request=request, args=(), kwargs={"city_slug": city_slug})
        view.city = self.city
        context = view.get_context_data(forms={(self.action, line.pk): form})
        return self.render_to_response(context, status=400)

    def _by_reference(self, line, reference: str) -> Contribution:
        contribution = Contribution.objects.filter(
            city=self.city, target_id=line.fund.account_id, reference=rf_normalise(reference)
        ).first()
        if contribution is None:
            raise ValidationError(
                {"reference": ValidationError(_("No contribution to this fund has this reference."), code="unknown")}
            )
        return contribution


# --- fund pages, give form, contribution page and officer workspace (fundpages) -----------------


#: rows per page of the officer's lists
PAGE_SIZE = 25

#: who gives, from the kind of the organisation a representative gives for
ORGANISATION_DONOR_KIND = {
    "company": Contribution.DonorKind.COMPANY,
    "foundation": Contribution.DonorKind.FOUNDATION,
}


def fund_ledger_url(city, fund) -> str:
    """The fund's public ledger (cities4csr.funds ledger pages), when that page exists."""
    try:
        return reverse("fund_ledger", kwargs={"city_slug": city.slug, "slug": fund.slug})
    except NoReverseMatch:
        return ""


# -- public pages ---------------------------------------------------------------------------------


class FundListView(CityMixin, TemplateView):
    """The city's funds with what each raised, holds and has available."""

    template_name = "funds/fund_list.html"

    def get_context_data(self, **kwargs):
        funds = selectors.funds_with_figures(actor=self.request.user, city=self.city)
        return super().get_context_data(
            funds=funds,
            my_contributions=list(selectors.contributions_of_donor(actor=self.request.user, city=self.city)[:20]),
            can_manage=self.request.user.has_perm("funds.add_fund", self.city),
            **kwargs,
        )


class FundDetailView(CityMixin, TemplateView):
    """A fund: its purpose and act, its dates and target, its money, earmarks, a "Give" button."""

    template_name = "funds/fund_detail.html"

    def get_context_data(self, **kwargs):
        fund = selectors.fund_get(actor=self.request.user, city=self.city, slug=self.kwargs["slug"])
        (fund,) = selectors.funds_with_figures(actor=self.request.user, city=self.city, funds=[fund])
        awards = list(selectors.awards_of(fund=fund).filter(state__in=[Award.State.APPROVED, Award.State.PAID])[:20])
        return super().get_context_data(
            fund=fund,
            earmarks=list(selectors.earmarks_of(fund=fund)),
            awards=awards,
            ledger_url=fund_ledger_url(self.city, fund),
            can_manage=self.request.user.has_perm("funds.change_fund", fund),
            is_open=fund.state == Fund.State.OPEN,
            **kwargs,
        )


class FundGiveView(CityMixin, TemplateView):
    """The give form: anyone, with or without an account; a representative may give in their
    organisation's name. One contribution per form shown, however often it is posted."""

    template_name = "funds/fund_give.html"

    def _fund(self):
        return selectors.fund_get(actor=self.request.user, city=self.city, slug=self.kwargs["slug"])

    def _form(self, fund, data=None):
        user = self.request.user
        initial = {}
        if user.is_authenticated and data is None:
            initial = {"donor_name": user.get_full_name(), "donor_email": user.email}
        return GiveForm(
            data,
            initial=initial,
            currency=self.city.currency,
            organisations=organisations_represented(actor=user, city=self.city),
            earmarks=selectors.earmarks_of(fund=fund),
            channels=selectors.channels_available(self.city),
        )

    def get_context_data(self, **kwargs):
        fund = kwargs.pop("fund", None) or self._fund()
        return super().get_context_data(
            fund=fund,
            form=kwargs.pop("form", None) or self._form(fund),
            is_open=fund.state == Fund.State.OPEN,
            **kwargs,
        )

    def post(self, request, city_slug, slug):
        fund = self._fund()
        form = self._form(fund, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            organisation = data.get("organisation")
            donor_kind = data["donor_kind"]
            if organisation is not None and donor_kind == Contribution.DonorKind.CITIZEN:
                # a gift in an organisation's name is the organisation's, whatever was ticked
                donor_kind = ORGANISATION_DONOR_KIND.get(organisation.kind, Contribution.DonorKind.ASSOCIATION)
            try:
                contribution = services.contribution_create(
                    actor=request.user if request.user.is_authenticated else None,
                    target=fund,
                    amount_cents=data["amount"],
                    donor_kind=donor_kind,
                    donor_name=data["donor_name"],
                    donor_email=data["donor_email"],
                    donor_tax_id=data["donor_tax_id"],
                    donor_address=data["donor_address"],
                    name_public=data["name_public"],
                    organisation=organisation,
                    earmark=data.get("earmark"),
                    channel=data["channel"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your contribution is recorded. Here is how to pay it."))
                return redirect("contribution_detail", city_slug=city_slug, access_token=contribution.access_token)
        return self.render_to_response(self.get_context_data(fund=fund, form=form), status=400)


class ContributionDetailView(CityMixin, TemplateView):
    """The donor's own page, by the secret link (no account needed): the amount, its state in
    words, how to pay, and a cancel button while it waits."""

    template_name = "funds/contribution_detail.html"

    def get_context_data(self, **kwargs):
        contribution = selectors.contribution_by_token(city=self.city, token=self.kwargs["access_token"])
        fund = selectors.fund_of_contribution(contribution)
        pending = contribution.state == Contribution.State.PENDING
        return super().get_context_data(
            contribution=contribution,
            fund=fund,
            pending=pending,
            bank_transfer=contribution.channel == Contribution.Channel.BANK_TRANSFER,
            cancel_form=CancelForm(),
            **kwargs,
        )


class ContributionCancelView(CityMixin, View):
    """POST: the donor (by the secret link) or an officer cancels a pending contribution."""

    def post(self, request, city_slug, access_token):
        contribution = selectors.contribution_by_token(city=self.city, token=access_token)
        form = CancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        # the link is the donor's key: whoever holds it acts as the donor (the system's role)
        actor = (
            request.user
            if request.user.is_authenticated and request.user.has_perm("funds.view_contribution", contribution)
            else None
        )
        with transition_messages(request):
            services.contribution_cancel(actor=actor, contribution=contribution, reason=reason)
            messages.success(request, _("The contribution is cancelled: nothing is due."))
        return redirect("contribution_detail", city_slug=city_slug, access_token=access_token)


# -- the officers' workspace ----------------------------------------------------------------------


class OfficerMixin(CityPermissionMixin):
    """Only the city's officers and admins (403 for anyone else)."""

    permission_required = "funds.view_contributions"


class OfficerFundsView(OfficerMixin, TemplateView):
    """The officer's home of funds: every fund with its figures, what waits, purposes."""

    template_name = "funds/officer/funds.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            funds=selectors.funds_with_figures(actor=self.request.user, city=self.city),
            counts=selectors.officer_fund_counts(city=self.city),
            **kwargs,
        )


class OfficerFundFormView(OfficerMixin, TemplateView):
    """Create a fund (no ``pk``) or edit one; close or reopen it; add its earmarks."""

    template_name = "funds/officer/fund_form.html"

    def _fund(self):
        if "pk" not in self.kwargs:
            return None
        return selectors.fund_get_by_pk(actor=self.request.user, city=self.city, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        fund = kwargs.pop("fund", None) if "fund" in kwargs else self._fund()
        context = {
            "fund": fund,
            "form": kwargs.pop("form", None) or FundForm(city=self.city, fund=fund),
        }
        if fund is not None:
            (fund,) = selectors.funds_with_figures(actor=self.request.user, city=self.city, funds=[fund])
            context["fund"] = fund
            context.update(
                transitions=transitions_for(actor=self.request.user, obj=fund),
                earmarks=list(selectors.earmarks_of(fund=fund)),
                earmark_form=kwargs.pop("earmark_form", None)
                or EarmarkForm(purposes=selectors.purposes_of(city=self.city), prefix="earmark"),
                ledger_url=fund_ledger_url(self.city, fund),
            )
        return super().get_context_data(**context, **kwargs)

    def post(self, request, city_slug, pk=None):
        fund = self._fund()
        form = FundForm(request.POST, city=self.city, fund=fund)
        if form.is_valid():
            try:
                if fund is None:
                    fund = services.fund_create(
                        actor=request.user, city=self.city, slug=form.cleaned_data["slug"], **form.service_fields()
                    )
                    messages.success(request, _("The fund is open."))
                else:
                    fund = services.fund_update(actor=request.user, fund=fund, **form.service_fields())
                    messages.success(request, _("Saved."))
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                return redirect("officer_fund_edit", city_slug=city_slug, pk=fund.pk)
        return self.render_to_response(self.get_context_data(fund=fund, form=form), status=400)


class OfficerFundTransitionView(OfficerMixin, View):
    def post(self, request, city_slug, pk):
        fund = selectors.fund_get_by_pk(actor=request.user, city=self.city, pk=pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            with transition_messages(request):
                fund = services.fund_transition(actor=request.user, fund=fund, **form.cleaned_data)
                messages.success(request, _("Done: the fund is now “%(state)s”.") % {"state": fund.get_state_display()})
        return redirect("officer_fund_edit", city_slug=city_slug, pk=pk)


class OfficerEarmarkAddView(OfficerMixin, View):
    def post(self, request, city_slug, pk):
        fund = selectors.fund_get_by_pk(actor=request.user, city=self.city, pk=pk)
        form = EarmarkForm(request.POST, purposes=selectors.purposes_of(city=self.city), prefix="earmark")
        if form.is_valid():
            try:
                services.earmark_create(actor=request.user, fund=fund, **form.cleaned_data)
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("Earmark added."))
                return redirect("officer_fund_edit", city_slug=city_slug, pk=pk)
        view = OfficerFundFormView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(fund=fund, earmark_form=form), status=400)


class OfficerPurposesView(OfficerMixin, TemplateView):
    """The city's purpose categories (what awards are for), and a form to add one."""

    template_name = "funds/officer/purposes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            purposes=list(selectors.purposes_of(city=self.city)),
            form=kwargs.pop("form", None) or PurposeForm(),
            **kwargs,
        )

    def post(self, request, city_slug):
        form = PurposeForm(request.POST)
        if form.is_valid():
            try:
                services.purpose_create(actor=request.user, city=self.city, **form.cleaned_data)
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("Purpose added."))
                return redirect("officer_fund_purposes", city_slug=city_slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OfficerContributionsView(OfficerMixin, TemplateView):
    """Contributions, pending first by default: filters by fund, channel and state, a search by
    reference or name, pages."""

    template_name = "funds/officer/contributions.html"

    def get_context_data(self, **kwargs):
        funds = selectors.funds_visible(actor=self.request.user, city=self.city)
        data = self.request.GET.copy()
        if "state" not in data:
            data["state"] = Contribution.State.PENDING
        form = ContributionFilterForm(data, funds=funds)
        rows = selectors.contributions_for_officer(actor=self.request.user, city=self.city, **form.filters())
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = data.copy()
        query.pop("page", None)
        funds_by_account = {fund.account_id: fund for fund in funds}
        for row in page.object_list:
            row.fund = funds_by_account.get(row.target_id)
        return super().get_context_data(
            form=form, page_obj=page, rows=page.object_list, query=query.urlencode(), **kwargs
        )


class OfficerContributionRecordView(OfficerMixin, TemplateView):
    """Record money received outside the platform (a cheque, cash at a counter), with evidence."""

    template_name = "funds/officer/contribution_record.html"
    permission_required = "funds.record_contribution"

    def _form(self, data=None, files=None):
        return RecordForm(
            data,
            files,
            currency=self.city.currency,
            funds=selectors.funds_visible(actor=self.request.user, city=self.city),
            initial={"received_on": timezone.localdate()},
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or self._form(), **kwargs)

    def post(self, request, city_slug):
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = services.contribution_record(
                    actor=request.user,
                    target=data["fund"],
                    amount_cents=data["amount"],
                    received_on=data["received_on"],
                    evidence=data["evidence"],
                    donor_kind=data["donor_kind"],
                    donor_name=data["donor_name"],
                    donor_email=data["donor_email"],
                    donor_tax_id=data["donor_tax_id"],
                    donor_address=data["donor_address"],
                    name_public=data["name_public"],
                    note=data["note"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("The contribution is recorded as received."))
                return redirect("officer_contribution", city_slug=city_slug, pk=contribution.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OfficerContributionView(OfficerMixin, TemplateView):
    """One contribution for the officer: who, how much, its state; receive it, cancel it, refund
    part or all of it."""

    template_name = "funds/officer/contribution.html"

    def _contribution(self):
        return selectors.contribution_get(actor=self.request.user, city=self.city, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        contribution = self._contribution()
        verbs = {t.verb for t in transitions_for(actor=self.request.user, obj=contribution)}
        return super().get_context_data(
            contribution=contribution,
            fund=selectors.fund_of_contribution(contribution),
            can_receive="receive" in verbs,
            can_cancel="cancel" in verbs,
            can_refund=contribution.state in (Contribution.State.RECEIVED, Contribution.State.PARTLY_REFUNDED)
            and self.request.user.has_perm("funds.refund_contribution", contribution),
            receive_form=kwargs.pop("receive_form", None)
            or ReceiveForm(
                currency=self.city.currency, initial={"received_on": timezone.localdate()}, prefix="receive"
            ),
            refund_form=kwargs.pop("refund_form", None) or RefundForm(currency=self.city.currency, prefix="refund"),
            cancel_form=kwargs.pop("cancel_form", None) or CancelForm(prefix="cancel"),
            **kwargs,
        )


class _ContributionActionView(OfficerMixin, View):
    form_class = None
    prefix = ""
    success = ""

    def act(self, contribution, data):  # pragma: no cover - each action says
        raise NotImplementedError

    def form(self, data):
        kwargs = {"prefix": self.prefix}
        if self.form_class in (ReceiveForm, RefundForm):
            kwargs["currency"] = self.city.currency
        return self.form_class(data, **kwargs)

    def post(self, request, city_slug, pk):
        contribution = selectors.contribution_get(actor=request.user, city=self.city, pk=pk)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                self.act(contribution, form.cleaned_data)
            except ValidationError as exc:
                service_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, str(self.success))
                return redirect("officer_contribution", city_slug=city_slug, pk=pk)
        view = OfficerContributionView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(**{f"{self.prefix}_form": form}), status=400)


class OfficerContributionReceiveView(_ContributionActionView):
    form_class, prefix = ReceiveForm, "receive"

    def act(self, contribution, data):
        services.contribution_receive(
            actor=self.request.user,
            contribution=contribution,
            received_cents=data["amount"],
            received_on=data["received_on"],
        )
        self.success = _("Received: the money is in the fund.")


class OfficerContributionCancelView(_ContributionActionView):
    form_class, prefix = CancelForm, "cancel"

    def act(self, contribution, data):
        services.contribution_cancel(actor=self.request.user, contribution=contribution, reason=data["reason"])
        self.success = _("The contribution is cancelled.")


class OfficerContributionRefundView(_ContributionActionView):
    form_class, prefix = RefundForm, "refund"

    def act(self, contribution, data):
        services.contribution_refund(
            actor=self.request.user, contribution=contribution, amount_cents=data["amount"], reason=data["reason"]
        )
        self.success = _("The refund is recorded.")


class OfficerContributionEvidenceView(OfficerMixin, View):
    def get(self, request, city_slug, pk):
        contribution = selectors.contribution_get(actor=request.user, city=self.city, pk=pk)
        return file_response(contribution.evidence, download=bool(request.GET.get("download")))


def _award_forms(view, data=None):
    """The award form and its recipient's, with what the search found (at most 20 of each)."""
    user, city = view.request.user, view.city
    source = data if data is not None else view.request.GET
    q = (source.get("recipient_q") or "").strip()[:100]
    organisations = selectors.organisations_matching(actor=user, city=city, q=q)
    needs_all = selectors.needs_of_city(city=city)
    needs = selectors.needs_matching(actor=user, city=city, q=q)
    # what was chosen stays offered
    chosen_org = str(source.get("organisation") or "")
    if chosen_org.isdigit() and all(str(o.pk) != chosen_org for o in organisations):
        organisations += list(organisations_visible(actor=user, city=city).filter(pk=chosen_org))
    chosen_need = str(source.get("need") or "")
    if chosen_need.isdigit() and all(str(n.pk) != chosen_need for n in needs):
        needs += list(needs_all.filter(pk=chosen_need))
    initial = {}
    if data is None:  # a search (GET) keeps what was typed
        initial = {k: v for k, v in view.request.GET.items() if k != "page"}
        initial.setdefault("act_on", timezone.localdate())
    award_form = AwardForm(
        data,
        initial=initial,
        currency=city.currency,
        funds=selectors.funds_visible(actor=user, city=city),
        purposes=selectors.purposes_of(city=city),
    )
    recipient_form = RecipientForm(
        data,
        initial=initial,
        organisations=organisations_visible(actor=user, city=city),
        needs=needs_all,
        organisation_matches=organisations,
        need_matches=needs,
    )
    return award_form, recipient_form


class OfficerAwardsView(OfficerMixin, TemplateView):
    """Awards, those to approve first, with each fund's available money beside them."""

    template_name = "funds/officer/awards.html"

    def get_context_data(self, **kwargs):
        state = self.request.GET.get("state", Award.State.PROPOSED)
        if state not in Award.State.values and state != "":
            state = Award.State.PROPOSED
        rows = selectors.awards_for_officer(actor=self.request.user, city=self.city, state=state)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        funds = {f.pk: f for f in selectors.funds_with_figures(actor=self.request.user, city=self.city)}
        for award in page.object_list:
            award.fund_figures = funds[award.fund_id].figures
            award.over_available = award.amount_cents > award.fund_figures["available_cents"]
        return super().get_context_data(
            state=state,
            states=Award.State.choices,
            page_obj=page,
            rows=page.object_list,
            transition_form=ReasonForm(),
            **kwargs,
        )


class OfficerAwardCreateView(OfficerMixin, TemplateView):
    """Propose an award: the fund, the purpose, the act, the amount, and the recipient found by a
    search."""

    template_name = "funds/officer/award_form.html"
    permission_required = "funds.add_award"

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"], kwargs["recipient_form"] = _award_forms(self)
        return super().get_context_data(
            funds=selectors.funds_with_figures(actor=self.request.user, city=self.city),
            has_purposes=selectors.purposes_of(city=self.city).exists(),
            **kwargs,
        )

    def post(self, request, city_slug):
        form, recipient_form = _award_forms(self, request.POST)
        if form.is_valid() & recipient_form.is_valid():
            data = {**form.cleaned_data, **recipient_form.cleaned_data}
            try:
                award = services.award_propose(
                    actor=request.user,
                    fund=data["fund"],
                    purpose=data["purpose"],
                    description=data["description"],
                    criteria=data["criteria"],
                    act_number=data["act_number"],
                    act_on=data["act_on"],
                    amount_cents=data["amount"],
                    organisation=data["organisation"],
                    need=data["need"],
                )
            except ValidationError as exc:
                recipient_errors = getattr(exc, "error_dict", {})
                if set(recipient_errors) & {"organisation", "need"}:
                    service_errors(recipient_form, exc)
                else:
                    service_errors(form, exc)
            else:
                messages.success(request, _("The award is proposed: approve it when the act is final."))
                return redirect("officer_award", city_slug=city_slug, pk=award.pk)
        return self.render_to_response(self.get_context_data(form=form, recipient_form=recipient_form), status=400)


class OfficerAwardView(OfficerMixin, TemplateView):
    """An award with its act, its state, its payments and a form to record one."""

    template_name = "funds/officer/award.html"

    def get_context_data(self, **kwargs):
        award = selectors.award_get(actor=self.request.user, city=self.city, pk=self.kwargs["pk"])
        (fund,) = selectors.funds_with_figures(actor=self.request.user, city=self.city, funds=[award.fund])
        return super().get_context_data(
            award=award,
            fund=fund,
            transitions=[t for t in transitions_for(actor=self.request.user, obj=award) if t.verb != "pay_out"],
            transition_form=kwargs.pop("transition_form", None) or ReasonForm(),
            disbursements=list(selectors.disbursements_of(award=award)),
            left_cents=award.amount_cents - award.disbursed_cents,
            disbursement_form=kwargs.pop("disbursement_form", None)
            or DisbursementForm(currency=self.city.currency, initial={"paid_on": timezone.localdate()}),
            **kwargs,
        )


class OfficerAwardTransitionView(OfficerMixin, View):
    """Approve (within the fund's available money) or cancel an award; a refusal is said on the
    award's page, in the reader's language."""

    def post(self, request, city_slug, pk):
        award = selectors.award_get(actor=request.user, city=self.city, pk=pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                award = services.award_transition(actor=request.user, award=award, **form.cleaned_data)
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(
                    request, _("Done: the award is now “%(state)s”.") % {"state": award.get_state_display()}
                )
                if request.POST.get("next") == "list":
                    return redirect("officer_awards", city_slug=city_slug)
                return redirect("officer_award", city_slug=city_slug, pk=pk)
        view = OfficerAwardView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(transition_form=form), status=400)


class OfficerDisbursementAddView(OfficerMixin, View):
    def post(self, request, city_slug, pk):
        award = selectors.award_get(actor=request.user, city=self.city, pk=pk)
        form = DisbursementForm(request.POST, request.FILES, currency=self.city.currency)
        if form.is_valid():
            try:
                services.disbursement_record(
                    actor=request.user,
                    award=award,
                    amount_cents=form.cleaned_data["amount"],
                    paid_on=form.cleaned_data["paid_on"],
                    receipt=form.cleaned_data["receipt"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("The payment is recorded."))
                return redirect("officer_award", city_slug=city_slug, pk=pk)
        view = OfficerAwardView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(disbursement_form=form), status=400)


class OfficerDisbursementReceiptView(OfficerMixin, View):
    def get(self, request, city_slug, pk):
        disbursement = selectors.disbursement_get(actor=request.user, city=self.city, pk=pk)
        if not disbursement.receipt:
            raise Http404("No receipt")
        return file_response(disbursement.receipt, download=bool(request.GET.get("download")))


# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
# The fund's movements (a page at a time, newest first), its awards with their acts, its totals by
# source and by purpose (charts with their tables), the hash-chain head and how to check it, and a
# donor's own gift found by its payment reference; the same as CSV and JSON files, streamed.


def ledger_fund(request, city, slug):
    """The fund of ``city`` named ``slug`` in the address (404 for another city's)."""
    if not slug:
        raise Http404
    fund = get_object_or_404(selectors.funds_visible(actor=request.user, city=city).filter(slug=slug))
    fund.city = city  # the request's, already read
    return fund


def ledger_chart_data(city, totals) -> dict:
    """What the page's charts draw (the tables beside them say the same): amounts in the city's
    currency as numbers, labels in the reader's words."""
    language = translation.get_language() or "en"
    return {
        "currency": city.currency,
        "locale": language,
        "sources": {
            "labels": [row["label"] for row in totals["by_source"]],
            "values": [float(cents_to_euros(row["cents"])) for row in totals["by_source"]],
        },
        "purposes": {
            "labels": [row["name"] for row in totals["by_purpose"]],
            "awarded": [float(cents_to_euros(row["awarded_cents"])) for row in totals["by_purpose"]],
            "paid": [float(cents_to_euros(row["paid_cents"])) for row in totals["by_purpose"]],
        },
    }


def lines_worded(city, lines) -> list:
    """Each line's figures and small words written once, in the reader's language, before the
    template shows them (a page has fifty lines; the balance shows twice, by screen width)."""
    from django.utils.translation import gettext as _

    from cities4csr.core.templatetags.money import money_text

    number, of, award = _("no. %(n)s"), _("of no. %(n)s"), _("award: %(act)s")
    for line in lines:
        line.number_text = number % {"n": line.seq}
        line.reverses_text = of % {"n": line.reverses} if line.reverses else ""
        line.award_text = award % {"act": line.award.act_number} if line.award else ""
        sign = "+" if line.amount_cents > 0 else ""
        line.amount_text = sign + money_text(line.amount_cents, city.currency)
        line.balance_text = money_text(line.balance_after_cents, city.currency)
    return lines


def purpose_names(city, totals) -> None:
    """Each purpose's name in the reader's language (city data: the original when untranslated)."""
    for row in totals["by_purpose"]:
        purpose = row["purpose"]
        row["name"] = translated_text(
            purpose.name_translations, original_language=city.default_language, original=purpose.name
        ).text


class FundLedgerView(CityMixin, TemplateView):
    """A fund's public ledger: anyone may read it, no account needed."""

    template_name = "funds/fund_ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fund = ledger_fund(self.request, self.city, kwargs.get("slug"))
        asked = "reference" in self.request.GET
        form = LedgerLookupForm(self.request.GET if asked else None)
        lookup = None
        if asked and form.is_valid():
            lookup = selectors.fund_ledger_lookup(fund=fund, reference=form.cleaned_data["reference"])
        awards = list(selectors.fund_awards_public(fund=fund))
        totals = selectors.fund_ledger_totals(fund=fund, awards=awards)
        purpose_names(self.city, totals)
        page = selectors.fund_ledger_page(fund=fund, **LedgerPageForm(self.request.GET).page())
        context.update(
            fund=fund,
            form=form,
            lookup=lines_worded(self.city, lookup) if lookup else lookup,
            totals=totals,
            chart_data=ledger_chart_data(self.city, totals),
            page=page,
            lines=lines_worded(self.city, page.lines),
            awards=awards,
            head=selectors.fund_chain_head(city=self.city),
        )
        return context


class FundLedgerExportView(CityMixin, View):
    """Every movement of a fund, oldest first, as CSV or JSON: streamed, public."""

    fmt = "csv"

    def get(self, request, city_slug, slug):
        city = self.city
        fund = ledger_fund(request, city, slug)
        language = translation.get_language()
        stamp = timezone.localdate().isoformat()

        def lines():
            # the response is read after the view returns, outside the request's scope and language
            with scope(city=city.pk), translation.override(language):
                yield from selectors.fund_ledger_all(fund=fund)

        if self.fmt == "csv":
            chunks = ledger_csv_chunks(lines(), currency=city.currency)
            response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        else:
            head = selectors.fund_chain_head(city=city)
            header = {
                "city": city.slug,
                "fund": fund.slug,
                "title": fund.title,
                "currency": city.currency,
                "generated_on": stamp,
                "order": "oldest first",
                "head": {"number": head.seq, "hash": head.last_hash} if head else None,
                "hash_rule": (
                    "sha256(prev_hash + '\\n' + JSON of {**chain.content, 'postings': sorted(chain.postings)} "
                    "with sorted keys, separators (',', ':'), UTF-8 unescaped)"
                ),
            }
            response = StreamingHttpResponse(
                ledger_json_chunks(header, lines()), content_type="application/json; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="{city.slug}-{fund.slug}-ledger-{stamp}.{self.fmt}"'
        return response


# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------


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
