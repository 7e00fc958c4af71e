"""The agreement a pledge gets once an officer confirms the advisor's instrument: the advice as it
was (rule pack version, answers, result), its checklist of steps with deadlines, and the returns
register (what the company receives: logo placement, naming, events)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.i18n import pick
from cities4csr.core.models import CityScopedModel


class Agreement(CityScopedModel):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed: steps running")
        CONCLUDED = "concluded", _("Concluded")

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.CONFIRMED)
    pledge = models.OneToOneField("pledges.Pledge", on_delete=models.PROTECT, related_name="agreement")
    instrument = models.CharField(_("legal instrument"), max_length=40)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2)
    pack_version = models.CharField(_("rule pack version"), max_length=20)
    answers = models.JSONField(_("questionnaire answers"), default=dict)
    advice = models.JSONField(_("advice as given"), default=dict)
    advised_on = models.DateField(_("advice date"))
    notice_starts_on = models.DateField(_("public notice published on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice runs until"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The terms the draft's clauses need (documents.clauses); blank ones print "[…]" for the legal office.
    city_signatory = models.CharField(_("city's signatory (name and role)"), max_length=200, blank=True)
    city_signatory_act = models.CharField(_("act that authorises the city's signatory"), max_length=255, blank=True)
    giver_signatory = models.CharField(_("giver's signatory (name and role)"), max_length=200, blank=True)
    giver_signatory_act = models.CharField(_("act that authorises the giver's signatory"), max_length=255, blank=True)
    regulation_ref = models.CharField(_("municipal regulation applied"), max_length=255, blank=True)
    regulation_on = models.DateField(_("regulation adopted on"), null=True, blank=True)
    notice_ref = models.CharField(_("public notice reference"), max_length=255, blank=True)
    decision_ref = models.CharField(_("decision approving the agreement (determina)"), max_length=255, blank=True)
    decision_on = models.DateField(_("decision dated"), null=True, blank=True)
    starts_on = models.DateField(_("agreement starts on"), null=True, blank=True)
    ends_on = models.DateField(_("agreement ends on"), null=True, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("payment due within (days)"), null=True, blank=True)

    #: the terms an officer enters for the draft (services.agreement_terms_update)
    TERMS_FIELDS = (
        "city_signatory",
        "city_signatory_act",
        "giver_signatory",
        "giver_signatory_act",
        "regulation_ref",
        "regulation_on",
        "notice_ref",
        "decision_ref",
        "decision_on",
        "starts_on",
        "ends_on",
        "payment_days",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_ends_on__isnull=True)
                | models.Q(notice_ends_on__gte=models.F("notice_starts_on")),
                name="agreement_notice_ends_after_start",
                violation_error_message=_("The public notice ends before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_terms_end_after_start",
                violation_error_message=_("The agreement ends before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(payment_days__isnull=True) | models.Q(payment_days__lte=365),
                name="agreement_payment_days_at_most_a_year",
                violation_error_message=_("Give a number of days between 0 and 365."),
            ),
        ]

    def __str__(self):
        return f"{self.instrument} · {self.pledge_id}"

    @property
    def instrument_name(self) -> str:
        return pick(self.advice.get("instrument_names", {})) or self.instrument


class ChecklistStep(CityScopedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    labels = models.JSONField(default=dict, help_text="{language: label}")
    days = models.PositiveIntegerField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    blocks_agreement = models.BooleanField(default=False)
    uncertain = models.BooleanField(default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"],
                name="checkliststep_unique_position",
                violation_error_message=_("The checklist already has a step in this position."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return pick(self.labels) or self.code


class ReturnItem(CityScopedModel):
    """What the giver receives in return, published on its page (returns register)."""

    class Kind(models.TextChoices):
        LOGO = "logo", _("Logo placement")
        NAMING = "naming", _("Naming")
        EVENT = "event", _("Event")
        MENTION = "mention", _("Thank-you mention")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=255)
    value_cents = models.PositiveBigIntegerField(_("estimated value (EUR cents)"), default=0)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("return to the giver")
        verbose_name_plural = _("returns register")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="returnitem_ends_after_start",
                violation_error_message=_("The return ends before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"
