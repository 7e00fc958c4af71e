import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import ChoiceFilterCheckboxes, MoneyField, QuantityField
from cities4csr.core.money import active_locale, money_format, quantity_input, unit_name
from cities4csr.needs.models import ResourceKind

from .models import Evidence


class PledgeForm(forms.Form):
    """One field per open line of the need: an amount of the city's currency for money, units
    (hours, items, days) otherwise. Amounts are read as the active language writes them."""

    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, empty_label=None)
    partners = forms.ModelMultipleChoiceField(
        label=_("Together with (collective action)"),
        queryset=None,
        required=False,
        help_text=_("Other organisations that join this pledge; type a name to find them."),
        widget=ChoiceFilterCheckboxes,
    )
    is_public = forms.BooleanField(label=_("Show our name on the public pages"), required=False, initial=True)
    message = forms.CharField(label=_("Message to the city"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, lines, organisations, partners, currency, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # one key per form shown: posting it twice makes one pledge
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.fields["organisation"].queryset = organisations
        self.fields["partners"].queryset = partners
        self.lines = [line for line in lines if line.remaining > 0]
        locale = active_locale()
        for line in self.lines:
            if line.kind == ResourceKind.MONEY:
                field = MoneyField(
                    currency=currency,
                    label=_("%(label)s: amount in %(currency)s (still needed: %(left)s)")
                    % {
                        "label": line.label,
                        "currency": currency,
                        "left": money_format(line.remaining, locale=locale, currency=currency),
                    },
                    required=False,
                )
            else:
                field = QuantityField(
                    label=_("%(label)s: %(unit)s (still needed: %(left)s)")
                    % {
                        "label": line.label,
                        "unit": unit_name(line.unit),
                        "left": quantity_input(line.remaining, locale=locale),
                    },
                    min_value=0,
                    required=False,
                )
            self.fields[f"line_{line.pk}"] = field
            if line.kind != ResourceKind.MONEY:
                self.fields[f"cost_{line.pk}"] = MoneyField(
                    currency=currency,
                    label=_("%(label)s: what it costs you, in %(currency)s (optional)")
                    % {"label": line.label, "currency": currency},
                    help_text=_(
                        "Gifts in kind and time count at their cost to you; without it, at the city's estimate."
                    ),
                    required=False,
                )

    def clean(self):
        data = super().clean()
        items, costs = [], {}
        for line in self.lines:
            raw = data.get(f"line_{line.pk}")
            if line.kind != ResourceKind.MONEY:
                cost = data.get(f"cost_{line.pk}")
                if cost is not None and raw:
                    costs[line.pk] = cost
            if raw:
                items.append((line, raw))
        if not items and not self.errors:
            raise forms.ValidationError(_("Say how much of at least one line you pledge."))
        data["items"], data["costs"] = items, costs
        return data


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    volunteer_hours = QuantityField(label=_("Volunteer hours recorded"), min_value=0, required=False)


class EvidenceReplaceForm(forms.Form):
    file = forms.FileField(label=_("Corrected file"))
    reason = forms.CharField(label=_("Why (optional)"), max_length=255, required=False)


class EvidenceWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=255, required=False)


class PledgeTransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
