from rest_framework import serializers

from ..models import Posting, PostingGroup


class PostingSerializer(serializers.ModelSerializer):
    account_kind = serializers.CharField(source="account.kind")
    account_ref = serializers.IntegerField(source="account.ref_id")
    account_name = serializers.CharField(source="account.label")

    class Meta:
        model = Posting
        fields = ["account_kind", "account_ref", "account_name", "amount_cents", "quantity", "unit"]


class PostingGroupSerializer(serializers.ModelSerializer):
    """One movement of the ledger with its postings (amounts in cents; they sum to zero)."""

    reverses = serializers.SerializerMethodField()
    postings = PostingSerializer(many=True)

    class Meta:
        model = PostingGroup
        fields = [
            "seq",
            "effective_on",
            "source",
            "source_ref",
            "resource_kind",
            "motivation",
            "themes",
            "area_code",
            "valuation",
            "memo",
            "reverses",
            "reason_code",
            "prev_hash",
            "hash",
            "created_at",
            "postings",
        ]

    def get_reverses(self, group) -> int | None:
        """The number (seq) of the movement this one reverses."""
        return group.reverses.seq if group.reverses_id else None
