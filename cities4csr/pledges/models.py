from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class Pledge(CityScopedModel):
    """An organisation (or several, as a collective action) commits resources to a need's lines."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        AGREED = "agreed", _("Agreed")
        IN_DELIVERY = "in_delivery", _("In delivery")
        DELIVERED = "delivered", _("Delivered")
        VERIFIED = "verified", _("Verified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="pledges")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("lead organisation"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED, db_index=True)
    is_public = models.BooleanField(_("show our name on the public pages"), default=True)
    message = models.TextField(_("message"), blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text="Why it was declined or returned")
    value_cents = models.BigIntegerField(_("value (EUR cents)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(
        max_length=64, blank=True, default="", help_text="The form's or the API client's key: a repeat makes no pledge"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="pledge_idempotency_key_unique",
                violation_error_message=_("This pledge has already been sent."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} → {self.need}"

    @property
    def holds_capacity(self) -> bool:
        """Whether this pledge's quantities count against its lines."""
        return self.state not in (self.State.DECLINED, self.State.WITHDRAWN)


class PledgePartner(CityScopedModel):
    """An organisation the lead names as its partner in a collective pledge. It joins only by
    accepting; until then it appears nowhere but in its own workspace."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="pledge_partnerships"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.INVITED, db_index=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pledge", "organisation"]
        verbose_name = _("partnership in a pledge")
        verbose_name_plural = _("partnerships in pledges")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "organisation"],
                name="pledgepartner_unique",
                violation_error_message=_("This organisation is already a partner of the pledge."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} + {self.pledge}"


class PledgeItem(CityScopedModel):
    """How much of one resource line a pledge covers, valued at cost to the giver (B4SI)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    line = models.ForeignKey("needs.ResourceLine", on_delete=models.PROTECT, related_name="pledge_items")
    quantity = models.PositiveBigIntegerField(_("quantity"))
    value_cents = models.PositiveBigIntegerField(_("value at cost (EUR cents)"))

    class Meta:
        ordering = ["pledge", "line"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="pledgeitem_quantity_positive",
                violation_error_message=_("Give a quantity of at least 1."),
            ),
            models.UniqueConstraint(
                fields=["pledge", "line"],
                name="pledgeitem_unique_line",
                violation_error_message=_("The pledge already covers this line: change its quantity instead."),
            ),
        ]

    def __str__(self):
        return str(self.line.label)


class Evidence(CityScopedModel):
    """Proof of delivery: a photo, a receipt, a volunteer attendance list, a file."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        RECEIPT = "receipt", _("Receipt")
        ATTENDANCE = "attendance", _("Volunteer attendance list")
        FILE = "file", _("Other document")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    description = models.CharField(_("description"), max_length=255, blank=True)
    volunteer_hours = models.PositiveIntegerField(_("volunteer hours recorded"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # a correction: the file is withdrawn (and deleted), the row stays as the record of what was there
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by", verbose_name=_("replaces")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["pledge", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.file_name or self.file.name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def display_name(self) -> str:
        return self.description or self.file_name or self.file.name.rsplit("/", 1)[-1]
