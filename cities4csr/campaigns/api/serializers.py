from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers

from cities4csr.campaigns.models import Campaign, Matcher
from cities4csr.core.api.fields import IdField, MoneyCentsField


class MatcherSerializer(serializers.ModelSerializer):
    who = serializers.SerializerMethodField(help_text="The organisation's name, or the city's")
    is_top_up = serializers.BooleanField(read_only=True)
    factor = serializers.DecimalField(max_digits=7, decimal_places=3, read_only=True)

    class Meta:
        model = Matcher
        fields = [
            "id",
            "order",
            "organisation",
            "who",
            "is_top_up",
            "pool_cents",
            "factor",
            "per_gift_cap_cents",
            "per_donor_cap_cents",
            "threshold_percent",
            "threshold_donors",
            "threshold_all_of",
            "threshold_cap_cents",
        ]

    def get_who(self, obj) -> str:
        return str(obj)


class MatcherWriteSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=1, max_value=100, default=1)
    organisation = IdField(required=False, allow_null=True, default=None, help_text="Empty: the city itself")
    pool_cents = MoneyCentsField()
    factor = serializers.DecimalField(
        max_digits=7,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal(100),
        default=Decimal(1),
        help_text="1 doubles each gift",
    )
    per_gift_cap_cents = MoneyCentsField(required=False, allow_null=True, default=None)
    per_donor_cap_cents = MoneyCentsField(required=False, allow_null=True, default=None)
    threshold_percent = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True, default=None
    )
    threshold_donors = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    threshold_all_of = serializers.BooleanField(required=False, default=False)
    threshold_cap_cents = MoneyCentsField(required=False, allow_null=True, default=None)


class ProgressSerializer(serializers.Serializer):
    target_cents = serializers.IntegerField()
    gifts_cents = serializers.IntegerField(help_text="The gifts still in the campaign")
    matches_cents = serializers.IntegerField(help_text="The matches still standing and the top-ups")
    top_ups_cents = serializers.IntegerField()
    raised_cents = serializers.IntegerField(help_text="gifts + matches")
    donors = serializers.IntegerField()
    match_left_cents = serializers.IntegerField(help_text="What the per-gift matchers can still add")
    percent = serializers.IntegerField()
    threshold_met = serializers.BooleanField()
    top_up_due_cents = serializers.IntegerField(help_text="The top-ups if the deadline were now")
    refunded_cents = serializers.IntegerField()
    moved_to_fund_cents = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    gift_cents = serializers.IntegerField()
    match_cents = serializers.IntegerField()
    becomes_cents = serializers.IntegerField(help_text='"your €50 becomes €100"')


class CampaignSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    balance_cents = serializers.SerializerMethodField(
        help_text="What the campaign's ledger account holds now: while it is open, what it has raised"
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "description",
            "translations",
            "need",
            "project",
            "recipient",
            "target_cents",
            "deadline",
            "mode",
            "on_miss",
            "fund",
            "match_cap_cents",
            "cascade",
            "state",
            "balance_cents",
        ]

    def get_url(self, obj) -> str:
        return reverse("campaign_detail", kwargs={"city_slug": obj.city.slug, "slug": obj.slug})

    def get_balance_cents(self, obj) -> int:
        return obj.account.balance_cents if obj.account_id else 0


class CampaignDetailSerializer(CampaignSerializer):
    progress = ProgressSerializer(read_only=True)
    matchers = serializers.SerializerMethodField()
    preview = PreviewSerializer(read_only=True, allow_null=True, help_text="What ?amount_cents= would become now")
    gifts = serializers.IntegerField(read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "progress", "gifts", "matchers", "preview"]

    def get_matchers(self, obj) -> list[dict]:
        return [
            {**MatcherSerializer(row.matcher).data, "left_cents": row.left_cents, "top_up_cents": row.top_up_cents}
            for row in obj.figures.matchers
        ]


class CampaignWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    translations = serializers.DictField(required=False)
    need = IdField(required=False, allow_null=True)
    project = serializers.CharField(max_length=200, required=False, allow_blank=True)
    recipient = IdField(required=False, allow_null=True)
    target_cents = MoneyCentsField(minimum=1, required=False)
    deadline = serializers.DateTimeField(required=False)
    mode = serializers.ChoiceField(choices=Campaign.Mode.choices, required=False)
    on_miss = serializers.ChoiceField(choices=Campaign.OnMiss.choices, required=False)
    fund = IdField(required=False, allow_null=True)
    match_cap_cents = MoneyCentsField(required=False, allow_null=True)
    cascade = serializers.BooleanField(required=False)
    iban = serializers.CharField(max_length=34, required=False, allow_blank=True)
    beneficiary = serializers.CharField(max_length=70, required=False, allow_blank=True)


class CampaignTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=["open", "withdraw", "close_now"], help_text="close_now applies the deadline")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
