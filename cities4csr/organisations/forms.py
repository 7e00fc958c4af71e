from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.cities.picker import LocationPickerFormMixin

from .models import CityRole, Membership, Organisation


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = Organisation.EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SiteForm(LocationPickerFormMixin, forms.Form):
    label = forms.CharField(label=_("Label"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_location_picker(city)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered person"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "fr": "Français"}


class CityInvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=CityRole.Role.choices, initial=CityRole.Role.OFFICER)
    language = forms.ChoiceField(label=_("Language of the invitation"))

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in city.languages]
        self.fields["language"].initial = city.default_language


class CityRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CityRole.Role.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )


class InvitationAcceptForm(forms.Form):
    """For someone new: a name and a password (allauth's rules check it in the service)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
