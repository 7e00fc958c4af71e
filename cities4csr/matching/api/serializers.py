from rest_framework import serializers

from cities4csr.matching.models import CollectiveAction, Invitation


class ComponentsSerializer(serializers.Serializer):
    theme = serializers.FloatField()
    resource = serializers.FloatField()
    proximity = serializers.FloatField()
    timing = serializers.FloatField()
    equity = serializers.FloatField()
    shared_themes = serializers.IntegerField()
    coverage = serializers.FloatField(help_text="share of the missing EUR the company's offers cover")
    site = serializers.IntegerField(allow_null=True, help_text="the company's nearest site")
    distance_m = serializers.IntegerField(allow_null=True)
    same_area = serializers.BooleanField()
    same_district = serializers.BooleanField()
    preferred_area = serializers.BooleanField()
    priority = serializers.BooleanField(help_text="in a target area of the need's action")
    deprivation = serializers.FloatField()


class _Recommendation(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    components = ComponentsSerializer()
    explanation = serializers.ListField(child=serializers.CharField(), help_text="in the request's language")
    computed_at = serializers.DateTimeField()


class NeedRecommendationSerializer(_Recommendation):
    need = serializers.IntegerField()
    title = serializers.CharField()
    value_open_cents = serializers.IntegerField()


class CompanyRecommendationSerializer(_Recommendation):
    organisation = serializers.IntegerField()
    name = serializers.CharField()


class NotifySerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    name = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField()
    cents_by_kind = serializers.DictField(child=serializers.IntegerField())


class ProposalSerializer(serializers.Serializer):
    members = MemberSerializer(many=True)
    method = serializers.ChoiceField(choices=["milp", "greedy"])
    lower_bound = serializers.IntegerField()
    gap = serializers.FloatField()
    covered_cents = serializers.IntegerField()
    target_cents = serializers.IntegerField()
    missing_cents = serializers.IntegerField()


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "organisation", "state", "items", "value_cents", "pledge", "responded_at"]


class CollectiveActionSerializer(serializers.ModelSerializer):
    invitations = InvitationSerializer(many=True, read_only=True)

    class Meta:
        model = CollectiveAction
        fields = ["id", "need", "state", "proposal", "invitations", "created_at"]


class InvitationTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[s for s in Invitation.State.values if s != Invitation.State.INVITED])


class AllocationRowSerializer(serializers.Serializer):
    offer = serializers.IntegerField()
    organisation = serializers.IntegerField()
    need = serializers.IntegerField()
    cents = serializers.IntegerField()


class AllocationSerializer(serializers.Serializer):
    rows = AllocationRowSerializer(many=True)
    covered_cents = serializers.IntegerField()
    gap = serializers.FloatField(help_text="relative gap of the whole-cents allocation to the LP bound")
    computed_at = serializers.DateTimeField(help_text="when the recommendations it uses were computed")
