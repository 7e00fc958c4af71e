from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class ApiKey(CityScopedModel):
    """A person's key for the API of one city. Never deleted by the application: a revoked or
    expired key stays listed (who made it, when, when it was last used), and refused."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    #: the key's public part, before the "."; finds the row without the secret
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    #: "sha512$$<hex>" of the whole key: the key itself is never stored
    hashed_key = models.CharField(max_length=150, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        indexes = [models.Index(fields=["city", "owner"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
