"""Pages of city funds."""

# --- card payments (ADR 0029) -----------------------------------------------------------------

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.mixins import CityMixin, CityPermissionMixin

from . import selectors as funds_selectors
from . import services as funds_services
from .banking.rf import rf_normalise
from .forms import BankLineIgnoreForm, BankLineMatchForm, StatementUploadForm
from .models import BankLine, Contribution, Fund, StatementImport
from .providers import card_payments_available
from .providers.services import card_checkout_start
from .selectors import contribution_by_token
from .statement_errors import statement_message


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
