from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import CurrencyFormMixin, LocaleDateField, MoneyField, QuantityField
from cities4csr.core.money import CENTS, MoneyError, active_locale, money_from_decimal, money_input

from . import advisor
from .models import Agreement, ReturnItem
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
    "recipient": {
        "city": _("The city"),
        "state_school": _("A state school (its own board decides)"),
        "third_sector_body": _("A third-sector body (the city only facilitates)"),
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


class AdvisorForm(CurrencyFormMixin, forms.Form):
    """The Vademecum questionnaire. Nothing is required: what is left unanswered comes back as a
    question, never as a guess. The value is read as the active language writes amounts."""

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
    recipient = forms.ChoiceField(
        label=_("Who receives the contribution?"),
        choices=_choices("recipient"),
        required=False,
        help_text=_(
            "Decides who the parties are and who approves: the city is not a party to a gift to a school or a third-sector body."
        ),
    )
    #: the rules' name for who receives, kept so that earlier links and pre-filled answers still
    #: read (the page asks ``recipient``)
    beneficiary = forms.ChoiceField(
        choices=[("", ""), *[(v, v) for v in advisor.CHOICES["beneficiary"]]],
        required=False,
        widget=forms.HiddenInput,
    )
    value_eur = MoneyField(label=_("Value (%(currency)s)"), required=False)
    duration_months = QuantityField(
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
    social_enterprise = forms.BooleanField(
        label=_("The third-sector counterpart is a social enterprise"), required=False
    )
    food_or_medicine = forms.BooleanField(label=_("The goods are food or medicines"), required=False)
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
            if name in self.fields and data.get(name) not in (None, ""):
                out[name] = data[name]
        if data.get("value_eur") is not None:  # the rule packs compare values in units, not cents
            out["value_eur"] = data["value_eur"] / CENTS
        for flag in (*advisor.FLAGS, "open_procurement_same_office"):
            if data.get(flag):
                out[flag] = True
        if data.get("giver_activities"):
            out["giver_activities"] = list(data["giver_activities"])
        return out


def answers_as_query(answers: dict, *, currency: str) -> dict:
    """Answers as form data (for pre-filling the questionnaire), the value as the active language
    writes it."""
    out = {}
    for key, value in answers.items():
        if key == "value_eur" and not isinstance(value, bool):
            locale = active_locale()
            try:
                cents = money_from_decimal(value, locale=locale, currency=currency)
            except MoneyError:
                out[key] = str(value)  # shown back with the form's message
            else:
                out[key] = money_input(cents, locale=locale, currency=currency)
        elif isinstance(value, bool):
            if value:
                out[key] = "on"
        elif isinstance(value, list):
            out[key] = value
        else:
            out[key] = str(value)
    return out


class NoticeForm(forms.Form):
    published_on = LocaleDateField(label=_("Notice published on the website on"))


class ReturnForm(CurrencyFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnItem.Kind.choices)
    description = forms.CharField(label=_("What the giver receives"), max_length=255)
    value_eur = MoneyField(label=_("Estimated value (%(currency)s)"), required=False)
    starts_on = LocaleDateField(label=_("From"), required=False)
    ends_on = LocaleDateField(label=_("Until"), required=False)

    def clean_value_eur(self):
        return self.cleaned_data.get("value_eur") or 0


class AgreementTermsForm(forms.ModelForm):
    """The terms the agreement's draft needs; the service checks them (dates of acts, end after
    start, payment term)."""

    class Meta:
        model = Agreement
        fields = Agreement.TERMS_FIELDS
        field_classes = dict.fromkeys(("regulation_on", "decision_on", "starts_on", "ends_on"), LocaleDateField)
        help_texts = {
            "city_signatory_act": _("For example the mayor's decree appointing the manager, with its date."),
            "regulation_ref": _("For example “Regolamento per le sponsorizzazioni, delibera C.C. n. 12”."),
            "decision_ref": _("For example “determinazione dirigenziale n. 345”."),
        }
