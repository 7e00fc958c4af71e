"""Generated agreement drafts: stored files with the versions and inputs that made them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class Draft(CityScopedModel):
    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"

    agreement = models.ForeignKey("instruments.Agreement", on_delete=models.CASCADE, related_name="drafts")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="drafts/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pack_version = models.CharField(_("rule pack version"), max_length=20)
    template_version = models.CharField(_("template version"), max_length=20)
    inputs = models.JSONField(_("input snapshot"), default=dict)
    language = models.CharField(_("language"), max_length=8)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["agreement", "-created_at", "-id"]
        verbose_name = _("agreement draft")
        verbose_name_plural = _("agreement drafts")

    def __str__(self):
        return self.file.name
