"""The funds API's views."""

# --- card payments: the providers' webhooks (ADR 0029) ----------------------------------------

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..providers import PROVIDERS, SignatureError, card_provider
from ..providers.services import card_notification_apply


class PaymentWebhookView(APIView):
    """A card payment provider's notification (Stripe's webhook): the payment of a checkout,
    its expiry, a refund. Its signature is checked against the provider's secret before
    anything of it is read; a notification sent again changes nothing. One address for every
    city of the site: the contribution named in the notification carries its city. 404 when
    the provider is not configured."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()  # the provider's retries must not be refused; the signature is the gate

    @extend_schema(
        operation_id="payments_webhook",
        tags=["payments"],
        auth=[],
        parameters=[
            OpenApiParameter(
                "provider", str, OpenApiParameter.PATH, enum=sorted(PROVIDERS), description="the card payment provider"
            ),
            OpenApiParameter(
                "Stripe-Signature",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Stripe's signature of the body (t=…,v1=…); without a valid one: 400",
            ),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: inline_serializer(
                "PaymentWebhookResult",
                {
                    "received": serializers.BooleanField(),
                    "outcomes": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="per notification: applied, unchanged, refused, repeated, ignored or unknown",
                    ),
                },
            )
        },
        examples=[OpenApiExample("applied", value={"received": True, "outcomes": ["applied"]}, response_only=True)],
    )
    def post(self, request, provider):
        card = card_provider(provider)
        if card is None:
            raise NotFound()
        try:
            events = card.webhook_events(request.body, request.headers)
        except SignatureError:
            raise ValidationError(
                {
                    "non_field_errors": [
                        serializers.ErrorDetail(
                            _("The signature of this notification is not valid."), code="bad_signature"
                        )
                    ]
                }
            ) from None
        return Response({"received": True, "outcomes": card_notification_apply(provider=provider, events=events)})
