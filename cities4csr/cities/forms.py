"""The city's settings as its administrators edit them. The form only parses; city_update()
checks the whole city again (languages, policy) before it writes."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cities4csr.funds.pagopa import PagoPAError, normalise_tax_code

from .models import City
from .policy import matching_mix, pagopa_settings_check

LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "fr": "Français"}

#: the matching components, as a city officer reads them (docs/adr/0008-matching-model.md)
WEIGHT_LABELS = {
    "theme": _("Shared themes"),
    "resource": _("What the company offers fits what is missing"),
    "proximity": _("Closeness of the company's sites"),
    "timing": _("Timing"),
    "equity": _("Priority to deprived neighbourhoods"),
}


#: pagoPA's codes refused, by code: the field and what to type instead (ADR 0028)
PAGOPA_ERRORS = {
    "tax_code_invalid": (
        "pagopa_tax_code",
        _("Enter the city's tax code: 11 digits, as on its pagoPA notices (for example 01199250158)."),
    ),
    "segregation_code_invalid": (
        "pagopa_segregation_code",
        _("Enter the two-digit segregation code, from 00 to 45, that the intermediary assigned."),
    ),
    "application_code_invalid": (
        "pagopa_application_code",
        _("Enter the two-digit application code that the intermediary assigned."),
    ),
    "base_prefix_invalid": ("pagopa_iuv_prefix", _("Enter at most 6 digits, or leave it empty.")),
    "aux_digit_unsupported": ("pagopa_aux_digit", _("Choose 3, or 0 if the intermediary still uses it.")),
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
        self.city = city
        if city.country == "IT":
            self._add_pagopa_fields(city.settings.pagopa)

    def _add_pagopa_fields(self, current: dict):
        """pagoPA, through which Italian public bodies collect payments: the codes the city's
        intermediary assigned, so that each contribution gets its payment notice (ADR 0028)."""
        fields = {
            "pagopa_enabled": forms.BooleanField(
                label=_("Accept contributions through pagoPA"),
                required=False,
                help_text=_(
                    "Each contribution gets a pagoPA payment notice; the intermediary's reporting files mark them "
                    "received."
                ),
            ),
            "pagopa_tax_code": forms.CharField(
                label=_("Tax code of the city as creditor"), required=False, max_length=20
            ),
            "pagopa_intermediary": forms.CharField(
                label=_("Technological intermediary"),
                required=False,
                max_length=200,
                help_text=_("Who connects the city to pagoPA and sends its reporting files."),
            ),
            "pagopa_aux_digit": forms.TypedChoiceField(
                label=_("Aux digit"),
                coerce=int,
                required=False,
                empty_value=3,
                choices=[
                    (3, _("3: segregation code (the current scheme)")),
                    (0, _("0: application code (older configurations)")),
                ],
                widget=forms.Select(attrs={"class": "mw-100"}),
            ),
            "pagopa_segregation_code": forms.CharField(
                label=_("Segregation code"),
                required=False,
                max_length=10,
                help_text=_("Two digits, from 00 to 45: ask the intermediary for one that only this platform uses."),
            ),
            "pagopa_application_code": forms.CharField(
                label=_("Application code"), required=False, max_length=10, help_text=_("Only with aux digit 0.")
            ),
            "pagopa_iuv_prefix": forms.CharField(
                label=_("Start of the payment codes"),
                required=False,
                max_length=20,
                help_text=_(
                    "Optional, at most 6 digits: if the intermediary shares the segregation code with other services "
                    "and kept the codes starting with these digits for this platform."
                ),
            ),
        }
        self.fields.update(fields)
        self.initial.update(
            {
                "pagopa_enabled": bool(current.get("enabled")),
                "pagopa_tax_code": current.get("tax_code", ""),
                "pagopa_intermediary": current.get("intermediary", ""),
                "pagopa_aux_digit": current.get("aux_digit", 3),
                "pagopa_segregation_code": current.get("segregation_code", ""),
                "pagopa_application_code": current.get("application_code", ""),
                "pagopa_iuv_prefix": current.get("iuv_prefix", ""),
            }
        )

    def _clean_pagopa(self, data: dict):
        pagopa = {
            "enabled": bool(data.get("pagopa_enabled")),
            "tax_code": "".join((data.get("pagopa_tax_code") or "").split()),
            "intermediary": (data.get("pagopa_intermediary") or "").strip(),
            "aux_digit": data.get("pagopa_aux_digit", 3),
            "segregation_code": (data.get("pagopa_segregation_code") or "").strip(),
            "application_code": (data.get("pagopa_application_code") or "").strip(),
            "iuv_prefix": (data.get("pagopa_iuv_prefix") or "").strip(),
        }
        try:
            if pagopa["tax_code"]:
                pagopa["tax_code"] = normalise_tax_code(pagopa["tax_code"])
            elif pagopa["enabled"]:
                raise PagoPAError("tax_code_invalid", value="")
            pagopa_settings_check(pagopa)
        except PagoPAError as error:
            field, message = PAGOPA_ERRORS[error.code]
            self.add_error(field, message)
            return
        self.pagopa = pagopa

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{name}") for name in WEIGHT_LABELS]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            self.add_error("weight_equity", _("At least one weight must be above 0."))
        if data.get("languages") and data.get("default_language") not in data["languages"]:
            self.add_error("default_language", _("The default language must be one of the city's languages."))
        if "pagopa_enabled" in self.fields:
            self._clean_pagopa(data)
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
            **({"pagopa": self.pagopa} if "pagopa_enabled" in self.fields else {}),
            "tax_code": data.get("tax_code", ""),
        }
