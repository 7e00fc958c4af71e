from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.api.mixins import CityAPIMixin
from cities4csr.instruments import services

from .serializers import AdviceSerializer, QuestionnaireSerializer


class AdvisorView(CityAPIMixin, APIView):
    """The instrument advisor (Milan's Vademecum): which legal route a contribution takes, why,
    the steps with deadlines, documents, approver, tax notes for the giver and warnings. The
    city's country selects the rule pack. Public: it computes advice and writes nothing."""

    permission_classes = [AllowAny]

    @extend_schema(request=QuestionnaireSerializer, responses={200: AdviceSerializer})
    def post(self, request, city_slug):
        data = QuestionnaireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advice = services.advise(city=self.city, answers=data.answers(), on=data.validated_data.get("on"))
        return Response(advice.as_dict())
