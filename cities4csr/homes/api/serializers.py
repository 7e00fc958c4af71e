"""The homes' figures as the API gives them: amounts in cents of the city's currency, counts as
integers, states and keys as codes (their labels are the pages')."""

from rest_framework import serializers


class FiguresSerializer(serializers.Serializer):
    open_needs = serializers.IntegerField(help_text="Published or in-progress needs still missing something.")
    missing_cents = serializers.IntegerField(
        help_text="The value the open needs still miss: money, and goods, time and space at their value."
    )
    value_verified_cents = serializers.IntegerField(help_text="Value of the contributions the city verified.")
    verified_contributions = serializers.IntegerField()
    companies_engaged = serializers.IntegerField(help_text="Companies with a pledge the city accepted.")


class StageSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["published", "pledged", "delivered", "verified"])
    count = serializers.IntegerField(help_text="Needs for 'published', pledges for the other stages.")
    value_cents = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Of the value published.")


class ActivitySerializer(serializers.Serializer):
    verb = serializers.CharField(
        help_text="pledge.propose, pledge.accept, pledge.mark_delivered, pledge.verify, need.publish"
    )
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    actor_label = serializers.CharField()
    at = serializers.DateTimeField()


class OfficerHomeSerializer(serializers.Serializer):
    to_review = serializers.IntegerField()
    to_accept = serializers.IntegerField()
    to_verify = serializers.IntegerField()
    overdue_steps = serializers.IntegerField()
    bank_lines_to_check = serializers.IntegerField()
    awards_to_approve = serializers.IntegerField()
    pipeline = StageSerializer(many=True)
    activity = ActivitySerializer(many=True)


class AdminHomeSerializer(serializers.Serializer):
    people = serializers.DictField(child=serializers.IntegerField(), help_text="Active roles by role.")
    deactivated = serializers.IntegerField()
    invitations_open = serializers.IntegerField()
    themes = serializers.IntegerField()
    weights = serializers.DictField(child=serializers.FloatField())
    to_verify = serializers.IntegerField(help_text="Organisations registered without a legal identifier.")


class GivenSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    verified = serializers.IntegerField()
    value_cents = serializers.IntegerField()
    hours = serializers.IntegerField()
    pledged = serializers.IntegerField()


class CompanyFiguresSerializer(serializers.Serializer):
    given = GivenSerializer()
    by_state = serializers.DictField(child=serializers.IntegerField(), help_text="Its pledges by state.")
    open_invitations = serializers.IntegerField()


class PartnerFiguresSerializer(serializers.Serializer):
    needs = serializers.IntegerField()
    open_needs = serializers.IntegerField()
    requested_cents = serializers.IntegerField()
    committed_cents = serializers.IntegerField()
    received_cents = serializers.IntegerField()
    received = serializers.IntegerField()


class OrganisationHomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    home = serializers.ChoiceField(choices=["company", "partner"])
    company = CompanyFiguresSerializer(allow_null=True)
    partner = PartnerFiguresSerializer(allow_null=True)


class VolunteerHomeSerializer(serializers.Serializer):
    needs_asking_time = serializers.IntegerField()


class MyHomeSerializer(serializers.Serializer):
    homes = serializers.ListField(
        child=serializers.ChoiceField(choices=["admin", "officer", "company", "partner", "volunteer"])
    )
    url = serializers.CharField(help_text="The page of the first home, in the reader's language.")
    city = FiguresSerializer()
    officer = OfficerHomeSerializer(allow_null=True)
    admin = AdminHomeSerializer(allow_null=True)
    organisations = OrganisationHomeSerializer(many=True)
    volunteer = VolunteerHomeSerializer(allow_null=True)


class AreaFiguresSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    figures = FiguresSerializer()
    needs = serializers.ListField(
        child=serializers.DictField(), help_text="id, title, state, requested and committed cents"
    )
    contributions = serializers.ListField(
        child=serializers.DictField(), help_text="Verified contributions: pledge id, need, giver, value, date"
    )
    indicators = serializers.ListField(child=serializers.DictField(), help_text="key, label, unit, value, date")
