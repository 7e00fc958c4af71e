from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.money import euros_to_cents

from . import advisor
from .models import ReturnItem
from .packs import load_common

UNKNOWN = ("", _("— not sure yet —"))
LABELS = {
    "contribution_kind": {
        "money": _("Money"),
        "goods": _("Goods"),
        "services": _("Services"),
        "works": _("Works (building, refurbishing)"),
        "volunteer_time": _("Employees' volunteer time"),
        "expertise": _("Expertise, know-how"),
        "space_use": _("Use of a space or building"),
    },
    "return_expected": {
        "none": _("Nothing"),
        "recognition": _("A thank-you, recognition only"),
        "visibility": _("Contractual visibility (logo, name, advertising)"),
        "commercial_rights": _("Commercial rights or revenue"),
    },
    "public_asset": {
        "none": _("None"),
        "municipal_asset_used": _("A municipal asset the party uses, manages or improves"),
        "private_asset_lent": _("A private asset lent to the city"),
        "cultural_heritage": _("Public cultural heritage"),
        "unused_public_building": _("An unused public building"),
    },
    "counterpart": {
        "company": _("A company"),
        "third_sector": _("A third-sector body"),
        "citizens": _("Citizens or an informal group"),
        "public_body": _("A public body"),
        "mixed": _("Several kinds together"),
    },
    "beneficiary": {
        "municipality": _("The city"),
        "third_sector_entity": _("A third-sector body"),
        "fund": _("A dedicated fund"),
    },
}
EXCLUSION_LABELS = {
    "tobacco": _("Tobacco"),
    "spirits": _("Spirits"),
    "weapons": _("Weapons"),
    "gambling": _("Gambling"),
    "pornography": _("Pornography"),
    "political_propaganda": _("Political propaganda"),
    "religious_propaganda": _("Religious propaganda"),
    "unsustainable_cars": _("Car brands at odds with the city's sustainability policy"),
}


def _choices(name):
    return [UNKNOWN, *[(value, LABELS[name][value]) for value in advisor.CHOICES[name]]]


class AdvisorForm(forms.Form):
    """The Vademecum questionnaire. Nothing is required: what is left unanswered comes back as a
    question, never as a guess."""

    contribution_kind = forms.ChoiceField(
        label=_("What is given?"), choices=_choices("contribution_kind"), required=False
    )
    return_expected = forms.ChoiceField(
        label=_("What does the giver receive in return?"), choices=_choices("return_expected"), required=False
    )
    public_asset = forms.ChoiceField(
        label=_("Which asset is involved?"), choices=_choices("public_asset"), required=False
    )
    counterpart = forms.ChoiceField(
        label=_("Who is the city's counterpart?"), choices=_choices("counterpart"), required=False
    )
    beneficiary = forms.ChoiceField(
        label=_("Who receives the contribution?"), choices=_choices("beneficiary"), required=False
    )
    value_eur = forms.DecimalField(
        label=_("Value in euros"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    duration_months = forms.IntegerField(
        label=_("Duration in months"),
        min_value=0,
        max_value=1200,
        required=False,
        help_text=_("0 for a one-off contribution."),
    )
    returnable = forms.BooleanField(label=_("The thing is lent and will be given back"), required=False)
    care_of_commons = forms.BooleanField(
        label=_("It is the care of a common good (park, square, school yard)"), required=False
    )
    revenue_generating = forms.BooleanField(label=_("The activity generates revenue"), required=False)
    multi_party = forms.BooleanField(label=_("Several parties bring their own resources"), required=False)
    emergency = forms.BooleanField(label=_("It is an emergency appeal"), required=False)
    giver_activities = forms.MultipleChoiceField(
        label=_("The giver works in"),
        choices=[(code, EXCLUSION_LABELS.get(code, code)) for code in load_common()["exclusions"]],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Sectors the city may exclude from sponsorship."),
    )
    open_procurement_same_office = forms.BooleanField(
        label=_("The giver is in an open procurement with the same office"), required=False
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        out = {}
        for name in (*advisor.CHOICES, "duration_months"):
            if data.get(name) not in (None, ""):
                out[name] = data[name]
        if data.get("value_eur") is not None:
            out["value_eur"] = float(data["value_eur"])
        for flag in (*advisor.FLAGS, "open_procurement_same_office"):
            if data.get(flag):
                out[flag] = True
        if data.get("giver_activities"):
            out["giver_activities"] = list(data["giver_activities"])
        return out


def answers_as_query(answers: dict) -> dict:
    """Answers as form data (for pre-filling the questionnaire)."""
    out = {}
    for key, value in answers.items():
        if isinstance(value, bool):
            if value:
                out[key] = "on"
        elif isinstance(value, list):
            out[key] = value
        else:
            out[key] = str(value)
    return out


class NoticeForm(forms.Form):
    published_on = forms.DateField(
        label=_("Notice published on the website on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReturnForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnItem.Kind.choices)
    description = forms.CharField(label=_("What the giver receives"), max_length=255)
    value_eur = forms.CharField(label=_("Estimated value in EUR"), required=False)
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_value_eur(self):
        raw = self.cleaned_data.get("value_eur")
        if not raw:
            return 0
        try:
            return euros_to_cents(raw)
        except ValueError:
            raise forms.ValidationError(_("Enter an amount in euros, e.g. 1500 or 1500.50.")) from None
