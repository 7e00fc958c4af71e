"""The contributions ledger: append-only, double-entry, hash-chained per city (ADR 0025).

A movement is a ``PostingGroup``: two or more ``Posting`` rows between ``Account`` rows whose
amounts (cents) and quantities sum to zero, with what was given (resource kind), why
(motivation), for what (themes, area), valued how, on which day and from which source. Nothing is
edited: a correction or a refund is a new group that reverses another. Each group carries a hash
over its content and the previous group's hash of the same city; ``ChainHead`` is the city's last
link and the lock every write takes.

Written only by ``ledger.services``; read through ``ledger.selectors``. Database triggers
(migration 0001) refuse any UPDATE or DELETE of a group or a posting and any head that would point
at a group that does not balance.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel

from .resources import ResourceKind


class Account(CityScopedModel):
    """Who or what holds value in the ledger: a giver, a fund, a campaign, a need, a recipient.

    ``ref_id`` is the id of the object in its own app (an organisation, a need, a fund…), read
    with ``kind``; the ledger imports none of those apps (ADR 0025). ``balance_cents`` is the sum
    of the account's postings, kept by ``group_post`` under the city's chain lock (``ledger_verify``
    checks it); an account that ``holds`` money (a fund, a campaign) never goes below zero.

    ``city`` is the city's own budget (``ref_id`` = the city's id); ``public`` is every
    donor of the city without an organisation on the platform (``ref_id`` 0): who gave is kept in the contribution, outside the
    chain, so that erasing a person never touches a hashed row (ADR 0027)."""

    class Kind(models.TextChoices):
        GIVER = "giver", _("Giver")
        FUND = "fund", _("Fund")
        CAMPAIGN = "campaign", _("Campaign")
        NEED = "need", _("Need")
        RECIPIENT = "recipient", _("Recipient organisation")
        CITY = "city", _("The city")
        PUBLIC = "public", _("Donors without an account")
        #: a company's own community programme: what running it costs (B4SI's management costs)
        PROGRAMME = "programme", _("The company's community programme")

    #: kinds whose balance is money held, that can never be spent below zero
    HOLDING = (Kind.FUND, Kind.CAMPAIGN)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ref_id = models.PositiveBigIntegerField(_("reference"), help_text="The id of the giver, fund, need… in its app")
    label = models.CharField(_("name"), max_length=255, blank=True)
    holds = models.BooleanField(default=False, editable=False, help_text="Never below zero (a fund, a campaign)")
    balance_cents = models.BigIntegerField(_("balance (cents)"), default=0, editable=False)

    class Meta:
        ordering = ["city", "kind", "ref_id"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        db_table = "ledger_account"
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "ref_id"],
                name="ledger_account_unique_ref",
                violation_error_message=_("This account already exists in the ledger."),
            ),
            models.CheckConstraint(
                condition=models.Q(holds=False) | models.Q(balance_cents__gte=0),
                name="ledger_account_holding_not_negative",
                violation_error_message=_("This balance cannot go below zero."),
            ),
        ]

    def __str__(self):
        return self.label or f"{self.kind} {self.ref_id}"


class Source(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    FUND_CONTRIBUTION = "fund_contribution", _("Fund contribution")
    MATCH = "match", _("Match funding")
    AWARD = "award", _("Award")
    DISBURSEMENT = "disbursement", _("Disbursement")
    REFUND = "refund", _("Refund")
    VOLUNTEERING = "volunteering", _("Volunteering hours")
    CORRECTION = "correction", _("Correction")
    MANAGEMENT_COST = "management_cost", _("Management costs of a community programme")


class Motivation(models.TextChoices):
    """B4SI's "why": a gift with no return, an investment in the community's long-term good, or
    an activity that also serves the company's business."""

    CHARITABLE_GIFT = "charitable_gift", _("Charitable gift")
    COMMUNITY_INVESTMENT = "community_investment", _("Community investment")
    COMMERCIAL_INITIATIVE = "commercial_initiative", _("Commercial initiative")


class Valuation(models.TextChoices):
    FACE_VALUE = "face_value", _("Face value (money)")
    COST = "cost", _("Cost to the giver")
    MARKET = "market", _("Market value")
    DECLARED = "declared", _("Declared by the giver")


class ReasonCode(models.TextChoices):
    """Why a group is reversed."""

    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")
    DUPLICATE = "duplicate", _("Duplicate")
    REFUND = "refund", _("Refund to the giver")
    GIFT_CANCELLED = "gift_cancelled", _("The matched gift was cancelled")
    NOT_DELIVERED = "not_delivered", _("Not delivered")


class PostingGroup(CityScopedModel):
    """One movement: postings that sum to zero, and what they are about. Never changed."""

    seq = models.PositiveBigIntegerField(_("number"), help_text="1, 2, 3… per city: the place in the chain")
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    source_ref = models.CharField(
        _("source reference"),
        max_length=100,
        blank=True,
        default="",
        help_text="What wrote it (pledges.pledgeitem:12): writing it again adds nothing",
    )
    resource_kind = models.CharField(_("resource"), max_length=20, choices=ResourceKind.choices)
    motivation = models.CharField(_("motivation"), max_length=30, choices=Motivation.choices)
    themes = models.CharField(_("themes"), max_length=255, blank=True, default="", help_text="'|culture|education|'")
    area_code = models.CharField(_("area"), max_length=40, blank=True, default="")
    valuation = models.CharField(_("valuation method"), max_length=20, choices=Valuation.choices)
    effective_on = models.DateField(_("effective date"))
    memo = models.CharField(_("memo"), max_length=255, blank=True, default="")
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    reason_code = models.CharField(_("reason"), max_length=30, choices=ReasonCode.choices, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["city", "seq"]
        verbose_name = _("ledger movement")
        verbose_name_plural = _("ledger movements")
        db_table = "ledger_group"
        constraints = [
            models.UniqueConstraint(
                fields=["city", "seq"],
                name="ledger_group_unique_seq",
                violation_error_message=_("Another movement was recorded at the same moment: please try again."),
            ),
            models.UniqueConstraint(
                fields=["city", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="ledger_group_unique_source",
                violation_error_message=_("This movement has already been recorded."),
            ),
            # a reversal says why; nothing else has a reason code
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True) & models.Q(reason_code=""))
                | (models.Q(reverses__isnull=False) & ~models.Q(reason_code="")),
                name="ledger_group_reversal_reason",
                violation_error_message=_("A reversal says why it reverses; no other movement has a reason code."),
            ),
        ]

    def __str__(self):
        # the label through the enum, not get_source_display (which builds the choices' dict each
        # time: seconds for a statement's audit events)
        # (``Source.values`` builds its list on each call: a try is cheaper)
        try:
            source = Source(self.source).label
        except ValueError:
            source = self.source
        return f"#{self.seq} · {source}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Ledger movements are append-only: reverse this one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger movements are append-only: reverse this one instead.")


class Posting(CityScopedModel):
    """One side of a movement: ``amount_cents`` into (positive) or out of (negative) ``account``,
    and for goods, time and space the quantity in ``unit`` it values. Never changed.

    ``balance_after_cents`` is the account's running balance, written with the posting under the
    chain lock, so a public ledger reads any page of a million movements without summing them."""

    group = models.ForeignKey(PostingGroup, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    quantity = models.BigIntegerField(_("quantity"), default=0)
    unit = models.CharField(_("unit"), max_length=20, blank=True, default="")
    balance_after_cents = models.BigIntegerField(
        _("balance after (cents)"), null=True, editable=False, help_text="The account's balance once this is posted"
    )

    class Meta:
        ordering = ["group", "id"]
        verbose_name = _("ledger posting")
        verbose_name_plural = _("ledger postings")
        db_table = "ledger_posting"
        indexes = [
            # an account's balance and its movements read off the index
            models.Index(fields=["account", "group", "amount_cents"], name="ledger_posting_account"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_cents=0) | ~models.Q(quantity=0),
                name="ledger_posting_not_empty",
                violation_error_message=_("A posting moves an amount or a quantity."),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.amount_cents}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Ledger postings are append-only: reverse the movement instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger postings are append-only: reverse the movement instead.")


class ChainHead(CityScopedModel):
    """A city's last link: the number and hash of its newest movement. Every write locks this row
    first, so the city's movements are numbered and chained one after the other."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_group = models.ForeignKey(PostingGroup, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["city"]
        db_table = "ledger_head"
        constraints = [
            models.UniqueConstraint(
                fields=["city"],
                name="ledger_head_one_per_city",
                violation_error_message=_("A city's ledger has one chain."),
            )
        ]

    def __str__(self):
        return f"{self.city_id}: #{self.seq} {self.last_hash[:12]}"
