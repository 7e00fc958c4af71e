"""Forms of city funds: they only parse; the services and selectors enforce the rules."""

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import LocaleDateField

#: the longest period a statement covers: ten years of gifts
STATEMENT_MAX_DAYS = 3660
ME = "me"


class GiftStatementForm(forms.Form):
    """Whose gifts and over which period: a person chooses themselves or an organisation they
    represent; an officer may also ask for any donor by e-mail address or organisation."""

    start = LocaleDateField(label=_("From"))
    end = LocaleDateField(label=_("To"))
    donor = forms.ChoiceField(label=_("Whose gifts"), widget=forms.Select(attrs={"class": "mw-100"}))

    def __init__(self, *args, represented=(), officer_organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = datetime.date(today.year, 1, 1)
        self.fields["end"].initial = today
        choices = [(ME, _("My own gifts"))]
        choices += [(f"org:{org.pk}", org.name) for org in represented]
        self.officer = officer_organisations is not None
        if self.officer:
            choices += [("email", _("A donor, by e-mail address"))]
            choices += [
                (f"org:{org.pk}", org.name)
                for org in officer_organisations
                if (f"org:{org.pk}", org.name) not in choices
            ]
            self.fields["email"] = forms.EmailField(
                label=_("Donor's e-mail address"),
                required=False,
                help_text=_("Only for a donor by e-mail address."),
            )
        self.fields["donor"].choices = choices

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period comes after its start."))
            elif (end - start).days > STATEMENT_MAX_DAYS:
                self.add_error("end", _("A statement covers at most ten years."))
        if data.get("donor") == "email" and not data.get("email"):
            self.add_error("email", _("Enter the donor's e-mail address."))
        return data

    def organisation_id(self) -> int | None:
        donor = self.cleaned_data.get("donor", "")
        return int(donor.split(":", 1)[1]) if donor.startswith("org:") else None
