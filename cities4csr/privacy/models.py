"""The record of erasures, and the cities' privacy settings as the admin edits them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.cities.models import City


class Erasure(models.Model):
    """One erased account: when, why, and under which pseudonym it lives on in the records.

    Global, as the account is: an account tied to no city is erased too. Nothing here names the
    person; each city the account was tied to also has an ``account.erase`` audit event."""

    class Reason(models.TextChoices):
        REQUEST = "request", _("At the person's request")
        INACTIVE = "inactive", _("Account inactive beyond the retention period")
        UNVERIFIED = "unverified", _("Sign-up never confirmed within the retention period")

    user = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(_("pseudonym"), max_length=40, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    cities = models.JSONField(_("cities"), default=list, help_text="slugs of the cities the account was tied to")
    erased_at = models.DateTimeField(_("erased on"), auto_now_add=True)

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return self.pseudonym


class CityPrivacy(City):
    """The City, seen by the admin's "privacy" page: controller, data protection officer,
    retention periods (City.PRIVACY_FIELDS)."""

    class Meta:
        proxy = True
        verbose_name = _("privacy settings of a city")
        verbose_name_plural = _("privacy settings of cities")
