"""Base models shared by every domain app, and the audit trail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CityScopedModel(TimeStampedModel):
    """A row owned by one city. Its default manager refuses to run outside a city scope.

    Views get the scope from the URL (CityTenantMiddleware); commands and tasks open it
    with ``django_scopes.scope(city=city.pk)``. ``scopes_disabled()`` is for migrations,
    the admin site and test set-up only.
    """

    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(city="city")

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change, written by the service that made it, in the same transaction.

    Append-only: rows are never updated or deleted by the application.
    """

    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="The actor as it was, kept if the user goes.")
    verb = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(city="city")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["city", "object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events are append-only.")
