"""Pages of city funds."""

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
# The fund's movements (a page at a time, newest first), its awards with their acts, its totals by
# source and by purpose (charts with their tables), the hash-chain head and how to check it, and a
# donor's own gift found by its payment reference; the same as CSV and JSON files, streamed.

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scope

from cities4csr.core.i18n import translated as translated_text
from cities4csr.core.mixins import CityMixin
from cities4csr.core.money import cents_to_euros

from . import selectors
from .exporting import ledger_csv_chunks, ledger_json_chunks
from .forms import LedgerLookupForm, LedgerPageForm


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
