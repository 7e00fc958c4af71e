"""Serializers of the funds API: they only parse and present; the services check every rule."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cities4csr.core.api.fields import IdField, MoneyCentsField
from cities4csr.core.money import active_locale, money_format
from cities4csr.funds.models import Award, Contribution, Disbursement, Fund

from ..models import BankLine, StatementImport

# === Bank statements and reconciliation ===========================================================


class StatementImportSerializer(serializers.ModelSerializer):
    """An uploaded statement and its reconciliation: ``lines_done`` of ``lines_total`` read so far;
    ``lines_new`` not seen before (a booking counts once), ``lines_matched`` paid a contribution."""

    fund = serializers.IntegerField(source="fund_id")
    percent = serializers.IntegerField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = StatementImport
        fields = [
            "id",
            "fund",
            "file_name",
            "format",
            "statement_ref",
            "state",
            "percent",
            "lines_total",
            "lines_done",
            "lines_new",
            "lines_matched",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_error(self, statement) -> dict | None:
        """Why a failed run stopped: ``code``, ``line`` (0: the file as a whole) and ``message`` in
        the request's language."""
        if statement.state != StatementImport.State.FAILED:
            return None
        from ..statement_errors import statement_message

        params = dict(statement.error_params)
        line = params.pop("line", 0)
        return {
            "code": statement.error_code,
            "line": line,
            "message": statement_message(statement.error_code, line, params),
        }


class StatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=StatementImport.Format.choices)
    csv_profile = serializers.JSONField(
        required=False,
        help_text="For a CSV export: the names of its columns, e.g. "
        '{"booking_date": "Data contabile", "amount": "Importo", "debtor_name": "Ordinante", '
        '"remittance": "Causale", "bank_reference": "Riferimento"}; also "credit"/"debit" instead of "amount", '
        '"value_date", "reference", "delimiter", "decimal", "encoding", "skip_lines".',
    )

    PROFILE_KEYS = {
        "booking_date",
        "amount",
        "credit",
        "debit",
        "value_date",
        "debtor_name",
        "remittance",
        "reference",
        "bank_reference",
        "delimiter",
        "decimal",
        "encoding",
        "skip_lines",
    }

    CHOICES = {
        "delimiter": {"", ";", ",", "\t"},
        "decimal": {"", ",", "."},
        "encoding": {"utf-8-sig", "utf-8", "latin-1", "cp1252"},
    }

    def validate_csv_profile(self, value):
        from django.utils.translation import gettext as _

        problem = not isinstance(value, dict) or set(value) - self.PROFILE_KEYS
        for key, item in value.items() if isinstance(value, dict) else ():
            if key == "skip_lines":
                problem = problem or not isinstance(item, int) or isinstance(item, bool) or not 0 <= item <= 100
            elif not isinstance(item, str) or len(item) > 80 or (key in self.CHOICES and item not in self.CHOICES[key]):
                problem = True
        if problem:
            raise serializers.ValidationError(
                _("Name the CSV's columns with these keys: %(keys)s.") % {"keys": ", ".join(sorted(self.PROFILE_KEYS))},
                code="invalid_profile",
            )
        return value


class BankLineSerializer(serializers.ModelSerializer):
    """A line of a statement: ``state`` matched (``contribution``, ``matched_by``), unmatched (in
    the queue; ``outcome`` says why) or ignored (set aside: a debit, or by an officer)."""

    fund = serializers.IntegerField(source="fund_id")
    statement = serializers.IntegerField(source="statement_id")
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    contribution_reference = serializers.SerializerMethodField()

    class Meta:
        model = BankLine
        fields = [
            "id",
            "fund",
            "statement",
            "line_number",
            "booking_date",
            "value_date",
            "amount_cents",
            "credit",
            "currency",
            "debtor_name",
            "reference",
            "remittance",
            "bank_reference",
            "end_to_end_id",
            "state",
            "outcome",
            "contribution",
            "contribution_reference",
            "matched_by",
            "ignored_reason",
        ]

    def get_contribution_reference(self, line) -> str:
        return line.contribution.reference if line.contribution_id else ""


class BankLineMatchSerializer(serializers.Serializer):
    contribution = serializers.IntegerField(help_text="The id of a pending contribution to the line's fund")


class BankLineIgnoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


# The funds API's shapes. Money is integer cents in ``*_cents`` fields, with the amount written
# for people beside it where a person reads it (``*_display``, in the request's language).


def _money(cents, city) -> str:
    return money_format(int(cents or 0), locale=active_locale(), currency=city.currency)


class FundFiguresSerializer(serializers.Serializer):
    balance_cents = serializers.IntegerField(help_text="what the fund's ledger account holds now")
    reserved_cents = serializers.IntegerField(help_text="held for approved awards not yet paid out")
    available_cents = serializers.IntegerField(help_text="balance less reserved: what new awards may use")
    raised_cents = serializers.IntegerField(help_text="received from donors, less refunds")
    disbursed_cents = serializers.IntegerField(help_text="paid out to award recipients")
    percent = serializers.IntegerField(allow_null=True, help_text="raised as a percent of the target, if any")


class EarmarkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    translations = serializers.JSONField()
    purpose = serializers.IntegerField(source="purpose_id", allow_null=True)


class FundSerializer(serializers.ModelSerializer):
    figures = FundFiguresSerializer(help_text="in cents; a constant number of queries whatever the movements")
    available_display = serializers.SerializerMethodField(help_text="the available amount written for people")
    earmarks = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField(help_text="the fund's public page")

    class Meta:
        model = Fund
        fields = [
            "id",
            "slug",
            "title",
            "purpose",
            "translations",
            "governance_act",
            "governance_act_on",
            "opens_on",
            "closes_on",
            "state",
            "iban",
            "bic",
            "beneficiary",
            "target_cents",
            "figures",
            "available_display",
            "earmarks",
            "page",
        ]

    def get_available_display(self, fund) -> str:
        return _money(fund.figures["available_cents"], fund.city)

    def get_earmarks(self, fund) -> list[dict]:
        earmarks = self.context.get("earmarks", {}).get(fund.pk, [])
        return EarmarkSerializer(earmarks, many=True).data

    def get_page(self, fund) -> str:
        return reverse("fund_detail", kwargs={"city_slug": fund.city.slug, "slug": fund.slug})


class FundWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80, required=False, help_text="required to create; never changed")
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField()
    translations = serializers.JSONField(required=False, help_text='{"en": {"title": …, "purpose": …}}')
    governance_act = serializers.CharField(max_length=255, required=False, allow_blank=True)
    governance_act_on = serializers.DateField(required=False, allow_null=True)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField(required=False, allow_null=True)
    iban = serializers.CharField(max_length=42)
    bic = serializers.CharField(max_length=11, required=False, allow_blank=True)
    beneficiary = serializers.CharField(max_length=70)
    target_cents = MoneyCentsField(required=False, allow_null=True, minimum=1)

    def validate_translations(self, value):
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise serializers.ValidationError('Give {"<language>": {"title": …, "purpose": …}}.', code="invalid")
        return value


class PaymentInstructionSerializer(serializers.Serializer):
    iban = serializers.CharField()
    bic = serializers.CharField()
    beneficiary = serializers.CharField()
    amount_cents = serializers.IntegerField()
    amount_display = serializers.CharField()
    reference = serializers.CharField(help_text="the ISO 11649 creditor reference to quote in the transfer")
    notice_code = serializers.CharField(help_text="the pagoPA notice code, for a pagoPA contribution")


class ContributionSerializer(serializers.ModelSerializer):
    """A contribution as its donor sees it (by its link) and as an officer does."""

    fund = serializers.SerializerMethodField(help_text="the fund's short name (empty for a campaign's)")
    amount_display = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField(help_text="how to pay it, while it waits for its payment")
    link = serializers.SerializerMethodField(help_text="the donor's private page, without an account")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "reference",
            "fund",
            "earmark",
            "donor_kind",
            "donor_name",
            "name_public",
            "organisation",
            "amount_cents",
            "amount_display",
            "received_cents",
            "refunded_cents",
            "channel",
            "state",
            "received_on",
            "created_at",
            "payment",
            "link",
        ]

    def _fund(self, contribution):
        return self.context.get("funds", {}).get(contribution.target_id)

    def get_fund(self, contribution) -> str:
        fund = self._fund(contribution)
        return fund.slug if fund else ""

    def get_amount_display(self, contribution) -> str:
        return _money(contribution.amount_cents, contribution.city)

    @extend_schema_field(PaymentInstructionSerializer(allow_null=True))
    def get_payment(self, contribution):
        fund = self._fund(contribution)
        if contribution.state != Contribution.State.PENDING or fund is None:
            return None
        return {
            "iban": fund.iban,
            "bic": fund.bic,
            "beneficiary": fund.beneficiary,
            "amount_cents": contribution.amount_cents,
            "amount_display": _money(contribution.amount_cents, contribution.city),
            "reference": contribution.reference,
            "notice_code": contribution.notice_code,
        }

    def get_link(self, contribution) -> str:
        return reverse(
            "contribution_detail",
            kwargs={"city_slug": contribution.city.slug, "access_token": contribution.access_token},
        )


class ContributionOfficerSerializer(ContributionSerializer):
    """With the donor's contact details, for the city's officers only."""

    class Meta(ContributionSerializer.Meta):
        fields = [*ContributionSerializer.Meta.fields, "donor_email", "donor_tax_id", "donor_address", "note"]


class ContributionWriteSerializer(serializers.Serializer):
    fund = serializers.SlugField(help_text="the fund's short name")
    amount_cents = MoneyCentsField(minimum=1)
    donor_kind = serializers.ChoiceField(choices=Contribution.DonorKind.choices)
    donor_name = serializers.CharField(max_length=200)
    donor_email = serializers.EmailField(required=False, allow_blank=True, default="")
    donor_tax_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    donor_address = serializers.CharField(required=False, allow_blank=True, default="")
    name_public = serializers.BooleanField(default=False, help_text="the name on the public ledger, by consent")
    organisation = IdField(required=False, allow_null=True, help_text="given by its representative")
    earmark = IdField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Contribution.Channel.choices, default="bank_transfer")


class ReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField(required=False, allow_null=True)
    received_cents = MoneyCentsField(
        required=False, allow_null=True, minimum=1, help_text="the whole amount if left out"
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RefundSerializer(serializers.Serializer):
    amount_cents = MoneyCentsField(minimum=1)
    reason = serializers.CharField(max_length=2000)


class DisbursementSerializer(serializers.ModelSerializer):
    receipt = serializers.SerializerMethodField(help_text="where its receipt opens, for officers")

    class Meta:
        model = Disbursement
        fields = ["id", "amount_cents", "paid_on", "note", "receipt"]

    def get_receipt(self, disbursement) -> str:
        if not disbursement.receipt:
            return ""
        return reverse(
            "officer_disbursement_receipt", kwargs={"city_slug": disbursement.city.slug, "pk": disbursement.pk}
        )


class AwardSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recipient_name = serializers.CharField(read_only=True)
    amount_display = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id",
            "fund",
            "purpose",
            "description",
            "criteria",
            "act_number",
            "act_on",
            "amount_cents",
            "amount_display",
            "disbursed_cents",
            "organisation",
            "need",
            "recipient_name",
            "state",
            "reason",
        ]

    def get_amount_display(self, award) -> str:
        return _money(award.amount_cents, award.city)


class AwardWriteSerializer(serializers.Serializer):
    fund = serializers.SlugField()
    purpose = IdField()
    description = serializers.CharField(max_length=5000)
    criteria = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    act_number = serializers.CharField(max_length=100)
    act_on = serializers.DateField()
    amount_cents = MoneyCentsField(minimum=1)
    organisation = IdField(required=False, allow_null=True)
    need = IdField(required=False, allow_null=True)


class AwardTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[Award.State.APPROVED, Award.State.CANCELLED])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([0-9]{1,19}|[0-9]{1,13}\.[0-9]{1,2})$",
        "description": 'integer cents ("60000") or units with "." ("600.00")',
    }
)
class FormCentsField(MoneyCentsField):
    """Cents in a multipart form, where every value is text: "60000" is 60000 cents (as the JSON
    integer would be); "600.00" is still an amount in units."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip().isdigit() and len(data.strip()) <= 20:
            data = int(data.strip())
        return super().to_internal_value(data)


class DisbursementWriteSerializer(serializers.Serializer):
    amount_cents = FormCentsField(
        minimum=1, help_text='integer cents ("60000" in a form is 60000 cents) or a decimal string in units ("600.00")'
    )
    paid_on = serializers.DateField()
    receipt = serializers.FileField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------

MAX_NUMBER = 2**63 - 1  # a movement's number is a 64-bit integer in the database


class LedgerQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_NUMBER,
        help_text="Movements numbered below this one (the next page: `next`).",
    )
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_NUMBER,
        help_text="Movements numbered above this one (the previous page: `previous`).",
    )
    reference = serializers.CharField(
        required=False,
        max_length=60,
        help_text="A contribution's payment reference (RF…): only that gift's movements (its receipt, its refunds).",
    )


class LedgerAwardSerializer(serializers.Serializer):
    act_number = serializers.CharField()
    act_date = serializers.DateField()
    purpose = serializers.CharField(help_text="The purpose's code (city data).")
    purpose_label = serializers.CharField()
    recipient = serializers.CharField(help_text="The recipient organisation's name (or the need's title).")
    amount_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()


class LedgerChainContentSerializer(serializers.Serializer):
    """A movement's fields its hash covers, as ``ledger.services.group_content`` gives them."""

    city = serializers.IntegerField()
    seq = serializers.IntegerField()
    source = serializers.CharField()
    source_ref = serializers.CharField(allow_blank=True)
    resource_kind = serializers.CharField()
    motivation = serializers.CharField()
    themes = serializers.CharField(allow_blank=True)
    area = serializers.CharField(allow_blank=True)
    valuation = serializers.CharField()
    effective_on = serializers.CharField(help_text="ISO 8601 date, as hashed.")
    memo = serializers.CharField(allow_blank=True)
    reverses = serializers.CharField(allow_blank=True, help_text="The hash of the movement it reverses, or empty.")
    reason = serializers.CharField(allow_blank=True)


class LedgerChainSerializer(serializers.Serializer):
    content = LedgerChainContentSerializer(help_text="The movement's fields the hash covers.")
    postings = serializers.ListField(
        child=serializers.ListField(),
        help_text="Every side of the movement: [account kind, account reference, cents, quantity, unit], sorted.",
    )


class LedgerLineSerializer(serializers.Serializer):
    """One movement of a fund's account. ``amount_cents`` is signed as the fund sees it (into the
    fund positive); ``balance_after_cents`` is the fund's balance once it was recorded. A donor is
    named only if they agreed; otherwise ``counterpart`` says what they are ("a citizen"…).
    ``hash`` is SHA-256 of ``prev_hash``, a line break and the canonical JSON of
    ``{**chain.content, "postings": chain.postings}`` (sorted keys, separators "," and ":")."""

    number = serializers.IntegerField(help_text="The movement's number in the city's ledger (its place in the chain).")
    date = serializers.DateField()
    kind = serializers.CharField(help_text="fund_contribution, refund, disbursement, match, correction…")
    kind_label = serializers.CharField(help_text="The kind in the request's language.")
    counterpart = serializers.CharField()
    amount_cents = serializers.IntegerField()
    balance_after_cents = serializers.IntegerField(allow_null=True)
    reverses = serializers.IntegerField(allow_null=True, help_text="The number of the movement it refunds or corrects.")
    award = LedgerAwardSerializer(allow_null=True, help_text="What a disbursement pays.")
    prev_hash = serializers.CharField()
    hash = serializers.CharField()
    chain = LedgerChainSerializer()

    def to_representation(self, line):
        from ..exporting import ledger_line_data

        return ledger_line_data(line)


class ChainHeadSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The number of the city's newest movement.")
    hash = serializers.CharField(help_text="Its hash: the head of the city's chain.")


class LedgerPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text="The older movements' page.")
    previous = serializers.CharField(allow_null=True, help_text="The newer movements' page.")
    head = ChainHeadSerializer(allow_null=True)
    results = LedgerLineSerializer(many=True)


class SourceTotalSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="citizen, company, association, foundation, city, campaign or other.")
    label = serializers.CharField()
    cents = serializers.IntegerField()


class PurposeTotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    awarded_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()


class LedgerTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    balance_cents = serializers.IntegerField()
    reserved_cents = serializers.IntegerField(help_text="What approved awards still reserve.")
    available_cents = serializers.IntegerField()
    received_cents = serializers.IntegerField(help_text="Received less refunds: the sum of by_source.")
    paid_cents = serializers.IntegerField(help_text="Paid out to award recipients.")
    by_source = SourceTotalSerializer(many=True)
    by_purpose = PurposeTotalSerializer(many=True)
    head = ChainHeadSerializer(allow_null=True)
