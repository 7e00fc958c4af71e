from rest_framework import generics

from cities4csr.core.api.mixins import CityAPIMixin

from ..selectors import groups_of
from .serializers import PostingGroupSerializer


class LedgerGroupListView(CityAPIMixin, generics.ListAPIView):
    """The city's contributions ledger (officers only): its movements in chain order, each with
    its postings and hashes, to check with ``manage.py ledger_verify`` or by hand (ADR 0025)."""

    rules_permissions = {"GET": "ledger.view_postinggroup"}
    serializer_class = PostingGroupSerializer

    def city_queryset(self):
        return groups_of(city=self.city)
