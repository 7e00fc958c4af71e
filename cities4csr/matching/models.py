"""Stored results of the matching engine, and collective actions with their invitations.

Recommendations are recomputed in the background (tasks.py) and read by pages and the API;
explanations are rendered in the reader's language from the stored components (explain.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


class MatchRun(CityScopedModel):
    """One recomputation of a city's recommendations ("computed at" is its ``created_at``)."""

    companies = models.PositiveIntegerField(default=0)
    needs = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    weights = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        from django.utils import formats, timezone

        when = (
            formats.date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT") if self.created_at else ""
        )
        return _("Recommendations computed on %(when)s") % {"when": when}


class Recommendation(CityScopedModel):
    """A company–need pair kept in someone's top-k: the company's (``company_rank``), the need's
    (``need_rank``) or both. ``components`` holds the five components and the facts an
    explanation cites (shared themes, nearest site and its distance, coverage, equity)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="recommendations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="recommendations"
    )
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="recommendations")
    score = models.FloatField(_("score"))
    components = models.JSONField(default=dict)
    company_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    need_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "company_rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "organisation", "need"],
                name="recommendation_unique",
                violation_error_message=_("This recommendation has already been computed."),
            )
        ]
        indexes = [
            models.Index(fields=["city", "organisation", "company_rank"], name="recommendation_company"),
            models.Index(fields=["city", "need", "need_rank"], name="recommendation_need"),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.need}"


class CollectiveAction(CityScopedModel):
    """Several companies invited, together, to cover what one need still misses."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="collective_actions")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    proposal = models.JSONField(default=dict, help_text="method, lower bound, gap, covered and target cents")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("collective action")
        verbose_name_plural = _("collective actions")

    def __str__(self):
        return f"{_('Collective action')}: {self.need}"


class Invitation(CityScopedModel):
    """A company asked to join a collective action with part of its offers (states.py)."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    action = models.ForeignKey(CollectiveAction, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="invitations")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.INVITED)
    items = models.JSONField(default=dict, help_text="{resource line id: quantity asked}")
    offers = models.JSONField(default=dict, help_text="{offer id: EUR cents drawn from it}")
    value_cents = models.BigIntegerField(_("value (EUR cents)"), default=0)
    pledge = models.ForeignKey(
        "pledges.Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["action", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"],
                name="invitation_unique",
                violation_error_message=_("This organisation is already invited to the collective action."),
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.organisation} → {self.action.need}"
