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

    def validate_constraints(self, exclude=None):
        """A broken constraint says its own message under the field it concerns (core.constraints)."""
        from .constraints import on_fields

        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise on_fields(type(self), exc) from None


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


class Notification(models.Model):
    """A message to one person about one city: their inbox, and the e-mail if they want it.

    Written by the notification task after the change it tells of has committed. ``key`` makes a
    reminder once-only: a second message with the same key for the same person is not written.
    """

    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True, help_text="A path on this site.")
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedManager(city="city")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "city", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "city", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
                violation_error_message=_("This person has already received this notification."),
            )
        ]

    def __str__(self):
        return self.subject


class EmailOptOut(models.Model):
    """A kind of notification a person does not want by e-mail (it still reaches their inbox).

    Global, like the person: the choice holds in every city."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=60)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="emailoptout_unique_kind",
                violation_error_message=_("This kind of e-mail is already turned off."),
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"
