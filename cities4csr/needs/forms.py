from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cities4csr.cities.picker import LocationPickerFormMixin
from cities4csr.core.forms import (
    ChoiceFilterCheckboxes,
    CurrencyFormMixin,
    LocaleDateField,
    MoneyField,
    QuantityField,
)
from cities4csr.core.i18n import language_name
from cities4csr.core.images import ImageFormField
from cities4csr.organisations.models import Organisation

from . import sdg
from .models import Action, Need, ResourceKind, Theme


def _sdg_choices():
    return sdg.choices(get_language() or "en")


class SdgField(forms.MultipleChoiceField):
    """Goals and targets of the UN SDGs, picked by their name in the page's language ("4.a —
    Costruire e migliorare le strutture educative…"); cleaned to their codes in official order."""

    widget = ChoiceFilterCheckboxes

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sustainable Development Goals"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Tick goals or targets; type a word or a number such as 4.a to find one."))
        super().__init__(choices=_sdg_choices, **kwargs)

    def clean(self, value):
        codes = super().clean(value)
        try:
            return sdg.validate_codes(list(codes))
        except ValueError as exc:  # not reached: the choices hold only known codes
            raise forms.ValidationError(str(exc)) from None


class NeedForm(LocationPickerFormMixin, forms.ModelForm):
    # Declared here (not derived from the model) so no query runs before the city's scope is active.
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organisation.objects.none())
    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.none(), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    sdgs = SdgField()
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    beneficiaries_expected = QuantityField(label=_("expected number of beneficiaries"), min_value=0, required=False)
    starts_on = LocaleDateField(label=_("Start date"), required=False)
    ends_on = LocaleDateField(label=_("End date"), required=False)

    class Meta:
        model = Need
        fields = [
            "owner",
            "title",
            "description",
            "action",
            "themes",
            "lat",
            "lon",
            "beneficiary_group",
            "beneficiaries_expected",
            "starts_on",
            "ends_on",
            "photo",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"photo": ImageFormField}

    def __init__(self, *args, city, owners, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["action"].queryset = actions
        self.fields["themes"].queryset = Theme.objects.filter(city=city).order_by("key")
        self.init_location_picker(city)
        # the title and description in the city's other languages, after the original
        self.other_languages = [lang for lang in city.languages if lang != city.default_language]
        translations = (self.instance.translations or {}) if self.instance.pk else {}
        fields = list(self.fields.items())
        position = [name for name, _field in fields].index("description") + 1
        extra = []
        for lang in self.other_languages:
            name = language_name(lang)
            current = translations.get(lang, {}) if isinstance(translations.get(lang), dict) else {}
            extra += [
                (
                    f"title_{lang}",
                    forms.CharField(
                        label=_("Title in %(language)s (optional)") % {"language": name},
                        max_length=200,
                        required=False,
                        initial=current.get("title", ""),
                    ),
                ),
                (
                    f"description_{lang}",
                    forms.CharField(
                        label=_("Description in %(language)s (optional)") % {"language": name},
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 3, "lang": lang}),
                        initial=current.get("description", ""),
                    ),
                ),
            ]
            extra[-2][1].widget.attrs["lang"] = lang
        self.fields = dict(fields[:position] + extra + fields[position:])

    def clean(self):
        data = super().clean()
        translations = {}
        for lang in self.other_languages:
            title, description = data.pop(f"title_{lang}", ""), data.pop(f"description_{lang}", "")
            if title or description:
                translations[lang] = {"title": title, "description": description}
        data["translations"] = translations
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class ResourceAmountForm(CurrencyFormMixin, forms.Form):
    """What, how much and its value in the city's currency: the fields a need's line and a
    company's offer share. Money is its amount (in cents for the services); other kinds need a
    quantity and a value. Construct with ``currency=city.currency``."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    label = forms.CharField(label=_("What"), max_length=200)
    quantity = QuantityField(
        label=_("Quantity"), min_value=1, required=False, help_text=_("Hours, items or days; leave empty for money")
    )
    amount_eur = MoneyField(label=_("Amount or estimated value (%(currency)s)"), minimum=1)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != ResourceKind.MONEY and not data.get("quantity"):
            self.add_error("quantity", _("How many hours, items or days?"))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        amount = data.pop("amount_eur")
        if data["kind"] == ResourceKind.MONEY:
            data["quantity"] = amount
        else:
            data["value_cents"] = amount
        return data


class LineForm(ResourceAmountForm):
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ThemeForm(forms.Form):
    """A theme's name in each of the city's languages (the default one required)."""

    def __init__(self, *args, city, theme=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = {"it": _("Name in Italian"), "en": _("Name in English"), "fr": _("Name in French")}
        for lang in city.languages:
            self.fields[f"name_{lang}"] = forms.CharField(
                label=names.get(lang, lang),
                max_length=80,
                required=lang == city.default_language,
                initial=(theme.names.get(lang, "") if theme else ""),
            )
        self.languages = list(city.languages)

    def names(self) -> dict:
        return {lang: self.cleaned_data.get(f"name_{lang}", "") for lang in self.languages}


class NeedEditForm(NeedForm):
    """A need's fields as the owner or an officer corrects them (the owner stays)."""

    def __init__(self, *args, city, actions, **kwargs):
        super().__init__(*args, city=city, owners=Organisation.objects.none(), actions=actions, **kwargs)
        del self.fields["owner"]
        if self.instance.pk and not self.is_bound:
            self.initial["sdgs"] = list(self.instance.sdgs)

    def _post_clean(self):  # the service validates and saves, not the ModelForm
        pass


class LineEditForm(LineForm):
    """A line's fields, filled with what it asks for now; the amount is the money asked for a
    money line, the whole line's estimated value otherwise."""

    @classmethod
    def initial_of(cls, line) -> dict:
        money = line.kind == ResourceKind.MONEY
        return {
            "kind": line.kind,
            "label": line.label,
            "quantity": None if money else line.quantity,
            "amount_eur": line.quantity if money else line.value_cents,
            "skills": line.skills,
        }
