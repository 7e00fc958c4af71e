"""Match-funding campaigns: a target and a deadline for a need or a project, the matchers who add
money to the crowd's gifts, and the record linking each match to the gift it matches (ADR 0031).

Money is the ledger's (``cities4csr.ledger``): a campaign has its own ``Account``; gifts are
``funds.Contribution`` rows whose target is that account; each match, top-up, return and move
is a ledger movement. The rules live in ``engine.py`` (pure, ADR 0026); these rows carry them and
the links the pages need. Nothing here counts money: the page's figures come from replaying the
campaign's ledger movements through the engine.
"""

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel

from . import engine


class Campaign(CityScopedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open to gifts")
        SUCCEEDED = "succeeded", _("Target reached")
        MISSED = "missed", _("Target missed")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = engine.Mode.ALL_OR_NOTHING.value, _("All or nothing")
        KEEP_WHAT_YOU_RAISE = engine.Mode.KEEP_WHAT_YOU_RAISE.value, _("Keep what is raised")

    class OnMiss(models.TextChoices):
        REFUND = engine.OnMiss.REFUND.value, _("Give the gifts back to their donors")
        MOVE_TO_FUND = engine.OnMiss.MOVE_TO_FUND.value, _("Move the gifts to a city fund")

    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text='{"en": {"title": …, "description": …}}'
    )
    need = models.ForeignKey(
        "needs.Need",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("need"),
    )
    project = models.CharField(
        _("project"), max_length=200, blank=True, help_text=_("What the money is for, when it is not a need")
    )
    recipient = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who receives the money"),
        help_text=_("For a project: the organisation that receives what is raised"),
    )
    target_cents = models.BigIntegerField(_("target (cents)"))
    deadline = models.DateTimeField(_("deadline"))
    mode = models.CharField(_("rule"), max_length=30, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    on_miss = models.CharField(
        _("if the target is missed"), max_length=30, choices=OnMiss.choices, default=OnMiss.REFUND
    )
    fund = models.ForeignKey(
        "funds.Fund",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fund that receives a missed campaign's gifts"),
    )
    match_cap_cents = models.BigIntegerField(_("cap on all matches (cents)"), null=True, blank=True)
    cascade = models.BooleanField(
        _("what a matcher cannot match goes on to the next"),
        default=True,
    )
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, help_text=_("The city's account that receives transfers")
    )
    beneficiary = models.CharField(
        _("beneficiary"), max_length=70, blank=True, help_text=_("The account holder's name")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    account = models.OneToOneField(
        "ledger.Account",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("ledger account"),
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_seq = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False, help_text="The city's ledger number when the deadline was applied"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["city", "-deadline", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"],
                name="campaigns_slug_unique",
                violation_error_message=_("This city already has a campaign with this short name."),
            ),
            models.CheckConstraint(
                condition=models.Q(target_cents__gt=0),
                name="campaigns_target_positive",
                violation_error_message=_("The target must be above zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(match_cap_cents__isnull=True) | models.Q(match_cap_cents__gte=0),
                name="campaigns_match_cap_not_negative",
                violation_error_message=_("The cap on matches cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(need__isnull=False) | ~models.Q(project=""),
                name="campaigns_need_or_project",
                violation_error_message=_(
                    "A campaign is for a need or for a project: choose the need or name the project."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(on_miss="move_to_fund") | models.Q(fund__isnull=False),
                name="campaigns_move_needs_fund",
                violation_error_message=_("Choose the fund that receives the gifts if the target is missed."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def titles(self) -> dict:
        return {lang: t.get("title", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}

    @property
    def descriptions(self) -> dict:
        return {lang: t.get("description", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Matcher(CityScopedModel):
    """Who adds money to the crowd's gifts, and how: the city (``organisation`` empty: its own
    budget account) or a company or foundation (its giver account). Either a per-gift match
    (``factor``, caps per gift and per donor) or a threshold top-up at the deadline; both draw
    on ``pool_cents``. The rules of a campaign change only while it is a draft."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="matchers")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty: the city itself"),
    )
    pool_cents = models.BigIntegerField(_("money put in (cents)"))
    factor = models.DecimalField(
        _("match per euro given"),
        max_digits=7,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal(100))],
        help_text=_("1 doubles each gift; 0.5 adds half of it"),
    )
    per_gift_cap_cents = models.BigIntegerField(_("cap per gift (cents)"), null=True, blank=True)
    per_donor_cap_cents = models.BigIntegerField(_("cap per donor (cents)"), null=True, blank=True)
    threshold_percent = models.PositiveSmallIntegerField(
        _("threshold: share of the target"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A top-up at the deadline once the crowd has given this percentage of the target"),
    )
    threshold_donors = models.PositiveIntegerField(
        _("threshold: donors"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    threshold_all_of = models.BooleanField(_("both conditions"), default=False)
    threshold_cap_cents = models.BigIntegerField(_("cap on the top-up (cents)"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("matcher")
        verbose_name_plural = _("matchers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pool_cents__gte=0),
                name="campaigns_matcher_pool_not_negative",
                violation_error_message=_("The money put in cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(factor__gt=0) & models.Q(factor__lte=100),
                name="campaigns_matcher_factor_range",
                violation_error_message=_("The match per euro is above 0 and at most 100."),
            ),
        ]

    def __str__(self):
        return self.organisation.name if self.organisation_id else str(_("The city"))

    @property
    def is_top_up(self) -> bool:
        return self.threshold_percent is not None or self.threshold_donors is not None

    @property
    def factor_fraction(self) -> Fraction:
        return Fraction(self.factor)

    def to_engine(self) -> engine.Matcher:
        threshold = None
        if self.is_top_up:
            threshold = engine.Threshold(
                percent=self.threshold_percent,
                donors=self.threshold_donors,
                cap_cents=self.threshold_cap_cents,
                all_of=self.threshold_all_of,
            )
        return engine.Matcher(
            id=str(self.pk),
            order=self.order,
            pool_cents=self.pool_cents,
            factor=self.factor_fraction,
            per_gift_cap_cents=self.per_gift_cap_cents,
            per_donor_cap_cents=self.per_donor_cap_cents,
            threshold=threshold,
        )


class CampaignMatch(CityScopedModel):
    """A matcher's money in a campaign as one ledger movement: the match of one gift
    (``contribution``), or a threshold top-up at the deadline (no contribution). Its
    cancellations are the movement's reversals (``group.reversals``)."""

    class Kind(models.TextChoices):
        MATCH = "match", _("Match of a gift")
        TOP_UP = "top_up", _("Top-up at the deadline")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="matches")
    matcher = models.ForeignKey(Matcher, on_delete=models.PROTECT, related_name="matches")
    contribution = models.ForeignKey(
        "funds.Contribution", null=True, blank=True, on_delete=models.PROTECT, related_name="campaign_matches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    cents = models.BigIntegerField(_("amount (cents)"))
    group = models.OneToOneField("ledger.PostingGroup", on_delete=models.PROTECT, related_name="campaign_match")

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["matcher", "contribution"],
                condition=models.Q(contribution__isnull=False),
                name="campaigns_one_match_per_gift_and_matcher",
                violation_error_message=_("This gift is already matched by this matcher."),
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="match") & models.Q(contribution__isnull=False))
                | (models.Q(kind="top_up") & models.Q(contribution__isnull=True)),
                name="campaigns_match_kind_gift",
                violation_error_message=_("A match names its gift; a top-up does not."),
            ),
            models.CheckConstraint(
                condition=models.Q(cents__gt=0),
                name="campaigns_match_positive",
                violation_error_message=_("The amount must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.matcher} · {self.cents}"
