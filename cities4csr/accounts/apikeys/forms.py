from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .services import DEFAULT_DAYS, MAX_DAYS


class ApiKeyForm(forms.Form):
    """Parses only: the service checks the name and the validity."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the key is for, e.g. the program that will use it."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the reader's language: translated per request, not once at import
        self.fields["days"].help_text = gettext("From 1 to %(max)s days; after that the key is refused.") % {
            "max": MAX_DAYS
        }
