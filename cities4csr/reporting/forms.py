"""The statement page's period form and the management cost form: they only parse (dates in the
page's language, amounts as the page's language writes them); the services and the statement
check the rest."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from cities4csr.core.forms import CurrencyFormMixin, LocaleDateField, MoneyField

#: the longest period a statement covers (ten years, as donors' statements)
MAX_DAYS = 3660


class PeriodForm(forms.Form):
    """Whose statement (an officer or a person representing several companies chooses) and over
    which period (this year so far by default)."""

    organisation = forms.TypedChoiceField(label=gettext_lazy("Company"), coerce=int)
    start = LocaleDateField(label=pgettext_lazy("period", "From"))
    end = LocaleDateField(label=pgettext_lazy("period", "To"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = datetime.date(today.year, 1, 1)
        self.fields["end"].initial = today
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", gettext_lazy("The end of the period comes after its start."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", gettext_lazy("A statement covers at most ten years."))
        return data


class ManagementCostForm(CurrencyFormMixin, forms.Form):
    """What running the company's community programme cost it (staff, communication, evaluation)."""

    amount = MoneyField(label=gettext_lazy("Amount (%(currency)s)"), minimum=1)
    on = LocaleDateField(label=gettext_lazy("Date"))
    memo = forms.CharField(
        label=gettext_lazy("What it paid for"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("For example: the programme coordinator's time in March, the evaluation report."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
