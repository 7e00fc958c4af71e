"""Serializers of the funds API."""

from rest_framework import serializers

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
