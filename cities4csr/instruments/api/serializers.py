from rest_framework import serializers

from cities4csr.core.api.fields import MoneyCentsField
from cities4csr.instruments import advisor
from cities4csr.instruments.packs import load_common


def _choice(name):
    return serializers.ChoiceField(choices=advisor.CHOICES[name], required=False, allow_null=True)


class QuestionnaireSerializer(serializers.Serializer):
    """The advisor's questionnaire. Every field may be left out: missing answers give
    ``needs_review`` with the questions to ask, never a guess. Wrong values are a 400."""

    contribution_kind = _choice("contribution_kind")
    return_expected = _choice("return_expected")
    public_asset = _choice("public_asset")
    duration_months = serializers.IntegerField(min_value=0, max_value=1200, required=False, allow_null=True)
    counterpart = _choice("counterpart")
    value_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, coerce_to_string=False
    )
    beneficiary = _choice("beneficiary")
    recipient = serializers.ChoiceField(
        choices=advisor.CHOICES["recipient"],
        required=False,
        allow_null=True,
        help_text=(
            "Who receives the contribution: the city; a state school (its own board accepts, the city "
            "is not a party); a third-sector body (the city only facilitates and is not a party); a "
            "fund. Optional; when given it sets `beneficiary` (city = municipality, third_sector_body "
            "= third_sector_entity) and a different `beneficiary` is a 400. The advice's `parties`, "
            "`approver` and `steps` follow it."
        ),
    )
    social_enterprise = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The third-sector counterpart is a social enterprise (Italy: excluded from the free "
        "loan of public property, art. 71 c.2 D.Lgs. 117/2017). Optional; left out counts as no.",
    )
    food_or_medicine = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The goods given are food or medicines (Italy: L. 166/2016 when a third-sector body "
        "receives them). Optional; left out counts as no.",
    )
    emergency = serializers.BooleanField(required=False, allow_null=True, default=None)
    care_of_commons = serializers.BooleanField(required=False, allow_null=True, default=None)
    revenue_generating = serializers.BooleanField(required=False, allow_null=True, default=None)
    multi_party = serializers.BooleanField(required=False, allow_null=True, default=None)
    returnable = serializers.BooleanField(required=False, allow_null=True, default=None)
    giver_activities = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(load_common()["exclusions"])), required=False
    )
    open_procurement_same_office = serializers.BooleanField(required=False, allow_null=True, default=None)
    on = serializers.DateField(required=False, help_text="Advise as of this date (default: today)")

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:  # a misspelt field must not silently become an unanswered question
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def answers(self) -> dict:
        return questionnaire_answers(self.validated_data)


def questionnaire_answers(validated: dict) -> dict:
    """The advisor's answers from a validated questionnaire (left-out fields stay out)."""
    data = {k: v for k, v in validated.items() if k != "on" and v is not None}
    if "value_eur" in data:
        data["value_eur"] = float(data["value_eur"])
    return data


class TextSerializer(serializers.Serializer):
    it = serializers.CharField()
    en = serializers.CharField()
    fr = serializers.CharField()


class StepSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = TextSerializer()
    days = serializers.IntegerField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    blocks_agreement = serializers.BooleanField()
    uncertain = serializers.BooleanField()


class PartySerializer(serializers.Serializer):
    role = serializers.CharField(
        help_text="giver, municipality, state_school, third_sector_entity, fund, "
        "lender, borrower, city_facilitator, authority, occupant…"
    )
    text = TextSerializer()


class AdviceFundSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="the fund's public page")


class AdviceSerializer(serializers.Serializer):
    recommended = serializers.ChoiceField(choices=[*advisor.INSTRUMENTS, advisor.NEEDS_REVIEW])
    jurisdiction = serializers.CharField(help_text="empty when no rules are loaded for the city's country")
    pack_version = serializers.CharField()
    on = serializers.DateField()
    rule = serializers.CharField()
    explanation = serializers.DictField(child=serializers.CharField())
    alternatives = serializers.ListField(child=serializers.DictField())
    reasons = serializers.ListField(child=serializers.DictField())
    legal_basis = serializers.ListField(child=serializers.DictField())
    steps = StepSerializer(many=True)
    documents = serializers.ListField(child=serializers.DictField())
    approver = serializers.DictField(child=serializers.CharField())
    tax_notes = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())
    questions = serializers.ListField(child=serializers.DictField())
    no_rules_loaded = serializers.BooleanField()
    parties = PartySerializer(
        many=True,
        help_text="who takes part and in which role; the city is absent "
        "where it is not a party (e.g. a gift to a third-sector body)",
    )
    funds = AdviceFundSerializer(
        many=True,
        required=False,
        help_text="with a gift to a dedicated fund (fund_donation): the city's funds open to gifts, "
        "an empty list when there is none",
    )


class ChecklistStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    code = serializers.CharField()
    labels = TextSerializer()
    days = serializers.IntegerField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    blocks_agreement = serializers.BooleanField()
    uncertain = serializers.BooleanField()
    done_on = serializers.DateField(allow_null=True)


class ReturnItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    value_cents = serializers.IntegerField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)


class DraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    format = serializers.CharField()
    sha256 = serializers.CharField()
    pack_version = serializers.CharField()
    template_version = serializers.CharField()
    created_at = serializers.DateTimeField()


class AgreementTermsSerializer(serializers.Serializer):
    """The terms an agreement's draft needs; left-out fields keep their value, blank ones print
    "[…]" in the draft for the legal office."""

    city_signatory = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city_signatory_act = serializers.CharField(max_length=255, required=False, allow_blank=True)
    giver_signatory = serializers.CharField(max_length=200, required=False, allow_blank=True)
    giver_signatory_act = serializers.CharField(max_length=255, required=False, allow_blank=True)
    regulation_ref = serializers.CharField(max_length=255, required=False, allow_blank=True)
    regulation_on = serializers.DateField(required=False, allow_null=True)
    notice_ref = serializers.CharField(max_length=255, required=False, allow_blank=True)
    decision_ref = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="the act approving the agreement (determina)"
    )
    decision_on = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    payment_days = serializers.IntegerField(min_value=0, max_value=365, required=False, allow_null=True)

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class AgreementSerializer(serializers.Serializer):
    pledge = serializers.IntegerField(source="pledge_id")
    instrument = serializers.CharField()
    jurisdiction = serializers.CharField()
    pack_version = serializers.CharField()
    answers = serializers.DictField()
    advice = AdviceSerializer()
    advised_on = serializers.DateField()
    notice_starts_on = serializers.DateField(allow_null=True)
    notice_ends_on = serializers.DateField(allow_null=True)
    agreed_on = serializers.DateField(allow_null=True)
    steps = ChecklistStepSerializer(many=True)
    returns = ReturnItemSerializer(many=True)
    drafts = DraftSerializer(many=True)
    terms = AgreementTermsSerializer(source="*", read_only=True)


class AgreementConfirmSerializer(serializers.Serializer):
    answers = QuestionnaireSerializer()
    instrument = serializers.ChoiceField(choices=advisor.INSTRUMENTS)
    notice_starts_on = serializers.DateField(required=False, allow_null=True, help_text="the day the notice went up")


class NoticeSerializer(serializers.Serializer):
    published_on = serializers.DateField()


class ReturnWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["logo", "naming", "event", "mention", "other"])
    description = serializers.CharField(max_length=255)
    value_cents = MoneyCentsField(default=0, help_text="estimated value in the city's currency")
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
