from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.i18n import pick
from cities4csr.core.models import CityScopedModel


class Action(CityScopedModel):
    """A line of the city's CSR action plan, e.g. "Make schools in deprived areas more attractive".

    Needs (published by the city or a partner) belong to an action; the action names the
    neighbourhoods it targets.
    """

    number = models.PositiveSmallIntegerField(_("number"))
    titles = models.JSONField(_("title"), default=dict, help_text="{language: title}")
    descriptions = models.JSONField(_("description"), default=dict, blank=True, help_text="{language: text}")
    target_areas = models.ManyToManyField(
        "cities.Area", blank=True, related_name="actions", verbose_name=_("target areas")
    )

    class Meta:
        ordering = ["city", "number"]
        constraints = [models.UniqueConstraint(fields=["city", "number"], name="action_unique_number")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def title(self):
        return pick(self.titles)

    @property
    def description(self):
        return pick(self.descriptions)
