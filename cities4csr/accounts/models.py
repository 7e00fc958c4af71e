from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person. Global (one account across cities); what they may do is per city."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class Consent(CityScopedModel):
    """A person's consent, given to one city (the controller), for one purpose: who agreed to
    what, when, with which words, and when they withdrew it. Rows are never deleted: a
    withdrawal sets ``withdrawn_at``; consenting again adds a new row."""

    class Purpose(models.TextChoices):
        PUBLIC_NAME = "public_name", _("Show my name on the public page of the organisations I represent")

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    #: the sentence the person agreed to, in the language they read it
    wording = models.TextField(_("wording"))
    language = models.CharField(_("language"), max_length=8)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["city", "user", "purpose", "-created_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # at most one standing consent per person, city and purpose
            models.UniqueConstraint(
                fields=["city", "user", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_standing",
                violation_error_message=_("This person has already answered for this purpose."),
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


from .apikeys.models import ApiKey  # noqa: E402, F401  (a model of its own module: docs/adr)
