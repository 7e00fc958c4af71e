"""Forms of funds: they only parse; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

# === Bank statements and reconciliation ===========================================================


class StatementUploadForm(forms.Form):
    """A statement of the fund's account; for a CSV export, the names of its columns."""

    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("The camt.053 XML file your bank sends, or its CSV export of the account's movements."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("camt053", _("ISO 20022 camt.053 statement (XML)")),
            ("csv", _("The bank's CSV export")),
        ],
    )
    booking_date = forms.CharField(
        label=_("CSV: column of the booking date"), max_length=80, required=False, initial="Data contabile"
    )
    amount = forms.CharField(
        label=_("CSV: column of the amount"),
        max_length=80,
        required=False,
        help_text=_(
            "A signed amount (debits below zero). Leave empty if credits and debits have columns of their own."
        ),
    )
    credit = forms.CharField(label=_("CSV: column of credits"), max_length=80, required=False, initial="Avere")
    debit = forms.CharField(label=_("CSV: column of debits"), max_length=80, required=False, initial="Dare")
    debtor_name = forms.CharField(label=_("CSV: column of the payer's name"), max_length=80, required=False)
    remittance = forms.CharField(
        label=_("CSV: column of the description"), max_length=80, required=False, initial="Descrizione"
    )
    bank_reference = forms.CharField(
        label=_("CSV: column of the bank's reference of each movement"), max_length=80, required=False
    )

    CSV_FIELDS = ("booking_date", "amount", "credit", "debit", "debtor_name", "remittance", "bank_reference")

    def csv_profile(self) -> dict:
        if self.cleaned_data["format"] != "csv":
            return {}
        return {name: self.cleaned_data[name].strip() for name in self.CSV_FIELDS if self.cleaned_data[name].strip()}


class BankLineMatchForm(forms.Form):
    """The pending contribution a bank line pays: one of the same amount, or any by its reference."""

    contribution = forms.TypedChoiceField(
        label=_("Pending contribution of the same amount"), coerce=int, required=False, empty_value=None
    )
    reference = forms.CharField(
        label=_("Or its payment reference"),
        max_length=40,
        required=False,
        help_text=_("For example RF18 5390 0754 7034"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contribution"].choices = [("", _("(none)"))] + [
            (c.pk, f"{c.reference} · {c.donor_name}") for c in candidates
        ]

    def clean(self):
        data = super().clean()
        if not data.get("contribution") and not (data.get("reference") or "").strip():
            raise forms.ValidationError(_("Choose a contribution or give its payment reference."), code="required")
        return data


class BankLineIgnoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Why set it aside"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a gift recorded at the counter, a bank's own movement."),
    )
