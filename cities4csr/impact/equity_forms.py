"""The equity page's period filter (the API reads the same form)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities4csr.core.forms import LocaleDateField


class EquityPeriodForm(forms.Form):
    """From and until (the ledger's effective dates, both included); both optional."""

    since = LocaleDateField(label=gettext_lazy("From"), required=False)
    until = LocaleDateField(label=gettext_lazy("Until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):  # the API and links also send the ISO form
            self.fields[name].input_formats = [*self.fields[name].input_formats, "%Y-%m-%d"]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day comes before the first one."))
        return cleaned

    def period(self) -> dict:
        """``since`` and ``until`` when valid, else the whole history."""
        if not self.is_valid():
            return {"since": None, "until": None}
        return {"since": self.cleaned_data.get("since"), "until": self.cleaned_data.get("until")}
