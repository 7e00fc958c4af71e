"""Forms for results: numbers are typed as the page's language writes them ("1.234,5" in
Italian) and read by ``services.value_parse``; dates as the language writes them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import LocaleDateField

from . import services
from .models import IndicatorUpdate


class NumberField(forms.CharField):
    """A number in the page's language, read into a Decimal (services.value_parse)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return services.value_parse(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["value"]) from None


class IndicatorForm(forms.Form):
    subject = forms.ChoiceField(label=_("What it measures"))
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(
        label=_("Unit"), max_length=40, required=False, help_text=_("What is counted: pupils, m², %…")
    )
    method = forms.CharField(label=_("How it is measured"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    baseline = NumberField(label=_("Baseline"))
    baseline_on = LocaleDateField(label=_("Baseline date"))
    target = NumberField(label=_("Target"))
    target_on = LocaleDateField(label=_("Target date"))
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Its share in the progress of its need or action (1 to 100)"),
    )
    counts_people = forms.BooleanField(label=_("Its value is a number of beneficiaries"), required=False)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects


class UpdateForm(forms.Form):
    value = NumberField(label=_("Value measured"))
    measured_on = LocaleDateField(label=_("Measured on"))
    note = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Evidence (file)"),
        required=False,
        help_text=_("A photo, a PDF or a sheet of figures, up to 10 MB."),
    )
    evidence_url = forms.URLField(label=_("Link to the evidence"), required=False, assume_scheme="https")


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=[(s.value, s.label) for s in IndicatorUpdate.State])
    reason = forms.CharField(required=False, max_length=1000)
