"""Forms of city funds."""

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum import iso11649

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------


class LedgerPageForm(forms.Form):
    """Which page of a fund's public ledger: older than movement ``before``, or newer than
    movement ``after`` (the newest page when neither, or when they are not numbers)."""

    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    after = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)

    def page(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            name: self.cleaned_data[name] for name in ("before", "after") if self.cleaned_data.get(name) is not None
        }


class LedgerLookupForm(forms.Form):
    """A donor finds their own gift in the ledger by the payment reference they paid with."""

    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=60,
        help_text=_("It starts with RF: you find it on your payment instruction and on your bank statement."),
    )

    def clean_reference(self):
        from .selectors import reference_clean

        reference = reference_clean(self.cleaned_data.get("reference", ""))
        if not iso11649.is_valid(reference):
            raise forms.ValidationError(
                _("This is not a payment reference: check it against your payment instruction (it starts with RF)."),
                code="invalid_reference",
            )
        return reference
