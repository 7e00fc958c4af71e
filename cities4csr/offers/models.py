from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel
from cities4csr.needs.models import ResourceKind


class CsrProfile(CityScopedModel):
    """What a company cares about and where it wants to help."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="csr_profile"
    )
    themes = models.ManyToManyField("needs.Theme", blank=True, related_name="profiles", verbose_name=_("themes"))
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    preferred_areas = models.ManyToManyField(
        "cities.Area", blank=True, related_name="preferring_profiles", verbose_name=_("preferred neighbourhoods")
    )
    near_our_sites = models.BooleanField(_("near our sites"), default=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    volunteering_days_per_year = models.PositiveIntegerField(_("volunteering days per year"), null=True, blank=True)
    volunteer_hour_cost_cents = models.PositiveBigIntegerField(
        _("hourly cost of an employee's volunteering (cents)"),
        null=True,
        blank=True,
        help_text=_("What an hour of an employee's paid volunteering costs the company: it values their hours (B4SI)"),
    )
    notify_new_needs = models.BooleanField(_("tell us about new needs that fit"), default=True)

    class Meta:
        verbose_name = _("CSR profile")

    def __str__(self):
        return f"CSR profile of {self.organisation}"


class Offer(CityScopedModel):
    """What a company can give: the same kinds as a need's lines, with quantity, value and window."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    label = models.CharField(_("what"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.PositiveBigIntegerField(_("quantity"))
    value_cents = models.PositiveBigIntegerField(_("value (EUR cents)"))
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    wants_visibility = models.BooleanField(_("wants visibility"), default=False)
    wants_employee_involvement = models.BooleanField(_("wants employee involvement"), default=False)
    conditions = models.TextField(_("other conditions"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation", "kind", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="offer_quantity_positive",
                violation_error_message=_("Give a quantity of at least 1."),
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.label}"

    @property
    def is_expired(self) -> bool:
        """Past its last day (``available_until``): it no longer counts in matching and pooling."""
        from django.utils import timezone

        return self.available_until is not None and self.available_until < timezone.localdate()
