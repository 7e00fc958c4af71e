"""Results: what an action of the city's plan or a need changed, measured by indicators whose
values are reported as updates with evidence and approved by the city (ADR 0034).

An indicator has a unit, a baseline and a target, each on a date, and a weight in the results
tree (plan → actions → needs → indicators), where progress is rolled up by weight
(``rollup.py``, pure). An update is a measured value with its evidence; it is a draft until
its reporter submits it, then the city approves it or returns it with a reason, and the
reporter corrects and submits it again. Only approved values count: in the progress, on the
map, in a company's statement and in the open data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel

VALUE_DIGITS = 16
VALUE_PLACES = 4


class ResultIndicator(CityScopedModel):
    """A measure of the result of an action of the plan or of one need (exactly one of them)."""

    action = models.ForeignKey(
        "needs.Action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("action of the plan"),
    )
    need = models.ForeignKey(
        "needs.Need",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("need"),
    )
    name = models.CharField(_("name"), max_length=200)
    #: the name in the city's other languages; ``name`` is the original (ADR 0021)
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text='{"en": {"name": …}}')
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("What is counted: pupils, m², %…"))
    method = models.TextField(_("how it is measured"), blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    baseline_on = models.DateField(_("baseline date"))
    target = models.DecimalField(_("target"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    target_on = models.DateField(_("target date"))
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Its share in the progress of its need or action")
    )
    counts_people = models.BooleanField(
        _("counts people reached"), default=False, help_text=_("Its value is a number of beneficiaries")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["city", "action", "need", "pk"]
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(action__isnull=False) & models.Q(need__isnull=True))
                | (models.Q(action__isnull=True) & models.Q(need__isnull=False)),
                name="impact_indicator_action_or_need",
                violation_error_message=_("An indicator measures either an action of the plan or a need."),
            ),
            models.CheckConstraint(
                condition=~models.Q(target=models.F("baseline")),
                name="impact_indicator_target_differs",
                violation_error_message=_("The target must differ from the baseline."),
            ),
            models.CheckConstraint(
                condition=models.Q(target_on__gte=models.F("baseline_on")),
                name="impact_indicator_dates",
                violation_error_message=_("The target date cannot be before the baseline date."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1) & models.Q(weight__lte=100),
                name="impact_indicator_weight",
                violation_error_message=_("Give a weight between 1 and 100."),
            ),
        ]

    def __str__(self):
        return self.name


class IndicatorUpdate(CityScopedModel):
    """A value of an indicator measured on a day, with its evidence and its approval trail."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for correction")

    indicator = models.ForeignKey(
        ResultIndicator, on_delete=models.PROTECT, related_name="updates", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    measured_on = models.DateField(_("measured on"))
    note = models.TextField(_("what happened"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="impact/evidence/", blank=True)
    evidence_url = models.URLField(_("link to the evidence"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_updates",
        verbose_name=_("reported by"),
        help_text=_("The organisation that reports it; none when the city does"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    return_reason = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        ordering = ["city", "indicator", "-measured_on", "-pk"]
        verbose_name = _("indicator update")
        verbose_name_plural = _("indicator updates")
        indexes = [
            models.Index(fields=["indicator", "state", "measured_on"], name="impact_update_latest"),
        ]

    def __str__(self):
        return f"{self.indicator} = {self.value} ({self.measured_on})"
