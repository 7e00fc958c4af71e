"""The pagoPA reporting flows a city's officers imported, and each payment they listed (ADR 0028).

A flow (``identificativoFlusso``) is kept once per city; every payment line once per flow, by
``(IUV, IUR)``: importing the file again, or a corrected flow the PSP sent again under the same
id, receives nothing twice. Lines that received a contribution point to it; the others say why
they were left (an unknown IUV, a revocation…), for the officer to follow up.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class PagopaFlow(CityScopedModel):
    """A reporting flow (flusso di rendicontazione) of one PSP's settlement to the city."""

    flow_id = models.CharField(_("flow identifier"), max_length=35)
    flow_at = models.DateTimeField(_("flow written at"))
    settlement_ref = models.CharField(_("settlement reference"), max_length=35)
    settlement_on = models.DateField(_("settled on"))
    sender_id = models.CharField(_("payment service provider"), max_length=35)
    sender_name = models.CharField(_("provider's name"), max_length=70, blank=True)
    total_cents = models.BigIntegerField(_("total (cents)"))
    payments = models.PositiveIntegerField(_("payments"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-settlement_on", "-id"]
        verbose_name = _("pagoPA reporting flow")
        verbose_name_plural = _("pagoPA reporting flows")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "flow_id"],
                name="funds_pagopa_flow_unique",
                violation_error_message=_("This reporting flow has already been imported."),
            )
        ]

    def __str__(self):
        return self.flow_id


class PagopaFlowLine(CityScopedModel):
    """One payment of a flow, as imported: received into a contribution, or left with a reason."""

    class Result(models.TextChoices):
        RECEIVED = "received", _("Received")
        REVOKED = "revoked", _("Payment revoked")
        NOT_PAID = "not_paid", _("Not a payment")
        UNKNOWN_IUV = "unknown_iuv", _("Not a notice of this platform")
        NOT_PENDING = "not_pending", _("Contribution no longer waiting")

    flow = models.ForeignKey(PagopaFlow, on_delete=models.PROTECT, related_name="lines")
    line = models.PositiveIntegerField(_("line in the file"))
    iuv = models.CharField(_("IUV"), max_length=35)
    iur = models.CharField(_("IUR"), max_length=35)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    outcome = models.CharField(_("outcome code"), max_length=1)
    outcome_on = models.DateField(_("paid on"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    amount_differs = models.BooleanField(_("amount differs from the notice"), default=False)
    contribution = models.ForeignKey(
        "funds.Contribution", null=True, blank=True, on_delete=models.PROTECT, related_name="pagopa_lines"
    )

    class Meta:
        ordering = ["flow", "line"]
        verbose_name = _("pagoPA reported payment")
        verbose_name_plural = _("pagoPA reported payments")
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "iuv", "iur"],
                name="funds_pagopa_line_unique",
                violation_error_message=_("This payment of the flow has already been imported."),
            )
        ]

    def __str__(self):
        return f"{self.flow_id} · {self.iuv}"
