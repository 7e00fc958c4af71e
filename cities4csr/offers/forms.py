from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import QuantityField
from cities4csr.needs.forms import ResourceAmountForm
from cities4csr.needs.sdg import validate_codes
from cities4csr.needs.services import sdg_problem


class ProfileForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    sdgs = forms.CharField(label=_("SDGs"), required=False, help_text=_("Goal or target codes, e.g. 4, 11.7"))
    preferred_areas = forms.ModelMultipleChoiceField(
        label=_("Preferred neighbourhoods"),
        queryset=None,
        required=False,
        help_text=_("Hold Ctrl to choose several; or tick “near our sites”."),
    )
    near_our_sites = forms.BooleanField(label=_("Near our sites"), required=False)
    headcount = QuantityField(label=_("Headcount"), min_value=0, required=False)
    volunteering_days_per_year = QuantityField(label=_("Volunteering days per year"), min_value=0, required=False)
    notify_new_needs = forms.BooleanField(label=_("Tell us about new needs that fit"), required=False)

    def __init__(self, *args, themes, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        self.fields["preferred_areas"].queryset = areas

    def clean_sdgs(self):
        codes = [c.strip() for c in self.cleaned_data["sdgs"].replace(";", ",").split(",") if c.strip()]
        try:
            return validate_codes(codes)
        except ValueError as exc:
            raise forms.ValidationError(sdg_problem(exc)) from None


class OfferForm(ResourceAmountForm):
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Available until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("After this day the offer no longer counts when the city looks for who could help."),
    )
    wants_visibility = forms.BooleanField(label=_("We would like visibility"), required=False)
    wants_employee_involvement = forms.BooleanField(label=_("We want our employees involved"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end is before the start."))
        return data


class OfferEditForm(OfferForm):
    @classmethod
    def initial_of(cls, offer) -> dict:
        money = offer.kind == "money"
        return {
            "kind": offer.kind,
            "label": offer.label,
            "quantity": None if money else offer.quantity,
            "amount_eur": offer.quantity if money else offer.value_cents,
            "available_from": offer.available_from,
            "available_until": offer.available_until,
            "wants_visibility": offer.wants_visibility,
            "wants_employee_involvement": offer.wants_employee_involvement,
        }
