"""The funds API."""

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------

from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin

from .. import selectors
from ..forms import LedgerLookupForm
from ..views import ledger_fund, purpose_names
from .serializers import LedgerPageSerializer, LedgerQuerySerializer, LedgerTotalsSerializer


def _head(city):
    head = selectors.fund_chain_head(city=city)
    return {"number": head.seq, "hash": head.last_hash} if head else None


class FundLedgerView(CityAPIMixin, APIView):
    """A fund's public ledger, newest first, 50 movements a page (anyone may read it). Pages go by
    movement number (``before``, ``after``: keyset, as fast at the millionth movement as at the
    first); ``reference`` gives one contribution's movements."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[LedgerQuerySerializer], responses={200: LedgerPageSerializer, 400: ErrorSerializer})
    def get(self, request, city_slug, slug):
        fund = ledger_fund(request, self.city, slug)
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        base = request.build_absolute_uri(request.path)
        if "reference" in asked:
            form = LedgerLookupForm({"reference": asked["reference"]})
            if not form.is_valid():
                raise serializers.ValidationError(
                    {"reference": [serializers.ErrorDetail(str(form.errors["reference"][0]), code="invalid_reference")]}
                )
            lines = selectors.fund_ledger_lookup(fund=fund, reference=form.cleaned_data["reference"])
            body = {"next": None, "previous": None, "results": lines}
        else:
            page = selectors.fund_ledger_page(
                fund=fund, **{k: asked[k] for k in ("before", "after") if asked.get(k) is not None}
            )
            body = {
                "next": f"{base}?{urlencode({'before': page.older})}" if page.older else None,
                "previous": f"{base}?{urlencode({'after': page.newer})}" if page.newer else None,
                "results": page.lines,
            }
        body["head"] = _head(self.city)
        return Response(LedgerPageSerializer(body).data)


class FundLedgerTotalsView(CityAPIMixin, APIView):
    """A fund's totals: received by source (net of refunds), awarded and paid out by purpose, its
    balance, what approved awards reserve and what is available; the head of the city's chain."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=LedgerTotalsSerializer)
    def get(self, request, city_slug, slug):
        fund = ledger_fund(request, self.city, slug)
        totals = selectors.fund_ledger_totals(fund=fund)
        purpose_names(self.city, totals)
        totals["currency"] = self.city.currency
        totals["head"] = _head(self.city)
        return Response(LedgerTotalsSerializer(totals).data)
