"""/api/v1/me/: the caller's own data. No URL names another person: whoever calls acts on
themself only, whatever their role."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer

from ..selectors import account_export
from ..services import account_erase
from .serializers import EraseSerializer, ErasureSerializer


class MyDataView(APIView):
    """GET: everything the platform holds about the caller, as one JSON document (GDPR art. 15
    and 20): account, e-mail addresses, memberships and roles, consents, the pledges, evidence,
    agreements and audit events they authored, the notifications sent to them."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="me_data")
    def get(self, request):
        return Response(account_export(user=request.user), headers={"Cache-Control": "no-store"})


class MyErasureView(APIView):
    """POST: erase the caller's account, confirmed with their password. Personal data is removed
    or replaced by a pseudonym; the city's records (pledges, counts, audit) stay. 400 with code
    ``wrong_password`` (nothing erased) or ``last_representative``, ``last_city_admin``,
    ``last_superuser`` with what to do first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=EraseSerializer,
        responses={200: ErasureSerializer, 400: ErrorSerializer},
        operation_id="me_erase",
    )
    def post(self, request):
        data = EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = account_erase(actor=request.user, user=request.user, password=data.validated_data["password"])
        return Response(ErasureSerializer(erasure).data, status=status.HTTP_200_OK)
