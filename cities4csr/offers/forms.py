from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import (
    AreaMultipleChoiceField,
    CurrencyFormMixin,
    LocaleDateField,
    MoneyField,
    QuantityField,
)
from cities4csr.needs.forms import ResourceAmountForm, SdgField


class ProfileForm(CurrencyFormMixin, forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    sdgs = SdgField()
    preferred_areas = AreaMultipleChoiceField(
        label=_("Preferred neighbourhoods"),
        queryset=None,
        required=False,
        help_text=_("Tick one or several, typing a name or number to find them; or tick “near our sites”."),
    )
    near_our_sites = forms.BooleanField(label=_("Near our sites"), required=False)
    headcount = QuantityField(label=_("Headcount"), min_value=0, required=False)
    volunteering_days_per_year = QuantityField(label=_("Volunteering days per year"), min_value=0, required=False)
    volunteer_hour_cost_cents = MoneyField(
        label=_("Cost of an hour of an employee's volunteering (%(currency)s)"),
        required=False,
        help_text=_("It values your employees' approved volunteering hours, at cost (B4SI)."),
    )
    notify_new_needs = forms.BooleanField(label=_("Tell us about new needs that fit"), required=False)

    def __init__(self, *args, themes, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        self.fields["preferred_areas"].queryset = areas


class OfferForm(ResourceAmountForm):
    available_from = LocaleDateField(label=_("Available from"), required=False)
    available_until = LocaleDateField(
        label=_("Available until"),
        required=False,
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
