"""The dashboard's filters (page and API): a period, a theme, a neighbourhood, an action of the
plan, months or quarters. Only parses: ``filters()`` gives ``impact.dashboard.Filters``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import LocaleDateField

from .dashboard import Filters


class DashboardFilterForm(forms.Form):
    since = LocaleDateField(label=_("From"), required=False)
    until = LocaleDateField(label=_("Until (included)"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    area = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    action = forms.TypedChoiceField(label=_("Action of the plan"), required=False, coerce=int, empty_value=None)
    step = forms.ChoiceField(
        label=_("Totals by"), required=False, choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )

    def __init__(self, data=None, *, themes=(), areas=(), actions=()):
        """``themes`` [(key, label)], ``areas`` [(code, name)], ``actions`` [(number, title)]."""
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["theme"].choices = everything + list(themes)
        self.fields["area"].choices = everything + [(code, f"{code} · {name}") for code, name in areas]
        self.fields["action"].choices = everything + [(str(n), f"{n}. {title}") for n, title in actions]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned

    def filters(self) -> Filters:
        """The filters asked for; none when the form is not valid (the whole history)."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            since=data.get("since"),
            until=data.get("until"),
            theme=data.get("theme") or "",
            area=data.get("area") or "",
            action=data.get("action"),
            step=data.get("step") or "month",
        )
