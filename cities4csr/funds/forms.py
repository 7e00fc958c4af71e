"""Forms of funds: they only parse; the services check every rule."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iso11649

from cities4csr.core.forms import CurrencyFormMixin, LocaleDateField, MoneyField, add_service_errors
from cities4csr.core.i18n import language_name

from .models import Contribution, Fund

# === Bank statements and reconciliation ===========================================================


class StatementUploadForm(forms.Form):
    """A statement of the fund's account; for a CSV export, the names of its columns."""

    file = forms.FileField(
        label=gettext_lazy("Statement file"),
        help_text=gettext_lazy("The camt.053 XML file your bank sends, or its CSV export of the account's movements."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("camt053", gettext_lazy("ISO 20022 camt.053 statement (XML)")),
            ("csv", gettext_lazy("The bank's CSV export")),
        ],
    )
    booking_date = forms.CharField(
        label=gettext_lazy("CSV: column of the booking date"), max_length=80, required=False, initial="Data contabile"
    )
    amount = forms.CharField(
        label=gettext_lazy("CSV: column of the amount"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "A signed amount (debits below zero). Leave empty if credits and debits have columns of their own."
        ),
    )
    credit = forms.CharField(
        label=gettext_lazy("CSV: column of credits"), max_length=80, required=False, initial="Avere"
    )
    debit = forms.CharField(label=gettext_lazy("CSV: column of debits"), max_length=80, required=False, initial="Dare")
    debtor_name = forms.CharField(label=gettext_lazy("CSV: column of the payer's name"), max_length=80, required=False)
    remittance = forms.CharField(
        label=gettext_lazy("CSV: column of the description"), max_length=80, required=False, initial="Descrizione"
    )
    bank_reference = forms.CharField(
        label=gettext_lazy("CSV: column of the bank's reference of each movement"), max_length=80, required=False
    )

    CSV_FIELDS = ("booking_date", "amount", "credit", "debit", "debtor_name", "remittance", "bank_reference")

    def csv_profile(self) -> dict:
        if self.cleaned_data["format"] != "csv":
            return {}
        return {name: self.cleaned_data[name].strip() for name in self.CSV_FIELDS if self.cleaned_data[name].strip()}


class BankLineMatchForm(forms.Form):
    """The pending contribution a bank line pays: one of the same amount, or any by its reference."""

    contribution = forms.TypedChoiceField(
        label=gettext_lazy("Pending contribution of the same amount"), coerce=int, required=False, empty_value=None
    )
    reference = forms.CharField(
        label=gettext_lazy("Or its payment reference"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("For example RF18 5390 0754 7034"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contribution"].choices = [("", gettext_lazy("(none)"))] + [
            (c.pk, f"{c.reference} · {c.donor_name}") for c in candidates
        ]

    def clean(self):
        data = super().clean()
        if not data.get("contribution") and not (data.get("reference") or "").strip():
            raise forms.ValidationError(
                gettext_lazy("Choose a contribution or give its payment reference."), code="required"
            )
        return data


class BankLineIgnoreForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why set it aside"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: a gift recorded at the counter, a bank's own movement."),
    )


# Forms of the fund pages: they only parse what people type (amounts through ``MoneyField`` in
# the page's language, dates in its format); ``funds.services`` decides and refuses.


#: a service's field names -> the form's
SERVICE_FIELDS = {"amount_cents": "amount", "received_cents": "amount", "target_cents": "target"}


def service_errors(form, exc) -> None:
    """A service's refusal onto the form, under the field the person typed it in."""
    if hasattr(exc, "error_dict"):
        exc.error_dict = {SERVICE_FIELDS.get(name, name): errors for name, errors in exc.error_dict.items()}
    add_service_errors(form, exc)


def _idempotency(form) -> None:
    if not form.is_bound:  # one key per form shown: posting it twice makes one contribution
        form.initial["idempotency_key"] = uuid.uuid4().hex


class GiveForm(CurrencyFormMixin, forms.Form):
    """A gift to a fund, by anyone, with or without an account."""

    donor_kind = forms.ChoiceField(
        label=gettext_lazy("Who gives"), choices=Contribution.DonorKind.choices, widget=forms.RadioSelect
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("On behalf of"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Myself, not an organisation"),
        help_text=gettext_lazy("You represent these organisations on the platform."),
    )
    donor_name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    donor_email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        required=False,
        help_text=gettext_lazy("Where we send the receipt and the link to your contribution."),
    )
    donor_tax_id = forms.CharField(
        label=gettext_lazy("Tax code (optional)"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Needed for a receipt you can use for tax purposes."),
    )
    donor_address = forms.CharField(
        label=gettext_lazy("Address (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = MoneyField(label=gettext_lazy("Amount in %(currency)s"), minimum=1)
    earmark = forms.ModelChoiceField(
        label=gettext_lazy("For"), queryset=None, required=False, empty_label=gettext_lazy("Wherever it is needed most")
    )
    name_public = forms.BooleanField(
        label=gettext_lazy("Show my name on the public ledger"),
        required=False,
        initial=False,
        help_text=gettext_lazy("Otherwise the public ledger only says “a citizen”, “a company”, “an association”…"),
    )
    channel = forms.ChoiceField(label=gettext_lazy("How you pay"), widget=forms.RadioSelect)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, organisations, earmarks, channels, **kwargs):
        super().__init__(*args, **kwargs)
        _idempotency(self)
        self.fields["organisation"].queryset = organisations
        if not organisations.exists():
            del self.fields["organisation"]
        self.fields["earmark"].queryset = earmarks
        if not earmarks.exists():
            del self.fields["earmark"]
        labels = dict(Contribution.Channel.choices)
        self.fields["channel"].choices = [(c, labels[c]) for c in channels]
        self.initial.setdefault("channel", channels[0])
        self.initial.setdefault("donor_kind", Contribution.DonorKind.CITIZEN)


class FundForm(CurrencyFormMixin, forms.Form):
    """A fund's description, act, dates and bank details; its title and purpose in the city's
    other languages are optional."""

    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. milano-aiuta"),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), widget=forms.Textarea(attrs={"rows": 4}))
    governance_act = forms.CharField(
        label=gettext_lazy("Act that set it up"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("For example: Giunta resolution no. 90"),
    )
    governance_act_on = LocaleDateField(label=gettext_lazy("Date of the act"), required=False)
    opens_on = LocaleDateField(label=gettext_lazy("Opens on"))
    closes_on = LocaleDateField(label=gettext_lazy("Closes on (optional)"), required=False)
    iban = forms.CharField(
        label=gettext_lazy("IBAN"), max_length=42, help_text=gettext_lazy("The city's account that receives transfers")
    )
    bic = forms.CharField(label=gettext_lazy("BIC (optional)"), max_length=11, required=False)
    beneficiary = forms.CharField(
        label=gettext_lazy("Beneficiary"), max_length=70, help_text=gettext_lazy("The account holder's name")
    )
    target = MoneyField(label=gettext_lazy("Target in %(currency)s (optional)"), minimum=1, required=False)

    def __init__(self, *args, city, fund: Fund | None = None, **kwargs):
        super().__init__(*args, currency=city.currency, **kwargs)
        self.others = [code for code, _name in settings.LANGUAGES if code != city.default_language]
        for code in self.others:
            name = language_name(code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s (optional)") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"purpose_{code}"] = forms.CharField(
                label=_("Purpose in %(language)s (optional)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if fund is not None:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("It stays as it is: it is in the addresses people saved.")
            if not self.is_bound:
                for name in ("slug", "title", "purpose", "governance_act", "governance_act_on", "opens_on"):
                    self.initial[name] = getattr(fund, name)
                for name in ("closes_on", "iban", "bic", "beneficiary"):
                    self.initial[name] = getattr(fund, name)
                self.initial["target"] = fund.target_cents
                for code in self.others:
                    texts = (fund.translations or {}).get(code, {})
                    self.initial[f"title_{code}"] = texts.get("title", "")
                    self.initial[f"purpose_{code}"] = texts.get("purpose", "")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        translations = {}
        for code in self.others:
            texts = {k: data.get(f"{k}_{code}", "").strip() for k in ("title", "purpose")}
            texts = {k: v for k, v in texts.items() if v}
            if texts:
                translations[code] = texts
        return {
            "title": data["title"],
            "purpose": data["purpose"],
            "translations": translations,
            "governance_act": data["governance_act"],
            "governance_act_on": data["governance_act_on"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "iban": data["iban"],
            "bic": data["bic"],
            "beneficiary": data["beneficiary"],
            "target_cents": data["target"],
        }


class ReasonForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PurposeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.SlugField(
        label=gettext_lazy("Code"), max_length=50, help_text=gettext_lazy("Letters, digits and hyphens, e.g. nurseries")
    )


class EarmarkForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.ModelChoiceField(label=gettext_lazy("Purpose (optional)"), queryset=None, required=False)

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = purposes


class ContributionFilterForm(forms.Form):
    fund = forms.ModelChoiceField(label=gettext_lazy("Fund"), queryset=None, required=False, empty_label=None)
    channel = forms.ChoiceField(label=gettext_lazy("How"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Payment reference or name"),
    )

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["fund"].queryset = funds
        self.fields["fund"].empty_label = _("All")
        self.fields["channel"].choices = everything + list(Contribution.Channel.choices)
        self.fields["state"].choices = everything + list(Contribution.State.choices)
        self.fields["q"].widget.attrs["type"] = "search"

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "fund": data.get("fund"),
            "channel": data.get("channel") or "",
            "state": data.get("state") or "",
            "q": data.get("q") or "",
        }


class ReceiveForm(CurrencyFormMixin, forms.Form):
    received_on = LocaleDateField(label=gettext_lazy("Received on"))
    amount = MoneyField(
        label=gettext_lazy("Amount received in %(currency)s"),
        minimum=1,
        required=False,
        help_text=gettext_lazy("Leave empty when the whole amount arrived."),
    )


class RefundForm(CurrencyFormMixin, forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount to refund in %(currency)s"), minimum=1)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(CurrencyFormMixin, forms.Form):
    """Money the city received outside the platform, with its evidence."""

    fund = forms.ModelChoiceField(label=gettext_lazy("Fund"), queryset=None)
    donor_kind = forms.ChoiceField(label=gettext_lazy("Who gave"), choices=Contribution.DonorKind.choices)
    donor_name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    donor_email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)
    donor_tax_id = forms.CharField(label=gettext_lazy("Tax code (optional)"), max_length=32, required=False)
    donor_address = forms.CharField(
        label=gettext_lazy("Address (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    name_public = forms.BooleanField(label=gettext_lazy("The donor agreed to show their name"), required=False)
    amount = MoneyField(label=gettext_lazy("Amount in %(currency)s"), minimum=1)
    received_on = LocaleDateField(label=gettext_lazy("Received on"))
    evidence = forms.FileField(
        label=gettext_lazy("Evidence"), help_text=gettext_lazy("A scan of the cheque, the counter receipt…")
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        _idempotency(self)
        self.fields["fund"].queryset = funds


class AwardForm(CurrencyFormMixin, forms.Form):
    """An award decided by an act; its recipient is found by a search, never picked from a list of
    every organisation of the city."""

    fund = forms.ModelChoiceField(label=gettext_lazy("Fund"), queryset=None)
    purpose = forms.ModelChoiceField(label=gettext_lazy("Purpose"), queryset=None)
    description = forms.CharField(
        label=gettext_lazy("What it pays for"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    criteria = forms.CharField(
        label=gettext_lazy("Criteria (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    act_number = forms.CharField(
        label=gettext_lazy("Act number"),
        max_length=100,
        help_text=gettext_lazy("For example: Giunta resolution no. 412"),
    )
    act_on = LocaleDateField(label=gettext_lazy("Date of the act"))
    amount = MoneyField(label=gettext_lazy("Amount in %(currency)s"), minimum=1)

    def __init__(self, *args, funds, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds
        self.fields["purpose"].queryset = purposes
        if not self.is_bound:  # a city with one fund, one purpose: already chosen
            for name, queryset in (("fund", funds), ("purpose", purposes)):
                only = list(queryset[:2])
                if len(only) == 1:
                    self.initial.setdefault(name, only[0].pk)


class RecipientForm(forms.Form):
    """Who receives an award, found by a search: at most 20 organisations and 20 needs are
    offered, never a list of every organisation of the city; the fields accept any the officer
    may see."""

    recipient_q = forms.CharField(
        label=gettext_lazy("Find the recipient"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Type at least two letters of the organisation's name or of the need's title."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Recipient organisation"), queryset=None, required=False, empty_label="—"
    )
    need = forms.ModelChoiceField(label=gettext_lazy("Or a need"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, organisations, needs, organisation_matches, need_matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_q"].widget.attrs["type"] = "search"
        for name, queryset, matches in (
            ("organisation", organisations, organisation_matches),
            ("need", needs, need_matches),
        ):
            field = self.fields[name]
            field.queryset = queryset
            field.widget.choices = [("", "—"), *((item.pk, str(item)) for item in matches)]
        self.searched = bool(organisation_matches or need_matches)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("organisation") is None) == (data.get("need") is None):
            raise forms.ValidationError(
                _("Choose the organisation or the need that receives the award (one of the two)."),
                code="one_recipient",
            )
        return data


class DisbursementForm(CurrencyFormMixin, forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount paid in %(currency)s"), minimum=1)
    paid_on = LocaleDateField(label=gettext_lazy("Paid on"))
    receipt = forms.FileField(
        label=gettext_lazy("Receipt"), help_text=gettext_lazy("The bank's payment order or the recipient's receipt")
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=255, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
        label=gettext_lazy("Payment reference"),
        max_length=60,
        help_text=gettext_lazy(
            "It starts with RF: you find it on your payment instruction and on your bank statement."
        ),
    )

    def clean_reference(self):
        from .selectors import reference_clean

        reference = reference_clean(self.cleaned_data.get("reference", ""))
        if not iso11649.is_valid(reference):
            raise forms.ValidationError(
                gettext_lazy(
                    "This is not a payment reference: check it against your payment instruction (it starts with RF)."
                ),
                code="invalid_reference",
            )
        return reference


# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------


#: the longest period a statement covers: ten years of gifts
STATEMENT_MAX_DAYS = 3660
ME = "me"


class GiftStatementForm(forms.Form):
    """Whose gifts and over which period: a person chooses themselves or an organisation they
    represent; an officer may also ask for any donor by e-mail address or organisation."""

    start = LocaleDateField(label=gettext_lazy("From"))
    end = LocaleDateField(label=gettext_lazy("To"))
    donor = forms.ChoiceField(label=gettext_lazy("Whose gifts"), widget=forms.Select(attrs={"class": "mw-100"}))

    def __init__(self, *args, represented=(), officer_organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = datetime.date(today.year, 1, 1)
        self.fields["end"].initial = today
        choices = [(ME, gettext_lazy("My own gifts"))]
        choices += [(f"org:{org.pk}", org.name) for org in represented]
        self.officer = officer_organisations is not None
        if self.officer:
            choices += [("email", gettext_lazy("A donor, by e-mail address"))]
            choices += [
                (f"org:{org.pk}", org.name)
                for org in officer_organisations
                if (f"org:{org.pk}", org.name) not in choices
            ]
            self.fields["email"] = forms.EmailField(
                label=gettext_lazy("Donor's e-mail address"),
                required=False,
                help_text=gettext_lazy("Only for a donor by e-mail address."),
            )
        self.fields["donor"].choices = choices

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", gettext_lazy("The end of the period comes after its start."))
            elif (end - start).days > STATEMENT_MAX_DAYS:
                self.add_error("end", gettext_lazy("A statement covers at most ten years."))
        if data.get("donor") == "email" and not data.get("email"):
            self.add_error("email", gettext_lazy("Enter the donor's e-mail address."))
        return data

    def organisation_id(self) -> int | None:
        donor = self.cleaned_data.get("donor", "")
        return int(donor.split(":", 1)[1]) if donor.startswith("org:") else None
