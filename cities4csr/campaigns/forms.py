"""Forms of campaigns: they parse (amounts in the reader's language, a deadline day in the city's
time zone) and the services enforce every rule."""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import CurrencyFormMixin, LocaleDateField, MoneyField
from cities4csr.core.i18n import language_name
from cities4csr.funds.models import Contribution, Fund
from cities4csr.needs.models import Need
from cities4csr.organisations.models import Organisation

from .models import Campaign, Matcher


def deadline_of(day: datetime.date, city) -> datetime.datetime:
    """The end of ``day`` in the city's time zone: a campaign closes at midnight where it runs."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zoneinfo.ZoneInfo(city.timezone))


class CampaignForm(CurrencyFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    need = forms.ModelChoiceField(label=_("Need"), queryset=Need.objects.none(), required=False)
    project = forms.CharField(
        label=_("Project"), max_length=200, required=False, help_text=_("What the money is for, when it is not a need")
    )
    recipient = forms.ModelChoiceField(
        label=_("Who receives the money"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For a project: the organisation that receives what is raised"),
    )
    target_cents = MoneyField(label=_("Target (%(currency)s)"), minimum=1)
    deadline = LocaleDateField(label=_("Last day for gifts"))
    mode = forms.ChoiceField(label=_("Rule"), choices=Campaign.Mode.choices, widget=forms.RadioSelect)
    on_miss = forms.ChoiceField(
        label=_("If the target is missed"), choices=Campaign.OnMiss.choices, widget=forms.RadioSelect
    )
    fund = forms.ModelChoiceField(
        label=_("Fund that receives a missed campaign's gifts"), queryset=Fund.objects.none(), required=False
    )
    match_cap_cents = MoneyField(label=_("Cap on all matches (%(currency)s)"), required=False)
    cascade = forms.BooleanField(
        label=_("What a matcher cannot match goes on to the next"), required=False, initial=True
    )
    iban = forms.CharField(label=_("IBAN"), max_length=34, help_text=_("The city's account that receives transfers"))
    beneficiary = forms.CharField(label=_("Beneficiary"), max_length=70, help_text=_("The account holder's name"))

    def __init__(self, *args, city, campaign: Campaign | None = None, **kwargs):
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(campaign, name) for name in self.base_fields if hasattr(campaign, name)},
                "deadline": campaign.deadline.astimezone(zoneinfo.ZoneInfo(city.timezone)).date(),
            }
        super().__init__(*args, currency=city.currency, **kwargs)
        self.city = city
        self.fields["need"].queryset = Need.objects.filter(
            city=city, state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]
        ).order_by("title")
        self.fields["recipient"].queryset = Organisation.objects.filter(city=city).order_by("name")
        self.fields["fund"].queryset = Fund.objects.filter(city=city).order_by("title")
        self.other_languages = [lang for lang in city.languages if lang != city.default_language]
        translations = (campaign.translations or {}) if campaign is not None else {}
        fields = list(self.fields.items())
        position = [name for name, _field in fields].index("description") + 1
        extra = []
        for lang in self.other_languages:
            name = language_name(lang)
            current = translations.get(lang, {}) if isinstance(translations.get(lang), dict) else {}
            extra += [
                (
                    f"title_{lang}",
                    forms.CharField(
                        label=_("Title in %(language)s (optional)") % {"language": name},
                        max_length=200,
                        required=False,
                        initial=current.get("title", ""),
                        widget=forms.TextInput(attrs={"lang": lang}),
                    ),
                ),
                (
                    f"description_{lang}",
                    forms.CharField(
                        label=_("Description in %(language)s (optional)") % {"language": name},
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 3, "lang": lang}),
                        initial=current.get("description", ""),
                    ),
                ),
            ]
        self.fields = dict(fields[:position] + extra + fields[position:])
        if campaign is None:  # the address is chosen once
            self.fields = {
                "slug": forms.SlugField(
                    label=_("Short name in addresses"),
                    max_length=80,
                    help_text=_("Letters, digits and hyphens: /campaigns/<short name>/"),
                ),
                **self.fields,
            }
        if campaign is not None and campaign.state != Campaign.State.DRAFT:
            for name in ("need", "project", "recipient", "target_cents", "deadline", "mode", "on_miss", "fund"):
                self.fields[name].disabled = True
            for name in ("match_cap_cents", "cascade"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        translations = {}
        for lang in self.other_languages:
            title, description = data.pop(f"title_{lang}", ""), data.pop(f"description_{lang}", "")
            if title or description:
                translations[lang] = {"title": title, "description": description}
        data["translations"] = translations
        if data.get("deadline"):
            data["deadline"] = deadline_of(data["deadline"], self.city)
        data["project"] = data.get("project") or ""
        return data


class MatcherForm(CurrencyFormMixin, forms.Form):
    KIND_MATCH, KIND_TOP_UP = "match", "top_up"

    organisation = forms.ModelChoiceField(
        label=_("Who"), queryset=Organisation.objects.none(), required=False, empty_label=_("The city itself")
    )
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=100, initial=1)
    kind = forms.ChoiceField(
        label=_("How"),
        choices=[
            (KIND_MATCH, _("Matches each gift")),
            (KIND_TOP_UP, _("Tops up the rest at the deadline, once a threshold is reached")),
        ],
        widget=forms.RadioSelect,
        initial=KIND_MATCH,
    )
    pool_cents = MoneyField(label=_("Money put in (%(currency)s)"))
    factor = forms.DecimalField(
        label=_("Match per euro given"),
        min_value=Decimal("0.001"),
        max_value=Decimal(100),
        decimal_places=3,
        initial=Decimal(1),
        localize=True,
        help_text=_("1 doubles each gift; 0.5 adds half of it"),
    )
    per_gift_cap_cents = MoneyField(label=_("Cap per gift (%(currency)s)"), required=False)
    per_donor_cap_cents = MoneyField(label=_("Cap per donor (%(currency)s)"), required=False)
    threshold_percent = forms.IntegerField(
        label=_("Threshold: share of the target (%)"), min_value=1, max_value=100, required=False
    )
    threshold_donors = forms.IntegerField(label=_("Threshold: number of donors"), min_value=1, required=False)
    threshold_all_of = forms.BooleanField(label=_("Both conditions must be met"), required=False)
    threshold_cap_cents = MoneyField(label=_("Cap on the top-up (%(currency)s)"), required=False)

    def __init__(self, *args, city, matcher: Matcher | None = None, **kwargs):
        if matcher is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(matcher, name) for name in self.base_fields if hasattr(matcher, name)},
                "kind": self.KIND_TOP_UP if matcher.is_top_up else self.KIND_MATCH,
            }
        super().__init__(*args, currency=city.currency, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            city=city, kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION, Organisation.Kind.ASSOCIATION]
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.KIND_TOP_UP:
            if not data.get("threshold_percent") and not data.get("threshold_donors"):
                self.add_error("threshold_percent", _("Give a share of the target, a number of donors, or both."))
            data["per_gift_cap_cents"] = data["per_donor_cap_cents"] = None
            data["factor"] = Decimal(1)
        else:
            data["threshold_percent"] = data["threshold_donors"] = data["threshold_cap_cents"] = None
            data["threshold_all_of"] = False
            if data.get("factor") is None and "factor" not in self.errors:
                self.add_error("factor", _("Give a number."))
        data.pop("kind", None)
        return data


class GiftForm(CurrencyFormMixin, forms.Form):
    """A gift to a campaign by bank transfer: the amount, who gives (a person, or a company a
    representative gives for), a name for the ledger only with consent."""

    amount_cents = MoneyField(label=_("Your gift (%(currency)s)"), minimum=1)
    organisation = forms.ModelChoiceField(
        label=_("Give as"), queryset=Organisation.objects.none(), required=False, empty_label=_("Myself")
    )
    donor_name = forms.CharField(label=_("Your name"), max_length=200)
    donor_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("For the receipt and to tell you if the campaign misses its target"),
    )
    name_public = forms.BooleanField(label=_("Show my name on the public ledger"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, city, organisations=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", secrets.token_urlsafe(16))
        super().__init__(*args, currency=city.currency, **kwargs)
        if organisations is not None and organisations.exists():
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]

    def donor_kind(self) -> str:
        organisation = self.cleaned_data.get("organisation")
        if organisation is None:
            return Contribution.DonorKind.CITIZEN
        return {
            Organisation.Kind.FOUNDATION: Contribution.DonorKind.FOUNDATION,
            Organisation.Kind.ASSOCIATION: Contribution.DonorKind.ASSOCIATION,
        }.get(organisation.kind, Contribution.DonorKind.COMPANY)


class PreviewForm(CurrencyFormMixin, forms.Form):
    amount = MoneyField(label=_("If I give (%(currency)s)"), minimum=1)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500)
