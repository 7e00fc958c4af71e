"""The city's settings as its administrators edit them. The form only parses; city_update()
checks the whole city again (languages, policy) before it writes."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import City
from .policy import matching_mix

LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "fr": "Français"}

#: the matching components, as a city officer reads them (docs/adr/0008-matching-model.md)
WEIGHT_LABELS = {
    "theme": _("Shared themes"),
    "resource": _("What the company offers fits what is missing"),
    "proximity": _("Closeness of the company's sites"),
    "timing": _("Timing"),
    "equity": _("Priority to deprived neighbourhoods"),
}


class CitySettingsForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages of the site"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, LANGUAGE_NAMES.get(code, code)) for code, _label in settings.LANGUAGES],
    )
    default_language = forms.ChoiceField(
        label=_("Default language"), choices=[(code, LANGUAGE_NAMES.get(code, code)) for code, _l in settings.LANGUAGES]
    )
    theme = forms.ChoiceField(
        label=_("Look of the pages"),
        choices=[
            (City.Theme.BOOTSTRAP_ITALIA, _("Bootstrap Italia (Italian public administrations)")),
            (City.Theme.BOOTSTRAP, _("Bootstrap 5")),
        ],
        widget=forms.Select(attrs={"class": "mw-100"}),  # its longest choice is wider than a phone
    )
    tax_code = forms.CharField(
        label=_("The city's tax code"),
        required=False,
        max_length=20,
        help_text=_("Printed on donation receipts: the codice fiscale of an Italian city, the SIREN of a French one."),
    )

    def __init__(self, *args, city: City, **kwargs):
        kwargs.pop("initial", None)
        initial = {
            "languages": city.languages,
            "default_language": city.default_language,
            "theme": city.theme,
            "tax_code": city.settings.tax_code,
            **{f"weight_{name}": value for name, value in matching_mix(city.settings.matching).items()},
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in WEIGHT_LABELS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=label, min_value=0, max_value=1, widget=forms.NumberInput(attrs={"step": "0.05"})
            )
        self.fields["weight_equity"].help_text = _(
            "Matching adds the five weights' shares: each between 0 and 1, at least one above 0."
        )

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{name}") for name in WEIGHT_LABELS]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            self.add_error("weight_equity", _("At least one weight must be above 0."))
        if data.get("languages") and data.get("default_language") not in data["languages"]:
            self.add_error("default_language", _("The default language must be one of the city's languages."))
        return data

    def clean_tax_code(self):
        value = "".join((self.cleaned_data.get("tax_code") or "").split()).upper()
        if value and not (value.isalnum() and 5 <= len(value) <= 20):
            raise forms.ValidationError(_("Enter the tax code with letters and digits only."))
        return value

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "languages": data["languages"],
            "default_language": data["default_language"],
            "theme": data["theme"],
            "matching": {name: data[f"weight_{name}"] for name in WEIGHT_LABELS},
            "tax_code": data.get("tax_code", ""),
        }
