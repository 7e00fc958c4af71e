from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organisation


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = Organisation.EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SiteForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered person"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
