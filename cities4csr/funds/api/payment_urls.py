"""Card payment providers' webhooks, outside any city: /api/v1/payments/<provider>/webhook/
(ADR 0029: one provider account serves every city of the site; each payment names its
contribution, and the contribution its city)."""

from django.urls import path

from .views import PaymentWebhookView

urlpatterns = [
    path("<slug:provider>/webhook/", PaymentWebhookView.as_view(), name="payment-webhook"),
]
