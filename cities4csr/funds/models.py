"""City funds: what they are for, who gave to them, what they awarded and paid out (ADR 0027).

Every cent that moves is a movement of the contributions ledger (``cities4csr.ledger``): a fund
and each campaign have their own ledger ``Account``; a received contribution, a refund and a
disbursement are movements of it. The rows here carry what the ledger does not: who the donor is
(personal data, outside the hash chain, so erasure never touches it), how they pay (the
structured reference, the pagoPA notice, the card provider's session), the acts behind awards.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel
from cities4csr.ledger.models import Motivation


def _token() -> str:
    return secrets.token_urlsafe(24)


class PurposeCategory(CityScopedModel):
    """What awards are for (vulnerable families, shopping vouchers, nurseries…): city data."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text='{"en": {"name": …}}')

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("purpose category")
        verbose_name_plural = _("purpose categories")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "code"],
                name="funds_purpose_code_unique",
                violation_error_message=_("This city already has a purpose with this code."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name_translations(self) -> dict:
        return {lang: t.get("name", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}


class Fund(CityScopedModel):
    """A city fund (Milano Aiuta): its purpose, the act that set it up, its dates and the city's
    account that receives bank transfers. Its money is its ledger account's balance."""

    class State(models.TextChoices):
        OPEN = "open", _("Open to contributions")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text='{"en": {"title": …, "purpose": …}}'
    )
    governance_act = models.CharField(
        _("act that set it up"), max_length=255, blank=True, help_text=_("For example: Giunta resolution no. 90")
    )
    governance_act_on = models.DateField(_("date of the act"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, help_text=_("The city's account that receives transfers"))
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    beneficiary = models.CharField(_("beneficiary"), max_length=70, help_text=_("The account holder's name"))
    target_cents = models.BigIntegerField(_("target (cents)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    account = models.OneToOneField(
        "ledger.Account",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("ledger account"),
        help_text="Opened with the fund (its id names the account), in the same transaction",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["city", "-opens_on", "pk"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"],
                name="funds_fund_slug_unique",
                violation_error_message=_("This city already has a fund with this short name."),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("opens_on")),
                name="funds_fund_dates_in_order",
                violation_error_message=_("A fund closes after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(target_cents__isnull=True) | models.Q(target_cents__gt=0),
                name="funds_fund_target_positive",
                violation_error_message=_("The target must be above zero."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title_translations(self) -> dict:
        return {lang: t.get("title", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}

    @property
    def purpose_translations(self) -> dict:
        return {lang: t.get("purpose", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}


class Earmark(CityScopedModel):
    """A part of a fund a donor may choose to give to (nurseries, small businesses…)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="earmarks")
    title = models.CharField(_("title"), max_length=200)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    purpose = models.ForeignKey(
        PurposeCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )

    class Meta:
        ordering = ["fund", "title"]
        verbose_name = _("earmark")
        verbose_name_plural = _("earmarks")

    def __str__(self):
        return self.title

    @property
    def title_translations(self) -> dict:
        return {lang: t.get("title", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}


class Contribution(CityScopedModel):
    """A gift of money to a fund or a campaign (``target``: its ledger account), from a citizen
    (no account needed), a company, an association or a foundation, by bank transfer, card,
    pagoPA, or recorded by an officer. Pending until the money is seen; received writes the
    ledger movement; refunds are reversals of it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the payment")
        RECEIVED = "received", _("Received")
        PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        PAGOPA = "pagopa", _("pagoPA")
        OFFLINE = "offline", _("Recorded by the city")

    class DonorKind(models.TextChoices):
        CITIZEN = "citizen", _("A citizen")
        COMPANY = "company", _("A company")
        ASSOCIATION = "association", _("An association")
        FOUNDATION = "foundation", _("A foundation")

    target = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("fund or campaign")
    )
    earmark = models.ForeignKey(
        Earmark, null=True, blank=True, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("for")
    )
    donor_kind = models.CharField(_("who gives"), max_length=20, choices=DonorKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    donor_name = models.CharField(_("name"), max_length=200)
    donor_email = models.EmailField(_("e-mail"), blank=True)
    donor_tax_id = models.CharField(_("tax code"), max_length=32, blank=True)
    donor_address = models.TextField(_("address"), blank=True)
    name_public = models.BooleanField(_("show my name on the public ledger"), default=False)
    motivation = models.CharField(
        _("motivation"), max_length=30, choices=Motivation.choices, default=Motivation.CHARITABLE_GIFT
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    received_cents = models.BigIntegerField(_("received (cents)"), default=0, editable=False)
    refunded_cents = models.BigIntegerField(_("refunded (cents)"), default=0, editable=False)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    reference = models.CharField(_("payment reference"), max_length=35, editable=False)
    notice_code = models.CharField(_("pagoPA notice code"), max_length=18, blank=True, default="", editable=False)
    provider_ref = models.CharField(max_length=255, blank=True, default="", editable=False)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    group = models.ForeignKey(
        "ledger.PostingGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    evidence = models.FileField(_("evidence"), upload_to="funds/evidence/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    access_token = models.CharField(max_length=40, default=_token, editable=False)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [models.Index(fields=["target", "state"], name="funds_contribution_target")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0),
                name="funds_contribution_amount_positive",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_cents__gte=0) & models.Q(refunded_cents__lte=models.F("received_cents")),
                name="funds_contribution_refund_within_received",
                violation_error_message=_("A refund cannot exceed what was received."),
            ),
            models.UniqueConstraint(
                fields=["city", "reference"],
                name="funds_contribution_reference_unique",
                violation_error_message=_("This payment reference is already in use."),
            ),
            models.UniqueConstraint(
                fields=["city", "notice_code"],
                condition=~models.Q(notice_code=""),
                name="funds_contribution_notice_unique",
                violation_error_message=_("This pagoPA notice code is already in use."),
            ),
            models.UniqueConstraint(
                fields=["channel", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="funds_contribution_provider_ref_unique",
                violation_error_message=_("This payment has already been recorded."),
            ),
            models.UniqueConstraint(
                fields=["city", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="funds_contribution_idempotency_unique",
                violation_error_message=_("This contribution has already been sent."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.donor_name}"

    @property
    def open_cents(self) -> int:
        """What is still held of it: received less refunded."""
        return self.received_cents - self.refunded_cents


class Award(CityScopedModel):
    """Money of a fund given by an act (Giunta or committee) to an organisation or a need. Once
    approved, it is reserved: the fund cannot spend it on anything else until it is paid out
    (its disbursements) or cancelled."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid out")
        CANCELLED = "cancelled", _("Cancelled")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="awards")
    purpose = models.ForeignKey(
        PurposeCategory, on_delete=models.PROTECT, related_name="awards", verbose_name=_("purpose")
    )
    description = models.TextField(_("what it pays for"))
    criteria = models.TextField(_("criteria"), blank=True)
    act_number = models.CharField(_("act number"), max_length=100)
    act_on = models.DateField(_("date of the act"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    disbursed_cents = models.BigIntegerField(_("paid out (cents)"), default=0, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("recipient organisation"),
    )
    need = models.ForeignKey(
        "needs.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="awards", verbose_name=_("need")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-act_on", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0),
                name="funds_award_amount_positive",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(disbursed_cents__gte=0) & models.Q(disbursed_cents__lte=models.F("amount_cents")),
                name="funds_award_disbursed_within_amount",
                violation_error_message=_("Payments cannot exceed the award."),
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True, need__isnull=False)
                | models.Q(organisation__isnull=False, need__isnull=True),
                name="funds_award_one_recipient",
                violation_error_message=_("An award goes to an organisation or to a need."),
            ),
        ]

    def __str__(self):
        return f"{self.act_number} · {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.need.title

    @property
    def pending_cents(self) -> int:
        """What the award still reserves in its fund."""
        return self.amount_cents - self.disbursed_cents if self.state == self.State.APPROVED else 0


class Disbursement(CityScopedModel):
    """A payment of (part of) an award, with its receipt as evidence: a ledger movement from the
    fund to the recipient."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="disbursements")
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    paid_on = models.DateField(_("paid on"))
    receipt = models.FileField(_("receipt"), upload_to="funds/receipts/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    group = models.ForeignKey("ledger.PostingGroup", on_delete=models.PROTECT, related_name="+", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0),
                name="funds_disbursement_amount_positive",
                violation_error_message=_("The amount must be above zero."),
            )
        ]

    def __str__(self):
        return f"{self.award} · {self.amount_cents}"


# --- card payments (ADR 0029) ----------------------------------------------------------------


class ProviderEvent(CityScopedModel):
    """A card provider's notification (webhook) once it was applied to a contribution, by its
    provider's id: the same notification sent again, even as another event type, changes
    nothing. ``payment_ref`` is the provider's id of the payment (Stripe's payment intent),
    which later refunds name. Its ``created_at`` is when it was received."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Nothing to change")
        REFUSED = "refused", _("Refused")

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="provider_events")
    payment_ref = models.CharField(max_length=255, blank=True, default="")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.CharField(max_length=100, blank=True, default="", help_text="why it was refused: a code")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("card payment event")
        verbose_name_plural = _("card payment events")
        indexes = [models.Index(fields=["provider", "payment_ref"], name="funds_providerevent_payment")]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                name="funds_providerevent_unique",
                violation_error_message=_("This payment notification has already been received."),
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"


# === Bank statements and reconciliation ===========================================================
# (funds.banking: the officer uploads the fund account's statement; its lines pay pending
# contributions by reference, then by amount and name; the rest waits in a queue.)


class StatementImport(CityScopedModel):
    """A bank statement of a fund's account uploaded by an officer (ISO 20022 camt.053 XML or the
    bank's CSV export), kept as it came, and the run that reconciles its lines in the background."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", _("ISO 20022 camt.053 statement (XML)")
        CSV = "csv", _("The bank's CSV export")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be read")
        RUNNING = "running", _("Being reconciled")
        DONE = "done", _("Reconciled")
        FAILED = "failed", _("Failed")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statement_imports", verbose_name=_("fund"))
    file = models.FileField(_("file"), upload_to="funds/statements/%Y/%m/")
    entries = models.FileField(
        upload_to="funds/statements/%Y/%m/",
        blank=True,
        editable=False,
        help_text="Its entries as the upload read them (JSON, banking.records.entries_dump): the "
        "reconciliation takes them instead of reading the file again",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    csv_profile = models.JSONField(default=dict, blank=True, help_text="The CSV columns (banking.bank_csv.CsvProfile)")
    statement_ref = models.CharField(_("bank's statement number"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    lines_total = models.PositiveIntegerField(_("lines"), default=0)
    lines_done = models.PositiveIntegerField(_("lines read"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)
    lines_matched = models.PositiveIntegerField(_("lines matched"), default=0)
    error_code = models.CharField(max_length=40, blank=True, editable=False)
    error_params = models.JSONField(default=dict, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        indexes = [models.Index(fields=["fund", "sha256"], name="funds_statement_sha")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lines_done__lte=models.F("lines_total")),
                name="funds_statement_progress_within_total",
                violation_error_message=_("A statement cannot have more lines done than it holds."),
            )
        ]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        """How far the run is, 0 to 100 (a whole number: the progress bar's class)."""
        if self.state == self.State.DONE:
            return 100
        return self.lines_done * 100 // self.lines_total if self.lines_total else 0

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class BankLine(CityScopedModel):
    """One amount booked on a fund's account, read from a statement. Its ``entry_key`` is the
    booking's identity at the bank (the account and the bank's reference for it, else a hash of
    its content: ``banking.records``), unique per city, so that a booking counts once however
    many files carry it."""

    class State(models.TextChoices):
        MATCHED = "matched", _("Matched")
        UNMATCHED = "unmatched", _("To look at")
        IGNORED = "ignored", _("Set aside")

    class MatchedBy(models.TextChoices):
        REFERENCE = "reference", _("By its payment reference")
        AMOUNT_NAME = "amount_name", _("By amount and name")
        MANUAL = "manual", _("By an officer")

    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="bank_lines", verbose_name=_("fund"))
    entry_key = models.CharField(max_length=160, editable=False)
    line_number = models.PositiveIntegerField(_("line in the file"), default=0)
    booking_date = models.DateField(_("booked on"), null=True, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    credit = models.BooleanField(_("credit"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    debtor_name = models.CharField(_("from"), max_length=200, blank=True)
    reference = models.CharField(_("structured reference"), max_length=70, blank=True)
    remittance = models.TextField(_("remittance text"), blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=100, blank=True)
    end_to_end_id = models.CharField(_("payer's reference"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="banking.reconcile's reason when unmatched")
    contribution = models.OneToOneField(
        Contribution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_line",
        verbose_name=_("contribution"),
    )
    matched_by = models.CharField(_("matched"), max_length=20, choices=MatchedBy.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The officer who matched the line by hand or set it aside",
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    ignored_reason = models.TextField(_("why it is set aside"), blank=True)

    class Meta:
        ordering = ["-booking_date", "-id"]
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        indexes = [models.Index(fields=["fund", "state"], name="funds_bankline_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "entry_key"],
                name="funds_bankline_entry_once",
                violation_error_message=_("This bank entry has already been imported."),
            ),
            models.CheckConstraint(
                condition=models.Q(state="matched", contribution__isnull=False)
                | (~models.Q(state="matched") & models.Q(contribution__isnull=True)),
                name="funds_bankline_matched_has_contribution",
                violation_error_message=_("A matched bank line names its contribution, and only a matched one does."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0),
                name="funds_bankline_amount_positive",
                violation_error_message=_("A bank line's amount must be above zero."),
            ),
        ]

    #: why the matcher left a line (banking.reconcile's reasons), as the queue says it
    OUTCOMES = {
        "no_candidate": _("No pending contribution has its reference, or its amount and a similar name."),
        "ambiguous": _("Several pending contributions fit its amount and name."),
        "currency": _("It is in another currency."),
        "debit": _("A debit: money that left the account."),
        "duplicate": _("The same booking twice in the file."),
    }

    def __str__(self):
        return f"{self.booking_date} · {self.debtor_name or self.remittance[:40]}"

    @property
    def outcome_text(self) -> str:
        return str(self.OUTCOMES.get(self.outcome, ""))


from .pagopa_models import PagopaFlow, PagopaFlowLine  # noqa: E402, F401 - pagoPA reporting flows (ADR 0028)
