from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be erased and that this cannot be undone."), required=True
    )


class ConsentForm(forms.Form):
    city = forms.SlugField()
    purpose = forms.CharField(max_length=40)
    give = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
